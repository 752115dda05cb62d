/**
 * The pure algorithms, case by case: classify, preflightRequest, corsCheck, checkPreflightResponse,
 * parseMaxAge, exposedHeaderNames, redirectStep. Expectations come from the Fetch Standard and
 * from what Chromium 156 / Firefox ESR 153 were seen to do (docs/browser-differences.md).
 */
import { describe, expect, it } from 'vitest';
import {
  type BrowserName,
  type BrowserRequest,
  checkPreflightResponse,
  classify,
  corsCheck,
  exposedHeaderNames,
  type HeaderList,
  normalizeRequest,
  PROFILES,
  parseMaxAge,
  preflightRequest,
  redirectStep,
} from './index.js';

const APP = 'https://app.example';
const API = 'https://api.example/v1/items';
const r = (extra: Partial<BrowserRequest> = {}): BrowserRequest => ({ origin: APP, url: API, ...extra });

describe('classify', () => {
  const cases: {
    name: string;
    req: BrowserRequest;
    preflight: boolean;
    reasons?: unknown[];
    tainting?: string;
    refusal?: string;
    dropped?: string[];
    noCors?: string;
  }[] = [
    { name: 'simple GET', req: r(), preflight: false, reasons: [], tainting: 'cors', noCors: 'opaque' },
    {
      name: 'same-origin PUT',
      req: r({ url: `${APP}/x`, method: 'PUT' }),
      preflight: false,
      tainting: 'basic',
    },
    {
      name: 'PUT',
      req: r({ method: 'PUT' }),
      preflight: true,
      reasons: [{ kind: 'method', method: 'PUT' }],
      noCors: 'refused',
    },
    {
      name: 'lower-case patch is not normalized',
      req: r({ method: 'patch' }),
      preflight: true,
      reasons: [{ kind: 'method', method: 'patch' }],
    },
    { name: 'lower-case post is normalized', req: r({ method: 'post' }), preflight: false, reasons: [] },
    {
      name: 'custom header, JSON content type',
      req: r({ method: 'POST', headers: { 'X-Trace': '1', 'Content-Type': 'application/json' } }),
      preflight: true,
      reasons: [
        { kind: 'header', name: 'content-type', reason: 'mime-essence' },
        { kind: 'header', name: 'x-trace', reason: 'name' },
      ],
    },
    {
      name: 'Accept with a CORS-unsafe byte',
      req: r({ headers: [['Accept', 'text/html"']] }),
      preflight: true,
      reasons: [{ kind: 'header', name: 'accept', reason: 'value-unsafe-byte' }],
    },
    {
      name: 'Accept-Language over 128 bytes',
      req: r({ headers: [['Accept-Language', 'a'.repeat(129)]] }),
      preflight: true,
      reasons: [{ kind: 'header', name: 'accept-language', reason: 'value-too-long' }],
    },
    {
      name: 'many safelisted values and one custom header',
      req: r({
        headers: [
          ['Accept', 'a'.repeat(120)],
          ['Accept-Language', 'b'.repeat(120)],
          ['Content-Language', 'c'.repeat(120)],
          ['X-1', '1'],
          ...Array.from(
            { length: 7 },
            (_, i) => [`Content-Language`, `${i}`.repeat(110)] as [string, string],
          ),
        ],
      }),
      preflight: true,
    },
    {
      name: 'Range with two ranges',
      req: r({ headers: [['Range', 'bytes=0-1,5-6']] }),
      preflight: true,
      reasons: [{ kind: 'header', name: 'range', reason: 'range-form' }],
    },
    {
      name: 'stream body',
      req: r({ method: 'POST', body: 'stream' }),
      preflight: true,
      reasons: [{ kind: 'stream-body' }],
    },
    {
      name: 'forbidden headers are dropped silently',
      req: r({
        headers: [
          ['Cookie', 'a=1'],
          ['Host', 'evil'],
          ['Sec-Foo', '1'],
        ],
      }),
      preflight: false,
      dropped: ['cookie', 'host', 'sec-foo'],
    },
    {
      name: 'no-cors drops unsafe headers',
      req: r({
        mode: 'no-cors',
        headers: [
          ['X-A', '1'],
          ['Accept', 'text/plain'],
        ],
      }),
      preflight: false,
      tainting: 'opaque',
      dropped: ['x-a'],
    },
    {
      name: 'no-cors PUT is refused',
      req: r({ mode: 'no-cors', method: 'PUT' }),
      preflight: false,
      refusal: 'method-unsupported-in-no-cors',
    },
    {
      name: 'CONNECT is forbidden',
      req: r({ method: 'CONNECT' }),
      preflight: false,
      refusal: 'forbidden-method',
    },
    {
      name: 'same-origin mode, other origin',
      req: r({ mode: 'same-origin' }),
      preflight: false,
      refusal: 'disallowed-by-mode',
    },
    {
      name: 'no-cors needs redirect mode follow',
      req: r({ mode: 'no-cors', redirect: 'manual' }),
      preflight: false,
      refusal: 'no-cors-redirect-mode',
    },
    {
      name: 'ftp: scheme',
      req: r({ url: 'ftp://api.example/x' }),
      preflight: false,
      refusal: 'unsupported-scheme',
    },
    {
      name: 'tainted redirect back to the page origin is CORS',
      req: r({ url: `${APP}/back`, urlList: [API, `${APP}/back`], method: 'PUT' }),
      preflight: true,
      tainting: 'cors',
    },
  ];
  it.each(cases.map((c) => [c.name, c] as const))('%s', (_n, c) => {
    const got = classify(c.req);
    if (!got.ok) throw new Error(got.problem);
    expect(got.preflight.needed).toBe(c.preflight);
    if (c.reasons) expect(got.preflight.reasons).toEqual(c.reasons);
    if (c.tainting) expect(got.tainting).toBe(c.tainting);
    expect(got.refusal?.kind).toBe(c.refusal);
    if (c.dropped) expect(got.droppedHeaders).toEqual(c.dropped);
    if (c.noCors) expect(got.noCors.response).toBe(c.noCors);
  });

  it('repeated safelisted names are combined first, so their joined value counts against 128 bytes', () => {
    // (With the Headers object combining names, five safelisted names of at most 128 bytes can
    // never reach the 1024-byte total: `total-length` only arises for raw header lists.)
    const got = classify(
      r({
        headers: [
          ['Accept', 'a'.repeat(100)],
          ['Accept', 'b'.repeat(100)],
        ],
      }),
    );
    if (!got.ok) throw new Error(got.problem);
    expect(got.unsafeHeaders).toEqual([{ name: 'accept', reason: 'value-too-long' }]);
  });

  it('refuses what no browser could send, as a value', () => {
    expect(classify(r({ url: 'http://[::1' })).ok).toBe(false);
    expect(classify(r({ method: 'GE T' })).ok).toBe(false);
    expect(classify(r({ headers: [['Bad Name', 'x']] })).ok).toBe(false);
    expect(classify(r({ headers: [['X-A', 'a\nb']] })).ok).toBe(false);
    expect(classify({ origin: 'nope', url: API }).ok).toBe(false);
  });
});

describe('preflightRequest', () => {
  it('lists the request headers lower-cased, sorted and joined without spaces', () => {
    const p = preflightRequest(
      r({
        method: 'PUT',
        headers: [
          ['X-B', '1'],
          ['x-a', '2'],
          ['Content-Type', 'application/json'],
        ],
      }),
    );
    expect(p).toEqual({
      method: 'OPTIONS',
      url: API,
      headers: [
        ['Accept', '*/*'],
        ['Access-Control-Request-Method', 'PUT'],
        ['Access-Control-Request-Headers', 'content-type,x-a,x-b'],
        ['Origin', APP],
        ['Sec-Fetch-Mode', 'cors'],
        ['Sec-Fetch-Site', 'cross-site'],
        ['Sec-Fetch-Dest', 'empty'],
      ],
    });
  });
  it('omits Access-Control-Request-Headers when every header is safelisted, and sends no cookies', () => {
    const p = preflightRequest(
      r({ method: 'DELETE', credentials: 'include', headers: [['Accept', 'text/plain']] }),
    );
    const names = p?.headers.map(([n]) => n.toLowerCase());
    expect(names).not.toContain('access-control-request-headers');
    expect(names).not.toContain('cookie');
  });
  it.each([
    ['chromium', 'null'],
    ['firefox', APP],
    ['spec', APP],
  ] as [BrowserName, string][])(
    '%s: Origin of a preflight after a tainting redirect is %s',
    (browser, origin) => {
      const p = preflightRequest(
        r({ url: `${APP}/back`, urlList: [API, `${APP}/back`], headers: [['X-A', '1']] }),
        browser,
      );
      expect(p?.headers.find(([n]) => n === 'Origin')?.[1]).toBe(origin);
      expect(p?.headers.find(([n]) => n === 'Sec-Fetch-Site')?.[1]).toBe('same-origin');
    },
  );
  it('firefox adds Sec-Fetch-Storage-Access to a credentialed cross-site preflight', () => {
    const req = r({ url: 'https://api.other/x', credentials: 'include', headers: [['X-A', '1']] });
    expect(preflightRequest(req, 'firefox')?.headers).toContainEqual(['Sec-Fetch-Storage-Access', 'none']);
    expect(preflightRequest(req, 'chromium')?.headers.map(([n]) => n)).not.toContain(
      'Sec-Fetch-Storage-Access',
    );
  });
});

describe('corsCheck', () => {
  const acao = (...values: string[]): HeaderList => values.map((v) => ['Access-Control-Allow-Origin', v]);
  const cases: {
    name: string;
    headers: HeaderList;
    credentials?: 'include';
    chromium: string | null;
    firefox: string | null;
    hint?: string;
  }[] = [
    { name: 'exact', headers: acao(APP), chromium: null, firefox: null },
    { name: 'wildcard', headers: acao('*'), chromium: null, firefox: null },
    {
      name: 'surrounding whitespace is not part of the value',
      headers: acao(`  ${APP}\t`),
      chromium: null,
      firefox: null,
    },
    {
      name: 'missing',
      headers: [],
      chromium: 'missing-allow-origin-header',
      firefox: 'missing-allow-origin-header',
    },
    {
      name: 'mismatch',
      headers: acao('https://evil.example'),
      chromium: 'allow-origin-mismatch',
      firefox: 'allow-origin-mismatch',
      hint: 'https://evil.example',
    },
    {
      name: 'two values, one line',
      headers: acao(`${APP} https://b.example`),
      chromium: 'multiple-allow-origin-values',
      firefox: 'allow-origin-mismatch',
    },
    {
      name: 'two lines',
      headers: acao(APP, APP),
      chromium: 'multiple-allow-origin-values',
      firefox: 'multiple-allow-origin-values',
      hint: `${APP}, ${APP}`,
    },
    {
      name: 'not a URL',
      headers: acao('app.example'),
      chromium: 'invalid-allow-origin-value',
      firefox: 'allow-origin-mismatch',
    },
    {
      name: 'null',
      headers: acao('null'),
      chromium: 'allow-origin-mismatch',
      firefox: 'allow-origin-mismatch',
    },
    {
      name: 'empty',
      headers: acao(''),
      chromium: 'invalid-allow-origin-value',
      firefox: 'allow-origin-mismatch',
    },
    {
      name: 'wildcard with credentials',
      headers: acao('*'),
      credentials: 'include',
      chromium: 'wildcard-origin-not-allowed',
      firefox: 'wildcard-origin-not-allowed',
    },
    {
      name: 'credentials without ACAC',
      headers: acao(APP),
      credentials: 'include',
      chromium: 'invalid-allow-credentials',
      firefox: 'invalid-allow-credentials',
      hint: '',
    },
    {
      name: 'ACAC True',
      headers: [...acao(APP), ['Access-Control-Allow-Credentials', 'True']],
      credentials: 'include',
      chromium: 'invalid-allow-credentials',
      firefox: 'invalid-allow-credentials',
      hint: 'True',
    },
    {
      name: 'credentials allowed',
      headers: [...acao(APP), ['access-control-allow-credentials', 'true']],
      credentials: 'include',
      chromium: null,
      firefox: null,
    },
  ];
  for (const browser of ['chromium', 'firefox'] as const) {
    it.each(cases.map((c) => [c.name, c] as const))(`${browser}: %s`, (_n, c) => {
      const e = corsCheck(
        r({ ...(c.credentials ? { credentials: c.credentials } : {}) }),
        { status: 200, headers: c.headers },
        browser,
      );
      expect(e?.kind ?? null).toBe(c[browser]);
      if (e && c.hint !== undefined && browser === 'chromium') expect(e.hint).toBe(c.hint);
      if (e) {
        expect(e.fix.length).toBeGreaterThan(20);
        expect(e.browser).toBe(browser);
      }
    });
  }
  it('compares with `null` after a tainting redirect', () => {
    const tainted = r({ url: 'https://c.example/x', urlList: [API, 'https://c.example/x'] });
    expect(corsCheck(tainted, { status: 200, headers: acao('null') })).toBeNull();
    expect(corsCheck(tainted, { status: 200, headers: acao(APP) })?.kind).toBe('allow-origin-mismatch');
  });
  it("prints Chromium's line with the redirect chain", () => {
    const tainted = r({ url: 'https://c.example/x', urlList: [API, 'https://c.example/x'] });
    expect(corsCheck(tainted, { status: 200, headers: [] })?.message).toBe(
      `Access to fetch at 'https://c.example/x' (redirected from '${API}') from origin '${APP}' has been blocked by CORS policy: No 'Access-Control-Allow-Origin' header is present on the requested resource.`,
    );
  });
  it("words a same-origin-mode refusal after a redirect as Chromium's frame-load error", () => {
    const got = classify(r({ url: API, urlList: [`${APP}/a`, API], mode: 'same-origin' }));
    if (!got.ok) throw new Error(got.problem);
    expect(got.refusal?.message).toBe(
      `Unsafe attempt to load URL ${API} from frame with URL ${APP}/. Domains, protocols and ports must match.\n`,
    );
  });
  it('names the initiator as Chromium does', () => {
    const line = (initiator: BrowserRequest['initiator']) =>
      corsCheck(r({ initiator }), { status: 200, headers: [] })?.message.slice(0, 30);
    expect(line('XMLHttpRequest')).toBe("Access to XMLHttpRequest at 'h");
    expect(line('image')).toBe("Access to image at 'https://ap");
    expect(line('stylesheet')).toBe("Access to CSS stylesheet at 'h");
    expect(line('font')).toBe("Access to font at 'https://api");
  });
});

describe('checkPreflightResponse', () => {
  const STAR: HeaderList = [['Access-Control-Allow-Origin', '*']];
  const pre = (status: number, headers: HeaderList) => ({ status, headers: [...STAR, ...headers] });
  const cases: {
    name: string;
    req: BrowserRequest;
    res: { status: number; headers: HeaderList };
    want: Partial<Record<BrowserName, string | null>> & { default: string | null };
  }[] = [
    {
      name: 'ok',
      req: r({ method: 'PUT' }),
      res: pre(204, [['Access-Control-Allow-Methods', 'PUT']]),
      want: { default: null },
    },
    {
      name: '404 without ACAO reports the ACAO',
      req: r({ method: 'PUT' }),
      res: { status: 404, headers: [] },
      want: { default: 'preflight-missing-allow-origin-header' },
    },
    {
      name: 'a redirect with ACAO',
      req: r({ method: 'PUT' }),
      res: pre(302, [['Location', '/x']]),
      want: {
        default: 'preflight-disallowed-redirect',
        spec: 'preflight-invalid-status',
        webkit: 'preflight-invalid-status',
      },
    },
    {
      name: 'redirect without ACAO',
      req: r({ method: 'PUT' }),
      res: { status: 301, headers: [['Location', '/x']] },
      want: { default: 'preflight-missing-allow-origin-header', chromium: 'preflight-disallowed-redirect' },
    },
    {
      name: '3xx without Location is a status problem',
      req: r({ method: 'PUT' }),
      res: pre(304, []),
      want: { default: 'preflight-invalid-status' },
    },
    {
      name: '299 is ok',
      req: r({ method: 'PUT' }),
      res: pre(299, [['Access-Control-Allow-Methods', 'PUT']]),
      want: { default: null },
    },
    {
      name: 'ACAM and ACAH both unparsable: methods first',
      req: r({ method: 'PUT' }),
      res: pre(200, [
        ['Access-Control-Allow-Methods', 'P T'],
        ['Access-Control-Allow-Headers', 'a b'],
      ]),
      want: { default: 'invalid-allow-methods-preflight-response' },
    },
    {
      name: 'method not allowed, ACAH unparsable',
      req: r({ method: 'PUT' }),
      res: pre(200, [
        ['Access-Control-Allow-Methods', 'GET'],
        ['Access-Control-Allow-Headers', 'a b'],
      ]),
      want: {
        default: 'invalid-allow-headers-preflight-response',
        firefox: 'method-disallowed-by-preflight-response',
      },
    },
    {
      name: 'Authorization under *',
      req: r({ headers: [['Authorization', 'x']] }),
      res: pre(200, [['Access-Control-Allow-Headers', '*']]),
      // webkit: allowed, as in WebKitGTK 2.50.6 (test/browsers/webkit-explore.ts).
      want: {
        default: null,
        spec: 'header-disallowed-by-preflight-response',
      },
    },
    {
      name: 'Authorization listed with *',
      req: r({ headers: [['Authorization', 'x']] }),
      res: pre(200, [['Access-Control-Allow-Headers', '*, Authorization']]),
      want: { default: null },
    },
    {
      name: 'method wildcard',
      req: r({ method: 'PATCH' }),
      res: pre(200, [['Access-Control-Allow-Methods', '*']]),
      want: { default: null },
    },
    {
      name: 'safelisted method needs no listing',
      req: r({ method: 'POST', headers: [['X-A', '1']] }),
      res: pre(200, [
        ['Access-Control-Allow-Methods', 'PUT'],
        ['Access-Control-Allow-Headers', 'X-A'],
      ]),
      want: { default: null },
    },
    {
      name: 'stream body: the method must be listed... unless ACAM is absent',
      req: r({ method: 'POST', body: 'stream' }),
      res: pre(200, []),
      want: { default: null },
    },
  ];
  for (const browser of ['chromium', 'firefox', 'webkit', 'spec'] as const) {
    it.each(cases.map((c) => [c.name, c] as const))(`${browser}: %s`, (_n, c) => {
      const got = checkPreflightResponse(c.req, c.res, browser);
      const want = browser in c.want ? c.want[browser] : c.want.default;
      expect(got.ok ? null : got.error.kind).toBe(want);
    });
  }
  it('returns the cache entry: methods as sent, header names lower-cased, max-age clamped', () => {
    const got = checkPreflightResponse(
      r({ method: 'PUT', credentials: 'include' }),
      {
        status: 204,
        headers: [
          ['Access-Control-Allow-Origin', APP],
          ['Access-Control-Allow-Credentials', 'true'],
          ['Access-Control-Allow-Methods', 'PUT, patch'],
          ['Access-Control-Allow-Headers', 'X-A'],
          ['Access-Control-Max-Age', '86400'],
        ],
      },
      'chromium',
    );
    expect(got).toEqual({
      ok: true,
      entry: { methods: ['PUT', 'patch'], headers: ['x-a'], credentials: true, maxAge: 7200 },
    });
  });
  it("Firefox's invalid token is named in its message", () => {
    const got = checkPreflightResponse(
      r({ method: 'PUT' }),
      pre(200, [['Access-Control-Allow-Methods', 'PUT, (x)']]),
      'firefox',
    );
    expect(got.ok ? '' : got.error.message).toBe(
      `Cross-Origin Request Blocked: The Same Origin Policy disallows reading the remote resource at ${API}. (Reason: invalid token ‘(x)’ in CORS header ‘Access-Control-Allow-Methods’).`,
    );
  });
});

describe('parseMaxAge', () => {
  const cases: [string[], Record<'chromium' | 'firefox' | 'webkit' | 'spec', number>][] = [
    [[], { chromium: 5, firefox: 5, webkit: 5, spec: 5 }],
    [['600'], { chromium: 600, firefox: 600, webkit: 600, spec: 600 }],
    [['7201'], { chromium: 7200, firefox: 7201, webkit: 600, spec: 7201 }],
    [['100000'], { chromium: 7200, firefox: 86400, webkit: 600, spec: 100000 }],
    [['0'], { chromium: 0, firefox: 0, webkit: 0, spec: 0 }],
    [['-1'], { chromium: 0, firefox: 0, webkit: 0, spec: 5 }],
    [['abc'], { chromium: 5, firefox: 0, webkit: 5, spec: 5 }],
    [['1.5'], { chromium: 5, firefox: 0, webkit: 5, spec: 5 }],
    [['10', '20'], { chromium: 5, firefox: 0, webkit: 5, spec: 5 }],
    [['99999999999999999999999'], { chromium: 7200, firefox: 86400, webkit: 600, spec: 1e23 }],
  ];
  for (const [lines, want] of cases) {
    for (const browser of ['chromium', 'firefox', 'webkit', 'spec'] as const) {
      it(`${browser}: ${JSON.stringify(lines)} -> ${want[browser]}`, () => {
        expect(parseMaxAge(lines, PROFILES[browser])).toBe(want[browser]);
      });
    }
  }
});

describe('exposedHeaderNames', () => {
  const headers: HeaderList = [
    ['Content-Type', 'text/plain'],
    ['X-A', '1'],
    ['Set-Cookie', 'a=1'],
    ['Access-Control-Expose-Headers', 'x-a'],
  ];
  it('same-origin: everything but Set-Cookie', () => {
    expect(exposedHeaderNames(r({ url: `${APP}/x` }), { status: 200, headers })).toEqual([
      'access-control-expose-headers',
      'content-type',
      'x-a',
    ]);
  });
  it('cors: safelisted plus exposed', () => {
    expect(exposedHeaderNames(r(), { status: 200, headers })).toEqual(['content-type', 'x-a']);
  });
  it('opaque: nothing', () => {
    expect(exposedHeaderNames(r({ mode: 'no-cors' }), { status: 200, headers })).toEqual([]);
  });
});

describe('redirectStep', () => {
  const norm = (req: BrowserRequest) => {
    const n = normalizeRequest(req);
    if (!n.ok) throw new Error(n.problem);
    return n.request;
  };
  const chromium = PROFILES.chromium;
  const to = (status: number, location: string) => ({
    status,
    headers: [['Location', location]] as HeaderList,
  });
  it('follows a cross-origin hop, tainting the origin and dropping Authorization', () => {
    const step = redirectStep(
      norm(r({ headers: [['Authorization', 'x']] })),
      to(302, 'https://c.example/y'),
      chromium,
      0,
    );
    expect(step.kind).toBe('follow');
    if (step.kind !== 'follow') return;
    expect(step.tainted).toBe(true);
    expect(step.authorizationDropped).toBe(true);
    expect(step.request.headers).toEqual([]);
    expect(step.request.urlList.map(String)).toEqual([API, 'https://c.example/y']);
  });
  it('a same-origin hop on the API keeps the origin and Authorization', () => {
    const step = redirectStep(norm(r({ headers: [['Authorization', 'x']] })), to(307, '/v2'), chromium, 0);
    expect(step.kind === 'follow' && [step.tainted, step.authorizationDropped, step.location.href]).toEqual([
      false,
      false,
      'https://api.example/v2',
    ]);
  });
  it('a page-origin hop does not taint (the page was same-origin with the first URL)', () => {
    const step = redirectStep(norm(r({ url: `${APP}/a` })), to(302, API), chromium, 0);
    expect(step.kind === 'follow' && step.tainted).toBe(false);
  });
  it.each([
    [301, 'POST', 'GET'],
    [302, 'POST', 'GET'],
    [303, 'PUT', 'GET'],
    [303, 'HEAD', 'HEAD'],
    [307, 'POST', 'POST'],
    [308, 'PUT', 'PUT'],
  ])('%i turns %s into %s', (status, method, after) => {
    const step = redirectStep(
      norm(r({ method, headers: [['Content-Type', 'text/plain']] })),
      to(status, '/z'),
      chromium,
      0,
    );
    expect(step.kind === 'follow' && step.request.method).toBe(after);
    if (step.kind === 'follow' && after !== method) expect(step.request.headers).toEqual([]);
  });
  it.each([
    ['credentials in Location', r(), to(302, 'https://u:p@c.example/'), 0, 'redirect-contains-credentials'],
    ['redirect mode error', r({ redirect: 'error' }), to(302, '/a'), 0, 'redirect-mode-error'],
    ['not HTTP(S)', r(), to(302, 'data:text/plain,x'), 0, 'redirect-to-non-http-scheme'],
    ['the 21st redirect', r(), to(302, '/a'), 20, 'too-many-redirects'],
    [
      'a stream body on 307',
      r({ method: 'POST', body: 'stream' }),
      to(307, '/a'),
      0,
      'redirect-with-stream-body',
    ],
    ['an unparsable Location', r(), to(302, 'http://[x'), 0, 'invalid-redirect-location'],
  ] as const)('%s fails', (_n, req, res, count, kind) => {
    const step = redirectStep(norm(req), res, chromium, count);
    expect(step.kind === 'error' && step.error.kind).toBe(kind);
  });
  it('manual mode gives an opaque redirect; no Location is not a redirect', () => {
    expect(redirectStep(norm(r({ redirect: 'manual' })), to(302, '/a'), chromium, 0).kind).toBe(
      'opaque-redirect',
    );
    expect(redirectStep(norm(r()), { status: 302, headers: [] }, chromium, 0).kind).toBe('not-redirect');
    expect(redirectStep(norm(r()), to(200, '/a'), chromium, 0).kind).toBe('not-redirect');
  });
});
