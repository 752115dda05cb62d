/**
 * The CORS policy as the proxy uses it, through the shared Node glue (src/_http): decided first
 * for every request through a `NodeRequestView` (so refusals carry its headers), asked whether it
 * grants the requesting origin (`decision.allowed`); server.ts applies an ending decision (a
 * preflight) with `applyDecision`. Nothing here reads a decision through a cast.
 */
import {
  decide,
  type Glue,
  type HttpCore,
  type HttpDecision,
  isThenable,
  type RequestView,
} from '../_http/index.js';
import { ProxyFailure, truncate } from './failure.js';

/** The decision of a request the policy never saw (a failure before it ran). */
export const NO_DECISION: HttpDecision = { allowed: true, headers: [], vary: [], end: false };

/** What `decide` answers when the policy threw, rejected or answered something not a decision. */
const POLICY_FAILED: HttpDecision = { allowed: false, headers: [], vary: [], end: false };

function ignore(): void {
  // The proxy has no error hook: a failing policy is answered 500 (see decideCors).
}

/** The glue of one proxy's policy, built once (`decide` runs the policy through it). */
export function corsGlue(policy: HttpCore): Glue {
  return { core: policy, failure: POLICY_FAILED, onError: ignore };
}

/**
 * The policy's decision for a request (synchronously when the policy answers synchronously). A
 * policy that fails is a 500 `internal-error`, never an exception of its own.
 */
export function decideCors(glue: Glue, view: RequestView): HttpDecision | Promise<HttpDecision> {
  const d = decide(glue, view);
  if (isThenable<HttpDecision>(d)) return Promise.resolve(d).then(checked);
  return checked(d);
}

function checked(d: HttpDecision): HttpDecision {
  if (d === POLICY_FAILED) throw new ProxyFailure(500, 'internal-error', 'the CORS policy failed');
  return d;
}

/** The 403 refusal for an origin the policy does not grant, with the policy's own detail. */
export function originRefused(decision: HttpDecision, origin: string): ProxyFailure {
  const detail = decision.detail;
  const base = `the origin ${truncate(origin)} is not allowed to use this proxy by its CORS policy`;
  const reason = detail ? `${base} (${truncate(detail)})` : base;
  return new ProxyFailure(403, 'origin-not-allowed', reason);
}
