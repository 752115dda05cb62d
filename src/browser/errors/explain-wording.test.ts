/**
 * What `explain` tells about one pasted line is exact, for every line we know (every template,
 * CORS, page context and isolation): the headline says what the browser did (blocked before
 * sending, refused a read, refused a load), "sent" says what reached the server, and neither the
 * headline, "sent" nor the fix states as fact what a console line cannot know (the method, the
 * credentials mode) or leaks a placeholder.
 */
import { describe, expect, it } from 'vitest';
import { isContextErrorKind } from './context.js';
import { explainConsoleText } from './explain-console.js';
import { isIsolationErrorKind } from './isolation.js';
import { KNOWN_TEMPLATES } from './parse-console.js';

const VALUES: Record<string, string> = {
  url: 'http://api.example.test/data',
  initial: 'http://api.example.test/start',
  origin: 'http://app.example.test',
  hint: 'x-custom',
  resource: 'connect-src',
  method: 'default-src',
  status: '404',
};

function linesOf(t: (typeof KNOWN_TEMPLATES)[number]): string[] {
  const kind = t.kinds[0] ?? '';
  const value = (k: string): string => {
    if (k === 'hint' && kind.startsWith('local-network')) return 'loopback';
    if (k === 'hint' && kind === 'csp-blocked') return "connect-src 'self'";
    if (k === 'hint' && isIsolationErrorKind(kind)) return kind === 'blocked-by-orb' ? '' : 'text/html';
    if (k === 'method' && isIsolationErrorKind(kind)) return 'GET';
    if (k === 'origin' && isContextErrorKind(kind)) return 'https://app.example.test/page';
    return VALUES[k] ?? k;
  };
  const body = t.text.replace(/\{(\w+)\}/g, (_, k: string) => value(k));
  if (t.form === 'chromium-cors') {
    const head = `Access to fetch at '${VALUES.url}' from origin '${VALUES.origin}' has been blocked by CORS policy: `;
    return [head + body, `${head}Response to preflight request doesn't pass access control check: ${body}`];
  }
  if (t.form === 'firefox-cors')
    return [
      `Cross-Origin Request Blocked: The Same Origin Policy disallows reading the remote resource at ${VALUES.url}. (Reason: ${body}`,
    ];
  return [body];
}

const CASES = KNOWN_TEMPLATES.filter((t) => t.kinds.length > 0).flatMap((t) =>
  linesOf(t).map((line) => [t.browser, line] as const),
);

describe('explain wording, every known line', () => {
  it('covers every template with a kind', () => {
    expect(CASES.length).toBeGreaterThan(100);
  });

  it.each(CASES)('%s: %s', (_b, line) => {
    const [x] = explainConsoleText(line).explained;
    expect(x, line).toBeDefined();
    const kind = x!.kind!;
    const did = x!.did;
    const sent = x!.diagnosis?.sent ?? '';
    const fix = x!.diagnosis?.fix.text ?? '';
    for (const text of [did, sent, fix]) {
      expect(text).not.toMatch(/<METHOD>|undefined|NaN/);
      // The credentials mode is not in a console line: never stated as a fact.
      expect(text).not.toMatch(/since the request carries no credentials/);
    }
    if (isContextErrorKind(kind)) {
      expect(did).toMatch(/before it was sent/);
      expect(sent).toMatch(/^Nothing was sent/);
      expect(`${did} ${sent}`).not.toMatch(/\bread\b|received/);
    } else if (isIsolationErrorKind(kind)) {
      expect(did).not.toMatch(/\bread\b/);
      expect(sent).toMatch(/was sent and the server answered/);
    } else if (x!.line.preflight) {
      expect(did).toMatch(/preflight/);
    }
    // A line that does not name the method does not name one in "sent" either.
    if (!x!.line.method && !/method/.test(kind)) expect(sent).not.toMatch(/\b(GET|POST|PUT)\b/);
  });
});
