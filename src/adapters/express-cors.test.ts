import realCors from 'cors';
import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { isHeaderValue, isToken as isTokenValue } from '../_fetch/index.js';
import { parseOriginHeader } from '../origin/index.js';
import { CorsConfigError } from '../server/index.js';
import { cors as ourCors } from './express-cors.js';

type Headers = Record<string, string>;

/** What a middleware did with one request. */
interface Outcome {
  threw: string | null;
  next: boolean;
  nextArg: unknown;
  ended: boolean;
  status: number | undefined;
  headers: Headers;
}

function fakeRequest(method: string, headers?: Headers) {
  return {
    method,
    headers: headers ?? {
      origin: 'request.com',
      'access-control-request-headers': 'requestedHeader1,requestedHeader2',
    },
  };
}

function runOne(
  factory: (o: unknown) => unknown,
  options: unknown,
  req: ReturnType<typeof fakeRequest>,
  preset?: Headers,
): Outcome {
  const headers: Headers = { ...(preset ?? {}) };
  const out: Outcome = {
    threw: null,
    next: false,
    nextArg: undefined,
    ended: false,
    status: undefined,
    headers,
  };
  const res = {
    statusCode: undefined as number | undefined,
    getHeader: (k: string) => headers[k.toLowerCase()],
    setHeader: (k: string, v: string) => {
      headers[k.toLowerCase()] = String(v);
    },
    end: () => {
      out.ended = true;
    },
  };
  let mw: (req: unknown, res: unknown, next: (e?: unknown) => void) => void;
  try {
    mw = (options === NO_OPTIONS ? factory(undefined) : factory(options)) as typeof mw;
  } catch (e) {
    out.threw = e instanceof CorsConfigError ? 'CorsConfigError' : String(e);
    return out;
  }
  mw(req, res, (arg?: unknown) => {
    out.next = true;
    out.nextArg = arg instanceof CorsConfigError ? 'CorsConfigError' : arg;
  });
  out.status = res.statusCode;
  return out;
}

const NO_OPTIONS = Symbol('cors()');

/**
 * Deliberate refusals (docs/server.md, "Drop-in for cors"):
 * R1 an OPTIONS without Origin or without Access-Control-Request-Method is not a preflight: it goes
 *    to the application with the actual-request headers;
 * R2 a request Origin that is not a serialized origin (request.com) is never reflected;
 * R3 an origin option string that is not an origin (example.com) is refused at start-up (a
 *    delegate's: next(error));
 * R4 origin: true with credentials: true is refused at start-up;
 * R5 unsafe RegExps (not anchored ^…$, unescaped "." between labels, g/y flags) are refused at start-up;
 * R6 'null' and, with credentials, http: origins are refused at start-up;
 * R7 a malformed, over-long or flooded Access-Control-Request-Headers is not reflected: 403;
 * R8 option values browsers cannot use (non-token methods or header names, optionsSuccessStatus
 *    outside 2xx, maxAge not whole seconds) and unknown option names are refused at start-up.
 */
type Refusal = 'R1' | 'R2' | 'R3' | 'R4' | 'R5' | 'R6' | 'R7' | 'R8';

interface Case {
  /** The `it` title in the cors suite. */
  name: string;
  options: unknown;
  request: ReturnType<typeof fakeRequest>;
  preset?: Headers;
  /** `equal`, or the refusal that makes ours differ. */
  expect: 'equal' | Refusal;
  /** The browser-shaped variant, with its own expectation. */
  browser?: { options?: unknown; request?: ReturnType<typeof fakeRequest>; expect: 'equal' | Refusal };
}

const B_ORIGIN = 'https://request.com';
const bReq = (method: string, extra: Headers = {}) =>
  fakeRequest(method, {
    origin: B_ORIGIN,
    'access-control-request-headers': 'requestedHeader1,requestedHeader2',
    ...(method === 'OPTIONS' ? { 'access-control-request-method': 'PUT' } : {}),
    ...extra,
  });

/** The common row: the cors suite's request (no preset headers), and a browser-shaped one that must match. */
const simple = (
  name: string,
  options: unknown,
  method: string,
  expectation: Case['expect'],
  browserMethod = method,
): Case => ({
  name,
  options,
  request: fakeRequest(method),
  expect: expectation,
  browser: { request: bReq(browserMethod), expect: 'equal' },
});

const CASES: Case[] = [
  {
    name: 'does not alter `options` configuration object',
    options: Object.freeze({ origin: 'custom-origin' }),
    request: fakeRequest('GET'),
    expect: 'R3',
    browser: { options: Object.freeze({ origin: 'https://custom-origin.example' }), expect: 'equal' },
  },
  simple('passes control to next middleware', NO_OPTIONS, 'GET', 'equal'),
  simple('shortcircuits preflight requests', NO_OPTIONS, 'OPTIONS', 'R1'),
  simple(
    'can configure preflight success response status code',
    { optionsSuccessStatus: 200 },
    'OPTIONS',
    'R1',
  ),
  simple(
    "doesn't shortcircuit preflight requests with preflightContinue option",
    { preflightContinue: true },
    'OPTIONS',
    'R1',
  ),
  {
    name: 'normalizes method names',
    options: NO_OPTIONS,
    request: fakeRequest('options'),
    expect: 'R1',
    browser: { request: { ...bReq('OPTIONS'), method: 'options' }, expect: 'equal' },
  },
  simple('includes Content-Length response header', NO_OPTIONS, 'OPTIONS', 'R1'),
  simple('no options enables default CORS to all origins', NO_OPTIONS, 'GET', 'equal'),
  simple(
    'OPTION call with no options enables default CORS to all origins and methods',
    NO_OPTIONS,
    'OPTIONS',
    'R1',
  ),
  {
    name: 'passing static options › overrides defaults',
    options: {
      origin: 'example.com',
      methods: ['FOO', 'bar'],
      headers: ['FIZZ', 'buzz'],
      credentials: true,
      maxAge: 123,
    },
    request: fakeRequest('OPTIONS'),
    expect: 'R3',
    browser: {
      options: {
        origin: 'https://example.com',
        methods: ['FOO', 'bar'],
        headers: ['FIZZ', 'buzz'],
        credentials: true,
        maxAge: 123,
      },
      request: bReq('OPTIONS'),
      expect: 'equal',
    },
  },
  {
    name: 'passing static options › matches request origin against regexp',
    options: { origin: /^(.+\.)?request.com$/ },
    request: fakeRequest('GET'),
    expect: 'R5',
    browser: {
      options: { origin: /^https:\/\/(.+\.)?request\.com$/ },
      request: bReq('GET'),
      expect: 'equal',
    },
  },
  {
    name: 'passing static options › matches request origin against array of origin checks',
    options: { origin: [/foo\.com$/, 'request.com'] },
    request: fakeRequest('GET'),
    expect: 'R5',
    browser: {
      options: { origin: [/^https:\/\/foo\.com$/, B_ORIGIN] },
      request: bReq('GET'),
      expect: 'equal',
    },
  },
  {
    name: "passing static options › doesn't match request origin against array of invalid origin checks",
    options: { origin: [/foo\.com$/, 'bar.com'] },
    request: fakeRequest('GET'),
    expect: 'R5',
    browser: {
      options: { origin: [/^https:\/\/foo\.com$/, 'https://bar.com'] },
      request: bReq('GET'),
      expect: 'equal',
    },
  },
  {
    name: 'passing static options › origin of false disables cors',
    options: {
      origin: false,
      methods: ['FOO', 'bar'],
      headers: ['FIZZ', 'buzz'],
      credentials: true,
      maxAge: 123,
    },
    request: fakeRequest('GET'),
    expect: 'equal',
    browser: { request: bReq('GET'), expect: 'equal' },
  },
  {
    name: 'passing static options › can override origin',
    options: { origin: 'example.com' },
    request: fakeRequest('GET'),
    expect: 'R3',
    browser: { options: { origin: 'https://example.com' }, request: bReq('GET'), expect: 'equal' },
  },
  {
    name: 'passing static options › includes Vary header for specific origins',
    options: { origin: 'example.com' },
    request: fakeRequest('GET'),
    expect: 'R3',
    browser: { options: { origin: 'https://example.com' }, request: bReq('GET'), expect: 'equal' },
  },
  {
    name: 'passing static options › appends to an existing Vary header',
    options: { origin: 'example.com' },
    request: fakeRequest('GET'),
    preset: { vary: 'Foo' },
    expect: 'R3',
    browser: { options: { origin: 'https://example.com' }, request: bReq('GET'), expect: 'equal' },
  },
  simple('passing static options › origin defaults to *', NO_OPTIONS, 'GET', 'equal'),
  simple(
    'passing static options › specifying true for origin reflects requesting origin',
    { origin: true },
    'GET',
    'R2',
  ),
  simple(
    'passing static options › should allow origin when callback returns true',
    { origin: (_o: string | undefined, cb: (e: null, v: boolean) => void) => cb(null, true) },
    'GET',
    'R2',
  ),
  simple(
    'passing static options › should not allow origin when callback returns false',
    { origin: (_o: string | undefined, cb: (e: null, v: boolean) => void) => cb(null, false) },
    'GET',
    'equal',
  ),
  {
    name: 'passing static options › should not override options.origin callback (valid)',
    options: {
      origin: (o: string | undefined, cb: (e: null, v: boolean) => void) =>
        cb(null, o === 'request.com' || o === B_ORIGIN),
    },
    request: fakeRequest('GET'),
    expect: 'R2',
    browser: { request: bReq('GET'), expect: 'equal' },
  },
  {
    name: 'passing static options › should not override options.origin callback (invalid)',
    options: {
      origin: (o: string | undefined, cb: (e: null, v: boolean) => void) =>
        cb(null, o === 'request.com' || o === B_ORIGIN),
    },
    request: fakeRequest('GET', { origin: 'invalid-request.com' }),
    expect: 'equal',
    browser: { request: fakeRequest('GET', { origin: 'https://invalid-request.com' }), expect: 'equal' },
  },
  simple(
    'passing static options › can override methods',
    { methods: ['method1', 'method2'] },
    'OPTIONS',
    'R1',
  ),
  simple(
    'passing static options › methods defaults to GET, HEAD, PUT, PATCH, POST, DELETE',
    NO_OPTIONS,
    'OPTIONS',
    'R1',
  ),
  simple(
    'passing static options › can specify allowed headers as array',
    { allowedHeaders: ['header1', 'header2'] },
    'OPTIONS',
    'R1',
  ),
  simple(
    'passing static options › can specify allowed headers as string',
    { allowedHeaders: 'header1,header2' },
    'OPTIONS',
    'R1',
  ),
  simple(
    'passing static options › specifying an empty list or string of allowed headers will result in no response header for allowed headers',
    { allowedHeaders: [] },
    'GET',
    'equal',
    'OPTIONS',
  ),
  simple(
    'passing static options › if no allowed headers are specified, defaults to requested allowed headers',
    NO_OPTIONS,
    'OPTIONS',
    'R1',
  ),
  simple(
    'passing static options › can specify exposed headers as array',
    { exposedHeaders: ['custom-header1', 'custom-header2'] },
    'GET',
    'equal',
  ),
  simple(
    'passing static options › can specify exposed headers as string',
    { exposedHeaders: 'custom-header1,custom-header2' },
    'GET',
    'equal',
  ),
  simple(
    'passing static options › specifying an empty list or string of exposed headers will result in no response header for exposed headers',
    { exposedHeaders: [] },
    'GET',
    'equal',
  ),
  simple(
    'passing static options › includes credentials if explicitly enabled',
    { credentials: true },
    'OPTIONS',
    'R1',
  ),
  simple(
    'passing static options › does not includes credentials unless explicitly enabled',
    NO_OPTIONS,
    'GET',
    'equal',
  ),
  simple('passing static options › includes maxAge when specified', { maxAge: 456 }, 'OPTIONS', 'R1'),
  simple(
    'passing static options › includes maxAge when specified and equals to zero',
    { maxAge: 0 },
    'OPTIONS',
    'R1',
  ),
  simple('passing static options › does not includes maxAge unless specified', NO_OPTIONS, 'GET', 'equal'),
  {
    name: 'passing a function to build options › handles options specified via callback',
    options: (_r: unknown, cb: (e: null, o: unknown) => void) => cb(null, { origin: 'delegate.com' }),
    request: fakeRequest('GET'),
    expect: 'R3',
    browser: {
      options: (_r: unknown, cb: (e: null, o: unknown) => void) =>
        cb(null, { origin: 'https://delegate.com' }),
      request: bReq('GET'),
      expect: 'equal',
    },
  },
  {
    name: 'passing a function to build options › handles options specified via callback for preflight',
    options: (_r: unknown, cb: (e: null, o: unknown) => void) =>
      cb(null, { origin: 'delegate.com', maxAge: 1000 }),
    request: fakeRequest('OPTIONS'),
    expect: 'R3',
    browser: {
      options: (_r: unknown, cb: (e: null, o: unknown) => void) =>
        cb(null, { origin: 'https://delegate.com', maxAge: 1000 }),
      request: bReq('OPTIONS'),
      expect: 'equal',
    },
  },
  simple(
    'passing a function to build options › handles error specified via callback',
    (_r: unknown, cb: (e: string) => void) => cb('some error'),
    'GET',
    'equal',
  ),
];

/** Extra cases: the unsafe configurations the issue names, and the bounds. */
const EXTRA: Case[] = [
  {
    name: 'unsafe: origin true with credentials',
    options: { origin: true, credentials: true },
    request: bReq('GET'),
    expect: 'R4',
  },
  {
    name: 'unsafe: unanchored RegExp /example\\.com$/ (matches evilexample.com)',
    options: { origin: /example\.com$/ },
    request: fakeRequest('GET', { origin: 'https://evilexample.com' }),
    expect: 'R5',
  },
  {
    name: 'unsafe: RegExp with a top-level alternation',
    options: { origin: /^https:\/\/a\.com|https:\/\/b\.com$/ },
    request: bReq('GET'),
    expect: 'R5',
  },
  {
    name: 'unsafe: stateful RegExp flag g',
    options: { origin: /^https:\/\/request\.com$/g },
    request: bReq('GET'),
    expect: 'R5',
  },
  {
    name: 'unsafe: null origin listed',
    options: { origin: ['null'] },
    request: fakeRequest('GET', { origin: 'null' }),
    expect: 'R6',
  },
  {
    name: 'unsafe: http origin with credentials',
    options: { origin: ['http://request.com'], credentials: true },
    request: fakeRequest('GET', { origin: 'http://request.com' }),
    expect: 'R6',
  },
  {
    name: 'dangerouslyReflectAnyOrigin restores cors behaviour',
    options: { origin: true, credentials: true, dangerouslyReflectAnyOrigin: true },
    request: bReq('GET'),
    expect: 'equal',
  },
  {
    name: 'dangerouslyAllowUnsafeRegExp restores cors behaviour',
    options: { origin: /example\.com$/, dangerouslyAllowUnsafeRegExp: true },
    request: fakeRequest('GET', { origin: 'https://evilexample.com' }),
    expect: 'equal',
  },
  {
    name: 'bounded ACRH: 1 MB value is not reflected',
    options: NO_OPTIONS,
    request: bReq('OPTIONS', { 'access-control-request-headers': `x-${'a'.repeat(1 << 20)}` }),
    expect: 'R7',
  },
  {
    name: 'bounded ACRH: 100k commas',
    options: NO_OPTIONS,
    request: bReq('OPTIONS', { 'access-control-request-headers': ','.repeat(100_000) }),
    expect: 'R7',
  },
  {
    name: 'bounded ACRH: malformed list',
    options: NO_OPTIONS,
    request: bReq('OPTIONS', { 'access-control-request-headers': 'x-a;b' }),
    expect: 'R7',
  },
  {
    name: 'ACRH with spaces is reflected as cors does',
    options: NO_OPTIONS,
    request: bReq('OPTIONS', { 'access-control-request-headers': 'x-a, X-B' }),
    expect: 'equal',
  },
  {
    name: 'optionsSuccessStatus outside 2xx',
    options: { optionsSuccessStatus: 302 },
    request: bReq('OPTIONS'),
    expect: 'R8',
  },
  { name: 'method with a space', options: { methods: ['GET POST'] }, request: bReq('OPTIONS'), expect: 'R8' },
  {
    name: 'unknown option (typo)',
    options: { optionSuccessStatus: 200 },
    request: bReq('OPTIONS'),
    expect: 'R8',
  },
  {
    name: 'explicit origin: undefined turns CORS off as in cors',
    options: { origin: undefined },
    request: bReq('GET'),
    expect: 'equal',
  },
  {
    name: 'array with a RegExp and origins, no match',
    options: { origin: [/^https:\/\/[a-z]+\.example\.com$/, 'https://x.example'] },
    request: bReq('GET'),
    expect: 'equal',
  },
  {
    name: 'array with a RegExp, match',
    options: { origin: [/^https:\/\/[a-z]+\.example\.com$/] },
    request: fakeRequest('GET', { origin: 'https://api.example.com' }),
    expect: 'equal',
  },
  {
    name: 'credentials with fixed origin, preflight',
    options: {
      origin: 'https://app.example.com',
      credentials: true,
      methods: 'GET,PUT',
      allowedHeaders: 'content-type',
      exposedHeaders: 'etag',
      maxAge: 600,
    },
    request: bReq('OPTIONS'),
    expect: 'equal',
  },
  {
    name: 'no Origin: cors sends its headers anyway (we keep that)',
    options: { origin: 'https://app.example.com', credentials: true, exposedHeaders: ['etag'] },
    request: fakeRequest('GET', {}),
    expect: 'equal',
  },
  {
    name: 'callback answering a list',
    options: { origin: (_o: unknown, cb: (e: null, v: unknown) => void) => cb(null, [B_ORIGIN]) },
    request: bReq('GET'),
    expect: 'equal',
  },
  {
    name: 'callback answering an unsafe RegExp',
    options: { origin: (_o: unknown, cb: (e: null, v: unknown) => void) => cb(null, /request\.com/) },
    request: bReq('GET'),
    expect: 'R5',
  },
];

function compareCase(c: {
  options: unknown;
  request: ReturnType<typeof fakeRequest>;
  preset?: Headers;
  expect: 'equal' | Refusal;
}) {
  const theirs = runOne(realCors as (o: unknown) => unknown, c.options, structuredClone(c.request), c.preset);
  const ours = runOne(ourCors as (o: unknown) => unknown, c.options, structuredClone(c.request), c.preset);
  const equal = JSON.stringify(theirs) === JSON.stringify(ours);
  return { theirs, ours, equal };
}

/** Checks that `ours` shows the refusal it is tagged with. */
function showsRefusal(
  r: Refusal,
  ours: Outcome,
  theirs: Outcome,
  req: ReturnType<typeof fakeRequest>,
): boolean {
  switch (r) {
    case 'R1':
      // Not a preflight: passed on with no preflight headers, where cors answered it as one.
      return (
        ours.next &&
        !ours.ended &&
        ours.headers['access-control-allow-methods'] === undefined &&
        (theirs.ended || theirs.headers['access-control-allow-methods'] !== undefined)
      );
    case 'R2': {
      // The malformed request origin was not reflected.
      return (
        ours.headers['access-control-allow-origin'] === undefined &&
        theirs.headers['access-control-allow-origin'] === req.headers.origin
      );
    }
    case 'R3':
    case 'R4':
    case 'R5':
    case 'R6':
    case 'R8':
      // Refused at start-up, or (delegate/callback) passed to next as an error.
      return ours.threw === 'CorsConfigError' || ours.nextArg === 'CorsConfigError';
    case 'R7':
      return ours.status === 403 && ours.ended && ours.headers['access-control-allow-headers'] === undefined;
  }
}

describe('cors test suite (test/test.js), as written', () => {
  it.each(CASES.map((c) => [c.name, c] as const))('%s', (_n, c) => {
    const { theirs, ours, equal } = compareCase(c);
    if (c.expect === 'equal') {
      expect(ours).toEqual(theirs);
    } else {
      expect(equal, 'tagged as a refusal but equal').toBe(false);
      expect(
        showsRefusal(c.expect, ours, theirs, c.request),
        `shows ${c.expect}: ${JSON.stringify(ours)}`,
      ).toBe(true);
    }
  });
});

describe('cors test suite (test/test.js), browser-shaped', () => {
  it.each(CASES.filter((c) => c.browser).map((c) => [c.name, c] as const))('%s', (_n, c) => {
    const b = {
      options: c.browser!.options ?? c.options,
      request: c.browser!.request ?? c.request,
      preset: c.preset,
      expect: c.browser!.expect,
    };
    const { theirs, ours } = compareCase(b);
    if (b.expect === 'equal') {
      expect(ours).toEqual(theirs);
    } else {
      expect(showsRefusal(b.expect, ours, theirs, b.request)).toBe(true);
    }
  });
});

describe('unsafe configurations and bounds', () => {
  it.each(EXTRA.map((c) => [c.name, c] as const))('%s', (_n, c) => {
    const { theirs, ours, equal } = compareCase(c);
    if (c.expect === 'equal') expect(ours).toEqual(theirs);
    else {
      expect(equal).toBe(false);
      expect(showsRefusal(c.expect, ours, theirs, c.request), JSON.stringify(ours)).toBe(true);
    }
  });

  it('the start-up error spells out the safe alternative', () => {
    expect(() => ourCors({ origin: /example\.com$/ })).toThrow(/\^https:.*example/);
    expect(() => ourCors({ origin: true, credentials: true })).toThrow(/list the origins instead/);
    expect(() => ourCors({ origin: 'example.com' })).toThrow(/did you mean "https:\/\/example.com"/);
  });

  it('counts, as reported in docs/server.md', () => {
    const tally = (
      rows: { options: unknown; request: ReturnType<typeof fakeRequest>; preset?: Headers; expect: string }[],
    ) => {
      const out: Record<string, number> = {};
      for (const c of rows) {
        const key = compareCase(c as Parameters<typeof compareCase>[0]).equal ? 'equal' : c.expect;
        out[key] = (out[key] ?? 0) + 1;
      }
      return out;
    };
    const asWritten = tally(CASES);
    const browserShaped = tally(
      CASES.map((c) => ({
        options: c.browser?.options ?? c.options,
        request: c.browser?.request ?? c.request,
        preset: c.preset,
        expect: c.browser?.expect ?? c.expect,
      })),
    );
    console.log(
      `cors test/test.js as written: ${JSON.stringify(asWritten)}; browser-shaped: ${JSON.stringify(browserShaped)}`,
    );
    expect(CASES.length).toBe(40);
    expect(asWritten).toEqual({ equal: 13, R1: 14, R2: 3, R3: 7, R5: 3 });
    expect(browserShaped).toEqual({ equal: 40 });
  });
});
// ---------------------------------------------------------------------------------------------
// Properties: never throws on any request, and sends back only checked values.

const CONFIGS: Record<string, unknown>[] = [
  {},
  { origin: true },
  { origin: ['https://app.example.com', /^https:\/\/[a-z0-9-]+\.example\.com$/], credentials: true },
  { origin: 'https://app.example.com', allowedHeaders: ['content-type'], maxAge: 10 },
  {
    origin: (o: string | undefined, cb: (e: null, v: boolean) => void) =>
      cb(null, o?.endsWith('.example.com') ?? false),
  },
];

describe('drop-in properties', () => {
  it('never throws; every header value is valid; ACAO is *, configured or a checked request origin; ACAH a token list', () => {
    fc.assert(
      fc.property(
        fc.integer({ min: 0, max: CONFIGS.length - 1 }),
        fc.constantFrom('GET', 'POST', 'OPTIONS', 'options', 'PUT', ''),
        fc.option(
          fc.oneof(
            fc.constantFrom('https://app.example.com', 'https://x.example.com', 'null', 'request.com'),
            fc.string({ maxLength: 40 }),
          ),
          { nil: undefined },
        ),
        fc.option(fc.constantFrom('PUT', 'GET', ''), { nil: undefined }),
        fc.option(fc.oneof(fc.constantFrom('x-a,x-b', 'X-A, x-b', ',,'), fc.string({ maxLength: 40 })), {
          nil: undefined,
        }),
        (k, method, origin, acrm, acrh) => {
          const headers: Headers = {};
          if (origin !== undefined) headers.origin = origin;
          if (acrm !== undefined) headers['access-control-request-method'] = acrm;
          if (acrh !== undefined) headers['access-control-request-headers'] = acrh;
          const out = runOne(ourCors as (o: unknown) => unknown, CONFIGS[k], fakeRequest(method, headers));
          expect(out.threw).toBeNull();
          for (const v of Object.values(out.headers)) expect(isHeaderValue(v)).toBe(true);
          const acao = out.headers['access-control-allow-origin'];
          if (acao !== undefined && acao !== '*' && acao !== 'https://app.example.com') {
            expect(acao).toBe(origin);
            expect(parseOriginHeader(acao).ok && acao !== 'null').toBe(true);
          }
          const acah = out.headers['access-control-allow-headers'];
          if (acah !== undefined) {
            for (const n of acah
              .split(',')
              .map((s) => s.trim())
              .filter(Boolean))
              expect(isTokenValue(n)).toBe(true);
          }
        },
      ),
      { numRuns: 3000 },
    );
  });
});
