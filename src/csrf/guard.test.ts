import { describe, expect, it } from 'vitest';
import type { RequestView } from '../_http/index.js';
import { createCsrfGuard } from './index.js';

const view = (method: string, headers: Record<string, string>, url = '/x'): RequestView => ({
  method,
  url,
  header: (n) => headers[n] ?? null,
});

describe('createCsrfGuard', () => {
  const guard = createCsrfGuard({ origin: 'https://app.example' });

  it('is an HttpCore whose handle is check', () => {
    expect(guard.handle).toBe(guard.check);
    expect(Object.isFrozen(guard)).toBe(true);
  });

  it('answers allowed requests with one shared frozen decision per reason (no allocation)', () => {
    const a = guard.check(view('POST', { 'sec-fetch-site': 'same-origin' }));
    const b = guard.check(view('PUT', { 'sec-fetch-site': 'same-origin' }));
    expect(a).toBe(b);
    expect(Object.isFrozen(a)).toBe(true);
    expect(a).toEqual({
      allowed: true,
      reason: 'sec-fetch-site-same-origin',
      end: false,
      headers: [],
      vary: [],
    });
  });

  it('refuses, never throws, when the request cannot be read', () => {
    const broken: RequestView = {
      method: 'POST',
      header() {
        throw new Error('adapter bug');
      },
    };
    expect(guard.check(broken)).toMatchObject({ allowed: false, reason: 'request-unreadable', status: 403 });
    const noMethod = {
      get method(): string {
        throw new Error('no');
      },
      header: () => null,
    } as RequestView;
    expect(guard.check(noMethod)).toMatchObject({ allowed: false, reason: 'request-unreadable' });
  });

  it('refuses when a header getter breaks the contract (an array, a number) instead of reading it as absent', () => {
    const arrays: RequestView = {
      method: 'POST',
      header: (n) => (n === 'origin' ? (['https://evil.example'] as unknown as string) : null),
    };
    expect(guard.check(arrays)).toMatchObject({ allowed: false, reason: 'request-unreadable' });
  });

  it('caches own origins from Host per guard, bounded, without changing any decision', () => {
    const byHost = createCsrfGuard({ scheme: 'https' });
    for (let round = 0; round < 2; round++) {
      for (let i = 0; i < 200; i++) {
        const host = `h${i}.example`;
        expect(byHost.check(view('POST', { host, origin: `https://${host}` })).reason).toBe('origin-match');
        expect(byHost.check(view('POST', { host, origin: `https://h${i + 1}.example` })).reason).toBe(
          'origin-mismatch',
        );
      }
    }
  });

  it('treats an empty header as absent (as Go does)', () => {
    expect(guard.check(view('POST', { 'sec-fetch-site': '', origin: '' })).reason).toBe('no-origin');
  });

  it('treats a non-string method as unsafe', () => {
    const v = {
      method: undefined as unknown as string,
      header: (n: string) => (n === 'sec-fetch-site' ? 'cross-site' : null),
    };
    expect(guard.check(v).allowed).toBe(false);
  });
});

describe('bypass predicate', () => {
  it('exempts when it returns true, and only after a check failed', () => {
    let calls = 0;
    const guard = createCsrfGuard({
      origin: 'https://app.example',
      bypass: {
        match: (r) => {
          calls++;
          return r.url === '/hook';
        },
      },
    });
    expect(guard.check(view('POST', { 'sec-fetch-site': 'same-origin' }, '/hook')).reason).toBe(
      'sec-fetch-site-same-origin',
    );
    expect(calls).toBe(0);
    expect(guard.check(view('POST', { 'sec-fetch-site': 'cross-site' }, '/hook')).reason).toBe(
      'bypass-route',
    );
    expect(guard.check(view('POST', { 'sec-fetch-site': 'cross-site' }, '/other')).reason).toBe(
      'sec-fetch-site-cross-site',
    );
    expect(calls).toBe(2);
  });

  it('counts a throwing or non-boolean predicate as false', () => {
    const throwing = createCsrfGuard({
      origin: 'https://app.example',
      bypass: {
        match: () => {
          throw new Error('x');
        },
      },
    });
    expect(throwing.check(view('POST', { 'sec-fetch-site': 'cross-site' })).allowed).toBe(false);
    const truthy = createCsrfGuard({
      origin: 'https://app.example',
      bypass: { match: (() => 1) as unknown as () => boolean },
    });
    expect(truthy.check(view('POST', { 'sec-fetch-site': 'cross-site' })).allowed).toBe(false);
  });

  it('never exempts an over-long or ambiguous URL', () => {
    const guard = createCsrfGuard({ origin: 'https://app.example', bypass: { prefixes: ['/hooks'] } });
    const cs = { 'sec-fetch-site': 'cross-site' };
    expect(guard.check(view('POST', cs, `/hooks/${'a'.repeat(9000)}`)).allowed).toBe(false);
    expect(guard.check(view('POST', cs, '/hooks//x')).allowed).toBe(false);
    expect(guard.check(view('POST', cs, '/hooks/%2E%2E/x')).allowed).toBe(false);
    expect(guard.check(view('POST', cs, '/hooks\\..\\x')).allowed).toBe(false);
    expect(guard.check(view('POST', cs, '//hooks/x')).allowed).toBe(false);
    expect(guard.check(view('POST', cs, '/hooks/x#frag')).allowed).toBe(true);
    expect(
      guard.check({ method: 'POST', header: (n) => (n === 'sec-fetch-site' ? 'cross-site' : null) }).allowed,
    ).toBe(false);
  });
});

describe('own origin from the request', () => {
  it('reads :authority when there is no Host (HTTP/2 views)', () => {
    const guard = createCsrfGuard({ scheme: 'https' });
    expect(
      guard.check(view('POST', { ':authority': 'app.example', origin: 'https://app.example' })).reason,
    ).toBe('origin-match');
  });

  it('prefers Forwarded to X-Forwarded-*, field by field', () => {
    const guard = createCsrfGuard({ trustProxy: true });
    const h = {
      host: 'internal:3000',
      forwarded: 'proto=https',
      'x-forwarded-proto': 'http',
      'x-forwarded-host': 'app.example',
      origin: 'https://app.example',
    };
    expect(guard.check(view('POST', h)).reason).toBe('origin-match');
  });
});
