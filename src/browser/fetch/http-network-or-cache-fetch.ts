/**
 * HTTP-network-or-cache fetch: the request's header list as the network sees it (`Origin`, Fetch
 * metadata, cookies), the modelled HTTP cache (chromium: permanent redirects), then one exchange.
 * https://fetch.spec.whatwg.org/#http-network-or-cache-fetch
 */

import { requestOriginHeader, secFetchDest, secFetchSite, sendsFetchMetadata } from '../request.js';
import type { NormalizedRequest, ResponseTainting } from '../types.js';
import { requestIncludesCredentials } from './checks.js';
import { type FetchContext, type FetchParams, NetworkError } from './context.js';
import { cookieHeader, storeCookies } from './cookies.js';
import { compactHeaderList, responseHeaderList } from './filtered-response.js';
import { type Answer, httpNetworkFetch, type TransportInit } from './http-network-fetch.js';

/** The answer to the request, with what was sent and the header list the engine reads. */
export interface NetworkAnswer extends Answer {
  /** What went on the wire (or would have, for an answer from the cache). */
  sent: { method: string; url: string; headers: [string, string][] };
  /** The response's header list: the full one, or a compact one when nobody looks at every header. */
  list: [string, string][];
  /** chromium: the answer is a permanent redirect replayed from the HTTP cache. */
  fromCache: boolean;
}

/**
 * The request's header list for the network: the page's headers, `Origin`, the Fetch metadata
 * headers and `Cookie`.
 * https://fetch.spec.whatwg.org/#http-network-or-cache-fetch (steps 8.4-8.17)
 */
async function networkHeaderList(
  ctx: FetchContext,
  req: NormalizedRequest,
  withCredentials: boolean,
): Promise<[string, string][]> {
  const profile = ctx.profile;
  const headers: [string, string][] = req.headers.map(([k, v]) => [k, v]);
  // 8.10. Append a request `Origin` header for httpRequest.
  const originHeader = requestOriginHeader(req);
  if (originHeader !== null) headers.push(['origin', originHeader]);
  // 8.12. Append the Fetch metadata headers for httpRequest (only to a potentially trustworthy URL).
  const metadata = sendsFetchMetadata(req.url);
  const site = metadata ? secFetchSite(req, profile) : '';
  if (metadata) {
    headers.push(['sec-fetch-site', site]);
    headers.push(['sec-fetch-mode', req.mode]);
    headers.push(['sec-fetch-dest', secFetchDest(req.initiator)]);
  }
  // 8.17. If includeCredentials is true: the cookies. Departs from the spec where the profile has
  //       sendsStorageAccess (chromium, firefox): `Sec-Fetch-Storage-Access: none` on a cross-site one.
  if (withCredentials) {
    const storageAccess =
      metadata && profile.sendsStorageAccess && req.credentials === 'include' && site === 'cross-site';
    if (storageAccess) headers.push(['sec-fetch-storage-access', 'none']);
    const cookie = await cookieHeader(ctx, req);
    if (cookie !== null) headers.push(['cookie', cookie]);
  }
  return headers;
}

/**
 * chromium: keeps a 301 or 308 answer to a GET as the HTTP cache keeps it (heuristically fresh),
 * when nothing in the answer limits caching.
 */
function rememberPermanentRedirect(ctx: FetchContext, req: NormalizedRequest, answer: Answer): void {
  if (!ctx.profile.cachesPermanentRedirects || req.method !== 'GET') return;
  const status = answer.res.status;
  if (status !== 301 && status !== 308) return;
  const list = answer.headers ?? responseHeaderList(answer.res);
  const has = (name: string) => list.some((h) => h[0] === name);
  if (has('cache-control') || has('expires') || has('pragma') || has('vary') || !has('location')) return;
  ctx.permanentRedirects.set(req.url.href, { status, headers: list });
}

/**
 * HTTP-network-or-cache fetch for the current request, with the response tainting main fetch set.
 * https://fetch.spec.whatwg.org/#http-network-or-cache-fetch
 */
export async function httpNetworkOrCacheFetch(
  ctx: FetchContext,
  fp: FetchParams,
  tainting: ResponseTainting,
): Promise<NetworkAnswer | NetworkError> {
  const req = fp.request;
  // 8.2. Let includeCredentials be true if request's credentials mode is "include", or
  //      "same-origin" and request's response tainting is "basic"; false if Cross-Origin-Embedder-
  //      Policy allows credentials returns false (checks.ts).
  const withCredentials = requestIncludesCredentials(ctx, req, tainting);
  const headers = await networkHeaderList(ctx, req, withCredentials);
  const sent = { method: req.method, url: req.url.href, headers };
  // 8.21-8.22. The HTTP cache. Departs from the spec for chromium (profile cachesPermanentRedirects):
  //            a permanent redirect answered before is served from the cache.
  const cached =
    req.method === 'GET' && ctx.permanentRedirects.size > 0
      ? ctx.permanentRedirects.get(req.url.href)
      : undefined;
  if (cached) {
    ctx.emit({ type: 'http-cache-hit', url: req.url.href, status: cached.status });
    const res = new Response(null, { status: cached.status, headers: cached.headers });
    return { res, headers: cached.headers, sent, list: cached.headers, fromCache: true };
  }
  if (ctx.observed) ctx.emit({ type: 'actual-sent', url: req.url.href, method: req.method, headers });
  // 10. If response is null: set response to the result of HTTP-network fetch.
  const answer = await httpNetworkFetch(ctx, req, req.url, {
    method: req.method,
    headers,
    body: req.body === 'none' ? null : fp.body,
    signal: fp.signal,
    redirect: 'manual',
    ...(req.body === 'stream' ? { duplex: 'half' } : {}),
  } as TransportInit);
  if (answer instanceof NetworkError) return answer;
  // Over a given fetch: every header only when someone will look at them (events, cookies) or may read them all.
  const list =
    answer.headers ??
    (ctx.observed || (withCredentials && ctx.jar) ? null : compactHeaderList(answer.res, req, tainting)) ??
    responseHeaderList(answer.res);
  // HTTP-network fetch 15: the `Set-Cookie` lines go to the cookie store.
  if (withCredentials) await storeCookies(ctx, req, list);
  rememberPermanentRedirect(ctx, req, answer);
  return { ...answer, sent, list, fromCache: false };
}
