/**
 * `crossorigin/server`: the server's side of CORS. A validated, compiled policy and a pure
 * `decide()` that classifies requests as the Fetch Standard does; adapters for each framework
 * translate its decisions.
 * https://fetch.spec.whatwg.org/#http-cors-protocol
 */

export { DEBUG_HEADER } from './decide.js';
export type { CorsConfigProblem, CorsConfigProblemReason, CorsDecisionReason } from './errors.js';
export { CorsConfigError } from './errors.js';
export { createCorsPolicy } from './policy.js';
export type {
  CorsDecision,
  CorsPolicy,
  CorsPolicyConfig,
  CorsRequestKind,
  NormalizedCorsConfig,
  OriginResolver,
  RequestView,
} from './types.js';
