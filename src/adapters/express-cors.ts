/**
 * `cors(options)` of `crossorigin/express`: the drop-in for the `cors` package. The options are the
 * `cors-compat` core's; this file only wires its decisions into a `(req, res, next)` middleware
 * through the node glue (headers set, `Vary` merged and kept merged, preflights answered).
 */
import type { IncomingMessage, ServerResponse } from 'node:http';
import { applyDecision, type HttpDecision, NodeRequestView } from '../_http/index.js';
import { type CorsOptions, type CorsOptionsDelegate, createCorsCompat } from '../cors-compat/index.js';

/** A `cors`-style middleware: `(req, res, next)`, as Express, Connect and NestJS call it. */
export type CorsMiddleware<T extends IncomingMessage = IncomingMessage> = (
  req: T,
  res: ServerResponse,
  next: (err?: unknown) => void,
) => void;

/** Applies a decision (null: CORS off) and continues unless it ended the response. */
function finish(res: ServerResponse, d: HttpDecision | null, next: (err?: unknown) => void): void {
  let ended: boolean;
  try {
    ended = d !== null && applyDecision(res, d);
  } catch (error) {
    next(error);
    return;
  }
  if (!ended) next();
}

/**
 * The `cors` package's middleware, validated. Accepts the same options (or an options delegate
 * `(req, callback) => …`) and answers with the same responses for every safe configuration; see
 * docs/server.md for the deliberate differences. `origin: '*'` (the default) with
 * `credentials: true` is sent as `cors` sends it, and a process warning says why browsers then
 * refuse credentialed reads.
 *
 * Defaults (as `cors`): `origin: '*'`, `methods: 'GET,HEAD,PUT,PATCH,POST,DELETE'`,
 * `allowedHeaders`: reflect the (checked) request headers, `credentials: false`, no `maxAge`,
 * `preflightContinue: false`, `optionsSuccessStatus: 204`; every `dangerously…` option `false`.
 *
 * @throws CorsConfigError at start-up, listing every problem of a static configuration. An options
 *   delegate's answer with problems is passed to `next(error)` instead.
 * @example
 * ```ts
 * import express from 'express';
 * // before: import cors from 'cors';
 * import { cors } from 'crossorigin/express';
 *
 * const app = express();
 * app.use(cors({ origin: ['https://app.example.com', /^https:\/\/[a-z0-9-]+\.example\.com$/], credentials: true }));
 * ```
 */
export function cors<T extends IncomingMessage = IncomingMessage>(
  options?: CorsOptions | CorsOptionsDelegate<T>,
): CorsMiddleware<T> {
  const compat = createCorsCompat<T>(options);
  const decide = compat.decide;
  if (decide !== undefined) {
    return function corsMiddleware(req, res, next) {
      finish(res, decide(new NodeRequestView(req)), next);
    };
  }
  return function corsMiddleware(req, res, next) {
    compat.resolve(req, new NodeRequestView(req), (error, d) => {
      if (d !== null) finish(res, d, next);
      else if (error === undefined) next();
      else next(error);
    });
  };
}
