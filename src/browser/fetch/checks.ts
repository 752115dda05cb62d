/**
 * The checks main fetch and HTTP fetch make at the spec's positions that the engine does not model
 * yet. Each returns null (allowed) or the `CorsError` the request fails with; the fetch layers turn a
 * non-null answer into a network error. The modules that model them (mixed content, CSP, Local
 * Network Access, bad ports; CORP, COEP, ORB) plug in here, so the layers stay as they are.
 */
import type { CorsError } from '../errors/index.js';
import type { FetchContext, FetchParams } from './context.js';
import type { NetworkAnswer } from './http-network-or-cache-fetch.js';

/**
 * Main fetch step 7: should request be blocked due to a bad port, should fetching request be
 * blocked as mixed content, or should request be blocked by Content Security Policy (and Local
 * Network Access, where a profile enforces it). Runs for every hop, before anything is sent.
 * https://fetch.spec.whatwg.org/#main-fetch (step 7)
 */
export function requestBlockedBeforeFetch(_ctx: FetchContext, _fp: FetchParams): CorsError | null {
  return null;
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
