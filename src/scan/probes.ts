/**
 * The origins the scanner sends, each derived from the site (scheme, host, registrable domain via
 * tldts): the union of what CORScanner, Corsy and CORStest try, each tagged with who could make a
 * browser send it.
 */
import { parseOrigin, registrableDomain } from '../origin/index.js';
import { plausibleLookAlike, THIRD_PARTY_HOSTS, thirdPartyOrigin } from './third-party.js';
import type { Control, FindingClass, OriginProbe } from './types.js';

/** The attacker's own domain in probes (reserved by RFC 2606: it never resolves). */
export const ATTACKER_DOMAIN = 'evil.example';

/**
 * Characters a sloppy check lets through after the trusted host. Browsers accept some in a host,
 * given a resolver for the name: Chromium 156 all but `` ` ``, `*`, `{`, `}`; Firefox ESR 153 only
 * `_`, `-`, `$`, `+`, `|`, `%60`, `%0b` (test/scan/browser.test.ts).
 */
export const SPECIAL_CHARACTERS: readonly string[] = [
  '_',
  '-',
  '`',
  '!',
  '~',
  '$',
  '&',
  "'",
  '(',
  ')',
  '*',
  '+',
  ',',
  ';',
  '=',
  '|',
  '{',
  '}',
  '%60',
  '%0b',
  '%2e',
];

export interface SiteParts {
  scheme: 'http' | 'https';
  /** Host as serialized (no port). */
  host: string;
  /** `:port` or the empty string. */
  port: string;
  /** The registrable domain, or the host itself for IPs and single labels. */
  domain: string;
}

/** Splits a serialized http(s) origin; null for anything else. */
export function siteParts(siteOrigin: string): SiteParts | null {
  const url = URL.parse(String(siteOrigin));
  if (url === null) return null;
  const o = parseOrigin(url);
  if (o.type !== 'tuple' || (o.scheme !== 'http' && o.scheme !== 'https')) return null;
  return {
    scheme: o.scheme,
    host: o.host,
    port: o.port === null ? '' : `:${o.port}`,
    domain: registrableDomain(o.host) ?? o.host,
  };
}

type Add = (cls: FindingClass, origin: string, control: Control, why: string, who?: string) => void;

/** Probes on the registrable domain: prefix, suffix, substring, and the unescaped dot before it. */
function domainProbes(s: SiteParts, add: Add): void {
  const { scheme, host, domain } = s;
  // Prefix match: `origin.startsWith('https://target.com')`, an unanchored regex end.
  add(
    'prefix-match',
    `${scheme}://${domain}.${ATTACKER_DOMAIN}`,
    'attacker',
    'the check only tests a prefix',
  );
  if (host !== domain) {
    add(
      'prefix-match',
      `${scheme}://${host}.${ATTACKER_DOMAIN}`,
      'attacker',
      'the check only tests a prefix',
    );
  }
  // Suffix match: `origin.endsWith('target.com')`, an unanchored regex start.
  add('suffix-match', `${scheme}://evil${domain}`, 'attacker', 'the check only tests a suffix');
  // Partial registrable-domain match: a substring test (`'target.com'.includes(host)`, `indexOf`).
  if (domain.includes('.') && domain.length > 3) {
    for (const cut of [domain.slice(0, -1), domain.slice(1)]) {
      if (plausibleLookAlike(cut, host)) {
        add(
          'partial-domain-match',
          `${scheme}://${cut}`,
          'attacker',
          'a substring of the trusted domain is accepted',
        );
      }
    }
  }
}

/**
 * Partial matching on the whole host (an allowlist kept as one string and tested with `includes`):
 * the host truncated at either end, or extended in front. A result under the site's own domain
 * needs a subdomain; anything else anyone can register.
 */
function hostProbes(s: SiteParts, add: Add): void {
  const { scheme, host, domain } = s;
  if (host === domain || !host.includes('.')) return;
  const controlOf = (h: string): Control => (h.endsWith(`.${domain}`) ? 'subdomain' : 'attacker');
  for (const h of [host.slice(0, -1), host.slice(1), `evil${host}`]) {
    if (h.startsWith('.') || h.endsWith('.')) continue;
    if (controlOf(h) === 'attacker' && !plausibleLookAlike(h, host)) continue;
    add(
      'partial-host-match',
      `${scheme}://${h}`,
      controlOf(h),
      'a part of the trusted host (a substring test) is accepted',
    );
  }
}

/**
 * Unescaped dots (`/^https:\/\/app.example.com.au$/`): each dot of the host replaced by a letter,
 * inside the public suffix too, keeping only names someone can register (said in `who`).
 */
function dotProbes(s: SiteParts, add: Add): void {
  const { scheme, host, port, domain } = s;
  add(
    'unescaped-dot',
    `${scheme}://wwwx${domain}`,
    'attacker',
    'a regex dot matches any character',
    `anyone can register wwwx${domain}`,
  );
  for (let i = host.indexOf('.'); i !== -1; i = host.indexOf('.', i + 1)) {
    const h = `${host.slice(0, i)}x${host.slice(i + 1)}`;
    const registered = registrableDomain(h);
    if (registered === null || registered === domain || !plausibleLookAlike(h, host)) continue;
    add(
      'unescaped-dot',
      `${scheme}://${h}${port}`,
      'attacker',
      'a regex dot matches any character',
      `anyone can register ${registered}`,
    );
  }
}

/** Hosts anyone can get (third-party list) and development origins. */
function sharedProbes(s: SiteParts, add: Add): void {
  for (const t of THIRD_PARTY_HOSTS) {
    add('third-party-origin', thirdPartyOrigin(t), 'attacker', `${t.suffix} is trusted`, t.who);
  }
  if (s.host === 'localhost' || s.host === '127.0.0.1' || s.host === '[::1]') return;
  for (const o of DEVELOPMENT_ORIGINS) {
    add(
      'development-origin',
      o,
      'local',
      'a development origin is trusted in production',
      "any server on the user's machine (another project, a tool, a malicious package)",
    );
  }
}

/** Development origins (the front end on a laptop) that production servers are left trusting. */
export const DEVELOPMENT_ORIGINS: readonly string[] = [
  'http://localhost',
  'http://localhost:3000',
  'http://127.0.0.1:8080',
];

/**
 * Every origin probe for a site, deduplicated, never the site's own origin.
 *
 * @example
 * deriveOriginProbes('https://app.target.com').map((p) => p.origin)
 * // ['https://evil.example', 'null', 'https://target.com.evil.example', ...]
 */
export function deriveOriginProbes(siteOrigin: string): OriginProbe[] {
  const s = siteParts(siteOrigin);
  if (s === null) return [];
  const { scheme, host, port, domain } = s;
  const out: OriginProbe[] = [];
  const seen = new Set<string>([`${scheme}://${host}${port}`]);
  const add: Add = (cls, origin, control, why, who) => {
    if (seen.has(origin)) return;
    seen.add(origin);
    out.push({ class: cls, origin, control, why, ...(who === undefined ? {} : { who }) });
  };
  // Arbitrary origin: the server echoes whatever Origin it gets.
  add('origin-reflection', `https://${ATTACKER_DOMAIN}`, 'attacker', 'any origin is echoed');
  // `null`: sandboxed iframes, data: and file: pages send it; anyone can.
  add('null-origin', 'null', 'attacker', 'the `null` origin is trusted (any sandboxed iframe sends it)');
  domainProbes(s, add);
  hostProbes(s, add);
  dotProbes(s, add);
  // Special characters after the host (a server parser that stops there): `https://target.com_.evil.example`.
  for (const ch of SPECIAL_CHARACTERS) {
    add(
      'special-characters',
      `${scheme}://${host}${ch}.${ATTACKER_DOMAIN}`,
      'browser-quirk',
      `\`${ch}\` after the trusted name is accepted`,
    );
  }
  // Arbitrary subdomain: `*.target.com` trusted (an XSS or a takeover on any subdomain is enough).
  add(
    'arbitrary-subdomain',
    `${scheme}://crossorigin-scan.${domain}`,
    'subdomain',
    'any subdomain is trusted',
  );
  // http origin trusted by an https site: anyone on the network path can be that origin.
  if (scheme === 'https') {
    add('insecure-origin', `http://${host}${port}`, 'network', 'the site trusts its own http: origin');
    if (host !== domain) add('insecure-origin', `http://${domain}`, 'network', 'an http: origin is trusted');
  }
  sharedProbes(s, add);
  return out;
}

/** Query parameter names servers read a JSONP callback from. */
export const JSONP_PARAMETERS: readonly string[] = [
  'callback',
  'cb',
  'jsonp',
  'jsoncallback',
  '_callback',
  'call',
  'function',
];

/**
 * Callback parameter names a page's scripts use (`?cb=?` as jQuery writes it, `jsonp: 'name'`,
 * `jsonpCallback`), at most 10, for the JSONP probe.
 */
export function jsonpNamesInScripts(html: string): string[] {
  const out = new Set<string>();
  for (const m of html.matchAll(/[?&]([A-Za-z_$][\w$]{0,30})=\?(?![\w])/g)) out.add(m[1] as string);
  for (const m of html.matchAll(/\bjsonp\s*:\s*['"]([A-Za-z_$][\w$]{0,30})['"]/g)) out.add(m[1] as string);
  return [...out].slice(0, 10);
}

/** A method no server should allow by listing it, and a header name no server should know. */
export const PREFLIGHT_PROBE = {
  method: 'CROSSORIGINSCAN',
  header: 'x-crossorigin-scan-probe',
} as const;
