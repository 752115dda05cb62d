import { describe, expect, it } from 'vitest';
import type { RequestView } from '../_http/index.js';
import { createCsrfGuard } from './index.js';
import { isWebSocketUpgrade } from './upgrade.js';

const view = (method: string, headers: Record<string, string>, url = '/socket'): RequestView => ({
  method,
  url,
  header: (n) => headers[n] ?? null,
});
const ws = (headers: Record<string, string>, url?: string) =>
  view('GET', { upgrade: 'websocket', connection: 'Upgrade', ...headers }, url);

describe('WebSocket handshakes (cross-site WebSocket hijacking)', () => {
  const guard = createCsrfGuard({
    origin: 'https://app.example',
    trustedOrigins: ['https://*.partner.example'],
  });

  it('recognises a handshake by GET and the websocket token, case-insensitively, among others', () => {
    expect(isWebSocketUpgrade(ws({}))).toBe(true);
    expect(isWebSocketUpgrade(view('GET', { upgrade: 'WebSocket' }))).toBe(true);
    expect(isWebSocketUpgrade(view('GET', { upgrade: 'foo/1, websocket' }))).toBe(true);
    expect(isWebSocketUpgrade(view('GET', { upgrade: 'h2c' }))).toBe(false);
    expect(isWebSocketUpgrade(view('POST', { upgrade: 'websocket' }))).toBe(false);
    expect(isWebSocketUpgrade(view('GET', {}))).toBe(false);
    expect(isWebSocketUpgrade(view('GET', { upgrade: `${'x,'.repeat(200)}websocket` }))).toBe(false);
  });

  it.each([
    ['the app itself', { origin: 'https://app.example' }, true, 'origin-match'],
    ['a trusted pattern', { origin: 'https://eu.partner.example' }, true, 'trusted-origin'],
    ['another site', { origin: 'https://evil.example' }, false, 'origin-mismatch'],
    [
      'another site that says same-origin',
      { origin: 'https://evil.example', 'sec-fetch-site': 'same-origin' },
      false,
      'origin-mismatch',
    ],
    ['the app over http', { origin: 'http://app.example' }, false, 'origin-mismatch'],
    ['an opaque origin', { origin: 'null' }, false, 'origin-null'],
    [
      'two Origin lines joined',
      { origin: 'https://app.example, https://evil.example' },
      false,
      'origin-invalid',
    ],
    ['no Origin (not a browser)', {}, true, 'no-origin'],
  ])('check() and checkUpgrade(): %s', (_name, headers, allowed, reason) => {
    for (const d of [guard.check(ws(headers)), guard.checkUpgrade(ws(headers))]) {
      expect(d.allowed).toBe(allowed);
      expect(d.reason).toBe(reason);
      if (!d.allowed) expect(d).toMatchObject({ end: true, status: 403 });
    }
  });

  it('a plain GET is still a safe method, whatever its Origin', () => {
    expect(guard.check(view('GET', { origin: 'https://evil.example' })).reason).toBe('safe-method');
    // checkUpgrade decides by Origin whatever the method or Upgrade value.
    expect(guard.checkUpgrade(view('GET', { origin: 'https://evil.example' })).allowed).toBe(false);
  });

  it('upgradeWithoutOrigin: refuse, and strict, refuse a handshake without Origin', () => {
    for (const g of [
      createCsrfGuard({ origin: 'https://app.example', upgradeWithoutOrigin: 'refuse' }),
      createCsrfGuard({ origin: 'https://app.example', strict: true }),
    ]) {
      expect(g.check(ws({}))).toMatchObject({ allowed: false, reason: 'origin-missing' });
      expect(g.check(ws({ origin: 'https://app.example' })).allowed).toBe(true);
    }
    const lax = createCsrfGuard({
      origin: 'https://app.example',
      strict: true,
      upgradeWithoutOrigin: 'allow',
    });
    expect(lax.check(ws({})).reason).toBe('no-origin');
    expect(() =>
      createCsrfGuard({ origin: 'https://app.example', upgradeWithoutOrigin: 'no' as never }),
    ).toThrow(/upgradeWithoutOrigin: expected "allow" or "refuse"/);
  });

  it('with scheme + Host: compares Origin with scheme://Host, and refuses a repeated Host', () => {
    const g = createCsrfGuard({ scheme: 'https' });
    expect(g.check(ws({ host: 'app.example', origin: 'https://app.example' })).reason).toBe('origin-match');
    expect(g.check(ws({ host: 'app.example', origin: 'https://evil.example' })).reason).toBe(
      'origin-mismatch',
    );
    const repeated = ws({ host: 'evil.example.net, app.example.com', origin: 'https://evil.example.net' });
    expect(g.check(repeated)).toMatchObject({ allowed: false, reason: 'own-origin-unknown' });
  });

  it('sameSite allow and bypass routes apply as for other requests', () => {
    const g = createCsrfGuard({
      origin: 'https://app.example.com',
      sameSite: 'allow',
      bypass: { paths: ['/public-socket'] },
    });
    expect(g.check(ws({ origin: 'https://admin.example.com' })).reason).toBe('same-site-allowed');
    expect(g.check(ws({ origin: 'https://evil.example' }, '/public-socket')).reason).toBe('bypass-route');
  });

  it('refuses, never throws, on a broken view', () => {
    const broken: RequestView = {
      method: 'GET',
      header() {
        throw new Error('adapter bug');
      },
    };
    expect(guard.checkUpgrade(broken)).toMatchObject({ allowed: false, reason: 'request-unreadable' });
    expect(guard.check(broken)).toMatchObject({ allowed: false, reason: 'request-unreadable' });
  });
});

describe('repeated Host and Referer (issue #17)', () => {
  it("refuses the issue's case: scheme https, Host evil then app (joined), Origin evil", () => {
    const g = createCsrfGuard({ scheme: 'https' });
    const d = g.check(
      view('POST', { host: 'evil.example.net, app.example.com', origin: 'https://evil.example.net' }),
    );
    expect(d).toMatchObject({ allowed: false, reason: 'own-origin-unknown', status: 403 });
  });

  it('refuses two Referer lines joined, whichever comes first', () => {
    const g = createCsrfGuard({ origin: 'https://app.example.com' });
    for (const referer of [
      'https://app.example.com/a, https://evil.example.net/b',
      'https://evil.example.net/b, https://app.example.com/a',
      'https://app.example.com/a,\thttps://app.example.com/b',
    ]) {
      expect(g.check(view('POST', { referer }))).toMatchObject({ allowed: false, reason: 'referer-invalid' });
    }
    expect(g.check(view('POST', { referer: 'https://app.example.com/a,b?c=d,e' })).reason).toBe(
      'referer-match',
    );
  });
});
