/**
 * `createBrowserFetch()`: a fetch for Node that behaves as a page on `origin` in a chosen browser.
 * It is the Fetch Standard's main fetch / HTTP fetch / HTTP-redirect fetch loop, driving the pure
 * steps of this module, over a transport that makes one exchange at a time and follows no redirect:
 * its own (undici's `request()`, transport.ts) by default, or any fetch given as `fetch`.
 */
import type { CookieJar } from 'tough-cookie';
import type { Dispatcher } from 'undici';
import {
  byteLowercase,
  CORS_SAFELISTED_RESPONSE_HEADER_NAMES,
  extractHeaderListValues,
} from '../_fetch/index.js';
import { BoundedMap } from '../_util/index.js';
import { isSameSite, parseOrigin } from '../origin/index.js';
import { fetchDecision, requestRefusal } from './classify.js';
import { corsCheckNormalized } from './cors-check.js';
import { type ContextError, type CorsError, makeCorsError, rejectionMessage } from './errors/index.js';
import { exposedHeaderNamesNormalized } from './expose.js';
import { pageContextCheck } from './page-checks.js';
import type { PageContext } from './page-context.js';
import { checkPreflightNormalized, preflightRequestNormalized } from './preflight.js';
import { PreflightCache } from './preflight-cache.js';
import { type BrowserProfile, getProfile } from './profiles.js';
import { redirectStep } from './redirect.js';
import {
  normalizeRequest,
  requestOriginHeader,
  secFetchDest,
  secFetchSite,
  sendsFetchMetadata,
} from './request.js';
import type { BodyKind, BrowserName, Initiator, NormalizedRequest, ResponseTainting } from './types.js';

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
  /** Refused by the page itself (mixed content, its CSP, Local Network Access): see `page`. */
  | { type: 'page-blocked'; error: ContextError }
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

export interface BrowserFetchOptions {
  /** The page's origin (or any URL on it): relative URLs resolve against it. Default: `page`'s URL. */
  origin?: string;
  /**
   * The page itself (`createPageContext`): its URL's scheme, CSP, COEP and COOP. When given, every
   * request and redirect hop is checked as main fetch does (mixed content upgrade and blocking, the
   * page's Content Security Policy) and refused with a `ContextError` as `cause`. Default: none (no
   * such check; only CORS).
   */
  page?: PageContext;
  /** Whose behaviour to follow. Default `chromium`. */
  browser?: BrowserName;
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

/** `RequestInit` plus what a page's API implies: who made the request. */
export interface BrowserRequestInit extends RequestInit {
  /** Default `fetch`; `XMLHttpRequest` changes the console text as Chromium's does. */
  initiator?: Initiator;
}

export interface BrowserFetch {
  (input: string | URL | Request, init?: BrowserRequestInit): Promise<Response>;
  readonly origin: string;
  readonly browser: BrowserName;
  readonly cache: PreflightCache;
}

function bodyKindOf(body: unknown): BodyKind {
  if (body === undefined || body === null) return 'none';
  if (typeof body === 'string') return 'string';
  if (body instanceof URLSearchParams || body instanceof FormData) return 'form';
  if (body instanceof ReadableStream) return 'stream';
  return 'blob';
}

/** The response headers the CORS algorithm reads (besides the safelisted and exposed ones). */
const CORS_RESPONSE_HEADERS = [
  'access-control-allow-origin',
  'access-control-allow-credentials',
  'access-control-expose-headers',
  'location',
];

/** The names a compact header list reads when there is no `Access-Control-Expose-Headers`. */
const COMPACT_HEADER_NAMES: readonly string[] = [
  ...CORS_RESPONSE_HEADERS,
  ...CORS_SAFELISTED_RESPONSE_HEADER_NAMES,
];

/**
 * A shorter header list for a `cors` or `opaque` response when nobody looks at every header: the
 * headers the algorithm reads, the CORS-safelisted response headers and those named in
 * `Access-Control-Expose-Headers`. Null when every header may be readable (a basic response, or
 * `Access-Control-Expose-Headers: *` without credentials): then the full list is needed.
 */
function compactHeaderList(
  res: Response,
  req: NormalizedRequest,
  tainting: ResponseTainting,
): [string, string][] | null {
  if (tainting === 'basic') return null;
  const h = res.headers;
  const aceh = h.get('access-control-expose-headers');
  let names: Iterable<string> = COMPACT_HEADER_NAMES;
  if (aceh !== null) {
    const parsed = extractHeaderListValues([aceh], 'field-name');
    if (parsed?.ok) {
      if (req.credentials !== 'include' && parsed.values.includes('*')) return null;
      const set = new Set<string>(CORS_RESPONSE_HEADERS);
      for (const v of parsed.values) set.add(byteLowercase(v));
      for (const n of CORS_SAFELISTED_RESPONSE_HEADER_NAMES) set.add(n);
      names = set;
    }
  }
  const out: [string, string][] = [];
  for (const n of names) {
    if (n === 'set-cookie') continue;
    const v = n === 'access-control-expose-headers' ? aceh : h.get(n);
    if (v !== null) out.push([n, v]);
  }
  return out;
}

function responseHeaderList(res: Response): [string, string][] {
  const out: [string, string][] = [];
  for (const [n, v] of res.headers) if (n !== 'set-cookie') out.push([n, v]);
  for (const c of res.headers.getSetCookie()) out.push(['set-cookie', c]);
  return out;
}

async function discard(res: Response): Promise<void> {
  try {
    await res.body?.cancel();
  } catch {
    // the body is unwanted; a failure to cancel it changes nothing
  }
}

/** What the page sees of a transport's Response: the filtered response's type, URL, redirected flag and readable headers. */
interface PresentedState {
  type: ResponseTainting;
  url: string;
  redirected: boolean;
  headers: Headers;
}

/**
 * The default transport, loaded on first use: it needs Node (undici, node:stream, node:zlib), and a
 * page bundle that always passes `fetch` (the lab) must not load it.
 */
let defaultExchange: typeof import('./transport.js').exchange | undefined;

async function loadExchange(): Promise<typeof import('./transport.js').exchange> {
  defaultExchange ??= (await import('./transport.js')).exchange;
  return defaultExchange;
}

/** What the network answered: the transport's Response, and its header list when the transport gave it. */
interface Answer {
  res: Response;
  headers: [string, string][] | null;
}

const PRESENTED: unique symbol = Symbol('crossorigin.presented');
type PresentedResponse = Response & { [PRESENTED]: PresentedState };

/**
 * One prototype per transport Response prototype: getters for the filtered response's fields and
 * a `clone()` that keeps them. Changing an object's prototype to a cached one is far cheaper than
 * defining own properties on every response.
 */
const PRESENTED_PROTOTYPES = new WeakMap<object, object>();

function presentedPrototype(base: object): object {
  let proto = PRESENTED_PROTOTYPES.get(base);
  if (proto !== undefined) return proto;
  const clone = (base as Response).clone;
  const state = (res: Response): PresentedState => (res as PresentedResponse)[PRESENTED];
  proto = Object.create(base, {
    type: {
      get: function type(this: Response) {
        return state(this).type;
      },
      configurable: true,
    },
    url: {
      get: function url(this: Response) {
        return state(this).url;
      },
      configurable: true,
    },
    redirected: {
      get: function redirected(this: Response) {
        return state(this).redirected;
      },
      configurable: true,
    },
    headers: {
      get: function headers(this: Response) {
        return state(this).headers;
      },
      configurable: true,
    },
    clone: {
      value: function clonePresented(this: Response): Response {
        const s = state(this);
        return present(clone.call(this), s, new Headers(s.headers));
      },
      writable: true,
      configurable: true,
    },
  }) as object;
  PRESENTED_PROTOTYPES.set(base, proto);
  return proto;
}

/**
 * The transport's Response as the page sees it: the same body and status, but only the readable
 * headers and the filtered response's type, URL and redirected flag (`clone()` keeps them).
 */
function present(
  res: Response,
  props: { type: ResponseTainting; url: string; redirected: boolean },
  headers: Headers,
): Response {
  (res as PresentedResponse)[PRESENTED] = {
    type: props.type,
    url: props.url,
    redirected: props.redirected,
    headers,
  };
  Object.setPrototypeOf(res, presentedPrototype(Object.getPrototypeOf(res) as object));
  return res;
}

/** The entries of a `HeadersInit`, in order, names and values as given. */
function headerInitEntries(init: HeadersInit | undefined | null): [string, string][] {
  if (init === undefined || init === null) return [];
  if (init instanceof Headers) return [...init];
  if (Array.isArray(init)) return init.map((pair) => [String(pair[0]), String(pair[1])]);
  return Object.entries(init as Record<string, string>).map(([n, v]) => [n, String(v)]);
}

function withProps(res: Response, props: Record<string, unknown>): Response {
  for (const [k, v] of Object.entries(props)) Object.defineProperty(res, k, { value: v, enumerable: true });
  return res;
}

/** An opaque filtered response (no-cors): status 0, no headers, no body. */
function opaqueResponse(type: 'opaque' | 'opaqueredirect', url: string): Response {
  const res = Response.error();
  return withProps(res, { type, url: type === 'opaque' ? '' : url, redirected: false });
}

/** The page's request as the engine models it (a plain function: nothing is allocated per call but the result). */
function describeRequest(
  url: string,
  origin: string,
  method: string,
  mode: string,
  init: BrowserRequestInit,
  source: Request | null,
  headers: [string, string][],
  body: BodyKind,
  profile: BrowserProfile,
) {
  return normalizeRequest(
    {
      url,
      origin,
      method,
      headers,
      mode: (mode === 'navigate' ? 'cors' : mode) as 'cors',
      credentials: (init.credentials ?? source?.credentials ?? 'same-origin') as 'same-origin',
      redirect: (init.redirect ?? source?.redirect ?? 'follow') as 'follow',
      body,
      initiator: init.initiator ?? 'fetch',
    },
    profile,
  );
}

class CorsBlocked extends Error {
  constructor(readonly error: CorsError | ContextError) {
    super(error.message);
  }
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
  const base = URL.parse(String(options.origin ?? page?.url));
  if (base === null || (base.protocol !== 'http:' && base.protocol !== 'https:')) {
    throw new TypeError(
      `createBrowserFetch: origin must be an http(s) URL, got ${JSON.stringify(options.origin)}`,
    );
  }
  const baseUrl: URL = base;
  const origin = base.origin;
  if (page !== undefined && origin !== page.originSerialized)
    throw new TypeError(
      `createBrowserFetch: origin ${origin} is not the page's origin ${page.originSerialized}`,
    );
  const profile: BrowserProfile = getProfile(options.browser ?? 'chromium');
  if (options.fetch !== undefined && options.dispatcher !== undefined)
    throw new TypeError('createBrowserFetch: give a fetch or a dispatcher, not both');
  const transport = options.fetch;
  if (transport !== undefined && typeof transport !== 'function')
    throw new TypeError('createBrowserFetch: fetch must be a function');
  const dispatcher = options.dispatcher;
  const cache = options.cache ?? new PreflightCache(profile);
  const jar = options.cookies;
  const thirdPartyCookies = options.thirdPartyCookies ?? profile.thirdPartyCookies;
  const onEvent = options.onEvent;
  const emit = (e: BrowserFetchEvent): void => {
    if (!onEvent) return;
    try {
      onEvent(e);
    } catch {
      // an observer must not change the exchange
    }
  };

  const block = (error: CorsError): never => {
    emit({ type: 'blocked', error });
    throw new CorsBlocked(error);
  };

  /**
   * Main fetch steps 4-7 for the page (page-checks.ts): the request to send, maybe upgraded, or a
   * refusal. `hop` carries the upgrade decision across redirects and the lines owed to a final answer.
   */
  function checkPage(
    req: NormalizedRequest,
    redirectCount: number,
    hop: { upgradeIfInsecure: boolean; onFinal: string[] },
  ): NormalizedRequest {
    const r = pageContextCheck(
      { url: req.url, initiator: req.initiator, redirectCount, upgradeIfInsecure: hop.upgradeIfInsecure },
      page as PageContext,
      profile.name,
    );
    if (r.error) {
      for (const message of r.error.console) emit({ type: 'console', message });
      emit({ type: 'page-blocked', error: r.error });
      throw new CorsBlocked(r.error);
    }
    for (const message of r.console) emit({ type: 'console', message });
    hop.upgradeIfInsecure = r.upgradeIfInsecure;
    hop.onFinal = r.onFinalResponse;
    if (r.url === req.url) return req;
    return { ...req, url: r.url, urlList: [...req.urlList.slice(0, -1), r.url] };
  }

  /** chromium: 301 and 308 answers to GET kept as the HTTP cache keeps them (heuristically fresh). */
  const permanentRedirects = new BoundedMap<string, { status: number; headers: [string, string][] }>(256);
  function rememberPermanentRedirect(req: NormalizedRequest, answer: Answer): void {
    if (!profile.cachesPermanentRedirects || req.method !== 'GET') return;
    const status = answer.res.status;
    if (status !== 301 && status !== 308) return;
    const list = answer.headers ?? responseHeaderList(answer.res);
    const has = (name: string) => list.some((h) => h[0] === name);
    // Only when nothing in the answer limits caching.
    if (has('cache-control') || has('expires') || has('pragma') || has('vary') || !has('location')) return;
    permanentRedirects.set(req.url.href, { status, headers: list });
  }

  /**
   * Sends one request; `init` already has `redirect: 'manual'`. Over the default transport the
   * answer comes with its full header list (and a Response without headers); over a given fetch,
   * only with the Response.
   */
  async function send(url: URL, init: RequestInit & { redirect: 'manual' }): Promise<Answer> {
    // A URL's user name and password are not sent as part of it (a fetch() transport refuses them);
    // a redirect may still lead to such a URL when it is same-origin or in no-cors mode.
    if (url.username !== '' || url.password !== '') {
      url = new URL(url.href);
      url.username = '';
      url.password = '';
    }
    if (transport === undefined) {
      const x = await (defaultExchange ?? (await loadExchange()))(dispatcher, url, init, false);
      return { res: x.response, headers: x.headers };
    }
    return { res: await transport(url.href, init), headers: null };
  }

  function transportFailure(req: NormalizedRequest, err: unknown): CorsError {
    const hint =
      err instanceof Error ? (err.cause instanceof Error ? err.cause.message : err.message) : String(err);
    return makeCorsError(
      {
        kind: 'network-error',
        url: req.url.href,
        initialUrl: (req.urlList[0] ?? req.url).href,
        origin,
        requestOrigin: origin,
        initiator: req.initiator,
        method: req.method,
        credentials: req.credentials,
        hint,
      },
      profile.name,
    );
  }

  function includesCredentials(req: NormalizedRequest, tainting: ResponseTainting): boolean {
    // HTTP-network-or-cache fetch 8.?: credentials mode "include", or "same-origin" with basic tainting.
    return req.credentials === 'include' || (req.credentials === 'same-origin' && tainting === 'basic');
  }

  function cookieContext(req: NormalizedRequest): 'strict' | 'none' {
    return isSameSite(parseOrigin(req.url), parseOrigin(origin)) ? 'strict' : 'none';
  }

  async function cookieHeader(req: NormalizedRequest): Promise<string | null> {
    if (!jar) return null;
    const context = cookieContext(req);
    if (context === 'none' && !thirdPartyCookies) return null;
    const cookies = await jar.getCookies(req.url.href, { sameSiteContext: context, http: true });
    const sendable = cookies.filter(
      // chromium: a cookie without SameSite is Lax, so it is not sent on a cross-site subresource request.
      (c) =>
        !(
          context === 'none' &&
          profile.cookieDefaultSameSite === 'lax' &&
          (c.sameSite ?? 'none') === 'none' &&
          !hasExplicitNone(c)
        ),
    );
    return sendable.length === 0 ? null : sendable.map((c) => c.cookieString()).join('; ');
  }

  async function storeCookies(req: NormalizedRequest, headers: [string, string][]): Promise<void> {
    if (!jar) return;
    const context = cookieContext(req);
    if (context === 'none' && !thirdPartyCookies) return;
    for (const [n, v] of headers) {
      if (n !== 'set-cookie') continue;
      // chromium: SameSite=None without Secure is rejected.
      if (
        profile.cookieDefaultSameSite === 'lax' &&
        /;\s*samesite\s*=\s*none/i.test(v) &&
        !/;\s*secure\b/i.test(v)
      )
        continue;
      await jar.setCookie(v, req.url.href, { sameSiteContext: context, ignoreError: true, http: true });
    }
  }

  async function run(input: string | URL | Request, init: BrowserRequestInit): Promise<Response> {
    const source = input instanceof Request ? input : null;
    const url = source ? source.url : input instanceof URL ? input.href : String(input);
    const method = init.method ?? source?.method ?? 'GET';
    const rawBody = init.body !== undefined ? init.body : source ? source.body : null;
    const mode = (init.mode ?? (source ? source.mode : 'cors')) as string;
    let bodyBytes: BodyInit | null = null;
    let bodyKind = bodyKindOf(rawBody);
    let headerEntries: [string, string][];
    if (rawBody === null || rawBody === undefined) {
      // No body, so no Content-Type to infer: the header list as the page gave it.
      headerEntries = headerInitEntries(init.headers ?? source?.headers);
    } else {
      // new Request() refuses a forbidden method, or one that no-cors does not allow, before
      // looking at the body (Node's Request would throw its own text first).
      const early = describeRequest(url, origin, method, mode, init, source, [], 'none', profile);
      if (early.ok) {
        const refusal = requestRefusal(early.request, profile);
        if (refusal?.kind === 'forbidden-method' || refusal?.kind === 'method-unsupported-in-no-cors') {
          emit({ type: 'blocked', error: refusal });
          throw new TypeError(refusal.message, { cause: refusal });
        }
      }
      // The headers the page's Request object would have (it adds Content-Type for string, form and Blob bodies).
      // new Request() step 32-36: in no-cors mode the guard drops what is not no-CORS-safelisted
      // first; then the body's own type is added when no Content-Type is left (Chromium 156 and
      // Firefox ESR 153 send text/plain;charset=UTF-8 for a string body given application/json).
      let pageHeaders: HeadersInit | undefined = init.headers ?? source?.headers;
      if (mode === 'no-cors') {
        const kept = describeRequest(
          url,
          origin,
          method,
          mode,
          init,
          source,
          headerInitEntries(pageHeaders),
          'none',
          profile,
        );
        if (kept.ok) pageHeaders = kept.request.headers.map(([n, v]): [string, string] => [n, v]);
      }
      const resolved = URL.parse(url, baseUrl) ?? baseUrl;
      const probe = new Request(resolved, {
        method,
        headers: pageHeaders,
        body: rawBody as BodyInit,
        ...(bodyKind === 'stream' ? { duplex: 'half' } : {}),
      } as RequestInit);
      headerEntries = [...probe.headers];
      if (bodyKind === 'stream') bodyBytes = rawBody as ReadableStream;
      else if (probe.body !== null) bodyBytes = new Uint8Array(await probe.arrayBuffer());
      if (source?.body && init.body === undefined) bodyKind = 'blob';
    }
    const n = describeRequest(url, origin, method, mode, init, source, headerEntries, bodyKind, profile);
    if (!n.ok) throw new TypeError(n.problem);
    let req = n.request;
    let redirects = 0;
    // The page's checks carry state across redirect hops (no page: nothing to carry).
    const hop = page === undefined ? null : { upgradeIfInsecure: false, onFinal: [] as string[] };
    for (;;) {
      // Main fetch steps 4-7: mixed content and the page's CSP, on every request and redirect hop.
      if (hop !== null) req = checkPage(req, redirects, hop);
      const c = fetchDecision(req, profile);
      if (c.refusal) {
        // Refusals new Request() makes reject with their own TypeError, not a network error.
        if (c.refusal.kind === 'forbidden-method' || c.refusal.kind === 'method-unsupported-in-no-cors') {
          emit({ type: 'blocked', error: c.refusal });
          throw new TypeError(c.refusal.message, { cause: c.refusal });
        }
        block(c.refusal);
      }
      const site = secFetchSite(req, profile);
      // HTTP fetch 4.1: a CORS-preflight fetch when needed and not in the cache.
      if (c.preflightNeeded) {
        if (cache.allows(req)) {
          emit({ type: 'cache-hit', url: req.url.href, method: req.method });
        } else {
          const pre = preflightRequestNormalized(req, profile);
          emit({ type: 'preflight-sent', url: pre.url, method: 'OPTIONS', headers: pre.headers });
          let answer: Answer;
          try {
            answer = await send(new URL(pre.url), {
              method: 'OPTIONS',
              headers: pre.headers,
              signal: init.signal ?? null,
              redirect: 'manual',
            });
          } catch (err) {
            if (init.signal?.aborted) throw err;
            block(transportFailure(req, err));
            throw err;
          }
          const res = answer.res;
          const headers = answer.headers ?? responseHeaderList(res);
          await discard(res);
          const check = checkPreflightNormalized(req, { status: res.status, headers }, profile);
          emit({
            type: 'preflight-answered',
            url: pre.url,
            status: res.status,
            headers,
            ...(check.ok ? {} : { error: check.error }),
          });
          if (!check.ok) {
            cache.clear(req);
            block(check.error);
          } else {
            cache.store(req, check.entry);
          }
        }
      }
      // The actual request, as the network sees it.
      const headers: [string, string][] = req.headers.map(([k, v]) => [k, v]);
      const originHeader = requestOriginHeader(req);
      if (originHeader !== null) headers.push(['origin', originHeader]);
      // Fetch metadata, only to a potentially trustworthy URL.
      const metadata = sendsFetchMetadata(req.url);
      if (metadata) {
        headers.push(['sec-fetch-site', site]);
        headers.push(['sec-fetch-mode', req.mode]);
        headers.push(['sec-fetch-dest', secFetchDest(req.initiator)]);
      }
      const withCredentials = includesCredentials(req, c.tainting);
      if (withCredentials) {
        if (
          metadata &&
          profile.sendsStorageAccess &&
          req.credentials === 'include' &&
          site === 'cross-site'
        ) {
          headers.push(['sec-fetch-storage-access', 'none']);
        }
        const cookie = await cookieHeader(req);
        if (cookie !== null) headers.push(['cookie', cookie]);
      }
      // chromium: a permanent redirect answered before comes from the HTTP cache, not the network.
      const cachedRedirect =
        req.method === 'GET' && permanentRedirects.size > 0
          ? permanentRedirects.get(req.url.href)
          : undefined;
      let answer: Answer | undefined;
      if (cachedRedirect) {
        emit({ type: 'http-cache-hit', url: req.url.href, status: cachedRedirect.status });
        answer = {
          res: new Response(null, { status: cachedRedirect.status, headers: cachedRedirect.headers }),
          headers: cachedRedirect.headers,
        };
      } else {
        if (onEvent) emit({ type: 'actual-sent', url: req.url.href, method: req.method, headers });
      }
      try {
        answer ??= await send(req.url, {
          method: req.method,
          headers,
          body: req.body === 'none' ? null : bodyBytes,
          signal: init.signal ?? null,
          redirect: 'manual',
          ...(req.body === 'stream' ? { duplex: 'half' } : {}),
        } as RequestInit & { redirect: 'manual' });
      } catch (err) {
        if (init.signal?.aborted) throw err;
        block(transportFailure(req, err));
        throw err;
      }
      const res = answer.res;
      // Over a given fetch: every header only when someone will look at them (events, cookies) or
      // may read them all.
      const resHeaders =
        answer.headers ??
        (onEvent || (withCredentials && jar) ? null : compactHeaderList(res, req, c.tainting)) ??
        responseHeaderList(res);
      if (withCredentials && !cachedRedirect) await storeCookies(req, resHeaders);
      if (!cachedRedirect) rememberPermanentRedirect(req, answer);
      const view = { status: res.status, headers: resHeaders };
      // HTTP fetch 4.3: the CORS check, on this response and on every redirect hop.
      if (c.tainting === 'cors') {
        const err = corsCheckNormalized(req, view, profile);
        if (err !== null) {
          // firefox, spec: the preflight cache entries for this URL go too.
          if (profile.clearsCacheOnCorsFailure) cache.clear(req);
          await discard(res);
          block(err);
        }
      }
      const step = redirectStep(req, view, profile, redirects);
      if (step.kind === 'error') {
        await discard(res);
        block(step.error);
      } else if (step.kind === 'opaque-redirect') {
        await discard(res);
        emit({
          type: 'done',
          url: req.url.href,
          status: 0,
          responseType: 'opaqueredirect',
          headers: [],
          readableHeaders: [],
        });
        return opaqueResponse('opaqueredirect', req.url.href);
      } else if (step.kind === 'follow') {
        await discard(res);
        emit({
          type: 'redirect',
          from: req.url.href,
          to: step.location.href,
          status: res.status,
          tainted: step.tainted,
          methodChanged: step.methodChanged,
          authorizationDropped: step.authorizationDropped,
        });
        req = step.request;
        redirects++;
        continue;
      }
      // Not a redirect: the response, filtered for the page.
      if (hop !== null) for (const message of hop.onFinal) emit({ type: 'console', message });
      if (c.tainting === 'opaque') {
        await discard(res);
        emit({
          type: 'done',
          url: req.url.href,
          status: 0,
          responseType: 'opaque',
          headers: [],
          readableHeaders: [],
        });
        return opaqueResponse('opaque', req.url.href);
      }
      const readable = exposedHeaderNamesNormalized(req, resHeaders);
      const filtered = new Headers();
      for (const [k, v] of resHeaders) if (readable.includes(k)) filtered.append(k, v);
      if (onEvent) {
        emit({
          type: 'done',
          url: req.url.href,
          status: res.status,
          responseType: c.tainting,
          headers: resHeaders,
          readableHeaders: readable,
        });
      }
      return present(
        res,
        { type: c.tainting, url: req.url.href, redirected: req.urlList.length > 1 },
        filtered,
      );
    }
  }

  const reject = (err: unknown): never => {
    if (err instanceof CorsBlocked) throw new TypeError(rejectionMessage(profile.name), { cause: err.error });
    throw err;
  };
  const fn = (input: string | URL | Request, init?: BrowserRequestInit): Promise<Response> =>
    run(input, init ?? {}).catch(reject);
  return Object.assign(fn, { origin, browser: profile.name, cache }) as BrowserFetch;
}

function hasExplicitNone(cookie: { sameSite?: string | undefined }): boolean {
  return cookie.sameSite === 'none';
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
