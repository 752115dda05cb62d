/**
 * `classify(request)`: before anything is sent, what will the browser do with this request?
 * Same-origin or cross-origin, refused outright or not, preflighted or not and exactly why, and
 * what `no-cors` mode would give instead.
 */
import {
  corsUnsafeRequestHeaderNamesDetailed,
  isCorsSafelistedMethod,
  isForbiddenMethod,
  isNoCorsSafelistedRequestHeader,
  type SafelistFailure,
} from '../_fetch/index.js';
import { type CorsError, type CorsErrorDetails, type CorsErrorKind, makeCorsError } from './errors/index.js';
import type { BrowserProfile } from './profiles.js';
import { getProfile } from './releases.js';
import {
  responseTainting,
  sameOriginAsPage,
  serializeRequestOrigin,
  toNormalizedRequest,
} from './request.js';
import type { BrowserName, BrowserRequest, NormalizedRequest, ResponseTainting } from './types.js';

/** Why a preflight is needed: one entry per cause. */
export type PreflightReason =
  | { kind: 'method'; method: string }
  | { kind: 'header'; name: string; reason: SafelistFailure | 'total-length' }
  | { kind: 'stream-body' }
  /** firefox: the first request of the redirect chain had CORS-unsafe headers, so every hop is preflighted. */
  | { kind: 'redirected-preflighted-request'; names: string[] };

export interface Classification {
  ok: true;
  request: NormalizedRequest;
  /** The current URL is same-origin with the page. */
  sameOrigin: boolean;
  /** How the response of this hop may be read: basic (same-origin), cors, or opaque (no-cors). */
  tainting: ResponseTainting;
  /** The value CORS compares `Access-Control-Allow-Origin` with (`null` after a tainting redirect). */
  serializedOrigin: string;
  /** Refused before anything is sent (mode, scheme, method), or null. */
  refusal: CorsError | null;
  /** Whether a CORS preflight is needed (ignoring the preflight cache), and every reason. */
  preflight: { needed: boolean; reasons: PreflightReason[] };
  /** Header names the request sends that are not CORS-safelisted, lower-case and sorted, each with its reason. */
  unsafeHeaders: { name: string; reason: SafelistFailure | 'total-length' }[];
  /** Header names the Headers object dropped silently (forbidden, or not no-CORS-safelisted in no-cors mode). */
  droppedHeaders: readonly string[];
  /** What mode `no-cors` would give for the same request. */
  noCors: {
    allowed: boolean;
    /** Why, in one sentence. */
    reason: string;
    /** Headers no-cors would drop (not no-CORS-safelisted). */
    droppedHeaders: string[];
    /** `opaque` for a cross-origin URL (status 0, no headers, no body), `basic` for a same-origin one. */
    response: 'opaque' | 'basic' | 'refused';
  };
}

export type ClassifyResult = Classification | { ok: false; problem: string };

/** The details every error of this request shares. */
export function errorDetails(
  req: NormalizedRequest,
  kind: CorsErrorKind,
  extra: Partial<CorsErrorDetails> = {},
): CorsErrorDetails {
  return {
    kind,
    url: req.url.href,
    initialUrl: (req.urlList[0] ?? req.url).href,
    origin: req.originSerialized,
    requestOrigin: serializeRequestOrigin(req),
    initiator: req.initiator,
    method: req.method,
    credentials: req.credentials,
    ...extra,
  };
}

/**
 * The refusals `new Request()` makes: a TypeError in a page, before anything else happens.
 * https://fetch.spec.whatwg.org/#dom-request (steps 25, 32)
 */
export function requestConstructorRefusal(req: NormalizedRequest, profile: BrowserProfile): CorsError | null {
  // 25.4. If method is a forbidden method, then throw a TypeError.
  if (isForbiddenMethod(req.method))
    return makeCorsError(errorDetails(req, 'forbidden-method'), profile.name);
  // 32.1. If mode is "no-cors" and method is not a CORS-safelisted method, then throw a TypeError.
  if (req.mode === 'no-cors' && !isCorsSafelistedMethod(req.method)) {
    return makeCorsError(errorDetails(req, 'method-unsupported-in-no-cors'), profile.name);
  }
  return null;
}

/**
 * The refusals main fetch makes before any network traffic, on every hop.
 * https://fetch.spec.whatwg.org/#main-fetch (step 12)
 */
export function mainFetchRefusal(req: NormalizedRequest, profile: BrowserProfile): CorsError | null {
  // Only HTTP(S) fetches are modelled; anything else fails as Chromium's "URL scheme ... is not supported".
  if (req.url.protocol !== 'http:' && req.url.protocol !== 'https:') {
    return makeCorsError(errorDetails(req, 'unsupported-scheme'), profile.name);
  }
  // 12. request's mode is "no-cors" and its redirect mode is not "follow" -> network error.
  if (req.mode === 'no-cors' && req.redirect !== 'follow') {
    return makeCorsError(errorDetails(req, 'no-cors-redirect-mode'), profile.name);
  }
  // 12. request's mode is "same-origin" and the current URL is not same origin -> network error.
  if (req.mode === 'same-origin' && responseTainting(req) !== 'basic') {
    return makeCorsError(errorDetails(req, 'disallowed-by-mode'), profile.name);
  }
  return null;
}

/** Every refusal made before anything is sent: `new Request()`'s, then main fetch's. */
export function requestRefusal(req: NormalizedRequest, profile: BrowserProfile): CorsError | null {
  return requestConstructorRefusal(req, profile) ?? mainFetchRefusal(req, profile);
}

/**
 * Whether a CORS-preflight fetch is needed (before consulting the cache), with every reason.
 * https://fetch.spec.whatwg.org/#http-fetch (step 4.1: the CORS-preflight condition)
 */
export function preflightReasons(
  req: NormalizedRequest,
  profile?: BrowserProfile,
): {
  reasons: PreflightReason[];
  unsafeHeaders: { name: string; reason: SafelistFailure | 'total-length' }[];
} {
  const reasons: PreflightReason[] = [];
  // Not a CORS-safelisted method (byte for byte: `patch` and `Get`... are not).
  if (!isCorsSafelistedMethod(req.method)) reasons.push({ kind: 'method', method: req.method });
  // The use-CORS-preflight flag: a ReadableStream body.
  if (req.body === 'stream') reasons.push({ kind: 'stream-body' });
  // At least one CORS-unsafe request-header name.
  const detailed = corsUnsafeRequestHeaderNamesDetailed(req.headers, req.headerRules);
  const unsafeHeaders = detailed.names.map((name) => ({
    name,
    reason: detailed.reasons[name] ?? ('name' as const),
  }));
  for (const h of unsafeHeaders) reasons.push({ kind: 'header', name: h.name, reason: h.reason });
  // firefox: the unsafe header names of the first request keep forcing a preflight after a redirect.
  if (
    profile?.preflightsRedirectsOfPreflightedRequests &&
    reasons.length === 0 &&
    req.urlList.length > 1 &&
    req.initialUnsafeHeaders.length > 0
  ) {
    reasons.push({ kind: 'redirected-preflighted-request', names: [...req.initialUnsafeHeaders] });
  }
  return { reasons, unsafeHeaders };
}

function classification(req: NormalizedRequest, profile: BrowserProfile): Classification {
  const sameOrigin = sameOriginAsPage(req, req.url);
  const tainting = responseTainting(req);
  const refusal = requestRefusal(req, profile);
  const { reasons, unsafeHeaders } = preflightReasons(req, profile);
  const needed = refusal === null && tainting === 'cors' && reasons.length > 0;
  const methodOk = isCorsSafelistedMethod(req.method);
  const noCorsDropped = req.headers
    .filter(([n, v]) => !isNoCorsSafelistedRequestHeader(n, v, req.headerRules))
    .map(([n]) => n);
  return {
    ok: true,
    request: req,
    sameOrigin,
    tainting,
    serializedOrigin: serializeRequestOrigin(req),
    refusal,
    preflight: { needed, reasons: tainting === 'cors' ? reasons : [] },
    unsafeHeaders,
    droppedHeaders: req.droppedHeaders,
    noCors: methodOk
      ? {
          allowed: true,
          reason: sameOrigin
            ? 'same-origin: no-cors gives a basic, readable response'
            : 'sent without Origin checks, but the response is opaque: status 0, no headers, no body',
          droppedHeaders: noCorsDropped,
          response: sameOrigin ? 'basic' : 'opaque',
        }
      : {
          allowed: false,
          reason: `${req.method} is not a CORS-safelisted method, so no-cors refuses it (TypeError)`,
          droppedHeaders: noCorsDropped,
          response: 'refused',
        },
  };
}

/**
 * Classifies a page's request. Never throws: a request no browser could make is `{ ok: false }`.
 *
 * @example
 * classify({ origin: 'https://app.example', url: 'https://api.example/x', method: 'PUT' })
 * // { ok: true, tainting: 'cors', preflight: { needed: true, reasons: [{ kind: 'method', method: 'PUT' }] }, ... }
 */
export function classify(
  request: BrowserRequest | NormalizedRequest,
  browser: BrowserName | BrowserProfile = 'chromium',
): ClassifyResult {
  const profile = getProfile(browser);
  const n = toNormalizedRequest(request, profile);
  if (!n.ok) return n;
  return classification(n.request, profile);
}
