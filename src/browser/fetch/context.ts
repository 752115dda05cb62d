/**
 * What every fetch layer shares: the page's fixed settings (one `FetchContext` per
 * `createBrowserFetch()`), the fetch params of one call (the spec's "fetch params": the request,
 * replaced at each redirect hop, its body and the controller's signal), the network error value the
 * layers return, and the events they emit.
 * https://fetch.spec.whatwg.org/#fetch-params
 */
import type { CookieJar } from 'tough-cookie';
import type { Dispatcher } from 'undici';
import type { BoundedMap } from '../../_util/index.js';
import type { CorsError } from '../errors/index.js';
import type { PageContext } from '../page-context.js';
import type { PreflightCache } from '../preflight-cache.js';
import type { BrowserProfile } from '../profiles.js';
import type { NormalizedRequest, ResponseTainting } from '../types.js';

/** One step of an exchange, for tools and tests that show it. Header lists are as sent or received. */
export type BrowserFetchEvent =
  | { type: 'preflight-sent'; url: string; method: 'OPTIONS'; headers: [string, string][] }
  | {
      type: 'preflight-answered';
      url: string;
      status: number;
      headers: [string, string][];
      error?: CorsError;
    }
  | { type: 'cache-hit'; url: string; method: string }
  | { type: 'actual-sent'; url: string; method: string; headers: [string, string][] }
  /** chromium: a permanent redirect (301/308) served from the HTTP cache instead of the network. */
  | { type: 'http-cache-hit'; url: string; status: number }
  | {
      type: 'redirect';
      from: string;
      to: string;
      status: number;
      tainted: boolean;
      methodChanged: boolean;
      authorizationDropped: boolean;
    }
  | { type: 'blocked'; error: CorsError }
  /**
   * Opaque-response blocking refused a no-cors `fetch()`'s answer, and the page still gets an
   * empty opaque response (chromium, firefox; the spec profile rejects with a network error).
   */
  | { type: 'orb-emptied'; url: string; error: CorsError }
  /** A console line the browser prints for a request that goes on (a mixed-content upgrade, a report-only CSP violation). */
  | { type: 'console'; message: string }
  | {
      type: 'done';
      url: string;
      status: number;
      responseType: ResponseTainting | 'opaqueredirect';
      headers: [string, string][];
      readableHeaders: string[];
    };

/**
 * One answer the engine received, with the request it answers and the engine's verdict on it.
 *
 * - `kind`: `preflight` (the answer to a CORS-preflight fetch), `redirect` (a redirect the engine
 *   followed to another URL), `actual` (the last answer of the call: the one given to the page, or
 *   the one that made it fail, or an opaque redirect in `redirect: 'manual'` mode).
 * - `request`: exactly what was sent (method, URL, header list in order, names as sent).
 * - `response`: the status and the full header list as received (`set-cookie` lines included).
 * - `fromCache`: the answer came from the modelled HTTP cache (chromium: a 301/308 answered before),
 *   so nothing was sent; `request` is what would have been.
 * - `error`: the refusal this answer caused (preflight check, CORS check, redirect step), or null.
 *
 * No event is emitted when the transport fails (there is no answer): the call rejects with a
 * `network-error`.
 */
export interface BrowserFetchResponseEvent {
  kind: 'preflight' | 'redirect' | 'actual';
  request: { method: string; url: string; headers: [string, string][] };
  response: { status: number; headers: [string, string][] };
  fromCache: boolean;
  error: CorsError | null;
}

/** A permanent redirect kept by the modelled HTTP cache (chromium). */
export interface CachedRedirect {
  status: number;
  headers: [string, string][];
}

/** The page's settings, fixed for every call of one fetch function. */
export interface FetchContext {
  readonly profile: BrowserProfile;
  /** The page's origin, serialized. */
  readonly origin: string;
  /**
   * The page itself (`createPageContext`: URL, secure context, CSP, `coep`, `coop`, Local Network
   * Access), or undefined: then no page check runs (one test on this field).
   */
  readonly page: PageContext | undefined;
  readonly cache: PreflightCache;
  readonly jar: CookieJar | undefined;
  readonly thirdPartyCookies: boolean;
  /** A fetch given as the transport, or undefined for the default one over `dispatcher`. */
  readonly transport: typeof globalThis.fetch | undefined;
  readonly dispatcher: Dispatcher | undefined;
  /** chromium: 301 and 308 answers to GET, as the HTTP cache keeps them (by URL). */
  readonly permanentRedirects: BoundedMap<string, CachedRedirect>;
  /** Whether anyone listens to events (then every answer's full header list is read). */
  readonly observed: boolean;
  readonly emit: (event: BrowserFetchEvent) => void;
  readonly emitResponse: ((event: BrowserFetchResponseEvent) => void) | undefined;
}

/** The fetch params of one call: the request (the current hop's), its body and the abort signal. */
export interface FetchParams {
  request: NormalizedRequest;
  /** The body bytes (or stream), sent while the request's body kind is not `none`. */
  readonly body: BodyInit | null;
  readonly signal: AbortSignal | null;
  /** The request's redirect count. */
  redirectCount: number;
  /**
   * With a page: what main fetch's page checks carry from hop to hop (checks.ts). Created on the
   * first hop; undefined without a page.
   */
  pageHop?: PageHopState;
}

/** The page checks' state across redirect hops of one call. */
export interface PageHopState {
  /** chromium: the first URL's mixed-content upgrade decision, applied to every later hop. */
  upgradeIfInsecure: boolean;
  /** Console lines the browser prints only if this hop's answer is the final one (not a redirect). */
  onFinal: readonly string[];
}

/** A network error: the value a layer returns instead of a response, with the error it reports. */
export class NetworkError {
  constructor(readonly error: CorsError) {}
}

/** A network error, announced to the observer. */
export function networkError(ctx: FetchContext, error: CorsError): NetworkError {
  ctx.emit({ type: 'blocked', error });
  return new NetworkError(error);
}

/** An event to the observers; an observer's exception never changes the exchange. */
export function safely<E>(listener: ((event: E) => void) | undefined, event: E): void {
  if (listener === undefined) return;
  try {
    listener(event);
  } catch {
    // an observer must not change the exchange
  }
}
