/**
 * Main fetch: the refusals made before anything is sent, the response tainting, HTTP fetch, and
 * (for the outermost call) the filtered response the page sees.
 * https://fetch.spec.whatwg.org/#main-fetch
 */
import { mainFetchRefusal } from '../classify.js';
import { exposedHeaderNames } from '../expose.js';
import { orbBlockIsNetworkError } from '../isolation/index.js';
import { responseTainting } from '../request.js';
import { opaqueResponseBlocking, pageLinesOnFinalResponse, requestBlockedBeforeFetch } from './checks.js';
import {
  type BrowserFetchEvent,
  type FetchContext,
  type FetchParams,
  NetworkError,
  networkError,
} from './context.js';
import { discard, opaqueResponse, present } from './filtered-response.js';
import { httpFetch, type InternalResponse, report } from './http-fetch.js';
import type { NetworkAnswer } from './http-network-or-cache-fetch.js';

/**
 * Main fetch for `fp.request`. With `recursive` (a redirect hop, from HTTP-redirect fetch) it gives
 * back HTTP fetch's response; otherwise the filtered response for the page.
 * https://fetch.spec.whatwg.org/#main-fetch
 */
export async function mainFetch(
  ctx: FetchContext,
  fp: FetchParams,
  recursive: true,
): Promise<InternalResponse | NetworkError>;
export async function mainFetch(
  ctx: FetchContext,
  fp: FetchParams,
  recursive?: false,
): Promise<Response | NetworkError>;
export async function mainFetch(
  ctx: FetchContext,
  fp: FetchParams,
  recursive = false,
): Promise<Response | InternalResponse | NetworkError> {
  // 4-7. Report CSP violations, upgrade a mixed content request (fetchParams's request may become
  //      its upgraded twin), and if should request be blocked due to a bad port, as mixed content,
  //      or by Content Security Policy returns blocked, then set response to a network error
  //      (checks.ts).
  const blocked = requestBlockedBeforeFetch(ctx, fp);
  if (blocked !== null) return networkError(ctx, blocked);
  // 1. Let request be fetchParams's request.
  const req = fp.request;
  // 12. The first matching statement: mode "same-origin" and a cross-origin URL, mode "no-cors"
  //     with a redirect mode other than "follow", a scheme that is not HTTP(S): a network error.
  //     (Departs from the spec's order as every profile does: the scheme is checked first.)
  const refusal = mainFetchRefusal(req, ctx.profile);
  if (refusal !== null) return networkError(ctx, refusal);
  // 12. Otherwise: set request's response tainting (basic while every URL is same-origin, opaque
  //     in mode "no-cors", else cors) and run HTTP fetch (scheme fetch for an HTTP(S) URL).
  const response = await httpFetch(ctx, fp, responseTainting(req));
  // 13. If recursive is true, then return response.
  if (recursive || response instanceof NetworkError) return response;
  if (response.kind === 'response') pageLinesOnFinalResponse(ctx, fp);
  return filteredResponse(ctx, fp, response);
}

/**
 * Main fetch step 14: the response as the page sees it, for the request after every redirect.
 * https://fetch.spec.whatwg.org/#main-fetch (step 14)
 */
async function filteredResponse(
  ctx: FetchContext,
  fp: FetchParams,
  response: InternalResponse,
): Promise<Response | NetworkError> {
  const req = fp.request;
  const { answer } = response;
  if (response.kind === 'opaque-redirect') {
    ctx.emit(doneOpaque(req.url.href, 'opaqueredirect'));
    return opaqueResponse('opaqueredirect', req.url.href);
  }
  const tainting = responseTainting(req);
  // 12. "no-cors": opaque-response blocking, then 14.2. "opaque": an opaque filtered response.
  if (tainting === 'opaque') return opaqueFilteredResponse(ctx, fp, answer);
  // 14.1. If request's response tainting is "cors": the headers `Access-Control-Expose-Headers`
  //       names (expose.ts). 14.2. "basic" or "cors": a filtered response with those headers.
  const readable = exposedHeaderNames(req, { status: answer.res.status, headers: answer.list });
  const filtered = new Headers();
  for (const [k, v] of answer.list) if (readable.includes(k)) filtered.append(k, v);
  if (ctx.observed) {
    ctx.emit({
      type: 'done',
      url: req.url.href,
      status: answer.res.status,
      responseType: tainting,
      headers: answer.list,
      readableHeaders: readable,
    });
  }
  return present(
    answer.res,
    { type: tainting, url: req.url.href, redirected: req.urlList.length > 1 },
    filtered,
  );
}

/**
 * Main fetch step 12's "no-cors" branch and step 14.2's "opaque": the final answer of a
 * cross-origin no-cors request goes through opaque-response blocking (checks.ts), then becomes an
 * opaque filtered response (status 0, no headers, no body). A blocked answer is a network error,
 * as the standard says, except for `fetch()` where the profile's `orbBlockedFetch` is
 * `empty-opaque`: chromium and firefox resolve with the same empty opaque response (observed).
 * https://fetch.spec.whatwg.org/#main-fetch (steps 12 and 14)
 */
async function opaqueFilteredResponse(
  ctx: FetchContext,
  fp: FetchParams,
  answer: NetworkAnswer,
): Promise<Response | NetworkError> {
  const req = fp.request;
  const orb = await opaqueResponseBlocking(ctx, fp, answer);
  await discard(answer.res);
  if (orb instanceof NetworkError) return orb;
  report(ctx, 'actual', answer, orb);
  if (orb !== null) {
    if (orbBlockIsNetworkError(req.initiator, ctx.profile.isolation)) return networkError(ctx, orb);
    ctx.emit({ type: 'orb-emptied', url: req.url.href, error: orb });
  }
  ctx.emit(doneOpaque(req.url.href, 'opaque'));
  return opaqueResponse('opaque', req.url.href);
}

function doneOpaque(url: string, responseType: 'opaque' | 'opaqueredirect'): BrowserFetchEvent {
  return { type: 'done', url, status: 0, responseType, headers: [], readableHeaders: [] };
}
