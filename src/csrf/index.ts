/**
 * `crossorigin/csrf`: a cross-site request forgery guard without tokens. Unsafe requests are
 * refused when the browser says they are cross-site (`Sec-Fetch-Site`), or, from browsers that do
 * not send it, when `Origin` (or `Referer`) is not the application's own origin. The guard is a
 * pure `HttpCore`; `crossorigin/node`, `/express`, `/fastify`, `/koa`, `/hono` and `/fetch` apply it.
 *
 * @example
 * ```ts
 * import { createCsrfGuard } from 'crossorigin/csrf';
 * import { csrfMiddleware } from 'crossorigin/express';
 *
 * const guard = createCsrfGuard({ origin: 'https://app.example', bypass: { prefixes: ['/webhooks'] } });
 * app.use(csrfMiddleware(guard));
 * ```
 */
export { createCsrfGuard, MAX_REFERER_LENGTH } from './guard.js';
export { MAX_FORWARDED_LENGTH, MAX_HOST_LENGTH, parseHostHeader } from './host.js';
export { CsrfOptionsError } from './options.js';
export { prefersJson, REFUSAL_MESSAGES } from './refusal.js';
export type {
  CsrfAllowed,
  CsrfAllowReason,
  CsrfBypass,
  CsrfDecision,
  CsrfDenyResponse,
  CsrfGuard,
  CsrfGuardOptions,
  CsrfOptionProblem,
  CsrfReason,
  CsrfRefusalReason,
  CsrfRefused,
  CsrfRefusedInfo,
} from './types.js';
