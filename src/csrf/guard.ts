/**
 * The CSRF guard: refuses unsafe cross-origin requests from browsers, by Fetch Metadata first and
 * the `Origin` (or `Referer`) header second, without tokens.
 *
 * - Fetch Metadata, `Sec-Fetch-Site`: https://w3c.github.io/webappsec-fetch-metadata/#sec-fetch-site-header
 * - Fetch, "append a request `Origin` header": https://fetch.spec.whatwg.org/#append-a-request-origin-header
 * - RFC 9110 safe methods: https://www.rfc-editor.org/rfc/rfc9110#section-9.2.1
 * - Go 1.25 `net/http.CrossOriginProtection` (the model) and the OWASP CSRF Prevention Cheat Sheet
 *   (the Referer fallback); where this guard differs from each is written in docs/csrf.md.
 */
import type { RequestView } from '../_http/index.js';
import { BoundedMap } from '../_util/index.js';
import { isSameSite, parseOrigin, parseOriginHeader } from '../origin/index.js';
import {
  firstListMember,
  type OwnOrigin,
  ownOrigin,
  parseForwardedFirst,
  parseHostHeader,
  parseProto,
} from './host.js';
import { type CompiledCsrfOptions, compileCsrfOptions, hasAmbiguousPath } from './options.js';
import { customRefusal, defaultRefusal } from './refusal.js';
import type {
  CsrfAllowed,
  CsrfAllowReason,
  CsrfGuard,
  CsrfGuardOptions,
  CsrfRefusalReason,
  CsrfRefused,
} from './types.js';

function allowed(reason: CsrfAllowReason): CsrfAllowed {
  return Object.freeze({
    allowed: true,
    reason,
    end: false,
    headers: Object.freeze([]),
    vary: Object.freeze([]),
  });
}

/** One frozen decision per reason: an allowed request allocates nothing. */
const ALLOW: Readonly<Record<CsrfAllowReason, CsrfAllowed>> = Object.freeze({
  'safe-method': allowed('safe-method'),
  'sec-fetch-site-same-origin': allowed('sec-fetch-site-same-origin'),
  'sec-fetch-site-none': allowed('sec-fetch-site-none'),
  'same-site-allowed': allowed('same-site-allowed'),
  'origin-match': allowed('origin-match'),
  'referer-match': allowed('referer-match'),
  'no-origin': allowed('no-origin'),
  'trusted-origin': allowed('trusted-origin'),
  'bypass-route': allowed('bypass-route'),
});

/** Longest `Referer` read; a longer one is refused as invalid. */
export const MAX_REFERER_LENGTH = 8192;
/** Longest request URL read for bypass routes; a longer one is never a bypass route. */
const MAX_URL_LENGTH = 8192;

/**
 * Creates a guard. Validates `options` once and throws a `CsrfOptionsError` listing every problem;
 * the guard's `check` then never throws.
 *
 * @example
 * ```ts
 * import { createCsrfGuard } from 'crossorigin/csrf';
 *
 * const guard = createCsrfGuard({ origin: 'https://app.example' });
 * const d = guard.check({ method: 'POST', header: (n) => req.headers[n] ?? null, url: req.url });
 * if (!d.allowed) { res.writeHead(d.status, { 'content-type': d.contentType }).end(d.body); }
 * ```
 */
export function createCsrfGuard(options?: CsrfGuardOptions): CsrfGuard {
  const c = compileCsrfOptions(options);
  const check = (request: RequestView): CsrfAllowed | CsrfRefused => {
    try {
      return checkRequest(c, request);
    } catch {
      // A header getter or a method that throws: refuse rather than guess (fixed text, no Accept).
      return defaultRefusal('request-unreadable', null, false);
    }
  };
  return Object.freeze({ check, handle: check });
}

/**
 * An absent header, or one present but empty, reads as absent (as Go's `Header.Get` does). A getter
 * that returns anything but a string or null breaks the RequestView contract: that throws, and
 * `check` refuses the request (`request-unreadable`) instead of reading the header as absent.
 */
function read(request: RequestView, name: string): string | null {
  const v: unknown = request.header(name);
  if (v === null || v === undefined) return null;
  if (typeof v !== 'string')
    throw new TypeError(`RequestView.header(${JSON.stringify(name)}) returned a ${typeof v}`);
  return v.length > 0 ? v : null;
}

/**
 * Decides one request.
 */
function checkRequest(c: CompiledCsrfOptions, request: RequestView): CsrfAllowed | CsrfRefused {
  // 1. Safe methods (RFC 9110 §9.2.1) are never refused. Methods are case-sensitive: `get` is not
  //    GET and is checked like any unsafe method (browsers normalize only the standard names).
  const method = request.method;
  if (method === 'GET' || method === 'HEAD' || method === 'OPTIONS') return ALLOW['safe-method'];

  // 2. Sec-Fetch-Site, when the browser sent it, decides.
  const site = read(request, 'sec-fetch-site');
  if (site !== null) {
    // 2.1. same-origin, or none (a navigation the user started: address bar, bookmark).
    if (site === 'same-origin') return ALLOW['sec-fetch-site-same-origin'];
    if (site === 'none') return ALLOW['sec-fetch-site-none'];
    // 2.2. same-site: with sameSite 'allow', accepted when Origin proves the same schemeful site
    //      (the header alone does not say whether the scheme matched).
    if (site === 'same-site') {
      if (c.sameSite && originIsSameSite(c, request)) return ALLOW['same-site-allowed'];
      return exemptOrRefuse(c, request, 'sec-fetch-site-same-site', originHeaderClaim(request), false);
    }
    // 2.3. cross-site, or a value the Fetch Metadata spec does not define.
    const reason = site === 'cross-site' ? 'sec-fetch-site-cross-site' : 'sec-fetch-site-invalid';
    return exemptOrRefuse(c, request, reason, originHeaderClaim(request), false);
  }

  // 3. No Sec-Fetch-Site (an older browser, or not a browser): the Origin header.
  const originValue = read(request, 'origin');
  if (originValue !== null) {
    // 3.1. `null`: an opaque origin (sandboxed iframe, data: URL, after a cross-origin redirect).
    if (originValue === 'null') return exemptOrRefuse(c, request, 'origin-null', undefined, false);
    // 3.2. Not a serialized origin: refused.
    const parsed = parseOriginHeader(originValue);
    if (!parsed.ok || parsed.origin.type !== 'tuple') {
      return exemptOrRefuse(c, request, 'origin-invalid', undefined, false);
    }
    // 3.3. It must be the request's own origin (configured, or scheme + Host).
    return compareClaim(
      c,
      request,
      parsed.serialized,
      parsed.origin,
      'origin-match',
      'origin-mismatch',
      false,
    );
  }

  // 4. No Origin. Without the Referer check: allowed (strict: refused).
  const refererValue = c.referer ? read(request, 'referer') : null;
  if (refererValue === null) {
    return c.strict ? exemptOrRefuse(c, request, 'origin-missing', undefined, c.referer) : ALLOW['no-origin'];
  }
  // 5. The Referer's origin must be the request's own origin.
  const ref = refererOrigin(refererValue);
  if (ref === undefined) return exemptOrRefuse(c, request, 'referer-invalid', undefined, true);
  return compareClaim(c, request, ref.serialized, ref.origin, 'referer-match', 'referer-mismatch', true);
}

/**
 * Compares a claimed origin (from Origin or Referer) with the request's own origin(s): equal, or
 * same-site when allowed, or an exemption, or a refusal.
 */
function compareClaim(
  c: CompiledCsrfOptions,
  request: RequestView,
  serialized: string,
  origin: OwnOrigin['origin'],
  match: 'origin-match' | 'referer-match',
  mismatch: 'origin-mismatch' | 'referer-mismatch',
  refererRead: boolean,
): CsrfAllowed | CsrfRefused {
  if (c.ownSet !== undefined) {
    if (c.ownSet.has(serialized)) return ALLOW[match];
    if (c.sameSite && c.own!.some((o) => isSameSite(origin, o.origin))) return ALLOW['same-site-allowed'];
    return exemptOrRefuse(c, request, mismatch, serialized, refererRead);
  }
  const own = requestOwnOrigin(c, request);
  if (own === undefined) return exemptOrRefuse(c, request, 'own-origin-unknown', serialized, refererRead);
  if (own.serialized === serialized) return ALLOW[match];
  if (c.sameSite && isSameSite(origin, own.origin)) return ALLOW['same-site-allowed'];
  return exemptOrRefuse(c, request, mismatch, serialized, refererRead);
}

/** The origin of a Referer value, when it is an http(s) URL of bounded length. */
function refererOrigin(value: string): OwnOrigin | undefined {
  if (value.length > MAX_REFERER_LENGTH) return undefined;
  const url = URL.parse(value);
  if (url === null || (url.protocol !== 'http:' && url.protocol !== 'https:')) return undefined;
  const origin = parseOrigin(url);
  if (origin.type !== 'tuple') return undefined;
  const port = origin.port === null ? '' : `:${origin.port}`;
  return { origin, serialized: `${origin.scheme}://${origin.host}${port}` };
}

/** The Origin header as a trusted-origin candidate: its value when it is a serialized tuple origin. */
function originHeaderClaim(request: RequestView): string | undefined {
  const v = read(request, 'origin');
  if (v === null || v === 'null') return undefined;
  const p = parseOriginHeader(v);
  return p.ok && p.origin.type === 'tuple' ? p.serialized : undefined;
}

/** With `Sec-Fetch-Site: same-site`: whether Origin is of the same schemeful site as this application. */
function originIsSameSite(c: CompiledCsrfOptions, request: RequestView): boolean {
  const v = read(request, 'origin');
  if (v === null) return false;
  const p = parseOriginHeader(v);
  if (!p.ok || p.origin.type !== 'tuple') return false;
  const origin = p.origin;
  if (c.own !== undefined) return c.own.some((o) => isSameSite(origin, o.origin));
  const own = requestOwnOrigin(c, request);
  return own !== undefined && isSameSite(origin, own.origin);
}

/**
 * The request's own origin when `origin` is not configured: scheme and host from the trusted
 * proxy's headers (with `trustProxy`), else the configured scheme and the `Host` header. Never
 * guessed: `undefined` when a part is missing or malformed.
 */
export function requestOwnOrigin(c: CompiledCsrfOptions, request: RequestView): OwnOrigin | undefined {
  let proto: string | undefined;
  let host: string | undefined;
  if (c.trustProxy) {
    // 1. Forwarded (RFC 7239), first element: the proxy nearest the client.
    const forwarded = read(request, 'forwarded');
    if (forwarded !== null) {
      const f = parseForwardedFirst(forwarded);
      if (f === undefined) return undefined;
      proto = f.proto;
      host = f.host;
    }
    // 2. Else X-Forwarded-Proto / X-Forwarded-Host, first value.
    if (proto === undefined) {
      const xfp = read(request, 'x-forwarded-proto');
      if (xfp !== null) {
        proto = firstListMember(xfp);
        if (proto === undefined) return undefined;
      }
    }
    if (host === undefined) {
      const xfh = read(request, 'x-forwarded-host');
      if (xfh !== null) {
        host = firstListMember(xfh);
        if (host === undefined) return undefined;
      }
    }
  }
  // 3. The scheme: the proxy's, else the configured one. A proxy protocol other than http(s) is refused.
  const scheme = proto === undefined ? c.scheme : parseProto(proto);
  if (scheme === undefined) return undefined;
  // 4. The host: the proxy's, else Host (HTTP/1.1) or :authority (HTTP/2, when an adapter exposes it).
  const hostValue = host ?? read(request, 'host') ?? read(request, ':authority');
  const checked = parseHostHeader(hostValue);
  if (checked === undefined) return undefined;
  return cachedOwnOrigin(c, scheme, checked);
}

/** Most recent own origins by `scheme://host` (a handful of names in practice; bounded under attack). */
const OWN_ORIGIN_CACHE_SIZE = 64;
const ownOriginCaches = new WeakMap<CompiledCsrfOptions, BoundedMap<string, OwnOrigin | undefined>>();

/** {@link ownOrigin} through a small per-guard cache: URL parsing is the cost of the legacy path. */
function cachedOwnOrigin(
  c: CompiledCsrfOptions,
  scheme: 'http' | 'https',
  host: string,
): OwnOrigin | undefined {
  let cache = ownOriginCaches.get(c);
  if (cache === undefined) {
    cache = new BoundedMap(OWN_ORIGIN_CACHE_SIZE);
    ownOriginCaches.set(c, cache);
  }
  const key = `${scheme}://${host}`;
  if (cache.has(key)) return cache.get(key);
  const own = ownOrigin(scheme, host);
  // Bounded: when full, start over (random Host values cannot grow memory).
  cache.set(key, own);
  return own;
}

/** The path of the request target (origin-form or absolute-form), or undefined when ambiguous. */
function requestPath(url: string | undefined): string | undefined {
  if (typeof url !== 'string' || url.length === 0 || url.length > MAX_URL_LENGTH) return undefined;
  let path: string;
  if (url.charCodeAt(0) === 0x2f) {
    const end = url.search(/[?#]/);
    path = end < 0 ? url : url.slice(0, end);
  } else {
    const m = /^https?:\/\/[^/?#]*(\/[^?#]*)?/i.exec(url);
    if (m === null) return undefined;
    path = m[1] ?? '/';
  }
  // A path a router might resolve to another route (dot segments, encoded slashes) is never exempt.
  return hasAmbiguousPath(path) ? undefined : path;
}

/** Whether the request is to a bypass route. A predicate that throws counts as false. */
function isBypassRoute(c: CompiledCsrfOptions, request: RequestView): boolean {
  if (c.bypassPaths !== undefined || c.bypassPrefixes.length > 0) {
    const path = requestPath(request.url);
    if (path !== undefined) {
      if (c.bypassPaths?.has(path)) return true;
      for (const prefix of c.bypassPrefixes) {
        if (path === prefix) return true;
        if (prefix.endsWith('/') ? path.startsWith(prefix) : path.startsWith(`${prefix}/`)) return true;
      }
    }
  }
  if (c.bypassMatch !== undefined) {
    try {
      return c.bypassMatch(request) === true;
    } catch {
      return false;
    }
  }
  return false;
}

/**
 * A check failed: the exemptions are consulted (bypass routes, then trusted origins), and only
 * then is the request refused.
 */
function exemptOrRefuse(
  c: CompiledCsrfOptions,
  request: RequestView,
  reason: CsrfRefusalReason,
  claimed: string | undefined,
  refererRead: boolean,
): CsrfAllowed | CsrfRefused {
  // 1. Bypass routes.
  if (isBypassRoute(c, request)) return ALLOW['bypass-route'];
  // 2. Trusted origins: the claimed origin (a serialized tuple origin, never `null`).
  if (claimed !== undefined && c.trusted?.matches(claimed) === true) return ALLOW['trusted-origin'];
  // 3. Refuse: the default 403, or the deny handler's answer (checked).
  const refusal = defaultRefusal(reason, read(request, 'accept'), refererRead);
  return c.deny === undefined ? refusal : customRefusal(c.deny, refusal, request, refererRead);
}
