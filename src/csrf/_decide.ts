/**
 * The parts of a CSRF decision shared by plain requests (`guard.ts`) and WebSocket handshakes
 * (`upgrade.ts`): reading a header, the request's own origin, comparing a claimed origin with it,
 * and the exemptions consulted before a refusal (bypass routes, trusted origins).
 */
import type { RequestView } from '../_http/index.js';
import { BoundedMap } from '../_util/index.js';
import { isSameSite } from '../origin/index.js';
import {
  firstListMember,
  type OwnOrigin,
  ownOrigin,
  parseForwardedFirst,
  parseHostHeader,
  parseProto,
} from './host.js';
import { type CompiledCsrfOptions, hasAmbiguousPath } from './options.js';
import { customRefusal, defaultRefusal } from './refusal.js';
import type { CsrfAllowed, CsrfAllowReason, CsrfRefusalReason, CsrfRefused } from './types.js';

/** Longest request URL read for bypass routes; a longer one is never a bypass route. */
const MAX_URL_LENGTH = 8192;

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
export const ALLOW: Readonly<Record<CsrfAllowReason, CsrfAllowed>> = Object.freeze({
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

/**
 * An absent header, or one present but empty, reads as absent (as Go's `Header.Get` does). A getter
 * that returns anything but a string or null breaks the RequestView contract: that throws, and
 * `check` refuses the request (`request-unreadable`) instead of reading the header as absent.
 */
export function read(request: RequestView, name: string): string | null {
  const v: unknown = request.header(name);
  if (v === null || v === undefined) return null;
  if (typeof v !== 'string')
    throw new TypeError(`RequestView.header(${JSON.stringify(name)}) returned a ${typeof v}`);
  return v.length > 0 ? v : null;
}

/**
 * Compares a claimed origin (from Origin or Referer) with the request's own origin(s): equal, or
 * same-site when allowed, or an exemption, or a refusal.
 */
export function compareClaim(
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
export function exemptOrRefuse(
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
