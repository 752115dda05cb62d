/**
 * The console lines of the page-context refusals (mixed content, CSP, Local Network Access:
 * context.ts) and of isolation (CORP, ORB, script MIME types: isolation.ts), explained: each maps
 * to its kind, with that kind's rule and fix on the right side; and every line the engine itself
 * prints for them (contextMessage, isolationMessage) is read back to the same kind and parameters.
 */
import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import type { Initiator } from '../types.js';
import { CONTEXT_TEMPLATES, contextFix, contextMessage, isContextErrorKind } from './context.js';
import { explainConsoleText } from './explain-console.js';
import { ISOLATION_TEMPLATES, isIsolationErrorKind, isolationFix, isolationMessage } from './isolation.js';
import type { CorsErrorDetails, CorsErrorKind } from './kinds.js';
import { parseConsoleMessage } from './parse-console.js';

const VALUES: Record<string, string> = {
  url: 'http://api.example.test/data',
  origin: 'https://app.example.test/page',
  hint: "connect-src 'self'",
  resource: 'connect-src',
  method: 'default-src',
  status: '200',
  initial: 'http://api.example.test/start',
};
const CHROMIUM_PREFIX =
  "Access to fetch at 'http://api.example.test/data' from origin 'https://app.example.test' has been blocked by CORS policy: ";

function lineOf(t: (typeof CONTEXT_TEMPLATES)[number]): string {
  const kind = t.kinds[0] ?? '';
  const value = (k: string): string => {
    if (k === 'hint' && kind.startsWith('local-network')) return 'loopback';
    if (k === 'hint' && kind === 'blocked-by-orb') return ' (MIME type text/html)';
    if (k === 'hint' && isIsolationErrorKind(kind)) return 'text/html';
    if (k === 'method' && isIsolationErrorKind(kind)) return 'GET';
    return VALUES[k] ?? k;
  };
  const body = t.text.replace(/\{(\w+)\}/g, (_, k: string) => value(k));
  return t.form === 'chromium-cors' ? CHROMIUM_PREFIX + body : body;
}

const TEMPLATES = [...CONTEXT_TEMPLATES, ...ISOLATION_TEMPLATES];

describe('explain: lines beyond CORS', () => {
  it.each(TEMPLATES.map((t) => [t.browser, lineOf(t), t.kinds] as const))('%s: %s', (_b, line, kinds) => {
    const parsed = parseConsoleMessage(line);
    expect(parsed?.kinds).toEqual(kinds);
    const [x] = explainConsoleText(line).explained;
    if (kinds.length === 0) {
      // A line that refuses nothing (an upgrade, a report-only violation) is recognized, not judged.
      expect(x?.kind).toBeNull();
      return;
    }
    const kind = kinds[0]!;
    expect(x?.kind).toBe(kind);
    expect(x?.rule.source).not.toMatch(/#cors-check$/);
    const fix = x?.diagnosis?.fix;
    if (isContextErrorKind(kind)) {
      expect(fix?.side).toBe('page');
      expect(x?.diagnosis?.sent).toMatch(/^Nothing was sent/);
    } else {
      expect(isIsolationErrorKind(kind)).toBe(true);
      expect(fix?.side).toBe('server');
    }
    // The fix of the kind, not the generic fallback (a line that does not name the page says
    // <your page origin> where the fix needs it).
    expect(fix?.text).not.toMatch(/reachable from the page|undefined/);
    expect(fix?.text.length ?? 0).toBeGreaterThan(30);
  });

  it("a CSP line's fix names the directive and the URL's origin; a mixed-content one the https URL", () => {
    const csp = explainConsoleText(
      `Connecting to 'http://api.example.test/data' violates the following Content Security Policy directive: "connect-src 'self'". The action has been blocked.`,
    ).explained[0];
    expect(csp?.kind).toBe('csp-blocked');
    expect(csp?.diagnosis?.fix.text).toContain('add http://api.example.test to `connect-src`');
    expect(csp?.diagnosis?.fix.text).toContain("page's Content-Security-Policy");
    const mixed = explainConsoleText(
      "Mixed Content: The page at 'https://app.example.test/' was loaded over HTTPS, but requested an insecure resource 'http://api.example.test/data'. This request has been blocked; the content must be served over HTTPS.",
    ).explained[0];
    expect(mixed?.diagnosis?.fix.text).toContain('https://api.example.test/data');
  });

  const host = fc.constantFrom('api.example.test', 'cdn.other.test', '10.0.0.7', 'localhost:8080');
  const path = fc.constantFrom('/data', '/x/y.json', '/img.png', '/s.js?v=1');

  it('every context line the engine prints is read back to its kind and URL (fast-check)', () => {
    let checked = 0;
    fc.assert(
      fc.property(
        fc.constantFrom<CorsErrorKind>(
          'mixed-content-blocked',
          'csp-blocked',
          'local-network-insecure-context',
        ),
        fc.constantFrom<Initiator>('fetch', 'XMLHttpRequest', 'image', 'script'),
        fc.constantFrom("connect-src 'self'", "default-src 'none'", 'img-src https:'),
        host,
        path,
        fc.constantFrom('chromium', 'firefox'),
        (kind, initiator, directive, h, p, browser) => {
          const url = `http://${h}${p}`;
          const name = directive.split(' ')[0]!;
          const d: CorsErrorDetails = {
            kind,
            url,
            initialUrl: url,
            origin: 'https://app.example.test',
            requestOrigin: 'https://app.example.test',
            initiator,
            method: 'GET',
            credentials: 'same-origin',
            context: {
              pageUrl: 'https://app.example.test/page',
              directive,
              directiveName: name,
              effectiveDirective: name,
              addressSpace: 'local',
              console: [],
            },
          };
          const m = contextMessage(d, browser);
          fc.pre(m.logged);
          const [x] = explainConsoleText(m.message).explained;
          expect(x?.kind).toBe(kind);
          expect(x?.line.url).toBe(url);
          if (kind === 'csp-blocked') expect(x?.line.hint).toBe(directive);
          // What the line tells of the page: Chromium's mixed-content line names its URL, others do not.
          const pageUrl =
            kind === 'mixed-content-blocked' && browser === 'chromium'
              ? d.context!.pageUrl
              : '<your page URL>';
          expect(x?.diagnosis?.fix.text).toBe(contextFix({ ...d, context: { ...d.context!, pageUrl } }));
          checked++;
        },
      ),
      { numRuns: 300, seed: 13 },
    );
    expect(checked).toBeGreaterThan(100);
  });

  it('every isolation line the engine prints is read back to one of its kinds (fast-check)', () => {
    let checked = 0;
    fc.assert(
      fc.property(
        fc.constantFrom<CorsErrorKind>(
          'corp-not-same-origin',
          'corp-not-same-site',
          'corp-required-by-coep',
          'script-mime-type-not-executable',
          'script-mime-type-nosniff',
        ),
        fc.constantFrom('text/plain', 'image/png', 'application/json'),
        host,
        path,
        fc.constantFrom('chromium', 'firefox'),
        (kind, mime, h, p, browser) => {
          const d = { kind, url: `https://${h}${p}`, hint: mime, origin: 'https://app.example.test' };
          const m = isolationMessage(d, browser);
          fc.pre(m.logged);
          const x = explainConsoleText(m.message).explained[0];
          const parsed = parseConsoleMessage(m.message);
          // Firefox words the three CORP refusals alike: the kind is among the candidates.
          expect(parsed?.kinds).toContain(kind);
          expect(x?.kind).toBe(parsed?.kinds[0]);
          if (parsed?.kinds.length === 1)
            expect(x?.diagnosis?.fix.text).toBe(
              isolationFix({ ...d, url: x!.line.url ?? '<the API URL>', origin: '<your page origin>' }),
            );
          checked++;
        },
      ),
      { numRuns: 200, seed: 13 },
    );
    expect(checked).toBeGreaterThan(100);
  });
});
