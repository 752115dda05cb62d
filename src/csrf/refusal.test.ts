import { describe, expect, it } from 'vitest';
import type { RequestView } from '../_http/index.js';
import { type CsrfDenyResponse, createCsrfGuard, prefersJson } from './index.js';

const crossSite = (extra: Record<string, string> = {}): RequestView => {
  const h: Record<string, string> = {
    'sec-fetch-site': 'cross-site',
    origin: 'https://evil.example',
    ...extra,
  };
  return { method: 'POST', url: '/transfer', header: (n) => h[n] ?? null };
};

describe('prefersJson', () => {
  it.each([
    [null, false],
    ['', false],
    ['*/*', false],
    ['text/html,application/xhtml+xml,application/xml;q=0.9,*/*;q=0.8', false],
    ['application/json', true],
    ['application/json, text/plain, */*', true],
    ['application/problem+json', true],
    ['application/*', true],
    ['text/plain, application/json', true],
    ['text/plain, application/json;q=0.5', false],
    ['application/json;q=0', false],
    ['application/json;q=abc', false],
    ['APPLICATION/JSON', true],
    [`${'text/x, '.repeat(1000)}application/json`, false],
  ])('%j → %s', (accept, json) => {
    expect(prefersJson(accept)).toBe(json);
  });
});

describe('default refusal', () => {
  const guard = createCsrfGuard({ origin: 'https://app.example' });

  it('is a 403 with one plain-text sentence by default, not cached, varying by the headers that decided', () => {
    const d = guard.check(crossSite());
    expect(d).toMatchObject({
      allowed: false,
      end: true,
      status: 403,
      contentType: 'text/plain; charset=utf-8',
    });
    expect(d.body).toBe(
      'Forbidden. Cross-site request refused: the browser marked it Sec-Fetch-Site: cross-site.\n',
    );
    expect(d.headers).toEqual([['cache-control', 'no-store']]);
    expect(d.vary).toEqual(['Sec-Fetch-Site', 'Origin', 'Accept']);
  });

  it('is JSON when Accept prefers it', () => {
    const d = guard.check(crossSite({ accept: 'application/json' }));
    expect(d.contentType).toBe('application/json; charset=utf-8');
    expect(JSON.parse(d.allowed ? '' : d.body)).toEqual({
      error: 'csrf',
      reason: 'sec-fetch-site-cross-site',
      message: 'Cross-site request refused: the browser marked it Sec-Fetch-Site: cross-site.',
    });
  });

  it('never echoes request data into the body', () => {
    const h = { origin: 'https://evil.example/<script>', referer: 'https://x/<img>' };
    const d = guard.check({ method: 'POST', header: (n) => (h as Record<string, string>)[n] ?? null });
    expect(d.allowed).toBe(false);
    expect(d.allowed ? '' : d.body).not.toMatch(/<|evil/);
  });

  it('adds Referer to Vary when the Referer decided', () => {
    const h: Record<string, string> = { referer: 'https://evil.example/' };
    const d = guard.check({ method: 'POST', header: (n) => h[n] ?? null });
    expect(d.reason).toBe('referer-mismatch');
    expect(d.vary).toEqual(['Sec-Fetch-Site', 'Origin', 'Referer', 'Accept']);
  });
});

describe('custom deny handler', () => {
  const make = (deny: (...a: never[]) => unknown) =>
    createCsrfGuard({ origin: 'https://app.example', deny: deny as () => CsrfDenyResponse });

  it('receives the reason and message and shapes the response', () => {
    const seen: unknown[] = [];
    const guard = make((refusal: unknown, request: RequestView) => {
      seen.push(refusal, request.url);
      return {
        status: 400,
        body: '<h1>No</h1>',
        contentType: 'text/html; charset=utf-8',
        headers: [['X-Reason', 'csrf']],
      };
    });
    const d = guard.check(crossSite());
    expect(seen).toEqual([
      { reason: 'sec-fetch-site-cross-site', message: expect.stringContaining('Sec-Fetch-Site: cross-site') },
      '/transfer',
    ]);
    expect(d).toMatchObject({
      allowed: false,
      end: true,
      status: 400,
      body: '<h1>No</h1>',
      contentType: 'text/html; charset=utf-8',
    });
    expect(d.headers).toEqual([
      ['cache-control', 'no-store'],
      ['x-reason', 'csrf'],
    ]);
    // Its own body does not depend on Accept.
    expect(d.vary).toEqual(['Sec-Fetch-Site', 'Origin']);
  });

  it('keeps the default body (and its Vary: Accept) when the handler only sets a status', () => {
    const d = make(() => ({ status: 451 })).check(crossSite({ accept: 'application/json' }));
    expect(d).toMatchObject({ status: 451, contentType: 'application/json; charset=utf-8' });
    expect(d.vary).toContain('Accept');
  });

  it('moves a Vary header from the handler into vary (adapters merge it)', () => {
    const d = make(() => ({ body: 'x', headers: [['Vary', 'Accept-Language, bad value']] })).check(
      crossSite(),
    );
    expect(d.headers).toEqual([['cache-control', 'no-store']]);
    expect(d.vary).toEqual(['Sec-Fetch-Site', 'Origin', 'Accept-Language']);
  });

  it.each([
    [
      'throws',
      () => {
        throw new Error('boom');
      },
    ],
    ['returns undefined', () => undefined],
    ['returns a string', () => 'no'],
    ['status 200', () => ({ status: 200 })],
    ['status 403.5', () => ({ status: 403.5 })],
    ['status 600', () => ({ status: 600 })],
    ['a non-string body', () => ({ body: 42 })],
    ['a CR LF in a header value', () => ({ headers: [['x-a', 'b\r\nset-cookie: x=1']] })],
    ['a bad header name', () => ({ headers: [['x a', 'b']] })],
    ['a header that is not a pair', () => ({ headers: [['x-a']] })],
    ['a CR LF in the content type', () => ({ body: 'x', contentType: 'text/plain\r\nx: y' })],
    ['headers not an array', () => ({ headers: { 'x-a': 'b' } })],
  ])('falls back to the default 403 when the handler %s', (_name, deny) => {
    const d = make(deny).check(crossSite());
    expect(d).toMatchObject({
      allowed: false,
      end: true,
      status: 403,
      contentType: 'text/plain; charset=utf-8',
    });
    expect(d.headers).toEqual([['cache-control', 'no-store']]);
  });
});
