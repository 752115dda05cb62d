/**
 * The request model: a page's request normalized once (as `new Request()` would: method
 * normalized, headers through the Headers object's guard), and the facts every later step needs:
 * response tainting, the redirect-tainted origin, the serialized origin, Sec-Fetch-Site.
 */
import {
  byteLowercase,
  corsUnsafeRequestHeaderNames,
  isCorsSafelistedMethod,
  isForbiddenMethod,
  isForbiddenRequestHeader,
  isHeaderName,
  isHeaderValue,
  isMethod,
  isNoCorsSafelistedRequestHeader,
  normalizeHeaderValue,
  normalizeMethod,
  type RequestHeaderRules,
} from '../_fetch/index.js';
import { BoundedMap } from '../_util/index.js';
import {
  isPotentiallyTrustworthyOrigin,
  isSameOrigin,
  isSameSite,
  type Origin,
  parseOrigin,
  serializeOrigin,
} from '../origin/index.js';
import { type BrowserProfile, PROFILES } from './profiles.js';
import type {
  BodyKind,
  BrowserRequest,
  CredentialsMode,
  HeaderList,
  Initiator,
  NormalizedRequest,
  RedirectMode,
  RequestMode,
  ResponseTainting,
} from './types.js';

export type NormalizeResult = { ok: true; request: NormalizedRequest } | { ok: false; problem: string };

const MODES: ReadonlySet<string> = new Set(['cors', 'no-cors', 'same-origin']);
const CREDENTIALS: ReadonlySet<string> = new Set(['omit', 'same-origin', 'include']);
const REDIRECTS: ReadonlySet<string> = new Set(['follow', 'error', 'manual']);
const BODIES: ReadonlySet<string> = new Set(['none', 'string', 'form', 'blob', 'stream']);
const INITIATORS: ReadonlySet<string> = new Set([
  'fetch',
  'XMLHttpRequest',
  'script',
  'image',
  'font',
  'stylesheet',
  'media',
  'other',
]);

function headerEntries(headers: BrowserRequest['headers']): [string, string][] {
  if (headers === undefined || headers === null) return [];
  if (Array.isArray(headers)) return (headers as HeaderList).map(([n, v]) => [String(n), String(v)]);
  return Object.entries(headers as Record<string, string>).map(([n, v]) => [n, String(v)]);
}

interface PageOrigin {
  base: URL;
  origin: Origin;
  serialized: string;
}

/** Parsed page origins, by the string given (a page makes many requests from one origin). */
const PAGE_ORIGINS = new BoundedMap<string, PageOrigin | null>(256);

function pageOrigin(value: string): PageOrigin | null {
  const hit = PAGE_ORIGINS.get(value);
  if (hit !== undefined) return hit;
  const base = URL.parse(value);
  let page: PageOrigin | null = null;
  if (base !== null) {
    const origin = parseOrigin(base);
    // Opaque origins are unique: never shared between calls.
    if (origin.type === 'opaque') return { base, origin, serialized: 'null' };
    page = { base, origin, serialized: serializeOrigin(origin) };
  }
  PAGE_ORIGINS.set(value, page);
  return page;
}

/**
 * The URL parser with the page as base. An input that starts with `http://` or `https://` parses
 * the same with or without a base (the special authority states ignore it), so it skips the base,
 * which Node's parser would serialize and parse again on every call.
 */
function parseUrl(input: string, base: URL): URL | null {
  if (input.startsWith('http://') || input.startsWith('https://')) return URL.parse(input);
  return URL.parse(input, base);
}

/**
 * The request's header list as `new Request()` fills it: each header validated, dropped when the
 * guard forbids it, repeated names combined; then the body's type as `Content-Type` when none is
 * left. Returns the problem when a header is not valid.
 * https://fetch.spec.whatwg.org/#dom-request (steps 33, 36)
 */
function fillHeaderList(
  headers: BrowserRequest['headers'],
  bodyType: unknown,
  mode: RequestMode,
  rules: RequestHeaderRules,
): { combined: Map<string, string>; dropped: string[] } | string {
  const combined = new Map<string, string>();
  const dropped: string[] = [];
  for (const [rawName, rawValue] of headerEntries(headers)) {
    const value = normalizeHeaderValue(rawValue);
    if (!isHeaderName(rawName)) return `invalid header name ${JSON.stringify(rawName)}`;
    if (!isHeaderValue(value)) return `invalid value for header ${rawName}`;
    const name = byteLowercase(rawName);
    // Guard "request": a forbidden request-header is ignored silently.
    // (chromium: User-Agent is forbidden too; its profile's rules say so.)
    if (isForbiddenRequestHeader(name, value, rules)) {
      dropped.push(name);
      continue;
    }
    const prev = combined.get(name);
    const next = prev === undefined ? value : `${prev}, ${value}`;
    // Guard "request-no-cors": only no-CORS-safelisted request-headers are kept.
    if (mode === 'no-cors' && !isNoCorsSafelistedRequestHeader(name, next, rules)) {
      dropped.push(name);
      continue;
    }
    combined.set(name, next);
  }
  // 36. If the body has a type and the headers (after the guard) have no `Content-Type`, append
  //     (`Content-Type`, type), through the guard again.
  if (bodyType !== undefined && (typeof bodyType !== 'string' || !isHeaderValue(bodyType)))
    return `invalid body type ${JSON.stringify(bodyType)}`;
  if (bodyType !== undefined && !combined.has('content-type')) {
    if (mode === 'no-cors' && !isNoCorsSafelistedRequestHeader('content-type', bodyType, rules)) {
      dropped.push('content-type');
    } else {
      combined.set('content-type', bodyType);
    }
  }
  return { combined, dropped };
}

/**
 * Normalizes a page's request once. Never throws: a request no browser could make (an invalid URL,
 * method or header) is a `{ ok: false }` value with the problem, as `new Request()` would throw it.
 * https://fetch.spec.whatwg.org/#dom-request
 */
export function normalizeRequest(input: BrowserRequest, profile?: BrowserProfile): NormalizeResult {
  if (input === null || typeof input !== 'object') return { ok: false, problem: 'request must be an object' };
  const page = typeof input.origin === 'string' ? pageOrigin(input.origin) : null;
  if (page === null) return { ok: false, problem: `invalid page origin ${JSON.stringify(input.origin)}` };
  const { base, origin, serialized } = page;
  const list: URL[] = [];
  if (Array.isArray(input.urlList) && input.urlList.length > 0) {
    for (const u of input.urlList) {
      const parsed = typeof u === 'string' ? URL.parse(u, base) : null;
      if (parsed === null) return { ok: false, problem: `invalid URL in urlList ${JSON.stringify(u)}` };
      list.push(parsed);
    }
  } else {
    const parsed = typeof input.url === 'string' ? parseUrl(input.url, base) : null;
    if (parsed === null) return { ok: false, problem: `invalid URL ${JSON.stringify(input.url)}` };
    list.push(parsed);
  }
  const url = list[list.length - 1] as URL;
  const rawMethod = input.method === undefined ? 'GET' : String(input.method);
  // new Request() step: if method is not a method, throw a TypeError.
  if (!isMethod(rawMethod)) return { ok: false, problem: `'${rawMethod}' is not a valid HTTP method` };
  const method = normalizeMethod(rawMethod);
  const mode = (input.mode ?? 'cors') as RequestMode;
  const credentials = (input.credentials ?? 'same-origin') as CredentialsMode;
  const redirect = (input.redirect ?? 'follow') as RedirectMode;
  const body = (input.body ?? 'none') as BodyKind;
  const initiator = (input.initiator ?? 'fetch') as Initiator;
  if (!MODES.has(mode)) return { ok: false, problem: `invalid mode ${JSON.stringify(mode)}` };
  if (!CREDENTIALS.has(credentials))
    return { ok: false, problem: `invalid credentials ${JSON.stringify(credentials)}` };
  if (!REDIRECTS.has(redirect)) return { ok: false, problem: `invalid redirect ${JSON.stringify(redirect)}` };
  if (!BODIES.has(body)) return { ok: false, problem: `invalid body kind ${JSON.stringify(body)}` };
  if (!INITIATORS.has(initiator))
    return { ok: false, problem: `invalid initiator ${JSON.stringify(initiator)}` };

  // The browser's header rules (safelist, forbidden names), as its profile hands them to _fetch.
  const rules = (profile ?? PROFILES.spec).requestHeaders;
  const filled = fillHeaderList(input.headers, input.bodyType, mode, rules);
  if (typeof filled === 'string') return { ok: false, problem: filled };
  const { combined, dropped } = filled;
  return {
    ok: true,
    request: {
      url,
      urlList: list,
      origin,
      originSerialized: serialized,
      method,
      headers: [...combined],
      initialUnsafeHeaders: combined.size === 0 ? [] : corsUnsafeRequestHeaderNames(combined, rules),
      headerRules: rules,
      droppedHeaders: dropped,
      mode,
      credentials,
      redirect,
      body,
      initiator,
    },
  };
}

/**
 * Whether `request` is already normalized (by {@link normalizeRequest}, or a redirect step): the
 * public algorithms take either form and normalize a `BrowserRequest` once.
 */
export function isNormalizedRequest(
  request: BrowserRequest | NormalizedRequest,
): request is NormalizedRequest {
  return (
    request !== null &&
    typeof request === 'object' &&
    request.url instanceof URL &&
    typeof (request as NormalizedRequest).originSerialized === 'string'
  );
}

/** The request normalized: as it is when it already is, else through {@link normalizeRequest}. */
export function toNormalizedRequest(
  request: BrowserRequest | NormalizedRequest,
  profile?: BrowserProfile,
): NormalizeResult {
  return isNormalizedRequest(request) ? { ok: true, request } : normalizeRequest(request, profile);
}

/** Whether the page origin is the same origin as a URL's. */
export function sameOriginAsPage(req: NormalizedRequest, url: URL): boolean {
  return isSameOrigin(req.origin, parseOrigin(url));
}

/**
 * Response tainting after main fetch has seen every URL of the list: `basic` while every URL is
 * same-origin with the page, then `cors` (mode cors) or `opaque` (mode no-cors) for good.
 * https://fetch.spec.whatwg.org/#main-fetch (step 12)
 */
export function responseTainting(req: NormalizedRequest): ResponseTainting {
  for (const u of req.urlList) {
    if (!sameOriginAsPage(req, u)) return req.mode === 'no-cors' ? 'opaque' : 'cors';
  }
  return 'basic';
}

/**
 * A request has a redirect-tainted origin when a hop went from one origin to another while the
 * page was cross-origin with the first of them.
 * https://fetch.spec.whatwg.org/#concept-request-tainted-origin
 */
export function hasRedirectTaintedOrigin(req: NormalizedRequest): boolean {
  // 1. Let lastURL be null.
  let last: Origin | null = null;
  // 2. For each url of request's URL list:
  for (const u of req.urlList) {
    const o = parseOrigin(u);
    // 2.1. If lastURL is null, then set lastURL to url and continue.
    if (last === null) {
      last = o;
      continue;
    }
    // 2.2. If url's origin is not same site with lastURL's origin and request's origin is not same
    //      site with lastURL's origin, then return true. (Origins, as browsers implement it.)
    if (!isSameOrigin(o, last) && !isSameOrigin(req.origin, last)) return true;
    // 2.3. Set lastURL to url.
    last = o;
  }
  // 3. Return false.
  return false;
}

/**
 * Byte-serializing a request origin: `null` when redirect-tainted, else the page origin.
 * https://fetch.spec.whatwg.org/#serializing-a-request-origin
 */
export function serializeRequestOrigin(req: NormalizedRequest): string {
  return hasRedirectTaintedOrigin(req) ? 'null' : req.originSerialized;
}

/**
 * The `Origin` header the request carries, or null when none is sent.
 * https://fetch.spec.whatwg.org/#append-a-request-origin-header
 */
export function requestOriginHeader(req: NormalizedRequest): string | null {
  // 1. Let serializedOrigin be the result of byte-serializing a request origin with request.
  const serialized = serializeRequestOrigin(req);
  // 2. If request's response tainting is "cors" or request's mode is "websocket", append it.
  if (responseTainting(req) === 'cors') return serialized;
  // 3. Otherwise, if request's method is neither GET nor HEAD, append it (referrer policy aside).
  if (req.method !== 'GET' && req.method !== 'HEAD') return serialized;
  return null;
}

/**
 * `Sec-Fetch-Site`: same-origin, same-site or cross-site, over the URL list (spec) or the current
 * URL only (chromium profile).
 * https://w3c.github.io/webappsec-fetch-metadata/#sec-fetch-site-header
 */
export function secFetchSite(req: NormalizedRequest, profile: BrowserProfile, urls?: readonly URL[]): string {
  const list = urls ?? (profile.secFetchSiteFrom === 'current-url' ? [req.url] : req.urlList);
  // 1. Let header value be "same-origin".
  let value = 'same-origin';
  // 3. If header value is "same-origin", then for each url in request's url list:
  for (const u of list) {
    const o = parseOrigin(u);
    // 3.1. If url is same origin with request's origin, continue.
    if (isSameOrigin(o, req.origin)) continue;
    // 3.2. Set header value to "same-site".
    value = 'same-site';
    // 3.3. If url is not same site with request's origin, set header value to "cross-site" and break.
    if (!sameSiteMemo(o, req)) return 'cross-site';
  }
  return value;
}

/** Same-site answers by (page origin, URL origin): the Public Suffix List lookup is the costly part. */
const SAME_SITE = new BoundedMap<string, boolean>(1024);

function sameSiteMemo(o: Origin, req: NormalizedRequest): boolean {
  if (o.type === 'opaque' || req.origin.type === 'opaque') return isSameSite(o, req.origin);
  const key = `${req.originSerialized} ${serializeOrigin(o)}`;
  let v = SAME_SITE.get(key);
  if (v === undefined) {
    v = isSameSite(o, req.origin);
    SAME_SITE.set(key, v);
  }
  return v;
}

/**
 * Whether a request to `url` carries the Fetch metadata headers (`Sec-Fetch-*`). Chromium 156 and
 * Firefox ESR 153 send none to `http://api.test` and all of them to `http://127.0.0.1` (observed).
 * https://w3c.github.io/webappsec-fetch-metadata/#abstract-opdef-append-the-fetch-metadata-headers-for-a-request
 */
export function sendsFetchMetadata(url: URL): boolean {
  // 1. If r's url is not an potentially trustworthy URL, return.
  return url.protocol === 'https:' || isPotentiallyTrustworthyOrigin(parseOrigin(url));
}

/** `Sec-Fetch-Dest` for the initiator. https://w3c.github.io/webappsec-fetch-metadata/#sec-fetch-dest-header */
export function secFetchDest(initiator: Initiator): string {
  switch (initiator) {
    case 'script':
      return 'script';
    case 'image':
      return 'image';
    case 'font':
      return 'font';
    case 'stylesheet':
      return 'style';
    case 'media':
      return 'video';
    default:
      return 'empty';
  }
}

/** Whether the request is a CORS-safelisted method (byte for byte, after normalization). */
export function hasSafelistedMethod(req: NormalizedRequest): boolean {
  return isCorsSafelistedMethod(req.method);
}

export { isForbiddenMethod };
