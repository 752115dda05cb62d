/**
 * Console lines back to their kind: every distinct line Chromium 156 and Firefox ESR 153 printed in
 * the harness's real runs (test/browsers/observed/*.json), Safari's wordings from WebKit's sources,
 * cut-short and multi-line pastes, and a property: any line the engine itself produces parses back
 * to the same kind and parameters.
 */
import { readFileSync } from 'node:fs';
import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import type { BrowserName } from '../types.js';
import { chromiumMessage } from './chromium.js';
import { firefoxMessage } from './firefox.js';
import type { CorsErrorDetails, CorsErrorKind } from './kinds.js';
import { parseConsole, parseConsoleMessage } from './parse-console.js';

interface Observed {
  cases: { id: string; observed: { console: string[] } }[];
}
const load = (b: string): Observed =>
  JSON.parse(readFileSync(new URL(`../../../test/browsers/observed/${b}.json`, import.meta.url), 'utf8'));

/** Per observed case: the kind the refusal is (Chromium's, then Firefox's when it differs). */
const EXPECT: Record<string, [CorsErrorKind, CorsErrorKind?]> = {
  'missing-acao': ['missing-allow-origin-header'],
  'acao-mismatch': ['allow-origin-mismatch'],
  'acao-multiple-comma': ['multiple-allow-origin-values', 'allow-origin-mismatch'],
  'acao-two-lines': ['multiple-allow-origin-values'],
  'acao-trailing-slash': ['allow-origin-mismatch'],
  'acao-invalid-url': ['multiple-allow-origin-values', 'invalid-allow-origin-value'],
  'acao-invalid-port': ['invalid-allow-origin-value'],
  'acao-null': ['allow-origin-mismatch'],
  'acao-upper-case': ['allow-origin-mismatch'],
  'acao-empty': ['invalid-allow-origin-value'],
  'wildcard-with-credentials': ['wildcard-origin-not-allowed'],
  'acac-missing': ['invalid-allow-credentials'],
  'acac-upper': ['invalid-allow-credentials'],
  'acac-false': ['invalid-allow-credentials'],
  'preflight-missing-acao-404': ['preflight-missing-allow-origin-header'],
  'preflight-404': ['preflight-invalid-status'],
  'preflight-500': ['preflight-invalid-status'],
  'preflight-redirect-302': ['preflight-disallowed-redirect'],
  'preflight-redirect-301-no-acao': [
    'preflight-disallowed-redirect',
    'preflight-missing-allow-origin-header',
  ],
  'preflight-acao-mismatch': ['preflight-allow-origin-mismatch'],
  'preflight-wildcard-credentials': ['preflight-wildcard-origin-not-allowed'],
  'preflight-acac-missing': ['preflight-invalid-allow-credentials'],
  'method-not-allowed': ['method-disallowed-by-preflight-response'],
  'method-missing-acam': ['method-disallowed-by-preflight-response'],
  'acam-star-credentials': ['method-disallowed-by-preflight-response'],
  'acam-unparsable': ['invalid-allow-methods-preflight-response'],
  'header-not-allowed': ['header-disallowed-by-preflight-response'],
  'header-missing-acah': ['header-disallowed-by-preflight-response'],
  'acah-unparsable': ['invalid-allow-headers-preflight-response'],
  'acah-star-credentials': ['header-disallowed-by-preflight-response'],
  'lower-patch-acam-upper': ['method-disallowed-by-preflight-response'],
  'preflight-ok-actual-missing-acao': ['missing-allow-origin-header'],
  'redirect-credentials-in-location': ['redirect-contains-credentials'],
  'redirect-cross-origin-no-acao': ['missing-allow-origin-header'],
  'redirect-cross-origin-acao-origin': ['allow-origin-mismatch'],
  'redirect-hop-missing-acao': ['missing-allow-origin-header'],
  'same-origin-mode-cross': ['disallowed-by-mode'],
  'xhr-missing-acao': ['missing-allow-origin-header'],
  'xhr-wildcard-credentials': ['wildcard-origin-not-allowed'],
  'xhr-method-not-allowed': ['method-disallowed-by-preflight-response'],
  'xhr-preflight-404': ['preflight-invalid-status'],
  'xhr-redirect-cross-origin-no-acao': ['missing-allow-origin-header'],
  'redirect-mode-error-credentials-location': ['redirect-contains-credentials'],
};

/** Safari's wordings (WebKit: CrossOriginAccessControl.cpp, CrossOriginPreflightResultCache.cpp, the loaders). */
const SAFARI: [string, CorsErrorKind][] = [
  [
    '[Error] Origin http://localhost:3000 is not allowed by Access-Control-Allow-Origin. Status code: 200',
    'missing-allow-origin-header',
  ],
  ['Origin http://app.test is not allowed by Access-Control-Allow-Origin.', 'allow-origin-mismatch'],
  [
    'Failed to load resource: Origin http://localhost:3000 is not allowed by Access-Control-Allow-Origin. Status code: 200 (login, line 0)',
    'missing-allow-origin-header',
  ],
  [
    'Cannot use wildcard in Access-Control-Allow-Origin when credentials flag is true.',
    'wildcard-origin-not-allowed',
  ],
  ['Access-Control-Allow-Origin cannot contain more than one origin.', 'multiple-allow-origin-values'],
  [
    'Credentials flag is true, but Access-Control-Allow-Credentials is not "true".',
    'invalid-allow-credentials',
  ],
  ['[Error] Preflight response is not successful. Status code: 403', 'preflight-invalid-status'],
  ['Method PUT is not allowed by Access-Control-Allow-Methods.', 'method-disallowed-by-preflight-response'],
  [
    'Request header field Authorization is not allowed by Access-Control-Allow-Headers.',
    'header-disallowed-by-preflight-response',
  ],
  [
    'Cross-origin redirection to http://other.test/final denied by Cross-Origin Resource Sharing policy: Origin http://app.test is not allowed by Access-Control-Allow-Origin. Status code: 200',
    'missing-allow-origin-header',
  ],
];

describe('real console lines', () => {
  const table: { browser: string; line: string; kind: CorsErrorKind }[] = [];
  for (const [b, i] of [
    ['chromium', 0],
    ['firefox', 1],
  ] as const) {
    const seen = new Set<string>();
    for (const c of load(b).cases) {
      const expected = EXPECT[c.id];
      for (const line of c.observed.console) {
        if (line.startsWith('Failed to load resource') || seen.has(line)) continue;
        seen.add(line);
        if (!expected) throw new Error(`${b} ${c.id}: a console line with no expected kind: ${line}`);
        // Firefox follows a failed preflight with this second line for the actual request (observed).
        const followUp = line.includes('(Reason: CORS request did not succeed)');
        const kind = followUp ? 'network-error' : ((i === 1 ? expected[1] : undefined) ?? expected[0]);
        table.push({ browser: b, line, kind });
      }
    }
  }
  for (const [line, kind] of SAFARI) table.push({ browser: 'webkit', line, kind });

  it('covers at least 60 real lines from three browsers', () => {
    expect(table.length).toBeGreaterThanOrEqual(60);
    expect(new Set(table.map((t) => t.browser))).toEqual(new Set(['chromium', 'firefox', 'webkit']));
  });

  it.each(table.map((t) => [t.browser, t.line.slice(0, 90), t] as const))('%s: %s', (_b, _l, t) => {
    const parsed = parseConsole(t.line);
    expect(parsed.unknown).toEqual([]);
    expect(parsed.lines).toHaveLength(1);
    expect(parsed.lines[0]?.kinds).toContain(t.kind);
    expect(parsed.lines[0]?.truncated).toBe(false);
  });
});

describe('pastes as people make them', () => {
  it('a Chromium line cut short still says its kind, and says it was cut', () => {
    const p = parseConsoleMessage(
      "Access to fetch at 'http://api.test/data' from origin 'http://app.test' has been blocked by CORS policy: Response to preflight request doesn't pass access control check: No 'Access-Control-Allow-Origin' header is pre…",
    );
    expect(p?.kinds).toEqual(['preflight-missing-allow-origin-header']);
    expect(p?.truncated).toBe(true);
    expect(p?.url).toBe('http://api.test/data');
  });

  it('a multi-line paste with a source link, the network line and the rejection', () => {
    const r = parseConsole(
      [
        "localhost/:1 Access to fetch at 'https://api.example.com/items' from origin 'http://localhost:5173' has been blocked by CORS policy:",
        "Response to preflight request doesn't pass access control check: It does not have HTTP ok status.",
        'app.js:12  PUT https://api.example.com/items net::ERR_FAILED 403 (Forbidden)',
        'Uncaught (in promise) TypeError: Failed to fetch',
        '    at save (app.js:12:3)',
      ].join('\n'),
    );
    expect(r.lines.map((l) => l.kinds[0])).toEqual(['preflight-invalid-status']);
    expect(r.lines[0]?.origin).toBe('http://localhost:5173');
    expect(r.network.map((n) => [n.what, n.status])).toEqual([
      ['chromium-net-error', 403],
      ['rejection', undefined],
    ]);
    expect(r.unknown).toEqual([]);
  });

  it('Firefox with [Learn More] on its own line, and NS_ERROR_DOM_BAD_URI', () => {
    const r = parseConsole(
      'Cross-Origin Request Blocked: The Same Origin Policy disallows reading the remote resource at https://api.example.com/x. (Reason: CORS header ‘Access-Control-Allow-Origin’ missing). Status code: 403.\n[Learn More]\nNS_ERROR_DOM_BAD_URI',
    );
    expect(r.lines[0]?.kinds[0]).toBe('missing-allow-origin-header');
    expect(r.lines[0]?.status).toBe(403);
    expect(r.network[0]?.what).toBe('firefox-bad-uri');
  });

  it('unknown text is unknown, with the closest known messages', () => {
    const r = parseConsole('The CORS thing says the allow origin header is wrong somehow');
    expect(r.lines).toEqual([]);
    expect(r.unknown).toHaveLength(1);
    expect(r.unknown[0]?.closest.length).toBeGreaterThan(0);
    expect(parseConsole('Uncaught ReferenceError: foo is not defined').lines).toEqual([]);
  });
});

const KINDS: CorsErrorKind[] = [
  'missing-allow-origin-header',
  'wildcard-origin-not-allowed',
  'multiple-allow-origin-values',
  'invalid-allow-origin-value',
  'allow-origin-mismatch',
  'invalid-allow-credentials',
  'preflight-missing-allow-origin-header',
  'preflight-wildcard-origin-not-allowed',
  'preflight-multiple-allow-origin-values',
  'preflight-invalid-allow-origin-value',
  'preflight-allow-origin-mismatch',
  'preflight-invalid-allow-credentials',
  'preflight-invalid-status',
  'preflight-disallowed-redirect',
  'invalid-allow-methods-preflight-response',
  'invalid-allow-headers-preflight-response',
  'method-disallowed-by-preflight-response',
  'header-disallowed-by-preflight-response',
  'redirect-contains-credentials',
  'disallowed-by-mode',
  'no-cors-redirect-mode',
  'unsupported-scheme',
  'method-unsupported-in-no-cors',
  'forbidden-method',
  'redirect-to-url-with-credentials',
  'redirect-mode-error',
  'redirect-to-non-http-scheme',
  'invalid-redirect-location',
  'too-many-redirects',
  'redirect-with-stream-body',
  'network-error',
];

describe('property: every line the engine produces is explained back', () => {
  const token = fc.stringMatching(/^[A-Za-z0-9][A-Za-z0-9:/._-]{0,30}$/);
  const details = fc.record({
    kind: fc.constantFrom(...KINDS),
    url: fc.webUrl({ withQueryParameters: true }),
    redirected: fc.boolean(),
    initialUrl: fc.webUrl(),
    origin: fc.webUrl().map((u) => new URL(u).origin),
    initiator: fc.constantFrom('fetch', 'XMLHttpRequest', 'image', 'script', 'font', 'stylesheet', 'media'),
    method: fc.constantFrom('GET', 'PUT', 'patch', 'DELETE', 'CONNECT', 'TRACE'),
    credentials: fc.constantFrom('omit', 'include'),
    hint: fc.option(token, { nil: undefined }),
    status: fc.option(fc.integer({ min: 100, max: 599 }), { nil: undefined }),
    browser: fc.constantFrom<BrowserName>('chromium', 'firefox'),
  });
  it('same kind, same URL, origin, value and status', () => {
    let checked = 0;
    fc.assert(
      fc.property(details, (g) => {
        const d = {
          ...g,
          initialUrl: g.redirected ? g.initialUrl : g.url,
          requestOrigin: g.origin,
        } as unknown as CorsErrorDetails;
        const { message } = g.browser === 'firefox' ? firefoxMessage(d) : chromiumMessage(d);
        const p = parseConsoleMessage(message.trim());
        expect(p, message).not.toBeNull();
        expect(p!.kinds, message).toContain(g.kind);
        expect(p!.truncated).toBe(false);
        if (p!.url !== undefined && !message.includes('redirected more than'))
          expect([d.url, d.initialUrl]).toContain(p!.url);
        if (p!.origin !== undefined) expect(p!.origin).toBe(g.origin);
        if (p!.hint !== undefined && g.hint !== undefined && message.includes(`'${g.hint}'`))
          expect(p!.hint).toBe(g.hint);
        if (p!.status !== undefined) expect(p!.status).toBe(g.status);
        checked++;
      }),
      { numRuns: 400 },
    );
    expect(checked).toBe(400);
  });
});
