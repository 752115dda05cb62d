/**
 * Sites: registrable domains, same site, and potentially trustworthy origins.
 *
 * - registrable domain: https://url.spec.whatwg.org/#host-registrable-domain
 * - same site / schemelessly same site: https://html.spec.whatwg.org/multipage/browsers.html#same-site
 * - potentially trustworthy origin: https://w3c.github.io/webappsec-secure-contexts/#is-origin-trustworthy
 *
 * The public suffix list is tldts's copy, with the private section included (`github.io`,
 * `vercel.app`, … are public suffixes), as the URL Standard's algorithm and browsers do: two
 * different `*.github.io` sites are not same-site in Chromium or Firefox.
 */
import { getDomain } from '../_tldts.js';
import type { Origin } from './origin.js';

const TLDTS_OPTIONS = { allowPrivateDomains: true, extractHostname: false, validateHostname: false } as const;

/** Whether a serialized host is an IP address (IPv6 in brackets, or IPv4 in dotted-decimal). */
export function isIpHost(host: string): boolean {
  if (host.startsWith('[')) return true;
  // A serialized domain never ends in a number (the URL parser would have read it as IPv4).
  const last = host.charCodeAt(host.length - 1);
  return last >= 0x30 && last <= 0x39 && /^\d{1,3}\.\d{1,3}\.\d{1,3}\.\d{1,3}$/.test(host);
}

/**
 * The registrable domain of a serialized host (URL Standard), or null: for IP addresses, for a
 * host that is itself a public suffix (`com`, `github.io`, `localhost`), or for an empty host.
 * Unknown top-level labels are public suffixes by the list's `*` rule, so `foo.internal` has the
 * registrable domain `foo.internal`.
 *
 * @example
 * registrableDomain('a.b.example.co.uk') // 'example.co.uk'
 * registrableDomain('alice.github.io')   // 'alice.github.io'
 * registrableDomain('github.io')         // null
 * registrableDomain('[::1]')             // null
 */
export function registrableDomain(host: string): string | null {
  // 1. If host is not a domain, then return null.
  if (host.length === 0 || isIpHost(host)) return null;
  // 2. Let trailingDot be "." if host ends with "."; otherwise the empty string.
  const trailingDot = host.endsWith('.') ? '.' : '';
  const bare = trailingDot ? host.slice(0, -1) : host;
  if (bare.length === 0 || bare.endsWith('.')) return null;
  // 3-5. Public suffix, then the registrable domain is the public suffix plus one label.
  const domain = getDomain(bare, TLDTS_OPTIONS);
  if (domain === null || domain === '') return null;
  // 6. Return registrableDomain + trailingDot.
  return domain + trailingDot;
}

/**
 * Schemelessly same site (HTML Standard).
 */
export function isSchemelesslySameSite(a: Origin, b: Origin): boolean {
  // 1. If A and B are the same opaque origin, then return true.
  if (a.type === 'opaque' || b.type === 'opaque')
    return a.type === 'opaque' && b.type === 'opaque' && a.id === b.id;
  // 2. If A and B are both tuple origins, then:
  //   1. Let hostA be A's host, and let hostB be B's host.
  //   2. If hostA equals hostB and hostA's registrable domain is null, then return true.
  //      (Equal hosts with a non-null registrable domain are caught by step 3.)
  if (a.host === b.host) return true;
  //   3. If hostA's registrable domain equals hostB's registrable domain and is non-null, then return true.
  const ra = registrableDomain(a.host);
  return ra !== null && ra === registrableDomain(b.host);
  // 3. Return false.
}

/**
 * Same site (HTML Standard). Schemeful by default: `http://example.com` and `https://example.com`
 * are not same-site; pass `{ schemeful: false }` for the older, scheme-less notion.
 *
 * @example
 * isSameSite(parseOrigin('https://a.example.com'), parseOrigin('https://b.example.com')) // true
 * isSameSite(parseOrigin('https://alice.github.io'), parseOrigin('https://bob.github.io')) // false
 */
export function isSameSite(a: Origin, b: Origin, options: { schemeful?: boolean } = {}): boolean {
  const schemeful = options.schemeful ?? true;
  // A and B are schemelessly same site, and
  if (!isSchemelesslySameSite(a, b)) return false;
  // A and B are either both opaque origins, or both tuple origins with the same scheme.
  if (!schemeful || a.type === 'opaque' || b.type === 'opaque') return true;
  return a.scheme === b.scheme;
}

/**
 * Is origin potentially trustworthy? (Secure Contexts, §3.1.) Used to refuse `http:` origins that
 * are not loopback where credentials are involved.
 */
export function isPotentiallyTrustworthyOrigin(origin: Origin): boolean {
  // 1. If origin is an opaque origin, return "Not Trustworthy".
  if (origin.type === 'opaque') return false;
  // 2. Assert: origin is a tuple origin.
  // 3. If origin's scheme is either "https" or "wss", return "Potentially Trustworthy".
  if (origin.scheme === 'https' || origin.scheme === 'wss') return true;
  // 4. If origin's host matches one of the CIDR notations 127.0.0.0/8 or ::1/128, return "Potentially Trustworthy".
  const host = origin.host;
  if (host === '[::1]') return true;
  if (host.startsWith('127.') && isIpHost(host)) return true;
  // 5. If the user agent conforms to the name resolution rules in [let-localhost-be-localhost] and one of:
  //    host is "localhost" or "localhost.", or ends with ".localhost" or ".localhost.": "Potentially Trustworthy".
  if (
    host === 'localhost' ||
    host === 'localhost.' ||
    host.endsWith('.localhost') ||
    host.endsWith('.localhost.')
  ) {
    return true;
  }
  // 6. If origin's scheme is "file", return "Potentially Trustworthy". (file: origins are opaque here.)
  // 7. If origin's scheme component is one which the user agent considers to be authenticated, …
  // 8. If origin has been configured as a trustworthy origin, …
  // 9. Return "Not Trustworthy".
  return false;
}
