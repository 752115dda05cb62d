/**
 * `crossorigin/express`: the CORS policy and the CSRF guard as Express middleware (Express 4 and 5,
 * app level or router level). Express's `req`/`res` are node's, so this is the node glue; it keeps
 * `Vary` merged also when the application calls `res.vary()`, `res.set('Vary', …)` or `res.append`.
 * It also re-exports `cors(options)`, the drop-in for the `cors` package (a one-line migration).
 */
import type { IncomingMessage, ServerResponse } from 'node:http';
import { middlewareWith } from '../_http/index.js';
import { type AdapterOptions, type CorsInput, type CsrfInput, corsGlue, csrfGlue } from './_shared.js';

export type { CorsOptions, CorsOptionsDelegate, CustomOrigin, StaticOrigin } from '../cors-compat/index.js';
/** The drop-in for the `cors` package: `cors(options)` with its exact option shapes (see src/cors-compat). */
export { type CorsMiddleware, cors } from './express-cors.js';
export type { AdapterOptions, CorsInput, CsrfInput };

/** An Express-compatible middleware (`app.use(mw)`, `router.use(mw)`, `app.get(path, mw, handler)`). */
export type ExpressMiddleware = (
  req: IncomingMessage,
  res: ServerResponse,
  next: (error?: unknown) => void,
) => void;

/**
 * CORS middleware for Express. Answers preflights itself (204 allowed, 403 refused, with no body
 * unless the policy's `debug` asks for one), adds CORS headers to every other request from an
 * allowed origin and calls `next()`. OPTIONS requests that are not preflights (no
 * `Access-Control-Request-Method`) reach your routes.
 *
 * @param configOrPolicy a policy from `createCorsPolicy`, or its configuration (validated now: an
 *   invalid configuration throws a `CorsConfigError` at start-up).
 * @param options `onError` (default: `console.error`) is called if the policy fails; the request
 *   then continues without CORS headers.
 * @example
 * ```ts
 * import express from 'express';
 * import { corsMiddleware } from 'crossorigin/express';
 *
 * const app = express();
 * app.use(corsMiddleware({ origins: ['https://app.example'], credentials: true }));
 * // or per router: router.use(corsMiddleware(policy))
 * app.get('/api/me', (req, res) => res.json({ ok: true }));
 * app.listen(8080);
 * ```
 */
export function corsMiddleware(configOrPolicy: CorsInput, options?: AdapterOptions): ExpressMiddleware {
  return middlewareWith(corsGlue(configOrPolicy, options)) as ExpressMiddleware;
}

/**
 * CSRF middleware for Express: refuses cross-origin state-changing requests with 403 (or the
 * guard's deny answer) and calls `next()` for the others.
 *
 * @param optionsOrGuard a guard from `createCsrfGuard`, or its options (see `crossorigin/csrf`).
 * @param options `onError` (default: `console.error`) is called if the guard fails; the request is
 *   then refused with 403.
 * @example
 * ```ts
 * import express from 'express';
 * import { csrfMiddleware } from 'crossorigin/express';
 *
 * const app = express();
 * app.use(csrfMiddleware({ origin: 'https://app.example' }));
 * app.post('/transfer', (req, res) => res.send('done'));
 * ```
 */
export function csrfMiddleware(optionsOrGuard: CsrfInput, options?: AdapterOptions): ExpressMiddleware {
  return middlewareWith(csrfGlue(optionsOrGuard, options)) as ExpressMiddleware;
}
