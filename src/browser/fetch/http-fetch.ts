/**
 * HTTP fetch: the CORS-preflight fetch when the request needs one (and the cache has no entry), the
 * request itself through HTTP-network-or-cache fetch, the CORS check of its answer, and a redirect
 * handed to HTTP-redirect fetch.
 * https://fetch.spec.whatwg.org/#http-fetch
 */
import { preflightReasons } from '../classify.js';
import { corsCheck } from '../cors-check.js';
import type { CorsError } from '../errors/index.js';
import { redirectStep } from '../redirect.js';
import type { ResponseTainting } from '../types.js';
import { crossOriginResourcePolicyCheck } from './checks.js';
import { type FetchContext, type FetchParams, NetworkError, networkError, safely } from './context.js';
import { corsPreflightFetch } from './cors-preflight-fetch.js';
import { discard } from './filtered-response.js';
import { httpNetworkOrCacheFetch, type NetworkAnswer } from './http-network-or-cache-fetch.js';
import { httpRedirectFetch } from './http-redirect-fetch.js';

/**
 * The response HTTP fetch gives main fetch: the answer (`opaque-redirect` for redirect mode
 * `manual`), for the request `fp.request` is once every redirect has been followed.
 */
export type InternalResponse =
  | { kind: 'response'; answer: NetworkAnswer }
  | { kind: 'opaque-redirect'; answer: NetworkAnswer };

/** Reports the answer to `onResponse` with the verdict on it. */
export function report(
  ctx: FetchContext,
  kind: 'redirect' | 'actual',
  answer: NetworkAnswer,
  error: CorsError | null,
): void {
  if (ctx.emitResponse === undefined) return;
  safely(ctx.emitResponse, {
    kind,
    request: answer.sent,
    response: { status: answer.res.status, headers: answer.list },
    fromCache: answer.fromCache,
    error,
  });
}

/** The answer failed a check: its body goes, the observers hear of it, a network error results. */
async function refuse(ctx: FetchContext, answer: NetworkAnswer, error: CorsError): Promise<NetworkError> {
  report(ctx, 'actual', answer, error);
  await discard(answer.res);
  return networkError(ctx, error);
}

/**
 * HTTP fetch for the current request, with the response tainting main fetch set.
 * https://fetch.spec.whatwg.org/#http-fetch
 */
export async function httpFetch(
  ctx: FetchContext,
  fp: FetchParams,
  tainting: ResponseTainting,
): Promise<InternalResponse | NetworkError> {
  const profile = ctx.profile;
  const req = fp.request;
  // 4.1. If makeCORSPreflight is true (response tainting "cors" and a method or header that is not
  //      safelisted, or the use-CORS-preflight flag) and there is no method or header-name cache
  //      entry match: let preflightResponse be the result of a CORS-preflight fetch.
  if (tainting === 'cors' && preflightReasons(req, profile).reasons.length > 0) {
    if (ctx.cache.allows(req)) {
      ctx.emit({ type: 'cache-hit', url: req.url.href, method: req.method });
    } else {
      // 4.1.2. If preflightResponse is a network error, then return it.
      const failed = await corsPreflightFetch(ctx, fp);
      if (failed !== null) return failed;
    }
  }
  // 4.3. Set response to the result of running HTTP-network-or-cache fetch given fetchParams.
  const answer = await httpNetworkOrCacheFetch(ctx, fp, tainting);
  if (answer instanceof NetworkError) return answer;
  const view = { status: answer.res.status, headers: answer.list };
  // 4.4. If request's response tainting is "cors" and a CORS check for request and response returns
  //      failure, then return a network error.
  if (tainting === 'cors') {
    const error = corsCheck(req, view, profile);
    if (error !== null) {
      // Departs from the spec's silence for firefox and spec (profile clearsCacheOnCorsFailure): the
      // preflight cache entries for this URL go too.
      if (profile.clearsCacheOnCorsFailure) ctx.cache.clear(req);
      return refuse(ctx, answer, error);
    }
  }
  // 7. If either request's response tainting or response's type is "opaque", and the cross-origin
  //    resource policy check returns blocked, then return a network error (checks.ts).
  const blocked = crossOriginResourcePolicyCheck(ctx, fp, tainting, answer);
  if (blocked !== null) return refuse(ctx, answer, blocked);
  // 8. If actualResponse's status is a redirect status: switch on request's redirect mode.
  const step = redirectStep(req, view, profile, fp.redirectCount);
  switch (step.kind) {
    case 'error':
      return refuse(ctx, answer, step.error);
    case 'opaque-redirect':
      // "manual": an opaque-redirect filtered response.
      report(ctx, 'actual', answer, null);
      await discard(answer.res);
      return { kind: 'opaque-redirect', answer };
    case 'follow':
      // "follow": the result of HTTP-redirect fetch.
      report(ctx, 'redirect', answer, null);
      await discard(answer.res);
      return httpRedirectFetch(ctx, fp, step, answer.res.status);
    default:
      // An opaque answer is reported by main fetch, once opaque-response blocking has judged it.
      if (tainting !== 'opaque') report(ctx, 'actual', answer, null);
      return { kind: 'response', answer };
  }
}
