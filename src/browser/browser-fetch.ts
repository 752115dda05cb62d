/**
 * `createBrowserFetch()`: a fetch for Node that behaves as a page on `origin` in a chosen browser.
 * The factory checks its options once; each call runs the Fetch Standard's layers (./fetch/: main
 * fetch, HTTP fetch, HTTP-network-or-cache fetch, HTTP-redirect fetch) over a transport that makes
 * one exchange at a time and follows no redirect: its own (undici's `request()`, transport.ts) by
 * default, or any fetch given as `fetch`.
 */
import type { CookieJar } from 'tough-cookie';
import type { Dispatcher } from 'undici';
import { BoundedMap } from '../_util/index.js';
import { type CorsError, rejectionMessage } from './errors/index.js';
import {
  type BrowserFetchEvent,
  type BrowserFetchResponseEvent,
  type BrowserRequestInit,
  type CachedRedirect,
  constructRequest,
  type FetchContext,
  mainFetch,
  NetworkError,
  safely,
} from './fetch/index.js';
import type { PageContext } from './page-context.js';
import { PreflightCache } from './preflight-cache.js';
import type { BrowserProfile } from './profiles.js';
import { getProfile } from './releases.js';
import type { BrowserName } from './types.js';

export type { BrowserFetchEvent, BrowserFetchResponseEvent, BrowserRequestInit };

export interface BrowserFetchOptions {
  /**
   * The page's origin (or any URL on it): relative URLs resolve against it. Default: the origin of
   * `page` (one of the two is required).
   */
  origin?: string;
  /**
   * The page itself (`createPageContext({ url, csp, coep, coop, ... })`). When given, main fetch
   * checks every request and redirect hop against it (mixed content, the page's Content Security
   * Policy, Local Network Access; COEP and CORP on the answers) and a refusal rejects with the
   * `CorsError` of that kind as `cause`. Default: none (CORS only, as a page with no policy on an
   * http: URL).
   *
   * @example
   * const page = createPageContext({ url: 'https://app.example/', csp: "connect-src 'self'" });
   * const pageFetch = createBrowserFetch({ page }); // origin: https://app.example
   * await pageFetch('https://api.example/x'); // rejects: cause.kind === 'csp-blocked'
   */
  page?: PageContext;
  /**
   * Whose behaviour to follow: a name (the newest observed release), `name@release` for an older
   * release (`chromium@150`, `firefox@140`: src/browser/releases.ts) or a profile. Default `chromium`.
   */
  browser?: BrowserName | `${BrowserName}@${number}` | BrowserProfile;
  /** A tough-cookie jar for credentials (`include`, or `same-origin` on same-origin requests). */
  cookies?: CookieJar;
  /**
   * Whether cookies are sent on and stored from cross-site requests. Default: the profile's
   * (`chromium` and `webkit`: no, third-party cookies are blocked; `firefox` and `spec`: yes).
   */
  thirdPartyCookies?: boolean;
  /** Called for each step of each exchange. Exceptions it throws are ignored. */
  onEvent?: (event: BrowserFetchEvent) => void;
  /**
   * Called for every answer the engine receives, in order: each preflight's, each redirect it
   * follows, and the last one (given to the page or refused), with the request exactly as sent and
   * the engine's verdict. Not called when the transport fails. Exceptions it throws are ignored.
   *
   * @example
   * const answers: BrowserFetchResponseEvent[] = [];
   * const pageFetch = createBrowserFetch({ origin: 'http://app.test', onResponse: (e) => answers.push(e) });
   */
  onResponse?: (event: BrowserFetchResponseEvent) => void;
  /**
   * The transport, if not the default: any fetch, always called with `redirect: 'manual'` (it may
   * add headers of its own; undici's fetch sets `Sec-Fetch-Mode: cors` on every request). Default:
   * one exchange per call over `dispatcher`, sending exactly the engine's header list.
   */
  fetch?: typeof globalThis.fetch;
  /**
   * The undici Dispatcher (Agent, Pool, ProxyAgent, MockAgent...) the default transport sends
   * through. Default: undici's global dispatcher, the one Node's own fetch uses. Not with `fetch`.
   */
  dispatcher?: Dispatcher;
  /** A preflight cache to share between fetch functions. Default: a new one for the profile. */
  cache?: PreflightCache;
}

export interface BrowserFetch {
  (input: string | URL | Request, init?: BrowserRequestInit): Promise<Response>;
  readonly origin: string;
  readonly browser: BrowserName;
  readonly cache: PreflightCache;
}

/**
 * Creates a fetch that behaves as a page on `origin` in `browser`: it sends `Origin` and
 * `Sec-Fetch-*` headers, preflights when needed and caches preflights as the browser does, follows
 * redirects itself (tainting the origin, dropping Authorization across origins), applies the CORS
 * check to every hop, hides the response headers script could not read, returns opaque responses
 * in `no-cors` mode, and rejects as the browser does (`TypeError: Failed to fetch` in Chromium,
 * `TypeError: NetworkError when attempting to fetch resource.` in Firefox) with the `CorsError` as
 * `cause`.
 *
 * @example
 * const pageFetch = createBrowserFetch({ origin: 'http://app.test:3000' });
 * try {
 *   await pageFetch('http://api.test:4000/items', { method: 'PUT', body: '{}' });
 * } catch (e) {
 *   console.log((e as TypeError).cause); // CorsError { kind, message, fix, ... }
 * }
 */
export function createBrowserFetch(options: BrowserFetchOptions): BrowserFetch {
  if (options === null || typeof options !== 'object')
    throw new TypeError('createBrowserFetch: options required');
  const page = options.page;
  if (page !== undefined && (page === null || typeof page !== 'object' || typeof page.url !== 'string'))
    throw new TypeError('createBrowserFetch: page must be made by createPageContext()');
  const base = URL.parse(String(options.origin ?? page?.url));
  if (base === null || (base.protocol !== 'http:' && base.protocol !== 'https:')) {
    throw new TypeError(
      `createBrowserFetch: origin must be an http(s) URL, got ${JSON.stringify(options.origin)}`,
    );
  }
  if (page !== undefined && base.origin !== page.originSerialized)
    throw new TypeError(
      `createBrowserFetch: origin ${base.origin} is not the page's origin ${page.originSerialized}`,
    );
  const profile: BrowserProfile = getProfile(options.browser ?? 'chromium');
  if (options.fetch !== undefined && options.dispatcher !== undefined)
    throw new TypeError('createBrowserFetch: give a fetch or a dispatcher, not both');
  if (options.fetch !== undefined && typeof options.fetch !== 'function')
    throw new TypeError('createBrowserFetch: fetch must be a function');
  const { onEvent, onResponse } = options;
  const ctx: FetchContext = {
    profile,
    origin: base.origin,
    page,
    cache: options.cache ?? new PreflightCache(profile),
    jar: options.cookies,
    thirdPartyCookies: options.thirdPartyCookies ?? profile.thirdPartyCookies,
    transport: options.fetch,
    dispatcher: options.dispatcher,
    permanentRedirects: new BoundedMap<string, CachedRedirect>(256),
    observed: onEvent !== undefined || onResponse !== undefined,
    emit: (event) => safely(onEvent, event),
    emitResponse: onResponse,
  };
  const fn = async (input: string | URL | Request, init?: BrowserRequestInit): Promise<Response> => {
    const fp = await constructRequest(ctx, input, init ?? {});
    const response = await mainFetch(ctx, fp);
    // A network error rejects as the browser's fetch() does, with the CorsError as its cause.
    if (response instanceof NetworkError)
      throw new TypeError(rejectionMessage(profile.name), { cause: response.error });
    return response;
  };
  return Object.assign(fn, { origin: ctx.origin, browser: profile.name, cache: ctx.cache }) as BrowserFetch;
}

/**
 * For test suites: fetches as the page would and throws an Error carrying the browser's console
 * message and the fix when the browser would block the request. Returns the (filtered) Response.
 *
 * @example
 * const pageFetch = createBrowserFetch({ origin: 'https://app.example' });
 * await expectCorsAllowed(pageFetch, 'https://api.example/items', { credentials: 'include' });
 */
export async function expectCorsAllowed(
  fetchFn: (input: string | URL | Request, init?: BrowserRequestInit) => Promise<Response>,
  url: string | URL,
  init?: BrowserRequestInit,
): Promise<Response> {
  try {
    return await fetchFn(url, init);
  } catch (err) {
    const cause = (err as { cause?: unknown }).cause;
    if (cause && typeof cause === 'object' && (cause as { name?: unknown }).name === 'CorsError') {
      const e = cause as CorsError;
      throw new Error(`${e.message}\nFix: ${e.fix}`, { cause: e });
    }
    throw err;
  }
}
