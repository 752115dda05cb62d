/**
 * The glue between the pure cores (CORS policy, CSRF guard, the `cors` drop-in) and the HTTP
 * servers around them: the request view, applying a decision, and keeping `Vary` merged, written
 * once for every adapter and the proxy. Private: not exported from the package. Loads on every
 * runtime (node:http is never imported at run time; see node-vary.ts).
 */
export type { HttpCore, HttpDecision, RequestView } from './decision.js';
export { mergeVary } from './decision.js';
export { FetchRequestView, pathAndQuery } from './fetch-view.js';
export {
  appendDecisionHeaders,
  applyDecision,
  handleWith,
  middlewareWith,
  type NodeMiddleware,
} from './node.js';
export { keepVary, varyValue } from './node-vary.js';
export { NodeRequestView, nodeHeader } from './node-view.js';
export { bodyType, decide, endStatus, type Glue, hasBody, isDecision, isThenable, report } from './run.js';
