/**
 * HTTP-redirect fetch: the next hop of a redirected request. The pure decision (Location, redirect
 * count, credentials, method change, `Authorization` removal, tainting) is `redirectStep`
 * (../redirect.ts); this layer records the hop and runs main fetch again.
 * https://fetch.spec.whatwg.org/#http-redirect-fetch
 */
import type { RedirectStep } from '../redirect.js';
import type { FetchContext, FetchParams, NetworkError } from './context.js';
import type { InternalResponse } from './http-fetch.js';
import { mainFetch } from './main-fetch.js';

/**
 * Follows a redirect `redirectStep` accepted: the request becomes the step's request (its URL list
 * one longer, perhaps a GET, perhaps without `Authorization`, perhaps with a tainted origin).
 * https://fetch.spec.whatwg.org/#http-redirect-fetch
 */
export function httpRedirectFetch(
  ctx: FetchContext,
  fp: FetchParams,
  step: Extract<RedirectStep, { kind: 'follow' }>,
  status: number,
): Promise<InternalResponse | NetworkError> {
  const from = fp.request.url.href;
  ctx.emit({
    type: 'redirect',
    from,
    to: step.location.href,
    status,
    tainted: step.tainted,
    methodChanged: step.methodChanged,
    authorizationDropped: step.authorizationDropped,
  });
  // 1-16. Decided by redirectStep: locationURL, its scheme, the redirect count (7: increase it by
  //       one), credentials, the body, the method, `Authorization`, the URL list.
  fp.request = step.request;
  fp.redirectCount++;
  // 19-20. Return the result of running main fetch given fetchParams and true (recursive).
  return mainFetch(ctx, fp, true);
}
