/**
 * CORS-preflight fetch: the OPTIONS request before a request that is not simple, its check, and the
 * preflight cache.
 * https://fetch.spec.whatwg.org/#cors-preflight-fetch
 */
import { checkPreflightResponse, preflightRequest } from '../preflight.js';
import { type FetchContext, type FetchParams, NetworkError, networkError, safely } from './context.js';
import { discard, responseHeaderList } from './filtered-response.js';
import { httpNetworkFetch } from './http-network-fetch.js';

/**
 * Sends the preflight for the current request and checks its answer: null on success (the cache
 * then holds the entry), else the network error.
 * https://fetch.spec.whatwg.org/#cors-preflight-fetch
 */
export async function corsPreflightFetch(ctx: FetchContext, fp: FetchParams): Promise<NetworkError | null> {
  const req = fp.request;
  const profile = ctx.profile;
  // 1-5. The preflight request: OPTIONS, Accept, Access-Control-Request-Method, -Headers (and Origin,
  //      Fetch metadata, as HTTP-network-or-cache fetch adds them).
  const pre = preflightRequest(req, profile);
  ctx.emit({ type: 'preflight-sent', url: pre.url, method: 'OPTIONS', headers: pre.headers });
  // 6. Let response be the result of running HTTP-network-or-cache fetch given a new fetch params
  //    for preflight (no cookies: credentials mode "omit").
  const answer = await httpNetworkFetch(ctx, req, new URL(pre.url), {
    method: 'OPTIONS',
    headers: pre.headers,
    signal: fp.signal,
    redirect: 'manual',
  });
  if (answer instanceof NetworkError) return answer;
  const res = answer.res;
  const headers = answer.headers ?? responseHeaderList(res);
  await discard(res);
  // 7. If a CORS check for request and response returns success and response's status is an ok
  //    status, check the methods and headers and create the cache entries (preflight.ts).
  const check = checkPreflightResponse(req, { status: res.status, headers }, profile);
  ctx.emit({
    type: 'preflight-answered',
    url: pre.url,
    status: res.status,
    headers,
    ...(check.ok ? {} : { error: check.error }),
  });
  safely(ctx.emitResponse, {
    kind: 'preflight',
    request: { method: 'OPTIONS', url: pre.url, headers: pre.headers },
    response: { status: res.status, headers },
    fromCache: false,
    error: check.ok ? null : check.error,
  });
  if (check.ok) {
    ctx.cache.store(req, check.entry);
    return null;
  }
  // 8. Otherwise, return a network error (and the cache entries for the request go).
  ctx.cache.clear(req);
  return networkError(ctx, check.error);
}
