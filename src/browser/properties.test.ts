/**
 * fast-check properties: the pure functions never throw on any input and keep their invariants.
 */
import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { preflightReasons, requestRefusal } from './classify.js';
import {
  type BrowserName,
  type BrowserRequest,
  checkPreflightResponse,
  classify,
  corsCheck,
  exposedHeaderNames,
  getProfile,
  type HeaderList,
  normalizeRequest,
  preflightRequest,
} from './index.js';
import { responseTainting } from './request.js';

const browsers = fc.constantFrom<BrowserName>('chromium', 'firefox', 'webkit', 'spec');
const tokenChar = fc.constantFrom(...'abcxyzABCXYZ019-_!#$%&*+.^`|~'.split(''));
const token = fc.string({ unit: tokenChar, minLength: 1, maxLength: 12 });
const anyText = fc.string({ maxLength: 40 });
const headerName = fc.oneof(
  token,
  fc.constantFrom(
    'Accept',
    'Accept-Language',
    'Content-Language',
    'Content-Type',
    'Range',
    'Authorization',
    'Cookie',
    'X-Requested-With',
    'access-control-allow-origin',
    'Access-Control-Allow-Methods',
    'Access-Control-Allow-Headers',
    'Access-Control-Allow-Credentials',
    'Access-Control-Expose-Headers',
    'Access-Control-Max-Age',
    'Location',
  ),
  anyText,
);
const headerValue = fc.oneof(
  anyText,
  fc.constantFrom(
    '*',
    'null',
    'true',
    'https://app.example',
    'text/plain',
    'application/json',
    'bytes=0-1',
    '5',
    '-1',
  ),
);
const headers: fc.Arbitrary<HeaderList> = fc.array(fc.tuple(headerName, headerValue), { maxLength: 8 });
const url = fc.oneof(
  fc.webUrl(),
  fc.constantFrom(
    'https://api.example/x',
    'https://app.example/y',
    'ftp://x/y',
    'data:,x',
    '/relative',
    'http://[::1]:8080/',
  ),
  anyText,
);
const request: fc.Arbitrary<BrowserRequest> = fc.record(
  {
    origin: fc.oneof(
      fc.constantFrom('https://app.example', 'http://localhost:3000', 'null'),
      fc.webUrl(),
      anyText,
    ),
    url,
    method: fc.oneof(
      fc.constantFrom('GET', 'get', 'POST', 'PUT', 'patch', 'PATCH', 'DELETE', 'CONNECT', 'OPTIONS'),
      token,
      anyText,
    ),
    headers,
    mode: fc.constantFrom('cors', 'no-cors', 'same-origin'),
    credentials: fc.constantFrom('omit', 'same-origin', 'include'),
    redirect: fc.constantFrom('follow', 'error', 'manual'),
    body: fc.constantFrom('none', 'string', 'form', 'blob', 'stream'),
    initiator: fc.constantFrom('fetch', 'XMLHttpRequest', 'image', 'script'),
    urlList: fc.array(url, { maxLength: 3 }),
  },
  { requiredKeys: ['origin', 'url'] },
) as fc.Arbitrary<BrowserRequest>;
const response = fc.record({ status: fc.integer({ min: 100, max: 599 }), headers });

describe('properties', () => {
  it('classify, corsCheck, checkPreflightResponse, preflightRequest and exposedHeaderNames never throw', () => {
    fc.assert(
      fc.property(request, response, browsers, (req, res, b) => {
        classify(req, b);
        corsCheck(req, res, b);
        checkPreflightResponse(req, res, b);
        preflightRequest(req, b);
        exposedHeaderNames(req, res);
      }),
      { numRuns: 1500 },
    );
  });

  it('a failure always carries a kind, a message and a fix', () => {
    let failures = 0;
    fc.assert(
      fc.property(request, response, browsers, (req, res, b) => {
        const e = corsCheck(req, res, b);
        if (e === null) return;
        failures++;
        expect(e.name).toBe('CorsError');
        expect(e.kind.length).toBeGreaterThan(0);
        expect(e.message.length).toBeGreaterThan(0);
        expect(e.fix.length).toBeGreaterThan(0);
      }),
      { numRuns: 500 },
    );
    expect(failures).toBeGreaterThan(50);
  });

  it('Access-Control-Request-Headers is lower-case, sorted, unique, comma-joined without spaces', () => {
    let lists = 0;
    fc.assert(
      fc.property(request, browsers, (req, b) => {
        const p = preflightRequest(req, b);
        const acrh = p?.headers.find(([n]) => n === 'Access-Control-Request-Headers')?.[1];
        if (acrh === undefined) return;
        lists++;
        const names = acrh.split(',');
        expect(acrh).not.toMatch(/\s/);
        expect(names).toEqual([...new Set(names)].sort());
        for (const n of names) expect(n).toBe(n.toLowerCase());
      }),
      { numRuns: 800 },
    );
    expect(lists).toBeGreaterThan(50);
  });

  it('no preflight is needed exactly when nothing asks for one (method, headers, stream) or the request is not CORS', () => {
    fc.assert(
      fc.property(request, (req) => {
        const c = classify(req);
        fc.pre(c.ok);
        const anyReason = c.preflight.reasons.length > 0;
        expect(c.preflight.needed).toBe(c.refusal === null && c.tainting === 'cors' && anyReason);
        if (c.tainting !== 'cors') expect(c.preflight.reasons).toEqual([]);
      }),
      { numRuns: 800 },
    );
  });

  it("createBrowserFetch's per-hop decision agrees with classify", () => {
    fc.assert(
      fc.property(request, browsers, (req, b) => {
        const profile = getProfile(b);
        const n = normalizeRequest(req, profile);
        fc.pre(n.ok);
        const full = classify(n.request, profile);
        if (!full.ok) throw new Error('a normalized request classifies');
        const tainting = responseTainting(n.request);
        const refusal = requestRefusal(n.request, profile);
        const needed =
          refusal === null && tainting === 'cors' && preflightReasons(n.request, profile).reasons.length > 0;
        expect([tainting, refusal?.kind, needed]).toEqual([
          full.tainting,
          full.refusal?.kind,
          full.preflight.needed,
        ]);
      }),
      { numRuns: 800 },
    );
  });

  it('ACAO `*` without credentials always passes; with credentials never', () => {
    fc.assert(
      fc.property(request, browsers, (req, b) => {
        const c = classify(req, b);
        fc.pre(c.ok);
        const res = { status: 200, headers: [['Access-Control-Allow-Origin', '*']] as HeaderList };
        const e = corsCheck(req, res, b);
        if (c.request.credentials === 'include') expect(e?.kind).toBe('wildcard-origin-not-allowed');
        else expect(e).toBeNull();
      }),
      { numRuns: 500 },
    );
  });

  it('an allowed preflight entry never has a negative max-age nor one above the cap', () => {
    // Answers that allow the request (origin, credentials, its method and headers), with any
    // Access-Control-Max-Age: most of them pass, so the bound is checked on real entries.
    const maxAge = fc.oneof(fc.nat().map(String), headerValue, fc.constantFrom('+60', '1e3', '99999999999'));
    let allowed = 0;
    fc.assert(
      fc.property(request, browsers, maxAge, (req, b, age) => {
        const n = normalizeRequest(req, getProfile(b));
        fc.pre(n.ok && n.request.origin.type === 'tuple');
        const r = n.request;
        const res = {
          status: 204,
          headers: [
            ['Access-Control-Allow-Origin', r.originSerialized],
            ['Access-Control-Allow-Credentials', 'true'],
            ['Access-Control-Allow-Methods', r.method],
            ['Access-Control-Allow-Headers', r.headers.map(([h]) => h).join(', ')],
            ['Access-Control-Max-Age', age],
          ] as HeaderList,
        };
        const got = checkPreflightResponse(r, res, b);
        if (!got.ok) return;
        allowed++;
        const cap = { chromium: 7200, firefox: 86400, webkit: 600, spec: Number.POSITIVE_INFINITY }[b];
        expect(got.entry.maxAge).toBeGreaterThanOrEqual(0);
        expect(got.entry.maxAge).toBeLessThanOrEqual(cap);
      }),
      { numRuns: 800 },
    );
    expect(allowed).toBeGreaterThan(100);
  });

  it('answers huge lists with a value (no exception, no hang)', () => {
    const big = 'a,'.repeat(50_000);
    const got = checkPreflightResponse(
      {
        origin: 'https://app.example',
        url: 'https://api.example/',
        method: 'PUT',
        headers: [['X-A', 'x'.repeat(10_000)]],
      },
      {
        status: 200,
        headers: [
          ['Access-Control-Allow-Origin', '*'],
          ['Access-Control-Allow-Methods', big],
          ['Access-Control-Allow-Headers', big],
        ],
      },
    );
    expect(got.ok ? '' : got.error.kind).toBe('method-disallowed-by-preflight-response');
  });

  it('normalizes an absolute http(s) URL as the parser with the page as base would (the fast path skips the base)', () => {
    const urlChar = fc.constantFrom(
      ...'aZ09-._~:/?#[]@!$&\'()*+,;=% \t\n\\^|{}<>"`'.split(''),
      'é',
      '\u0000',
    );
    const rest = fc.string({ unit: urlChar, maxLength: 30 });
    const pages = fc.constantFrom(
      'https://app.example',
      'http://app.test:8080/dir/page?q',
      'https://[::1]:3000/',
    );
    fc.assert(
      fc.property(fc.constantFrom('http://', 'https://'), rest, pages, (scheme, tail, page) => {
        const input = scheme + tail;
        const got = normalizeRequest({ origin: page, url: input });
        const expected = URL.parse(input, page);
        expect(got.ok ? got.request.url.href : null).toBe(expected === null ? null : expected.href);
      }),
      { numRuns: 2000 },
    );
  });
});
