/**
 * The CORS-preflight fetch: the OPTIONS request a browser sends, and the check of its response.
 * https://fetch.spec.whatwg.org/#cors-preflight-fetch
 */
import {
  byteLowercase,
  corsUnsafeRequestHeaderNames,
  corsUnsafeRequestHeaderNamesDetailed,
  extractHeaderListValues,
  isCorsNonWildcardRequestHeaderName,
  isCorsSafelistedMethod,
  isToken,
} from '../_fetch/index.js';
import { chromiumHeaderCheckOrder } from './_blink-header-map.js';
import { errorDetails } from './classify.js';
import { corsCheck, getHeader, headerLines, invalidRequestError } from './cors-check.js';
import { type CorsError, type CorsErrorKind, makeCorsError } from './errors/index.js';
import type { BrowserProfile } from './profiles.js';
import { getProfile } from './releases.js';
import {
  hasRedirectTaintedOrigin,
  secFetchDest,
  secFetchSite,
  sendsFetchMetadata,
  toNormalizedRequest,
} from './request.js';
import type { BrowserName, BrowserRequest, HeaderList, NormalizedRequest, ResponseView } from './types.js';

/** The OPTIONS request, header for header (User-Agent, Accept-Language... are the transport's). */
export interface PreflightRequest {
  method: 'OPTIONS';
  url: string;
  headers: [string, string][];
}

/** What a successful preflight lets the request do, and for how long. */
export interface PreflightCacheEntry {
  /** `Access-Control-Allow-Methods` values, case kept. */
  methods: string[];
  /** `Access-Control-Allow-Headers` values, lower-cased. */
  headers: string[];
  /** Whether the preflight was made for a request with credentials mode `include`. */
  credentials: boolean;
  /** Lifetime in seconds after the profile's parsing and cap; 0 means "do not cache". */
  maxAge: number;
}

export type PreflightCheckResult = { ok: true; entry: PreflightCacheEntry } | { ok: false; error: CorsError };

/**
 * The OPTIONS request a browser sends before `request`: `Accept: *\/*`,
 * `Access-Control-Request-Method`, `Access-Control-Request-Headers` (lower-case, sorted, joined by
 * "," without spaces), `Origin`, `Sec-Fetch-Mode: cors`, `Sec-Fetch-Site`, `Sec-Fetch-Dest`; never
 * cookies. Returns null for a request no browser could make.
 * https://fetch.spec.whatwg.org/#cors-preflight-fetch (steps 1-5)
 */
export function preflightRequest(
  request: NormalizedRequest,
  browser?: BrowserName | BrowserProfile,
): PreflightRequest;
export function preflightRequest(
  request: BrowserRequest | NormalizedRequest,
  browser?: BrowserName | BrowserProfile,
): PreflightRequest | null;
export function preflightRequest(
  request: BrowserRequest | NormalizedRequest,
  browser: BrowserName | BrowserProfile = 'chromium',
): PreflightRequest | null {
  const profile = getProfile(browser);
  const n = toNormalizedRequest(request, profile);
  if (!n.ok) return null;
  const req = n.request;
  // 1. Let preflight be a new request whose method is `OPTIONS`, URL list is a clone of request's
  //    current URL, ..., mode is "cors", credentials mode is "omit" (no cookies are sent).
  const headers: [string, string][] = [];
  // 2. Append (`Accept`, `*/*`) to preflight's header list.
  headers.push(['Accept', '*/*']);
  // 3. Append (`Access-Control-Request-Method`, request's method).
  headers.push(['Access-Control-Request-Method', req.method]);
  // 4. Let headers be the CORS-unsafe request-header names with request's header list.
  const unsafe = corsUnsafeRequestHeaderNames(req.headers, req.headerRules);
  // 5. If headers is not empty, append (`Access-Control-Request-Headers`, headers joined by ",").
  if (unsafe.length > 0) headers.push(['Access-Control-Request-Headers', unsafe.join(',')]);
  // HTTP-network-or-cache fetch appends the Origin header for the preflight's own URL list (one URL),
  // so it is the page's origin even after a tainting redirect.
  // chromium: sends `Origin: null` on a preflight that follows a tainting redirect.
  const origin =
    profile.preflightOriginAfterTaint === 'null' && hasRedirectTaintedOrigin(req)
      ? 'null'
      : req.originSerialized;
  headers.push(['Origin', origin]);
  // Fetch metadata, only to a potentially trustworthy URL.
  if (sendsFetchMetadata(req.url)) {
    headers.push(['Sec-Fetch-Mode', 'cors']);
    headers.push(['Sec-Fetch-Site', secFetchSite(req, profile, [req.url])]);
    headers.push(['Sec-Fetch-Dest', secFetchDest(req.initiator)]);
    // firefox: Sec-Fetch-Storage-Access on the preflight of a credentialed cross-site request.
    if (
      profile.storageAccessOnPreflight &&
      req.credentials === 'include' &&
      secFetchSite(req, profile) === 'cross-site'
    ) {
      headers.push(['Sec-Fetch-Storage-Access', 'none']);
    }
  } else if (profile.secFetchModeOnEveryPreflight) {
    // chromium: Sec-Fetch-Mode on every preflight.
    headers.push(['Sec-Fetch-Mode', 'cors']);
  }
  return { method: 'OPTIONS', url: req.url.href, headers };
}

/**
 * `Access-Control-Max-Age` to seconds, as the profile reads it: absent -> default (5); unparsable
 * -> default (chromium, spec) or no caching (firefox); negative -> no caching (chromium, firefox)
 * or default (spec: not delta-seconds); capped at the profile's maximum.
 * https://fetch.spec.whatwg.org/#cors-preflight-fetch (step 7.6)
 */
export function parseMaxAge(lines: readonly string[], profile: BrowserProfile): number {
  if (lines.length === 0) return profile.defaultMaxAge;
  const value = lines.join(', ');
  if (value === '' && profile.invalidMaxAge === 'no-cache') return profile.defaultMaxAge; // firefox: empty = absent
  let seconds: number;
  if (/^\d+$/.test(value)) {
    seconds = Number(value);
  } else if (/^-\d+$/.test(value)) {
    if (profile.negativeMaxAge === 'no-cache') return 0;
    return profile.defaultMaxAge;
  } else if (/^\+\d+$/.test(value) && profile.maxAgeLeadingPlus) {
    seconds = Number(value.slice(1)); // chromium: base::StringToInt64 accepts a leading '+'
  } else {
    return profile.invalidMaxAge === 'no-cache' ? 0 : profile.defaultMaxAge;
  }
  if (!Number.isFinite(seconds)) return profile.maxAgeCap;
  return Math.min(seconds, profile.maxAgeCap);
}

function firstInvalidToken(lines: readonly string[]): string {
  for (const line of lines) {
    for (const raw of line.split(',')) {
      const t = raw.replace(/^[ \t]+|[ \t]+$/g, '');
      if (t !== '' && !isToken(t)) return t;
    }
  }
  return '';
}

/** Whether `methods` allows the request's method. https://fetch.spec.whatwg.org/#cors-preflight-fetch (7.5) */
export function methodAllowed(method: string, methods: readonly string[], credentials: boolean): boolean {
  // The method is in methods (byte for byte), or a CORS-safelisted method, or `*` without credentials.
  if (methods.includes(method) || isCorsSafelistedMethod(method)) return true;
  return !credentials && methods.includes('*');
}

/**
 * The first request header name `headerNames` does not allow, or null.
 * https://fetch.spec.whatwg.org/#cors-preflight-fetch (steps 7.6-7.7)
 */
export function firstHeaderNotAllowed(
  req: NormalizedRequest,
  headerNames: readonly string[],
  credentials: boolean,
  profile: BrowserProfile,
): string | null {
  const lower = headerNames.map(byteLowercase);
  const wildcard = !credentials && lower.includes('*');
  // 7.6. If one of request's header list's names is a CORS non-wildcard request-header name and is
  //      not a byte-case-insensitive match for an item in headerNames, then return a network error.
  //      chromium, firefox: `*` covers Authorization too (observed).
  if (!profile.wildcardCoversAuthorization) {
    for (const [name] of req.headers) {
      if (isCorsNonWildcardRequestHeaderName(name) && !lower.includes(name)) return name;
    }
  }
  // 7.7. For each unsafeName in the CORS-unsafe request-header names with request's header list: if
  //      unsafeName is not a byte-case-insensitive match for an item in headerNames and request's
  //      credentials mode is "include" or headerNames does not contain `*`, return a network error.
  if (wildcard) return null;
  const unsafe = corsUnsafeRequestHeaderNamesDetailed(req.headers, req.headerRules);
  const denied = unsafe.names.filter((name) => !lower.includes(name));
  if (denied.length < 2 || profile.deniedHeaderOrder === 'sorted') return denied[0] ?? null;
  // chromium: walks the names in its header map's order, those unsafe only by the 1024-byte total last.
  const order = chromiumHeaderCheckOrder(req.headers.map(([name]) => name));
  const rank = (name: string): number =>
    order.indexOf(name) + (unsafe.reasons[name] === 'total-length' ? order.length : 0);
  return denied.reduce((best, name) => (rank(name) < rank(best) ? name : best));
}

/**
 * Checks a preflight's response for `request` as the profile does: a redirect (Chromium), the
 * CORS check, a redirect (Firefox), an ok status, then `Access-Control-Allow-Methods` and
 * `-Headers` (parse failures are their own errors), the method, each header; and reads
 * `Access-Control-Max-Age`. Returns the cache entry or a `CorsError`. Never throws.
 * https://fetch.spec.whatwg.org/#cors-preflight-fetch (step 7)
 */
export function checkPreflightResponse(
  request: BrowserRequest | NormalizedRequest,
  response: ResponseView,
  browser: BrowserName | BrowserProfile = 'chromium',
): PreflightCheckResult {
  const profile = getProfile(browser);
  const n = toNormalizedRequest(request, profile);
  if (!n.ok) return { ok: false, error: invalidRequestError(request as BrowserRequest, n.problem, profile) };
  const req = n.request;
  const status = response.status;
  const err = (kind: CorsErrorKind, hint?: string): PreflightCheckResult => ({
    ok: false,
    error: makeCorsError(
      errorDetails(req, kind, { status, ...(hint === undefined ? {} : { hint }) }),
      profile.name,
    ),
  });
  const credentials = req.credentials === 'include';
  const isRedirect = status >= 300 && status < 400 && headerLines(response.headers, 'location').length > 0;
  // chromium: a redirect answer fails as such, before the CORS check.
  if (profile.preflightRedirect === 'before-cors-check' && isRedirect)
    return err('preflight-disallowed-redirect');
  // 7. If a CORS check for request and response returns success and response's status is an ok status:
  const cors = corsCheck(req, response, profile, true);
  if (cors !== null) return { ok: false, error: cors };
  // firefox: a redirect answer fails as such, after the CORS check.
  if (profile.preflightRedirect === 'after-cors-check' && isRedirect)
    return err('preflight-disallowed-redirect');
  if (status < 200 || status > 299) return err('preflight-invalid-status');
  const acam = headerLines(response.headers, 'access-control-allow-methods');
  const acah = headerLines(response.headers, 'access-control-allow-headers');
  // 7.1. Let methods be the result of extracting header list values given `Access-Control-Allow-Methods`.
  const methodsResult = extractHeaderListValues(acam, 'method');
  if (methodsResult && !methodsResult.ok)
    return err('invalid-allow-methods-preflight-response', firstInvalidToken(acam));
  const methods = methodsResult?.ok ? methodsResult.values : [];
  // firefox: the method is checked before Access-Control-Allow-Headers is parsed.
  if (profile.preflightListOrder === 'interleaved' && !methodAllowed(req.method, methods, credentials)) {
    return err('method-disallowed-by-preflight-response', req.method);
  }
  // 7.2. Let headerNames be the result of extracting header list values given `Access-Control-Allow-Headers`.
  const headersResult = extractHeaderListValues(acah, 'field-name');
  // 7.3. If either methods or headerNames is failure, return a network error.
  if (headersResult && !headersResult.ok)
    return err('invalid-allow-headers-preflight-response', firstInvalidToken(acah));
  const headerNames = headersResult?.ok ? headersResult.values : [];
  // 7.4. If methods is null and request's use-CORS-preflight flag is set, then set methods to « request's method ».
  if (methodsResult === null && req.body === 'stream') methods.push(req.method);
  // 7.5. If request's method is not in methods, is not a CORS-safelisted method, and credentials mode
  //      is "include" or methods does not contain `*`, return a network error.
  if (!methodAllowed(req.method, methods, credentials))
    return err('method-disallowed-by-preflight-response', req.method);
  // 7.6-7.7. Each header must be allowed.
  const denied = firstHeaderNotAllowed(req, headerNames, credentials, profile);
  if (denied !== null) return err('header-disallowed-by-preflight-response', denied);
  // 7.8-7.9. Let max-age be the result of extracting `Access-Control-Max-Age`; failure or null -> 5; clamp.
  const maxAge = parseMaxAge(headerLines(response.headers, 'access-control-max-age'), profile);
  return {
    ok: true,
    entry: { methods, headers: headerNames.map(byteLowercase), credentials, maxAge },
  };
}

export type { HeaderList };
export { getHeader };
