/**
 * `crossorigin/node`: the CORS policy and the CSRF guard on plain `node:http` (and anything built on
 * its `IncomingMessage` / `ServerResponse`, such as Express or Connect). Translation only: the
 * policy or guard decides, this module reads the request and writes the response.
 */
import type { IncomingMessage, ServerResponse } from 'node:http';
import { handleWith, middlewareWith, type NodeMiddleware } from '../_http/index.js';
import {
  type AdapterOptions,
  type CorsInput,
  type CsrfInput,
  cachedGlue,
  corsGlue,
  csrfGlue,
} from './_shared.js';

export {
  csrfUpgrade,
  csrfVerifyClient,
  type UpgradeListener,
  type VerifyClientCallback,
  type VerifyClientInfo,
} from './node-upgrade.js';
export type { AdapterOptions, CorsInput, CsrfInput, NodeMiddleware };

/**
 * CORS for `node:http`: a `(req, res, next?)` middleware. It sets the CORS headers the policy decided
 * and merges `Vary` with the application's (also when the application sets `Vary` later), answers
 * preflights itself (204 when allowed, 403 when refused) and calls `next()` for every other request.
 * Without `next` it simply returns after setting headers; use {@link handleCors} to know whether the
 * response was finished.
 *
 * @param configOrPolicy a policy from `createCorsPolicy`, or its configuration (validated now:
 *   an invalid configuration throws a `CorsConfigError` at start-up, listing every problem).
 * @param options `onError` (default: `console.error`) is called if the policy fails; the request
 *   then continues without CORS headers (the browser refuses the cross-origin read).
 * @example
 * ```ts
 * import { createServer } from 'node:http';
 * import { corsMiddleware } from 'crossorigin/node';
 *
 * const cors = corsMiddleware({ origins: ['https://app.example'], credentials: true });
 * createServer((req, res) => {
 *   cors(req, res, () => {
 *     res.setHeader('content-type', 'application/json');
 *     res.end('{"ok":true}');
 *   });
 * }).listen(8080);
 * ```
 */
export function corsMiddleware(configOrPolicy: CorsInput, options?: AdapterOptions): NodeMiddleware {
  return middlewareWith(corsGlue(configOrPolicy, options));
}

/**
 * Runs the CORS policy on one request and says whether the response is finished (`true`: a preflight
 * was answered, do nothing more; `false`: headers were set, handle the request). Returns a Promise
 * only when the policy is asynchronous (an async origin resolver on a cache miss). Never throws.
 * A configuration object is compiled on first use and cached for that object (and options object).
 *
 * @example
 * ```ts
 * import { createServer } from 'node:http';
 * import { createCorsPolicy } from 'crossorigin/server';
 * import { handleCors } from 'crossorigin/node';
 *
 * const policy = createCorsPolicy({ origins: ['https://app.example'] });
 * createServer(async (req, res) => {
 *   if (await handleCors(policy, req, res)) return;
 *   res.end('hello');
 * }).listen(8080);
 * ```
 */
export function handleCors(
  policy: CorsInput,
  req: IncomingMessage,
  res: ServerResponse,
  options?: AdapterOptions,
): boolean | Promise<boolean> {
  return handleWith(cachedGlue(policy, options, corsGlue), req, res);
}

/**
 * CSRF protection for `node:http`: a `(req, res, next?)` middleware that refuses cross-origin
 * state-changing requests (403, or the guard's deny answer) and calls `next()` for the others.
 *
 * @param optionsOrGuard a guard from `createCsrfGuard`, or its options (`origin`, or `scheme`, is
 *   required to know the request's own origin; see `crossorigin/csrf`).
 * @param options `onError` (default: `console.error`) is called if the guard fails; the request is
 *   then refused with 403 (a guard that cannot decide never allows).
 * @example
 * ```ts
 * import { createServer } from 'node:http';
 * import { csrfMiddleware } from 'crossorigin/node';
 *
 * const csrf = csrfMiddleware({ origin: 'https://app.example' });
 * createServer((req, res) => csrf(req, res, () => res.end('ok'))).listen(8080);
 * ```
 */
export function csrfMiddleware(optionsOrGuard: CsrfInput, options?: AdapterOptions): NodeMiddleware {
  return middlewareWith(csrfGlue(optionsOrGuard, options));
}

/**
 * Runs the CSRF guard on one request; `true` when it refused and the response is finished, `false`
 * when the request may go on. Never throws. An options object passed here is compiled on first use
 * and cached for that object.
 *
 * @param guard a guard from `createCsrfGuard`, or its options.
 * @param options `onError` (default: `console.error`); if the guard fails the request is refused.
 * @example
 * ```ts
 * import { createServer } from 'node:http';
 * import { createCsrfGuard } from 'crossorigin/csrf';
 * import { handleCsrf } from 'crossorigin/node';
 *
 * const guard = createCsrfGuard({ origin: 'https://app.example' });
 * createServer((req, res) => {
 *   if (handleCsrf(guard, req, res)) return; // refused with 403
 *   res.end('ok');
 * }).listen(8080);
 * ```
 */
export function handleCsrf(
  guard: CsrfInput,
  req: IncomingMessage,
  res: ServerResponse,
  options?: AdapterOptions,
): boolean | Promise<boolean> {
  return handleWith(cachedGlue(guard, options, csrfGlue), req, res);
}
