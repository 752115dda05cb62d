import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { loadTables } from '../../test/fixtures/schema.js';
import {
  isSameOrigin,
  isSameSite,
  type Origin,
  opaqueOrigin,
  parseOrigin,
  serializeOrigin,
} from './index.js';

const tables = loadTables('origin-comparison');

describe('origin comparison tables', () => {
  it('loads the seed, host and site tables', () => {
    expect(tables.map((t) => t.table)).toEqual(
      expect.arrayContaining(['origin-seed-comparisons', 'origin-hosts', 'origin-site']),
    );
  });
  for (const table of tables) {
    describe(table.table, () => {
      it.each(table.cases.map((c) => [c.id, c] as const))('%s', (_id, c) => {
        const a = parseOrigin(c.a);
        const b = parseOrigin(c.b);
        if (c.expect.serializedA !== undefined) expect(serializeOrigin(a)).toBe(c.expect.serializedA);
        if (c.expect.serializedB !== undefined) expect(serializeOrigin(b)).toBe(c.expect.serializedB);
        expect(isSameOrigin(a, b)).toBe(c.expect.sameOrigin);
        expect(isSameOrigin(b, a)).toBe(c.expect.sameOrigin);
        if (c.expect.sameSite !== undefined) {
          expect(isSameSite(a, b)).toBe(c.expect.sameSite);
          expect(isSameSite(b, a)).toBe(c.expect.sameSite);
        }
        if (c.expect.sameSiteSchemeless !== undefined) {
          expect(isSameSite(a, b, { schemeful: false })).toBe(c.expect.sameSiteSchemeless);
        }
        // Same origin implies same site, both ways of counting.
        if (c.expect.sameOrigin) expect(isSameSite(a, b)).toBe(true);
      });
    });
  }
});

describe('parseOrigin', () => {
  it('returns frozen tuple origins with the serialized parts', () => {
    const o = parseOrigin('https://EXAMPLE.com:8443/a?b#c');
    expect(o).toEqual({ type: 'tuple', scheme: 'https', host: 'example.com', port: 8443 });
    expect(Object.isFrozen(o)).toBe(true);
  });
  it('accepts a URL object', () => {
    expect(parseOrigin(new URL('http://[::1]:80/'))).toEqual({
      type: 'tuple',
      scheme: 'http',
      host: '[::1]',
      port: null,
    });
  });
  it.each(['', 'example.com', 'http://', 'https://exa mple.com', 'http://[::1', 'http://foo.1'])(
    'throws TypeError for the invalid URL %j',
    (u) => {
      expect(() => parseOrigin(u)).toThrow(TypeError);
    },
  );
  it('accepts a URL-like object from another realm (read through its href)', () => {
    const foreign = { href: 'http://[0:0::1]:80/x' } as unknown as URL;
    expect(parseOrigin(foreign)).toEqual({ type: 'tuple', scheme: 'http', host: '[::1]', port: null });
    expect(() => parseOrigin({ href: 'not a url' } as unknown as URL)).toThrow(TypeError);
  });
  it('throws TypeError for a non-string', () => {
    expect(() => parseOrigin(42 as unknown as string)).toThrow(TypeError);
  });
  it('makes a new opaque origin each time', () => {
    const a = parseOrigin('data:,x');
    const b = parseOrigin('data:,x');
    expect(a.type).toBe('opaque');
    expect(b.type).toBe('opaque');
    expect(isSameOrigin(a, b)).toBe(false);
    expect(isSameOrigin(a, a)).toBe(true);
    expect(serializeOrigin(a)).toBe('null');
  });
});

describe('opaque origins', () => {
  it('are the same origin only with themselves', () => {
    const a = opaqueOrigin();
    const b = opaqueOrigin();
    expect(a.id).not.toBe(b.id);
    expect(isSameOrigin(a, b)).toBe(false);
    expect(isSameOrigin(a, a)).toBe(true);
    expect(isSameOrigin(a, { type: 'opaque', id: a.id })).toBe(true);
    expect(isSameOrigin(a, parseOrigin('https://example.com'))).toBe(false);
    expect(isSameOrigin(parseOrigin('https://example.com'), a)).toBe(false);
    expect(isSameSite(a, a)).toBe(true);
    expect(isSameSite(a, b)).toBe(false);
    expect(isSameSite(a, parseOrigin('https://example.com'), { schemeful: false })).toBe(false);
  });
});

/** Small alphabets so that interesting shapes (IPv4, IPv6, IDN, ports, default ports) come up often. */
const label = fc.oneof(
  fc.constantFrom(
    'a',
    'b',
    'example',
    'com',
    'xn--mnchen-3ya',
    'münchen',
    'EXAMPLE',
    '0x7f',
    '1',
    '255',
    'a-b',
    'a_b',
  ),
  fc.stringMatching(/^[a-z0-9-]{1,8}$/),
);
const host = fc.oneof(
  fc.array(label, { minLength: 1, maxLength: 4 }).map((ls) => ls.join('.')),
  fc.constantFrom(
    '[::1]',
    '[0:0::1]',
    '[::ffff:127.0.0.1]',
    '[2001:DB8::1]',
    '127.0.0.1',
    '127.1',
    'localhost',
  ),
);
const scheme = fc.constantFrom(
  'http',
  'https',
  'ws',
  'wss',
  'ftp',
  'file',
  'data',
  'blob:https',
  'about',
  'foo',
);
const port = fc.option(fc.constantFrom(0, 21, 80, 443, 8080, 65535), { nil: undefined });
const urlString = fc
  .tuple(scheme, host, port, fc.constantFrom('', '/', '/p?q#f'))
  .map(([s, h, p, rest]) => `${s}://${h}${p === undefined ? '' : `:${p}`}${rest}`)
  .filter((u) => URL.canParse(u));

describe('properties', () => {
  it('serialize(parse(x)) is stable: the serialization parses back to the same serialization', () => {
    fc.assert(
      fc.property(urlString, (u) => {
        const s = serializeOrigin(parseOrigin(u));
        fc.pre(s !== 'null');
        const again = parseOrigin(s);
        expect(serializeOrigin(again)).toBe(s);
        expect(isSameOrigin(again, parseOrigin(u))).toBe(true);
      }),
      { numRuns: 2000 },
    );
  });
  it('agrees with Node URL#origin for tuple origins', () => {
    fc.assert(
      fc.property(urlString, (u) => {
        const o: Origin = parseOrigin(u);
        const url = new URL(u);
        if (o.type === 'tuple') expect(serializeOrigin(o)).toBe(url.origin);
        else expect(url.origin).toBe('null');
      }),
      { numRuns: 2000 },
    );
  });
});
