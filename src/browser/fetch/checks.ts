/**
 * The checks main fetch and HTTP fetch make at the spec's positions beyond CORS. Each returns null
 * (allowed) or the `CorsError` the request fails with; the fetch layers turn a non-null answer into
 * a network error (or, for ORB and a `fetch()` in Chromium and Firefox, an empty opaque response).
 * The models live elsewhere (mixed content, CSP, Local Network Access: the page context; CORP,
 * COEP and ORB: ../isolation/); this file only puts them where the spec runs them, so the layers
 * stay as they are. Without a page and in `cors` mode, nothing here costs more than a comparison.
 */
import { isSameOrigin, parseOrigin } from '../../origin/index.js';
import { errorDetails } from '../classify.js';
import { type CorsError, makeCorsError } from '../errors/index.js';
import {
  crossOriginResourcePolicyCheck as corpCheck,
  corpErrorKind,
  type EmbedderPolicyValue,
  embedderPolicyAllowsCredentials,
  extractMimeType,
  MAX_JAVASCRIPT_CHECK,
  type OrbVerdict,
  opaqueResponseBlocking as orb,
} from '../isolation/index.js';
import { pageContextCheck } from '../page-checks.js';
import { hasRedirectTaintedOrigin } from '../request.js';
import type { NormalizedRequest, ResponseTainting } from '../types.js';
import type { FetchContext, FetchParams, NetworkError } from './context.js';
import { includesCredentials } from './cookies.js';
import { peekBody } from './http-network-fetch.js';
import type { NetworkAnswer } from './http-network-or-cache-fetch.js';

/** How many bytes ORB sniffs (the first 1024: HTML's "resource header"). */
const SNIFF_BYTES = 1024;

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
    ctx.profile.context,
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
 * The embedder policy of the request's client (the page, `createBrowserFetch({ page })`; already
 * `unsafe-none` outside a secure context): `unsafe-none` without a page.
 * https://html.spec.whatwg.org/multipage/browsers.html#embedder-policy
 */
export function embedderPolicyOf(ctx: FetchContext): EmbedderPolicyValue {
  return ctx.page === undefined ? 'unsafe-none' : ctx.page.coep;
}

/**
 * HTTP-network-or-cache fetch step 8.2 (includeCredentials), with the step that follows it: "If
 * Cross-Origin-Embedder-Policy allows credentials with request returns false, then set
 * includeCredentials to false" (a `credentialless` page's cross-origin `no-cors` requests).
 * https://fetch.spec.whatwg.org/#http-network-or-cache-fetch
 */
export function requestIncludesCredentials(
  ctx: FetchContext,
  req: NormalizedRequest,
  tainting: ResponseTainting,
): boolean {
  if (!includesCredentials(req, tainting)) return false;
  // (Only a no-cors request can lose them: the usual path stops here without building anything.)
  if (req.mode !== 'no-cors') return true;
  return embedderPolicyAllowsCredentials(
    embedderPolicyOf(ctx),
    req.mode,
    () => isSameOrigin(req.origin, parseOrigin(req.url)) && !hasRedirectTaintedOrigin(req),
  );
}

/**
 * HTTP fetch step 7: if either request's response tainting or response's type is "opaque", and
 * the cross-origin resource policy check with request's origin, request's client, request's
 * destination and actualResponse returns blocked, then return a network error. It runs on every
 * answer, redirects included, and with the page's embedder policy (`require-corp`: a missing
 * `Cross-Origin-Resource-Policy` counts as `same-origin`).
 * https://fetch.spec.whatwg.org/#http-fetch
 * https://fetch.spec.whatwg.org/#cross-origin-resource-policy-check
 */
export function crossOriginResourcePolicyCheck(
  ctx: FetchContext,
  fp: FetchParams,
  tainting: ResponseTainting,
  answer: NetworkAnswer,
): CorsError | null {
  if (tainting !== 'opaque') return null;
  const req = fp.request;
  const result = corpCheck(
    {
      origin: req.origin,
      url: req.url.href,
      headers: answer.list,
      embedderPolicy: embedderPolicyOf(ctx),
      includesCredentials: requestIncludesCredentials(ctx, req, tainting),
    },
    ctx.profile.isolation,
  );
  if (!result.blocked) return null;
  return makeCorsError(errorDetails(req, corpErrorKind(result)), ctx.profile.name);
}

/**
 * Main fetch step 12, the "no-cors" branch: opaque-response blocking of the final answer of a
 * cross-origin no-cors request, before it becomes an opaque filtered response. It sniffs the first
 * 1024 bytes of the body (read with {@link peekBody}: the rest stays unread); the standard's shape
 * (firefox, spec) parses the whole body as JavaScript when nothing else decided, so it reads on, up
 * to 1 MiB (a longer body counts as not JavaScript). A body that fails while being read is the
 * network error returned instead.
 * https://fetch.spec.whatwg.org/#main-fetch (step 12, "request's mode is no-cors")
 * https://whatpr.org/fetch/1442.html#orb-algorithm
 */
export async function opaqueResponseBlocking(
  ctx: FetchContext,
  fp: FetchParams,
  answer: NetworkAnswer,
): Promise<CorsError | NetworkError | null> {
  const req = fp.request;
  // A same-origin final URL (a cross-origin redirect back home) is not sniffed (chromium, firefox).
  if (isSameOrigin(req.origin, parseOrigin(req.url))) return null;
  const iso = ctx.profile.isolation;
  let peek = await peekBody(ctx, req, answer, SNIFF_BYTES, fp.signal);
  if (!('bytes' in peek)) return peek;
  const view = { status: answer.res.status, headers: answer.list, body: peek.bytes };
  let verdict: OrbVerdict = orb(view, iso);
  // The standard's last steps parse the whole body: read on when the first bytes were not all.
  const parsed = verdict.reason === 'javascript' || verdict.reason === 'not-javascript';
  if (parsed && !peek.complete) {
    peek = await peekBody(ctx, req, answer, MAX_JAVASCRIPT_CHECK + 1, fp.signal);
    if (!('bytes' in peek)) return peek;
    // A body longer than the bound is not parsed: it counts as not JavaScript.
    verdict = peek.complete
      ? orb({ ...view, body: peek.bytes }, iso)
      : { allowed: false, reason: 'not-javascript', mimeType: extractMimeType(answer.list)?.essence ?? null };
  }
  if (verdict.allowed) return null;
  return makeCorsError(
    errorDetails(req, 'blocked-by-orb', verdict.mimeType ? { hint: verdict.mimeType } : {}),
    ctx.profile.name,
  );
}
