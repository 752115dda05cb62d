/**
 * Cross-Origin-Embedder-Policy (HTML): parsing the header, what it changes for a subresource
 * request, and `crossOriginIsolated`.
 */
import { isPotentiallyTrustworthyOrigin, isSameOrigin, parseOrigin } from '../../origin/index.js';
import type { EmbedderPolicyValue } from '../page-context.js';
import type { CredentialsMode, RequestMode } from '../types.js';

/** The page context's type (src/browser/page-context.ts). */
export type { EmbedderPolicyValue };

/**
 * Obtain an embedder policy's value from a `Cross-Origin-Embedder-Policy` header (a structured
 * header token; parameters such as `report-to` are ignored). Anything else is `unsafe-none`.
 * Only a secure context's response is consulted.
 * https://html.spec.whatwg.org/multipage/browsers.html#obtain-an-embedder-policy
 */
export function parseEmbedderPolicy(value: string | null | undefined, pageUrl: string): EmbedderPolicyValue {
  // 1-2. If the environment is not a secure context, the policy stays "unsafe-none".
  if (!isPotentiallyTrustworthyOrigin(parseOrigin(pageUrl))) return 'unsafe-none';
  if (value === null || value === undefined) return 'unsafe-none';
  // 3. Parse as a structured field item: a token, then optional `;param` parameters.
  const token = value.trim().split(';')[0]?.trim() ?? '';
  return token === 'require-corp' || token === 'credentialless' ? token : 'unsafe-none';
}

/**
 * Cross-Origin-Embedder-Policy allows credentials: whether a request may include credentials under
 * its client's embedder policy (`credentialless` drops them on cross-origin `no-cors` requests).
 * https://fetch.spec.whatwg.org/#cross-origin-embedder-policy-allows-credentials
 */
export function embedderPolicyAllowsCredentials(
  policy: EmbedderPolicyValue,
  mode: RequestMode,
  sameOriginUnTainted: () => boolean,
): boolean {
  // 1. If request's mode is not "no-cors", then return true.
  if (mode !== 'no-cors') return true;
  // 2. If request's client is null, then return true. (A page without an embedder policy.)
  // 3. If request's client's policy container's embedder policy's value is not "credentialless",
  //    then return true.
  if (policy !== 'credentialless') return true;
  // 4. If request's origin is same origin with request's current URL's origin and request does not
  //    have a redirect-tainted origin, then return true.
  // 5. Return false.
  return sameOriginUnTainted();
}

/**
 * The credentials a `no-cors` subresource request goes out with under the page's embedder policy:
 * `credentialless` turns a cross-origin `no-cors` request's `include` into `same-origin`, i.e. no
 * cookies (see {@link embedderPolicyAllowsCredentials}).
 */
export function credentialsUnderEmbedderPolicy(
  policy: EmbedderPolicyValue,
  mode: RequestMode,
  credentials: CredentialsMode,
  pageOrigin: string,
  url: string,
): CredentialsMode {
  if (credentials !== 'include') return credentials;
  const allowed = embedderPolicyAllowsCredentials(policy, mode, () =>
    isSameOrigin(parseOrigin(pageOrigin), parseOrigin(url)),
  );
  return allowed ? credentials : 'same-origin';
}

/**
 * Whether a document is cross-origin isolated: COOP `same-origin` and COEP `require-corp` or
 * `credentialless`, on a secure context. It gates `SharedArrayBuffer` and fine timers.
 * https://html.spec.whatwg.org/multipage/webappapis.html#concept-settings-object-cross-origin-isolated-capability
 */
export function crossOriginIsolated(input: {
  pageUrl: string;
  coop: string | null;
  coep: string | null;
}): boolean {
  const coep = parseEmbedderPolicy(input.coep, input.pageUrl);
  if (coep === 'unsafe-none') return false;
  const coop = (input.coop ?? '').trim().split(';')[0]?.trim();
  return coop === 'same-origin';
}
