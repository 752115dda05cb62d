/**
 * The checks main fetch and HTTP fetch make at the spec's positions. Each returns null (allowed) or
 * the `CorsError` the request fails with; the fetch layers turn a non-null answer into a network
 * error. The modules that model them (the page's checks: mixed content, CSP, Local Network Access in
 * ../page-checks.ts; CORP, COEP, ORB) plug in here, so the layers stay as they are.
 */
import { errorDetails } from '../classify.js';
import { type CorsError, makeCorsError } from '../errors/index.js';
import { pageContextCheck } from '../page-checks.js';
import type { FetchContext, FetchParams } from './context.js';
import type { NetworkAnswer } from './http-network-or-cache-fetch.js';

/**
 * Main fetch step 7: should request be blocked due to a bad port, should fetching request be
 * blocked as mixed content, or should request be blocked by Content Security Policy (and Local
 * Network Access, where a profile enforces it). Runs for every hop, before anything is sent.
 * https://fetch.spec.whatwg.org/#main-fetch (step 7)
 */
export function requestBlockedBeforeFetch(ctx: FetchContext, fp: FetchParams): CorsError | null {
  // No page: nothing of the page to check (the fast path: one test).
  const page = ctx.page;
  if (page === undefined) return null;
  const req = fp.request;
  // 4-7. The page's checks for this hop (page-checks.ts), with the upgrade decision of the first hop.
  const r = pageContextCheck(
    {
      url: req.url,
      initiator: req.initiator,
      redirectCount: fp.redirectCount,
      upgradeIfInsecure: fp.pageHop?.upgradeIfInsecure ?? false,
    },
    page,
    ctx.profile.name,
  );
  for (const message of r.console) ctx.emit({ type: 'console', message });
  if (r.refusal !== null) {
    const { kind, url, context } = r.refusal;
    return makeCorsError(errorDetails(req, kind, { url: url.href, context }), ctx.profile.name);
  }
  fp.pageHop = { upgradeIfInsecure: r.upgradeIfInsecure, onFinal: r.onFinalResponse };
  // 6. Upgrade a mixed content request to a potentially trustworthy URL: the hop goes to r.url.
  if (r.url !== req.url) fp.request = { ...req, url: r.url, urlList: [...req.urlList.slice(0, -1), r.url] };
  return null;
}

/**
 * The console lines owed to the final answer of a call (chromium: the warning for an upgraded
 * audio or video `src` that was answered directly), printed once that answer passed its checks.
 */
export function pageLinesOnFinalResponse(ctx: FetchContext, fp: FetchParams): void {
  if (fp.pageHop === undefined) return;
  for (const message of fp.pageHop.onFinal) ctx.emit({ type: 'console', message });
}

/**
 * HTTP fetch step 4.5 (and 7 for a cached response): the cross-origin resource policy check
 * (`Cross-Origin-Resource-Policy`, and COEP's `require-corp` / `credentialless` embedder policy).
 * Runs on every answer that passed the CORS check, redirects included.
 * https://fetch.spec.whatwg.org/#cross-origin-resource-policy-check
 */
export function crossOriginResourcePolicyCheck(
  _ctx: FetchContext,
  _fp: FetchParams,
  _answer: NetworkAnswer,
): CorsError | null {
  return null;
}

/**
 * Main fetch step 12, the "no-cors" branch: opaque-response blocking of the final answer of a
 * no-cors request, before it becomes an opaque filtered response.
 * https://fetch.spec.whatwg.org/#main-fetch (step 12, "request's mode is no-cors")
 * https://github.com/annevk/orb
 */
export function opaqueResponseBlocking(
  _ctx: FetchContext,
  _fp: FetchParams,
  _answer: NetworkAnswer,
): CorsError | null {
  return null;
}
