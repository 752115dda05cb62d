import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import {
  isPotentiallyTrustworthyOrigin,
  isSameSite,
  isSchemelesslySameSite,
  opaqueOrigin,
  parseOrigin,
  registrableDomain,
} from './index.js';

describe('registrableDomain', () => {
  it.each([
    ['example.com', 'example.com'],
    ['a.b.example.com', 'example.com'],
    ['a.b.example.co.uk', 'example.co.uk'],
    ['co.uk', null],
    ['com', null],
    ['alice.github.io', 'alice.github.io'],
    ['x.alice.github.io', 'alice.github.io'],
    ['github.io', null],
    ['localhost', null],
    ['app.localhost', 'app.localhost'],
    ['intranet', null],
    ['a.b.intranet', 'b.intranet'],
    ['xn--mnchen-3ya.de', 'xn--mnchen-3ya.de'],
    ['a.xn--mnchen-3ya.de', 'xn--mnchen-3ya.de'],
    ['example.com.', 'example.com.'],
    ['a.example.com.', 'example.com.'],
    ['com.', null],
    ['127.0.0.1', null],
    ['10.1.2.3', null],
    ['[::1]', null],
    ['[2001:db8::1]', null],
    ['', null],
    ['host1', null],
    ['a.host1', 'a.host1'],
  ])('%j → %j', (host, expected) => {
    expect(registrableDomain(host)).toBe(expected);
  });
});

describe('isPotentiallyTrustworthyOrigin (Secure Contexts §3.1)', () => {
  it.each([
    ['https://example.com', true],
    ['wss://example.com', true],
    ['https://localhost:8443', true],
    ['http://localhost', true],
    ['http://localhost:3000', true],
    ['http://localhost.:3000', true],
    ['http://app.localhost:5173', true],
    ['http://a.b.localhost.', true],
    ['http://127.0.0.1', true],
    ['http://127.255.0.9:8080', true],
    ['http://[::1]:3000', true],
    ['ws://127.0.0.1', true],
    ['http://example.com', false],
    ['ws://example.com', false],
    ['ftp://example.com', false],
    ['http://localhost.example.com', false],
    ['http://notlocalhost', false],
    ['http://128.0.0.1', false],
    ['http://10.0.0.1', false],
    ['http://0.0.0.0', false],
    ['http://[::ffff:127.0.0.1]', false],
    ['http://[::2]', false],
    ['http://127.example', false],
    ['data:,x', false],
    ['file:///etc/hosts', false],
    ['blob:https://example.com/x', true],
    ['blob:http://example.com/x', false],
  ])('%s → %s', (url, expected) => {
    expect(isPotentiallyTrustworthyOrigin(parseOrigin(url))).toBe(expected);
  });
});

describe('same site properties', () => {
  const lbl = fc.constantFrom('a', 'b', 'example', 'com', 'co', 'uk', 'github', 'io', 'localhost');
  const origin = fc
    .tuple(
      fc.constantFrom('http', 'https'),
      fc.array(lbl, { minLength: 1, maxLength: 4 }),
      fc.constantFrom('', ':8080'),
    )
    .map(([s, ls, p]) => parseOrigin(`${s}://${ls.join('.')}${p}`));
  it('is reflexive and symmetric; schemeful implies schemeless', () => {
    fc.assert(
      fc.property(origin, origin, (a, b) => {
        expect(isSameSite(a, a)).toBe(true);
        expect(isSameSite(a, b)).toBe(isSameSite(b, a));
        if (isSameSite(a, b)) expect(isSameSite(a, b, { schemeful: false })).toBe(true);
        expect(isSameSite(a, b, { schemeful: false })).toBe(isSchemelesslySameSite(a, b));
      }),
      { numRuns: 2000 },
    );
  });
  it('is transitive (registrable domain is an equivalence key)', () => {
    fc.assert(
      fc.property(origin, origin, origin, (a, b, c) => {
        if (isSameSite(a, b) && isSameSite(b, c)) expect(isSameSite(a, c)).toBe(true);
      }),
      { numRuns: 3000 },
    );
  });
  it('opaque origins are same-site only with themselves', () => {
    const o = opaqueOrigin();
    expect(isSameSite(o, o)).toBe(true);
    expect(isSameSite(o, opaqueOrigin(), { schemeful: false })).toBe(false);
  });
});
