/**
 * Runs harness cases through the engine's `createBrowserFetch` against the same loopback servers a
 * real browser used, and observes it the way the browser runners observe a browser: from the
 * servers' request log (preflights, actual requests, cookies), the returned Response or rejection,
 * and the engine's own events and CorsError.
 */
import { CookieJar } from 'tough-cookie';
import {
  type BrowserFetchEvent,
  type CorsError,
  createBrowserFetch,
  getProfile,
  PreflightCache,
  profileForRelease,
  releaseOf,
} from '../../../src/browser/index.js';
import type { PageRequest } from '../../fixtures/schema.js';
import { createLoopbackFetch } from './net.js';
import type { CaseServers, CookieSpec, LocalCase } from './servers.js';
import { DEFAULT_COOKIES } from './servers.js';
import type { BrowserName, HarnessCase, PreflightObservation, RecordedRequest } from './types.js';

export interface EngineRunObservation {
  preflight: PreflightObservation | null;
  preflights: number;
  actualSent: boolean;
  cookieSent: boolean;
  outcome: 'allowed' | 'blocked' | 'opaque';
  responseType: string | null;
  status: number;
  readableHeaders: string[];
  error: { name: string; message: string } | null;
  /** The CorsError the rejection carried as `cause`, if any. */
  cause: CorsError | null;
  /** The console lines the engine says the browser prints: `[cause.message]` when `cause.logged`. */
  console: string[];
  events: BrowserFetchEvent[];
  requests: RecordedRequest[];
}

export interface EngineObservation extends EngineRunObservation {
  id: string;
  browser: BrowserName;
  repeats: EngineRunObservation[];
}

/** The init a page script passes for a case (same bodies as page-script.ts). */
export function pageInit(
  r: PageRequest,
): RequestInit & { initiator?: 'fetch' | 'XMLHttpRequest'; duplex?: 'half' } {
  const init: RequestInit & { initiator?: 'fetch' | 'XMLHttpRequest'; duplex?: 'half' } = {
    method: r.method,
  };
  if (r.headers?.length) init.headers = r.headers.map(([n, v]) => [n, v] as [string, string]);
  if (r.initiator === 'XMLHttpRequest') {
    // XHR: always cors mode; withCredentials true means include, else same-origin.
    init.mode = 'cors';
    init.credentials = r.credentials === 'include' ? 'include' : 'same-origin';
    init.initiator = 'XMLHttpRequest';
  } else {
    if (r.mode) init.mode = r.mode;
    if (r.credentials) init.credentials = r.credentials;
    if (r.redirect) init.redirect = r.redirect;
  }
  if (r.body === 'string') init.body = 'hello';
  else if (r.body === 'form') init.body = new URLSearchParams('a=1');
  else if (r.body === 'blob') init.body = new Blob(['hello']);
  else if (r.body === 'stream') {
    init.body = new ReadableStream({
      start(c) {
        c.enqueue(new TextEncoder().encode('hello'));
        c.close();
      },
    });
    init.duplex = 'half';
  }
  return init;
}

/**
 * A cookie jar holding what the real browser was given (see chromium.ts / firefox.ts): for
 * Chromium `SameSite=None; Secure`, for Firefox `SameSite=None` without Secure.
 */
export async function browserCookieJar(
  browser: BrowserName,
  cookies: CookieSpec[] = DEFAULT_COOKIES,
): Promise<CookieJar> {
  const jar = new CookieJar();
  for (const { host, pair } of cookies) {
    const attrs = browser === 'chromium' ? 'Path=/; SameSite=None; Secure' : 'Path=/; SameSite=None';
    await jar.setCookie(`${pair}; ${attrs}`, `${browser === 'chromium' ? 'https' : 'http'}://${host}/`, {
      ignoreError: true,
    });
  }
  return jar;
}

function header(list: [string, string][], name: string): string | null {
  for (const [n, v] of list) if (n.toLowerCase() === name) return v;
  return null;
}

function isCorsError(x: unknown): x is CorsError {
  return typeof x === 'object' && x !== null && (x as { name?: unknown }).name === 'CorsError';
}

export interface EngineRunOptions {
  cookies?: CookieSpec[];
  /**
   * The release of the real browser compared with (its version string): the engine then follows
   * that release's profile (src/browser/releases.ts). Default: the newest observed release.
   */
  version?: string;
}

/**
 * Runs the cases sequentially through one engine "page" per page origin, all sharing one preflight
 * cache (as one browser profile shares one), against `servers`.
 */
export async function runEngineCases(
  browser: BrowserName,
  servers: CaseServers,
  cases: HarnessCase[],
  options: EngineRunOptions = {},
): Promise<EngineObservation[]> {
  const loop = createLoopbackFetch();
  const jar = await browserCookieJar(browser, options.cookies);
  const release = options.version === undefined ? null : releaseOf(options.version);
  const profile = release === null ? getProfile(browser) : profileForRelease(browser, release);
  const cache = new PreflightCache(profile);
  let events: BrowserFetchEvent[] = [];
  const fetchers = new Map<string, ReturnType<typeof createBrowserFetch>>();
  const fetcherFor = (origin: string) => {
    let f = fetchers.get(origin);
    if (!f) {
      f = createBrowserFetch({
        origin,
        browser: profile,
        dispatcher: loop.dispatcher,
        cache,
        cookies: jar,
        onEvent: (e) => events.push(e),
      });
      fetchers.set(origin, f);
    }
    return f;
  };
  const out: EngineObservation[] = [];
  try {
    for (const c of cases) {
      const local: LocalCase = servers.register(c);
      const runs: EngineRunObservation[] = [];
      const repeat = Math.max(1, Math.min(c.repeat ?? 1, 5));
      for (let i = 0; i < repeat; i++) {
        events = [];
        runs.push(await runOnce(fetcherFor(local.request.origin), servers, local, () => events));
      }
      const [first, ...rest] = runs as [EngineRunObservation, ...EngineRunObservation[]];
      out.push({ id: c.id, browser, ...first, repeats: rest });
    }
  } finally {
    await loop.close();
  }
  return out;
}

async function runOnce(
  f: ReturnType<typeof createBrowserFetch>,
  servers: CaseServers,
  c: LocalCase,
  events: () => BrowserFetchEvent[],
): Promise<EngineRunObservation> {
  const logStart = servers.requests(c.id).length;
  let outcome: EngineRunObservation['outcome'] = 'blocked';
  let responseType: string | null = null;
  let status = 0;
  let readableHeaders: string[] = [];
  let error: EngineRunObservation['error'] = null;
  let cause: CorsError | null = null;
  try {
    const res = await f(c.request.url, pageInit(c.request));
    responseType = res.type;
    outcome = res.type === 'opaque' || res.type === 'opaqueredirect' ? 'opaque' : 'allowed';
    status = res.status;
    readableHeaders = [...new Set([...res.headers.keys()])].sort();
    try {
      await res.arrayBuffer();
    } catch {
      // the body does not matter here
    }
  } catch (e) {
    const err = e as Error;
    error = { name: String(err?.name), message: String(err?.message) };
    if (isCorsError(err?.cause)) cause = err.cause;
  }
  const requests = servers.requests(c.id).slice(logStart);
  const actual = requests.filter((q) => !q.preflight);
  const pre = requests.find((q) => q.preflight);
  return {
    preflight: pre
      ? {
          headers: pre.headers,
          method: header(pre.headers, 'access-control-request-method'),
          requestHeaders: header(pre.headers, 'access-control-request-headers'),
        }
      : null,
    preflights: requests.filter((q) => q.preflight).length,
    actualSent: actual.length > 0,
    cookieSent: actual.some((q) => header(q.headers, 'cookie') !== null),
    outcome,
    responseType,
    status,
    readableHeaders,
    error,
    cause,
    console: cause?.logged ? [cause.message] : [],
    events: events().slice(),
    requests,
  };
}
