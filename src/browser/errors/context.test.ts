import { describe, expect, it } from 'vitest';
import {
  CONTEXT_TEMPLATES,
  chromiumCspFetchRefused,
  chromiumCspViolation,
  chromiumLocalNetwork,
  chromiumMixedContentBlocked,
  chromiumMixedContentNotUpgraded,
  chromiumMixedContentUpgraded,
  chromiumMixedMediaWarning,
  firefoxCspViolation,
  firefoxMixedContentBlocked,
} from './context.js';
import { explainConsoleText } from './explain-console.js';
import { makeCorsError } from './index.js';
import { parseConsoleMessage } from './parse-console.js';

/** The templates as the console parser reads them: literal text, `{name}` matches anything. */
function matching(line: string): (typeof CONTEXT_TEMPLATES)[number][] {
  const prefix = /^Access to \w+ at '.*?' from origin '.*?' has been blocked by CORS policy: /;
  return CONTEXT_TEMPLATES.filter((t) => {
    const body = t.form === 'chromium-cors' ? line.replace(prefix, '') : line;
    if (t.form === 'chromium-cors' && body === line) return false;
    const src = t.text
      .split(/\{(?:url|initial|origin|hint|status|method|resource)\}/)
      .map((part) => part.replace(/[.*+?^${}()|[\]\\]/g, '\\$&'))
      .join('(.*?)');
    return new RegExp(`^${src}$`, 's').test(body);
  });
}

const page = 'https://app.test/';
const url = 'http://api.test:8080/x';
const CASES: [string, string, string[]][] = [
  ['mixed fetch', chromiumMixedContentBlocked(page, url, 'fetch'), ['mixed-content-blocked']],
  ['mixed XHR', chromiumMixedContentBlocked(page, url, 'XMLHttpRequest'), ['mixed-content-blocked']],
  ['mixed script', chromiumMixedContentBlocked(page, url, 'script'), ['mixed-content-blocked']],
  ['upgraded', chromiumMixedContentUpgraded(page, url), []],
  ['not upgraded', chromiumMixedContentNotUpgraded(page, url, 'ip'), []],
  ['media warning', chromiumMixedMediaWarning(page, url, 'audio'), []],
  [
    'csp connect',
    chromiumCspViolation(url, "connect-src 'self'", 'connect-src', 'connect-src', false),
    ['csp-blocked'],
  ],
  [
    'csp fallback',
    chromiumCspViolation(url, "default-src 'self'", 'default-src', 'img-src', false),
    ['csp-blocked'],
  ],
  [
    'csp media',
    chromiumCspViolation(url, "media-src 'none'", 'media-src', 'media-src', false),
    ['csp-blocked'],
  ],
  ['csp report-only', chromiumCspViolation(url, "img-src 'self'", 'img-src', 'img-src', true), []],
  ['csp fetch refused', chromiumCspFetchRefused(url), ['csp-blocked']],
  [
    'lna insecure',
    chromiumLocalNetwork('local-network-insecure-context', {
      url,
      origin: 'http://app.test',
      initiator: 'fetch',
      addressSpace: 'loopback',
    }),
    ['local-network-insecure-context'],
  ],
  [
    'lna denied',
    chromiumLocalNetwork('local-network-permission-denied', {
      url,
      origin: 'https://app.test',
      initiator: 'fetch',
      addressSpace: 'local',
    }),
    ['local-network-permission-denied'],
  ],
  ['firefox mixed', firefoxMixedContentBlocked(url), ['mixed-content-blocked']],
  ['firefox csp', firefoxCspViolation(url, "connect-src 'self'", 'connect-src', false), ['csp-blocked']],
  [
    'firefox csp script',
    firefoxCspViolation(url, "script-src 'self'", 'script-src-elem', false),
    ['csp-blocked'],
  ],
];

describe('page-context console lines', () => {
  it.each(CASES)('%s: exactly one template matches, with the kinds', (_name, line, kinds) => {
    const found = matching(line);
    expect(found.map((t) => t.text)).toHaveLength(1);
    expect(found[0]?.kinds).toEqual(kinds);
  });

  it.each(CASES)('%s: the console parser reads it with the same kinds', (_name, line, kinds) => {
    const parsed = parseConsoleMessage(line);
    expect(parsed, line).not.toBeNull();
    expect(parsed?.kinds).toEqual(kinds);
    expect(parsed?.url).toBe(url);
  });

  it('makeCorsError words each kind from its details alone, as page-checks prints it', () => {
    const base = {
      url,
      initialUrl: url,
      origin: 'https://app.test',
      requestOrigin: 'https://app.test',
      initiator: 'fetch' as const,
      method: 'GET',
      credentials: 'same-origin' as const,
    };
    const csp = makeCorsError(
      {
        ...base,
        kind: 'csp-blocked',
        context: {
          pageUrl: page,
          directive: "default-src 'self'",
          directiveName: 'default-src',
          effectiveDirective: 'connect-src',
          console: [],
        },
      },
      'chromium',
    );
    expect(csp.message).toBe(
      chromiumCspViolation(url, "default-src 'self'", 'default-src', 'connect-src', false),
    );
    expect(csp.fix).toContain('a `connect-src` directive');
    expect(csp.fix).toContain('https://api.test:8080');
    expect(csp.preflight).toBe(false);
    const mixed = makeCorsError(
      { ...base, kind: 'mixed-content-blocked', context: { pageUrl: page, console: [] } },
      'firefox',
    );
    expect(mixed.message).toBe(firefoxMixedContentBlocked(url));
    const lna = makeCorsError(
      {
        ...base,
        kind: 'local-network-permission-denied',
        context: { pageUrl: page, addressSpace: 'local', console: [] },
      },
      'firefox',
    );
    expect(lna.logged).toBe(false);
    expect(lna.fix).toContain('`local`');
  });

  it('explain: a pasted refusal gets its rule, "nothing was sent" and the page-side fix', () => {
    const paste = [
      chromiumMixedContentBlocked(page, url, 'fetch'),
      chromiumCspViolation('https://api.test/x', "connect-src 'self'", 'connect-src', 'connect-src', false),
    ].join('\n');
    const [mixed, csp] = explainConsoleText(paste).explained;
    expect(mixed?.kind).toBe('mixed-content-blocked');
    expect(mixed?.rule.source).toContain('webappsec-mixed-content');
    expect(mixed?.diagnosis?.sent).toMatch(/^Nothing was sent/);
    expect(mixed?.diagnosis?.fix.side).toBe('page');
    expect(mixed?.diagnosis?.fix.text).toContain('https://api.test:8080/x');
    expect(csp?.kind).toBe('csp-blocked');
    expect(csp?.diagnosis?.fix.text).toContain('add https://api.test to `connect-src`');
  });
});
