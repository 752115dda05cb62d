/**
 * The isolation checks at the fetch layers' hook points (src/browser/fetch/checks.ts): what the
 * cross-origin resource policy check of HTTP fetch and the no-cors branch of main fetch decide for
 * one answer, as `CorsErrorDetails` (null: allowed). Pure: the caller passes the page's COEP, the
 * request as the layer sees it and the answer's status, header list and (for ORB) first bytes.
 */

import { isSameOrigin, parseOrigin } from '../../origin/index.js';
import type { CorsErrorDetails } from '../errors/index.js';
import type { CredentialsMode, Initiator, RequestMode } from '../types.js';
import type { EmbedderPolicyValue } from './coep.js';
import { crossOriginResourcePolicyCheck } from './corp.js';
import { opaqueResponseBlocking } from './orb.js';
import { corpErrorKind } from './outcome.js';
import type { IsolationProfile } from './profile.js';

/** The request as a fetch layer sees it at the hook. */
export interface HookRequest {
  method: string;
  /** The current URL (of this hop). */
  url: string;
  initialUrl: string;
  /** The page's origin, serialized. */
  origin: string;
  mode: RequestMode;
  credentials: CredentialsMode;
  initiator: Initiator;
  /** Response tainting: CORP and ORB apply to `opaque` (a cross-origin no-cors request). */
  tainting: 'basic' | 'cors' | 'opaque';
  /** Whether cookies / authentication went out with this hop. */
  includesCredentials: boolean;
}

export interface HookAnswer {
  status: number;
  headers: readonly (readonly [string, string])[];
}

function details(req: HookRequest, kind: CorsErrorDetails['kind'], hint?: string): CorsErrorDetails {
  return {
    kind,
    url: req.url,
    initialUrl: req.initialUrl,
    origin: req.origin,
    requestOrigin: req.origin,
    initiator: req.initiator,
    method: req.method,
    credentials: req.credentials,
    ...(hint !== undefined ? { hint } : {}),
  };
}

/**
 * HTTP fetch step 4.5: if request's response tainting is "opaque" and the cross-origin resource
 * policy check returns blocked, a network error. https://fetch.spec.whatwg.org/#http-fetch
 */
export function corpCheckAtHttpFetch(
  req: HookRequest,
  answer: HookAnswer,
  embedderPolicy: EmbedderPolicyValue,
  profile: IsolationProfile,
): CorsErrorDetails | null {
  if (req.tainting !== 'opaque') return null;
  const result = crossOriginResourcePolicyCheck(
    {
      origin: req.origin,
      url: req.url,
      headers: answer.headers,
      embedderPolicy,
      includesCredentials: req.includesCredentials,
    },
    profile,
  );
  return result.blocked ? details(req, corpErrorKind(result)) : null;
}

/**
 * Main fetch step 12, no-cors branch: opaque-response blocking of the final answer. `body` is the
 * answer's first bytes (1024 suffice for the `chromium` shape; the spec shape parses the whole body
 * as JavaScript when nothing else decided). https://github.com/annevk/orb
 */
export function orbCheckAtMainFetch(
  req: HookRequest,
  answer: HookAnswer,
  body: Uint8Array | string,
  profile: IsolationProfile,
): CorsErrorDetails | null {
  if (req.mode !== 'no-cors' || isSameOrigin(parseOrigin(req.origin), parseOrigin(req.url))) return null;
  const verdict = opaqueResponseBlocking({ status: answer.status, headers: answer.headers, body }, profile);
  return verdict.allowed ? null : details(req, 'blocked-by-orb', verdict.mimeType ?? undefined);
}

/** What a fetch() caller gets when ORB blocks: a network error (spec) or an empty opaque response (both browsers). */
export function orbBlockIsNetworkError(
  req: Pick<HookRequest, 'initiator'>,
  profile: IsolationProfile,
): boolean {
  return req.initiator !== 'fetch' || profile.orbBlockedFetch === 'network-error';
}
