/**
 * Browser profiles: data, plus a few switches where a browser departs from the Fetch Standard.
 * The algorithm is written once (classify, corsCheck, checkPreflightResponse, the cache, the
 * redirect step); each switch is read at the one step it changes. Every departure is listed with
 * the case that shows it in docs/browser-differences.md.
 */
import {
  isByteCaseInsensitiveMatch,
  type RequestHeaderRules,
  SPEC_REQUEST_HEADER_RULES,
} from '../_fetch/index.js';
import { CONTEXT_PROFILES, type ContextProfile } from './context-profile.js';
import {
  ISOLATION_CHROMIUM,
  ISOLATION_FIREFOX,
  ISOLATION_SPEC,
  type IsolationProfile,
} from './isolation/index.js';
import type { BrowserName } from './types.js';

export interface BrowserProfile {
  readonly name: BrowserName;
  /**
   * The major release whose behaviour this profile holds, as observed in the real browser (156 for
   * Chromium, 153 for Firefox ESR); null for the spec and for WebKit (not tied to one release).
   * Older observed releases: src/browser/releases.ts.
   */
  readonly release: number | null;
  /** The request-header classes (safelist, forbidden names) where the browser departs from the spec: data for `_fetch`. */
  readonly requestHeaders: RequestHeaderRules;
  /** Whether `Access-Control-Max-Age: +60` reads as 60 (Chromium's base::StringToInt64) rather than as invalid. */
  readonly maxAgeLeadingPlus: boolean;
  /** Longest preflight cache lifetime, seconds (the `Access-Control-Max-Age` cap). */
  readonly maxAgeCap: number;
  /** Lifetime when `Access-Control-Max-Age` is absent, seconds. */
  readonly defaultMaxAge: number;
  /**
   * An unparsable `Access-Control-Max-Age` (`abc`): `default` uses `defaultMaxAge` (Chromium, spec);
   * `no-cache` caches nothing (Firefox).
   */
  readonly invalidMaxAge: 'default' | 'no-cache';
  /** A negative `Access-Control-Max-Age`: `no-cache` (Chromium, Firefox) or `default` (spec: not delta-seconds, so failure, so 5). */
  readonly negativeMaxAge: 'default' | 'no-cache';
  /** Whether `Access-Control-Allow-Headers: *` also covers `Authorization` (spec: no). */
  readonly wildcardCoversAuthorization: boolean;
  /**
   * Which of several request headers a preflight answer does not allow is reported: the first in
   * sorted order (`sorted`: spec, Firefox) or the first in Blink's `HTTPHeaderMap` iteration order
   * (`blink-header-map`: Chromium; src/browser/_blink-header-map.ts).
   */
  readonly deniedHeaderOrder: 'sorted' | 'blink-header-map';
  /**
   * Order of the preflight's list checks: `parse-both-first` parses Allow-Methods and Allow-Headers
   * before checking either (spec, Chromium); `interleaved` parses and checks methods, then headers (Firefox).
   */
  readonly preflightListOrder: 'parse-both-first' | 'interleaved';
  /**
   * A preflight answered with a redirect: fails as a redirect before the CORS check (Chromium),
   * after it (Firefox), or is just a response without an ok status (spec).
   */
  readonly preflightRedirect: 'before-cors-check' | 'after-cors-check' | 'as-status';
  /**
   * How `Access-Control-Allow-Origin` values that do not match are told apart: `chromium` (several
   * values in one line count as "multiple"; an unparsable URL is "invalid"), or `firefox` (only
   * several header lines are "multiple"; everything else "does not match").
   */
  readonly allowOriginDiagnostics: 'chromium' | 'firefox';
  /** Preflight cache shape: one entry per origin+URL replaced as a whole (Chromium), or one per method and header name (spec, Firefox). */
  readonly cacheModel: 'per-url' | 'per-token';
  /** Whether a cache entry made without credentials is keyed apart from one made with them (Firefox keys by credentials). */
  readonly cacheKeyedByCredentials: boolean;
  readonly cacheCapacity: number;
  /** `Origin` of a preflight sent after a tainting redirect: `null` (Chromium) or the page's origin (spec, Firefox). */
  readonly preflightOriginAfterTaint: 'null' | 'origin';
  /**
   * What a preflight's CORS check compares `Access-Control-Allow-Origin` with after a tainting
   * redirect: the request's serialized origin, `null` (spec, Chromium), or the `Origin` the
   * preflight itself carried (Firefox: the page's origin, so that preflight can pass and the request
   * then goes out with `Origin: null`, observed in ESR 153).
   */
  readonly preflightCheckOrigin: 'request' | 'sent';
  /** `Sec-Fetch-Site` of a redirected request: from the whole URL chain (spec, Firefox) or the current URL only (Chromium). */
  readonly secFetchSiteFrom: 'url-list' | 'current-url';
  /**
   * Whether a preflight to a URL that is not potentially trustworthy still carries
   * `Sec-Fetch-Mode: cors` (Chromium; the spec and Firefox send no Fetch metadata there at all).
   */
  readonly secFetchModeOnEveryPreflight: boolean;
  /** Whether a preflight of a credentialed cross-site request carries `Sec-Fetch-Storage-Access` (Firefox). */
  readonly storageAccessOnPreflight: boolean;
  /** Whether credentialed cross-site requests carry `Sec-Fetch-Storage-Access: none`. */
  readonly sendsStorageAccess: boolean;
  /** A redirect to a URL with credentials fails as such even when the redirect mode is `error` (Chromium). */
  readonly redirectCredentialsBeforeMode: boolean;
  /** Whether a redirect to any URL with a user name or password fails (Chromium), not only cross-origin ones in cors mode (spec). */
  readonly refusesRedirectToUrlWithCredentials: boolean;
  /** Whether a failed CORS check of a response clears the preflight cache entries for its URL (Firefox, spec) or not (Chromium). */
  readonly clearsCacheOnCorsFailure: boolean;
  /** Whether a 301/308 answer to a GET (with no caching headers) is replayed from the HTTP cache (Chromium). */
  readonly cachesPermanentRedirects: boolean;
  /** Whether a cached `*` (methods or headers) serves later requests as a wildcard (spec, Chromium) or only as the token `*` (Firefox). */
  readonly cacheHonoursWildcards: boolean;
  /** Whether a preflight made after a tainting redirect is cached (spec) or not (Chromium, Firefox: opaque origin). */
  readonly cachesTaintedPreflights: boolean;
  /** Whether every cross-origin hop after a redirect is preflighted when the first request had CORS-unsafe headers (Firefox). */
  readonly preflightsRedirectsOfPreflightedRequests: boolean;
  /**
   * Whether cookies go out on (and are stored from) cross-site requests. Chromium 156 blocks
   * third-party cookies (observed); WebKit blocks them (ITP); Firefox's default partitions them
   * (Total Cookie Protection, not modelled: the profile sends them, as Firefox with
   * `network.cookie.cookieBehavior=0` does).
   */
  readonly thirdPartyCookies: boolean;
  /** Cookies without a SameSite attribute are treated as `Lax` (Chromium's Lax-by-default) or `None`. */
  readonly cookieDefaultSameSite: 'lax' | 'none';
  /** ORB, CORP, COEP and COOP differences (src/browser/isolation/profile.ts). */
  readonly isolation: IsolationProfile;
  /** Mixed Content, CSP and Local Network Access differences (src/browser/context-profile.ts). */
  readonly context: ContextProfile;
}

const isDigits = (value: string): boolean => /^[0-9]+$/.test(value);
const isDecimal = (value: string): boolean => /^[0-9]+(?:\.[0-9]+)?$/.test(value);

/**
 * chromium: the request-header rules of Chromium 156 (observed by test/browsers/fetch-oracle.test.ts):
 * client-hint and network-information headers still safelisted in Chromium's value forms, `User-Agent`
 * still forbidden, same-name headers combined first, range numbers within int64 minus one.
 */
const CHROMIUM_REQUEST_HEADERS: RequestHeaderRules = Object.freeze({
  ...SPEC_REQUEST_HEADER_RULES,
  extraForbiddenNames: new Set(['user-agent']),
  extraSafelisted: new Map<string, (value: string) => boolean>([
    ['device-memory', isDecimal],
    ['dpr', isDecimal],
    ['downlink', isDecimal],
    ['width', isDigits],
    ['viewport-width', isDigits],
    ['rtt', isDigits],
    ['save-data', (v: string) => isByteCaseInsensitiveMatch(v, 'on')],
    ['ect', (v: string) => v === 'slow-2g' || v === '2g' || v === '3g' || v === '4g'],
  ]),
  rangeMax: '9223372036854775806',
  combineSameName: true,
});

/**
 * firefox: the request-header rules of Firefox ESR 153 (observed): bytes 0x80-0xFF unsafe in
 * `accept` and `content-type`, range numbers within uint64, no 1024-byte total, one unsafe name per
 * header (duplicates kept in Access-Control-Request-Headers).
 */
const FIREFOX_REQUEST_HEADERS: RequestHeaderRules = Object.freeze({
  ...SPEC_REQUEST_HEADER_RULES,
  highBytesUnsafe: true,
  rangeMax: '18446744073709551615',
  safelistTotalLimit: false,
  unsafeNamesKeepDuplicates: true,
});

const BASE: Omit<BrowserProfile, 'name' | 'context'> = {
  release: null,
  requestHeaders: SPEC_REQUEST_HEADER_RULES,
  maxAgeLeadingPlus: false,
  maxAgeCap: 7200,
  defaultMaxAge: 5,
  invalidMaxAge: 'default',
  negativeMaxAge: 'default',
  wildcardCoversAuthorization: false,
  deniedHeaderOrder: 'sorted',
  preflightListOrder: 'parse-both-first',
  preflightRedirect: 'as-status',
  allowOriginDiagnostics: 'chromium',
  cacheModel: 'per-token',
  cacheKeyedByCredentials: false,
  cacheCapacity: 1024,
  preflightOriginAfterTaint: 'origin',
  preflightCheckOrigin: 'request',
  secFetchSiteFrom: 'url-list',
  secFetchModeOnEveryPreflight: false,
  storageAccessOnPreflight: false,
  sendsStorageAccess: false,
  cookieDefaultSameSite: 'none',
  thirdPartyCookies: true,
  redirectCredentialsBeforeMode: false,
  refusesRedirectToUrlWithCredentials: false,
  clearsCacheOnCorsFailure: true,
  cachesPermanentRedirects: false,
  cacheHonoursWildcards: true,
  cachesTaintedPreflights: true,
  preflightsRedirectsOfPreflightedRequests: false,
  isolation: ISOLATION_SPEC,
};

export const PROFILES: Readonly<Record<BrowserName, BrowserProfile>> = Object.freeze({
  /** The Fetch Standard as written (the max-age cap is the UA's choice: none here). */
  spec: Object.freeze({
    ...BASE,
    name: 'spec',
    maxAgeCap: Number.POSITIVE_INFINITY,
    context: CONTEXT_PROFILES.spec,
  }),
  chromium: Object.freeze({
    ...BASE,
    name: 'chromium',
    release: 156,
    requestHeaders: CHROMIUM_REQUEST_HEADERS,
    maxAgeLeadingPlus: true, // chromium: base::StringToInt64 accepts a leading '+'
    maxAgeCap: 7200,
    negativeMaxAge: 'no-cache', // chromium: a negative max-age means "do not cache"
    wildcardCoversAuthorization: true, // chromium: `*` covers Authorization (observed in 156)
    deniedHeaderOrder: 'blink-header-map', // chromium: names the first in its header hash map's order (observed in 156)
    preflightRedirect: 'before-cors-check', // chromium: kPreflightDisallowedRedirect before the CORS check (observed)
    cacheModel: 'per-url', // chromium: PreflightCache keyed by origin + URL, entry replaced whole
    preflightOriginAfterTaint: 'null', // chromium: the preflight after a tainting redirect sends Origin: null
    secFetchSiteFrom: 'current-url', // chromium: Sec-Fetch-Site from the current URL only (observed)
    secFetchModeOnEveryPreflight: true, // chromium: Sec-Fetch-Mode: cors on a preflight to http://api.test too (observed in 156)
    sendsStorageAccess: true,
    cookieDefaultSameSite: 'lax', // chromium: SameSite=Lax by default
    thirdPartyCookies: false, // chromium: third-party cookies blocked (observed in 156)
    redirectCredentialsBeforeMode: true, // chromium: credentials in Location reported before redirect mode 'error' (observed)
    refusesRedirectToUrlWithCredentials: true, // chromium: even same-origin and no-cors redirects to user:pass@ URLs fail (observed)
    clearsCacheOnCorsFailure: false, // chromium: a blocked response leaves the preflight cache as it was (observed)
    cachesPermanentRedirects: true, // chromium: a repeated 301 comes from the HTTP cache (observed)
    cachesTaintedPreflights: false, // chromium: the preflight after a tainting redirect is never served from the cache (observed)
    isolation: ISOLATION_CHROMIUM, // chromium: ORB v0.1, SVG+nosniff decoding (observed; see the isolation profile)
    context: CONTEXT_PROFILES.chromium,
  }),
  firefox: Object.freeze({
    ...BASE,
    name: 'firefox',
    release: 153,
    requestHeaders: FIREFOX_REQUEST_HEADERS,
    maxAgeCap: 86400,
    invalidMaxAge: 'no-cache', // firefox: a max-age with a non-digit is not cached (observed)
    negativeMaxAge: 'no-cache', // firefox: `-1` has a non-digit
    wildcardCoversAuthorization: true, // firefox: covered, with a deprecation warning (observed in ESR 153)
    preflightListOrder: 'interleaved', // firefox: methods parsed and checked before headers are parsed
    preflightRedirect: 'after-cors-check', // firefox: the CORS check, then CORSExternalRedirectNotAllowed (observed)
    allowOriginDiagnostics: 'firefox',
    cacheKeyedByCredentials: true, // firefox: nsPreflightCache keys entries by withCredentials (source, unverified)
    sendsStorageAccess: true,
    storageAccessOnPreflight: true, // firefox: Sec-Fetch-Storage-Access on the preflight too (observed)
    cachesTaintedPreflights: false, // firefox: the preflight after a tainting redirect is never served from the cache (observed)
    preflightCheckOrigin: 'sent', // firefox: that preflight passes with ACAO = the page's origin; the request then sends Origin: null (observed)
    preflightsRedirectsOfPreflightedRequests: true, // firefox: the first request's unsafe headers keep forcing preflights (observed)
    cacheHonoursWildcards: false, // firefox: a cached `*` matches nothing, so a wildcard answer is preflighted again (observed)
    isolation: ISOLATION_FIREFOX, // firefox: unknown CORP satisfies COEP, no noopener-allow-popups (observed)
    context: CONTEXT_PROFILES.firefox,
  }),
  webkit: Object.freeze({
    ...BASE,
    name: 'webkit',
    maxAgeCap: 600, // webkit: CrossOriginPreflightResultCache caps at 10 minutes (source, unverified)
    negativeMaxAge: 'no-cache',
    cacheModel: 'per-url',
    thirdPartyCookies: false, // webkit: Intelligent Tracking Prevention blocks them (unverified)
    // Seen in WebKitGTK 2.50.6 (test/browsers/webkit-explore.ts; WebCore and NetworkProcess are
    // shared with Safari, its network stack is not):
    wildcardCoversAuthorization: true, // webkit: `*` covers every header without credentials (CrossOriginPreflightResultCache.cpp)
    clearsCacheOnCorsFailure: false, // webkit: a failed CORS check leaves the preflight cache as it was
    preflightOriginAfterTaint: 'null', // webkit: the preflight after a tainting redirect sends Origin: null (NetworkLoadChecker.cpp)
    cachesTaintedPreflights: false, // webkit: that preflight is never served from the cache
    preflightsRedirectsOfPreflightedRequests: true, // webkit: a preflighted request's later hops are preflighted again
    context: CONTEXT_PROFILES.webkit,
  }),
});
