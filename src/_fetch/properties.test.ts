/**
 * fast-check properties of the Fetch primitives: random strings never make a function throw, every
 * result has its promised type, and each function agrees with a slow, obviously-correct reference
 * written differently (regular expressions, split/trim) where one is easy to write.
 */
import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { PROFILES } from '../browser/index.js';
import * as f from './index.js';

const RUNS = { numRuns: 400 };

/** Characters that matter to these grammars, plus a few that must not confuse them. */
const INTERESTING = [
  ...'aAzZ09-_.*,;=/ \t"\\()<>?@[]{}:|~!#$%&\'+^`',
  '\u0000',
  '\u0001',
  '\n',
  '\r',
  '\u000b',
  '\u007f',
  '\u0080',
  '\u00a0',
  '\u00e9',
  '\u00ff',
  '\u0100',
  '\u212a',
  '\ud800',
];
const interesting = fc.string({ unit: fc.constantFrom(...INTERESTING), maxLength: 40 });
const latin1 = fc.string({
  unit: fc.integer({ min: 0, max: 255 }).map((c) => String.fromCharCode(c)),
  maxLength: 60,
});
const anyString = fc.oneof(interesting, latin1, fc.string({ unit: 'binary', maxLength: 40 }), fc.string());
const headerName = fc.oneof(
  fc.constantFrom(
    'accept',
    'Accept-Language',
    'CONTENT-LANGUAGE',
    'content-type',
    'Range',
    'authorization',
    'x-foo',
    'X-Foo',
    'sec-x',
    'Proxy-A',
    'x-http-method-override',
    'set-cookie',
    '__proto__',
  ),
  anyString,
);
const headerValue = fc.oneof(
  fc.constantFrom('*/*', 'text/plain', 'application/json', 'bytes=0-', 'bytes=5-1', 'en-US', 'TRACE', ''),
  anyString,
  fc.string({ unit: fc.constantFrom('a', ' ', ','), maxLength: 200 }),
);
const headerList = fc.array(fc.tuple(headerName, headerValue), { maxLength: 20 });

const TOKEN_RE = /^[!#$%&'*+\-.^_`|~0-9A-Za-z]+$/;
const trimTabSpace = (s: string) => s.replace(/^[\t ]+|[\t ]+$/g, '');
const FAILURES = new Set([
  'name',
  'value-unsafe-byte',
  'value-too-long',
  'language-chars',
  'mime-unparsable',
  'mime-essence',
  'range-form',
  'range-order',
  'range-suffix',
  'range-overflow',
  'client-hint-value',
]);
const PROFILE_NAMES = ['spec', 'chromium', 'firefox', 'webkit'] as const;
/** Each browser profile's request-header rules (the profiles hand them to _fetch). */
const RULES = Object.fromEntries(PROFILE_NAMES.map((n) => [n, PROFILES[n].requestHeaders])) as Record<
  (typeof PROFILE_NAMES)[number],
  f.RequestHeaderRules
>;

describe('never throws, always typed', () => {
  it('one-string predicates return a boolean', () => {
    const predicates = [
      f.isMethod,
      f.isCorsSafelistedMethod,
      f.isForbiddenMethod,
      f.isHeaderName,
      f.isHeaderValue,
      f.isByteString,
      f.isToken,
      f.isCorsNonWildcardRequestHeaderName,
      f.isPrivilegedNoCorsRequestHeaderName,
      f.isNoCorsSafelistedRequestHeaderName,
      f.isForbiddenResponseHeaderName,
    ];
    fc.assert(
      fc.property(anyString, (s) => {
        for (const p of predicates) expect(typeof p(s)).toBe('boolean');
      }),
      RUNS,
    );
  });

  it('code-unit predicates return a boolean for any integer', () => {
    fc.assert(
      fc.property(fc.integer({ min: -10, max: 0x10ffff }), (c) => {
        for (const p of [
          f.isHttpWhitespace,
          f.isHttpTabOrSpace,
          f.isHttpNewlineByte,
          f.isTchar,
          f.isCorsUnsafeRequestHeaderByte,
        ]) {
          expect(typeof p(c)).toBe('boolean');
        }
      }),
      RUNS,
    );
  });

  it('two-string functions return their types', () => {
    fc.assert(
      fc.property(headerName, headerValue, fc.array(anyString, { maxLength: 4 }), (name, value, list) => {
        const failure = f.corsSafelistedRequestHeaderFailure(name, value);
        expect(failure === null || FAILURES.has(failure)).toBe(true);
        expect(typeof f.isCorsSafelistedRequestHeader(name, value)).toBe('boolean');
        expect(typeof f.isNoCorsSafelistedRequestHeader(name, value)).toBe('boolean');
        expect(typeof f.isForbiddenRequestHeader(name, value)).toBe('boolean');
        expect(typeof f.isCorsSafelistedResponseHeaderName(name, list)).toBe('boolean');
        expect(typeof f.isByteCaseInsensitiveMatch(name, value)).toBe('boolean');
      }),
      RUNS,
    );
  });

  it('parsers return null or their shape', () => {
    fc.assert(
      fc.property(anyString, fc.boolean(), fc.integer({ min: -2, max: 50 }), (s, flag, pos) => {
        const mime = f.parseMimeType(s);
        if (mime !== null) {
          expect(mime.essence).toBe(`${mime.type}/${mime.subtype}`);
          expect(f.byteLowercase(mime.essence)).toBe(mime.essence);
          expect(mime.parameters).toBeInstanceOf(Map);
        }
        const range = f.parseSingleRangeHeaderValue(s, flag);
        if (range !== null) {
          expect(range.start !== null || range.end !== null).toBe(true);
          if (range.start !== null && range.end !== null) expect(range.start).toBeLessThanOrEqual(range.end);
        }
        const quoted = f.collectAnHttpQuotedString(s, pos, flag);
        if (quoted !== null) {
          expect(s[pos]).toBe('"');
          expect(quoted.position).toBeGreaterThan(pos);
          expect(quoted.position).toBeLessThanOrEqual(s.length);
          if (!flag) expect(quoted.value).toBe(s.slice(pos, quoted.position));
        } else {
          expect(s[pos]).not.toBe('"');
        }
      }),
      RUNS,
    );
  });
});

describe('agrees with a reference', () => {
  it('isHeaderName / isMethod / isToken are the RFC 9110 token regex', () => {
    fc.assert(
      fc.property(anyString, (s) => {
        const expected = TOKEN_RE.test(s);
        expect(f.isHeaderName(s)).toBe(expected);
        expect(f.isMethod(s)).toBe(expected);
        expect(f.isToken(s)).toBe(expected);
      }),
      RUNS,
    );
  });

  it('isHeaderValue: no leading/trailing tab or space, no NUL CR LF, only bytes', () => {
    fc.assert(
      fc.property(anyString, (s) => {
        const expected = !/^[\t ]|[\t ]$/.test(s) && !/[\0\r\n]/.test(s) && !/[^\0-\u00ff]/.test(s);
        expect(f.isHeaderValue(s)).toBe(expected);
      }),
      RUNS,
    );
  });

  it('normalizeHeaderValue trims HTTP whitespace bytes only, and is idempotent', () => {
    fc.assert(
      fc.property(anyString, (s) => {
        const n = f.normalizeHeaderValue(s);
        expect(n).toBe(s.replace(/^[\t\n\r ]+|[\t\n\r ]+$/g, ''));
        expect(f.normalizeHeaderValue(n)).toBe(n);
      }),
      RUNS,
    );
  });

  it('byteLowercase / byteUppercase fold ASCII letters only', () => {
    fc.assert(
      fc.property(anyString, (s) => {
        const lower = [...s].map((c) => (c >= 'A' && c <= 'Z' ? c.toLowerCase() : c)).join('');
        const upper = [...s].map((c) => (c >= 'a' && c <= 'z' ? c.toUpperCase() : c)).join('');
        expect(f.byteLowercase(s)).toBe(lower);
        expect(f.byteUppercase(s)).toBe(upper);
        expect(f.isByteCaseInsensitiveMatch(s, upper)).toBe(true);
      }),
      RUNS,
    );
  });

  it('normalizeMethod upper-cases exactly the six methods, and is idempotent', () => {
    const six = new Set(['DELETE', 'GET', 'HEAD', 'OPTIONS', 'POST', 'PUT']);
    const method = fc.oneof(
      anyString,
      fc
        .tuple(
          fc.constantFrom(...six, 'PATCH', 'CONNECT'),
          fc.array(fc.boolean(), { minLength: 7, maxLength: 7 }),
        )
        .map(([m, flips]) => [...m].map((c, i) => (flips[i] ? c.toLowerCase() : c)).join('')),
    );
    fc.assert(
      fc.property(method, (m) => {
        const n = f.normalizeMethod(m);
        const upper = f.byteUppercase(m);
        expect(n).toBe(six.has(upper) ? upper : m);
        expect(f.normalizeMethod(n)).toBe(n);
        expect(f.isForbiddenMethod(m)).toBe(['CONNECT', 'TRACE', 'TRACK'].includes(upper));
      }),
      RUNS,
    );
  });

  it('getDecodeAndSplit without quotes is split on commas and trimmed of tab or space', () => {
    const noQuotes = anyString.map((s) => s.replaceAll('"', ''));
    fc.assert(
      fc.property(noQuotes, (s) => {
        expect(f.getDecodeAndSplit(s)).toEqual(s.split(',').map(trimTabSpace));
      }),
      RUNS,
    );
  });

  it('getDecodeAndSplit with quotes: items re-joined keep every non-trimmed code unit, in order', () => {
    fc.assert(
      fc.property(anyString, (s) => {
        const items = f.getDecodeAndSplit(s) ?? [];
        expect(items.length).toBeGreaterThanOrEqual(1);
        // Splitting only removes commas outside quotes and tab/space at item edges.
        const strip = (x: string) => x.replace(/[\t ,]/g, '');
        expect(strip(items.join(''))).toBe(strip(s));
        for (const item of items) expect(item).toBe(trimTabSpace(item));
      }),
      RUNS,
    );
  });

  it('extractHeaderListValues is split-trim-filter-and-check-tokens', () => {
    const element = fc.oneof(
      fc.constantFrom('GET', 'x-foo', '*', 'get', '', ' ', '\t'),
      fc.string({ unit: fc.constantFrom(...INTERESTING), maxLength: 6 }),
    );
    const line = fc.array(element, { maxLength: 6 }).map((xs) => xs.join(','));
    fc.assert(
      fc.property(
        fc.array(line, { maxLength: 4 }),
        fc.constantFrom('method', 'field-name'),
        (lines, grammar) => {
          const got = f.extractHeaderListValues(lines, grammar as f.HeaderListGrammar);
          if (lines.length === 0) {
            expect(got).toBeNull();
            return;
          }
          const elements = lines.flatMap((l) => l.split(',')).map(trimTabSpace);
          const values = elements.filter((e) => e !== '');
          if (values.every((v) => TOKEN_RE.test(v))) expect(got).toEqual({ ok: true, values });
          else expect(got).toMatchObject({ ok: false, reason: 'not-token' });
        },
      ),
      RUNS,
    );
  });

  it('extractHeaderListValues with limits never returns more than allowed', () => {
    fc.assert(
      fc.property(
        fc.array(fc.string({ unit: fc.constantFrom('a', 'b', ',', ' '), maxLength: 30 }), { maxLength: 5 }),
        fc.integer({ min: 0, max: 40 }),
        fc.integer({ min: 0, max: 10 }),
        (lines, maxTotalLength, maxElements) => {
          const got = f.extractHeaderListValues(lines, 'field-name', { maxTotalLength, maxElements });
          if (got === null) {
            expect(lines.length).toBe(0);
            return;
          }
          const combined = lines.join(',');
          if (got.ok) {
            expect(got.values.length).toBeLessThanOrEqual(maxElements);
            expect(combined.length).toBeLessThanOrEqual(maxTotalLength);
          } else if (got.reason === 'too-long') {
            expect(combined.length).toBeGreaterThan(maxTotalLength);
          } else if (got.reason === 'not-token') {
            expect(combined.split(',').some((e) => /\S\s+\S/.test(e.trim()))).toBe(true);
          } else {
            expect(got.reason).toBe('too-many-elements');
          }
        },
      ),
      RUNS,
    );
  });

  it('isCorsUnsafeRequestHeaderByte is exactly the spec list over 0-255', () => {
    const listed = new Set([
      0x22, 0x28, 0x29, 0x3a, 0x3c, 0x3e, 0x3f, 0x40, 0x5b, 0x5c, 0x5d, 0x7b, 0x7d, 0x7f,
    ]);
    for (let b = 0; b <= 0xff; b++) {
      expect(f.isCorsUnsafeRequestHeaderByte(b), `0x${b.toString(16)}`).toBe(
        (b < 0x20 && b !== 0x09) || listed.has(b),
      );
    }
  });

  it('corsSafelistedRequestHeaderFailure: name first, then the 128 limit, then the value rule', () => {
    const five = new Set(['accept', 'accept-language', 'content-language', 'content-type', 'range']);
    fc.assert(
      fc.property(headerName, headerValue, (name, value) => {
        const failure = f.corsSafelistedRequestHeaderFailure(name, value);
        const lower = f.byteLowercase(name);
        if (!five.has(lower)) {
          expect(failure).toBe('name');
          return;
        }
        if (value.length > 128) {
          expect(failure).toBe('value-too-long');
          return;
        }
        if (lower === 'accept') {
          const unsafe = /[\0-\u0008\u000a-\u001f"():<>?@[\\\]{}\u007f\u0100-\uffff]/.test(value);
          expect(failure).toBe(unsafe ? 'value-unsafe-byte' : null);
        } else if (lower === 'accept-language' || lower === 'content-language') {
          expect(failure).toBe(/^[0-9A-Za-z *,\-.;=]*$/.test(value) ? null : 'language-chars');
        } else if (lower === 'range') {
          const m = /^bytes=([0-9]*)-([0-9]*)$/.exec(value);
          if (!m || (m[1] === '' && m[2] === '')) expect(failure).toBe('range-form');
          else if (m[1] === '') expect(failure).toBe('range-suffix');
          else if (m[2] !== '' && BigInt(m[1] as string) > BigInt(m[2] as string))
            expect(failure).toBe('range-order');
          else expect(failure).toBeNull();
        }
      }),
      RUNS,
    );
  });

  it('single ranges round-trip', () => {
    fc.assert(
      fc.property(fc.nat(), fc.nat(), (a, b) => {
        const [lo, hi] = a <= b ? [a, b] : [b, a];
        expect(f.parseSingleRangeHeaderValue(`bytes=${lo}-${hi}`, false)).toEqual({ start: lo, end: hi });
        expect(f.parseSingleRangeHeaderValue(`bytes=${lo}-`, false)).toEqual({ start: lo, end: null });
        expect(f.parseSingleRangeHeaderValue(`bytes=-${hi}`, false)).toEqual({ start: null, end: hi });
        if (lo !== hi)
          expect(f.corsSafelistedRequestHeaderFailure('range', `bytes=${hi}-${lo}`)).toBe('range-order');
      }),
      RUNS,
    );
  });

  it('content-type safelisting equals "no unsafe byte, parses, essence in the three"', () => {
    const three = new Set(['application/x-www-form-urlencoded', 'multipart/form-data', 'text/plain']);
    const mime = fc.oneof(
      anyString,
      fc
        .tuple(
          fc.constantFrom('text/plain', 'TEXT/Plain', 'multipart/form-data', 'application/json', 'text/html'),
          fc.string({ unit: fc.constantFrom(...'; =abc"\t,'), maxLength: 20 }),
        )
        .map(([a, b]) => a + b),
    );
    fc.assert(
      fc.property(mime, (value) => {
        fc.pre(value.length <= 128);
        const parsed = f.parseMimeType(value);
        const safe =
          ![...value].some((c) => f.isCorsUnsafeRequestHeaderByte(c.charCodeAt(0))) &&
          parsed !== null &&
          three.has(parsed.essence);
        expect(f.isCorsSafelistedRequestHeader('Content-Type', value)).toBe(safe);
      }),
      RUNS,
    );
  });
});

describe('CORS-unsafe request-header names', () => {
  it('are sorted, lower-case, unique, a subset of the input names, with one reason each', () => {
    fc.assert(
      fc.property(headerList, (headers) => {
        const { names, reasons } = f.corsUnsafeRequestHeaderNamesDetailed(headers);
        expect(f.corsUnsafeRequestHeaderNames(headers)).toEqual(names);
        expect([...names].sort()).toEqual(names);
        expect(new Set(names).size).toBe(names.length);
        const input = new Set(headers.map(([n]) => f.byteLowercase(n)));
        for (const n of names) {
          expect(f.byteLowercase(n)).toBe(n);
          expect(input.has(n)).toBe(true);
        }
        expect(Object.keys(reasons).sort()).toEqual(names);
      }),
      RUNS,
    );
  });

  it('hold every individually unsafe header, and the safelisted ones exactly when their values exceed 1024', () => {
    fc.assert(
      fc.property(headerList, (headers) => {
        const names = new Set(f.corsUnsafeRequestHeaderNames(headers));
        const safe = headers.filter(([n, v]) => f.isCorsSafelistedRequestHeader(n, v));
        const total = safe.reduce((sum, [, v]) => sum + v.length, 0);
        for (const [n, v] of headers) {
          if (!f.isCorsSafelistedRequestHeader(n, v)) expect(names.has(f.byteLowercase(n))).toBe(true);
        }
        for (const [n] of safe) {
          const unsafeElsewhere = headers.some(
            ([m, v]) => f.byteLowercase(m) === f.byteLowercase(n) && !f.isCorsSafelistedRequestHeader(m, v),
          );
          if (!unsafeElsewhere) expect(names.has(f.byteLowercase(n))).toBe(total > 1024);
        }
      }),
      RUNS,
    );
  });

  it('hit the 1024 total with repeated accept headers', () => {
    fc.assert(
      fc.property(fc.array(fc.integer({ min: 0, max: 128 }), { maxLength: 16 }), (lengths) => {
        const headers = lengths.map((n) => ['accept', 'a'.repeat(n)] as const);
        const total = lengths.reduce((a, b) => a + b, 0);
        expect(f.corsUnsafeRequestHeaderNames(headers)).toEqual(total > 1024 ? ['accept'] : []);
      }),
      RUNS,
    );
  });
});

describe('header classes', () => {
  it('forbidden request-headers depend on the value only for the method-override names', () => {
    const overrides = new Set(['x-http-method', 'x-http-method-override', 'x-method-override']);
    fc.assert(
      fc.property(headerName, headerValue, (name, value) => {
        if (overrides.has(f.byteLowercase(name))) {
          const forbidden = (f.getDecodeAndSplit(value) ?? []).some((m) => f.isForbiddenMethod(m));
          expect(f.isForbiddenRequestHeader(name, value)).toBe(forbidden);
        } else {
          expect(f.isForbiddenRequestHeader(name, value)).toBe(f.isForbiddenRequestHeader(name, ''));
        }
      }),
      RUNS,
    );
  });

  it('an exposed name is safelisted unless it is a forbidden response-header name', () => {
    fc.assert(
      fc.property(headerName, fc.array(headerName, { maxLength: 4 }), (name, list) => {
        const exposed = f.isCorsSafelistedResponseHeaderName(name, [...list, f.byteUppercase(name)]);
        expect(exposed).toBe(!f.isForbiddenResponseHeaderName(name));
      }),
      RUNS,
    );
  });

  it('no-CORS-safelisted request-header is name-in-four and CORS-safelisted', () => {
    fc.assert(
      fc.property(headerName, headerValue, (name, value) => {
        expect(f.isNoCorsSafelistedRequestHeader(name, value)).toBe(
          f.isNoCorsSafelistedRequestHeaderName(name) && f.isCorsSafelistedRequestHeader(name, value),
        );
      }),
      RUNS,
    );
  });
});

describe('profiles', () => {
  it('every profile returns a typed failure; webkit is the spec; profile-only reasons stay in their profile', () => {
    fc.assert(
      fc.property(headerName, headerValue, (name, value) => {
        const spec = f.corsSafelistedRequestHeaderFailure(name, value);
        for (const profile of PROFILE_NAMES) {
          const failure = f.corsSafelistedRequestHeaderFailure(name, value, RULES[profile]);
          expect(failure === null || FAILURES.has(failure)).toBe(true);
          if (profile !== 'chromium') expect(failure).not.toBe('client-hint-value');
          if (profile === 'spec' || profile === 'webkit') expect(failure).not.toBe('range-overflow');
        }
        expect(f.corsSafelistedRequestHeaderFailure(name, value, RULES.webkit)).toBe(spec);
        // Firefox only ever refuses more than the spec.
        if (spec !== null)
          expect(f.corsSafelistedRequestHeaderFailure(name, value, RULES.firefox)).not.toBeNull();
      }),
      RUNS,
    );
  });

  it('names: chromium unique and sorted; firefox sorted with one entry per unsafe header', () => {
    fc.assert(
      fc.property(headerList, (headers) => {
        const chromium = f.corsUnsafeRequestHeaderNames(headers, RULES.chromium);
        expect([...new Set(chromium)].sort()).toEqual(chromium);
        const firefox = f.corsUnsafeRequestHeaderNames(headers, RULES.firefox);
        expect([...firefox].sort()).toEqual(firefox);
        const unsafe = headers.filter(([n, v]) => !f.isCorsSafelistedRequestHeader(n, v, RULES.firefox));
        expect(firefox).toEqual(unsafe.map(([n]) => f.byteLowercase(n)).sort());
        expect(f.corsUnsafeRequestHeaderNames(headers, RULES.webkit)).toEqual(
          f.corsUnsafeRequestHeaderNames(headers),
        );
      }),
      RUNS,
    );
  });

  it('chromium: a client hint with a Chromium-form value is safelisted, other values are not', () => {
    const decimal = fc
      .tuple(fc.nat(), fc.option(fc.nat()))
      .map(([i, d]) => (d === null ? `${i}` : `${i}.${d}`));
    fc.assert(
      fc.property(decimal, fc.nat(), anyString, (dec, int, junk) => {
        for (const n of ['dpr', 'device-memory', 'downlink']) {
          expect(f.isCorsSafelistedRequestHeader(n, dec, RULES.chromium)).toBe(true);
          expect(f.isCorsSafelistedRequestHeader(n, dec, RULES.spec)).toBe(false);
        }
        for (const n of ['width', 'viewport-width', 'rtt']) {
          expect(f.isCorsSafelistedRequestHeader(n, `${int}`, RULES.chromium)).toBe(true);
        }
        const ok = /^[0-9]+$/.test(junk) && junk.length <= 128;
        expect(f.isCorsSafelistedRequestHeader('rtt', junk, RULES.chromium)).toBe(ok);
      }),
      RUNS,
    );
  });
});
