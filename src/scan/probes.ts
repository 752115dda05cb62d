/**
 * The origins the scanner sends, each derived from the site (scheme, host, registrable domain via
 * tldts): the union of what CORScanner, Corsy and CORStest try, each tagged with who could make a
 * browser send it.
 */
import { parseOrigin, registrableDomain } from '../origin/index.js';
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
];

/** Sites where anyone can publish a page (so anyone can be that origin, or a subdomain of it). */
export const THIRD_PARTY_ORIGINS: readonly { origin: string; why: string }[] = [
  { origin: 'https://crossorigin-scan.github.io', why: 'any GitHub Pages site (*.github.io)' },
  { origin: 'https://codepen.io', why: 'CodePen (anyone can run script there)' },
  { origin: 'https://cdpn.io', why: 'CodePen previews' },
  { origin: 'https://jsfiddle.net', why: 'JSFiddle' },
  { origin: 'https://fiddle.jshell.net', why: 'JSFiddle results' },
  { origin: 'https://jsbin.com', why: 'JS Bin' },
  { origin: 'https://crossorigin-scan.csb.app', why: 'CodeSandbox previews (*.csb.app)' },
  { origin: 'https://crossorigin-scan.stackblitz.io', why: 'StackBlitz (*.stackblitz.io)' },
  { origin: 'https://crossorigin-scan.vercel.app', why: 'any Vercel deployment (*.vercel.app)' },
  { origin: 'https://crossorigin-scan.netlify.app', why: 'any Netlify site (*.netlify.app)' },
  { origin: 'https://crossorigin-scan.herokuapp.com', why: 'any Heroku app (*.herokuapp.com)' },
  { origin: 'https://crossorigin-scan.pages.dev', why: 'any Cloudflare Pages site (*.pages.dev)' },
  { origin: 'https://crossorigin-scan.web.app', why: 'any Firebase site (*.web.app)' },
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

/**
 * Every origin probe for a site, deduplicated, never the site's own origin.
 *
 * @example
 * deriveOriginProbes('https://app.target.com').map((p) => p.origin)
 * // ['https://evil.example', 'null', 'https://target.com.evil.example', 'https://eviltarget.com', ...]
 */
export function deriveOriginProbes(siteOrigin: string): OriginProbe[] {
  const s = siteParts(siteOrigin);
  if (s === null) return [];
  const { scheme, host, port, domain } = s;
  const out: OriginProbe[] = [];
  const seen = new Set<string>([`${scheme}://${host}${port}`]);
  const add = (cls: FindingClass, origin: string, control: Control, why: string) => {
    if (seen.has(origin)) return;
    seen.add(origin);
    out.push({ class: cls, origin, control, why });
  };
  // Arbitrary origin: the server echoes whatever Origin it gets.
  add('origin-reflection', `https://${ATTACKER_DOMAIN}`, 'attacker', 'any origin is echoed');
  // `null`: sandboxed iframes, data: and file: pages send it; anyone can.
  add('null-origin', 'null', 'attacker', 'the `null` origin is trusted (any sandboxed iframe sends it)');
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
  const labels = domain.split('.');
  if (labels.length >= 2 && domain.length > 3) {
    add(
      'partial-domain-match',
      `${scheme}://${domain.slice(0, -1)}`,
      'attacker',
      'a substring of the trusted domain is accepted',
    );
    add(
      'partial-domain-match',
      `${scheme}://${domain.slice(1)}`,
      'attacker',
      'a substring of the trusted domain is accepted',
    );
  }
  // Unescaped dot in a regex: `/^https:\/\/(www.)?target.com$/` accepts `wwwxtarget.com`.
  add('unescaped-dot', `${scheme}://wwwx${domain}`, 'attacker', 'a regex dot matches any character');
  if (host !== domain) {
    // Replace each dot of the subdomain part (the result is a domain anyone can register).
    const sub = host.slice(0, host.length - domain.length - 1);
    for (let i = sub.indexOf('.'); ; i = sub.indexOf('.', i + 1)) {
      const at = i === -1 ? sub.length : i;
      add(
        'unescaped-dot',
        `${scheme}://${host.slice(0, at)}x${host.slice(at + 1)}${port}`,
        'attacker',
        'a regex dot matches any character',
      );
      if (i === -1) break;
    }
  }
  // Special characters after the host: `https://target.com_.evil.example`.
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
  // Developer third-party origins.
  for (const t of THIRD_PARTY_ORIGINS) add('third-party-origin', t.origin, 'attacker', `${t.why} is trusted`);
  return out;
}

/** Query parameter names servers read a JSONP callback from. */
export const JSONP_PARAMETERS: readonly string[] = ['callback', 'jsonp', 'cb'];

/** A method no server should allow by listing it, and a header name no server should know. */
export const PREFLIGHT_PROBE = {
  method: 'CROSSORIGINSCAN',
  header: 'x-crossorigin-scan-probe',
} as const;
