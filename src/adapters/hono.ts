/**
 * `crossorigin/hono`: the CORS policy and the CSRF guard as Hono middleware, on every runtime Hono
 * runs on. Translation only. For requests that continue, our headers are set on the final response
 * after the handler ran, because headers prepared with `c.header()` are dropped when a handler
 * returns its own `Response`, and Hono's response setter overwrites a prepared `Vary` (the `Vary`
 * clobbering of Hono issues #2932 and #4471). Error responses from `app.onError` get them too.
 */
import type { IncomingMessage } from 'node:http';
import type { Context, MiddlewareHandler } from 'hono';
import {
  bodyType,
  decide,
  endStatus,
  FetchRequestView,
  type Glue,
  type HttpDecision,
  hasBody,
  isThenable,
  mergeVary,
  NodeRequestView,
  type RequestView,
  report,
} from '../_http/index.js';
import { type AdapterOptions, type CorsInput, type CsrfInput, corsGlue, csrfGlue } from './_shared.js';

export type { AdapterOptions, CorsInput, CsrfInput };

function setAll(headers: Headers, d: HttpDecision): void {
  for (const [name, value] of d.headers) headers.set(name, value);
  if (d.vary.length > 0) headers.set('vary', mergeVary(headers.get('vary'), d.vary));
}

/**
 * The request as the core reads it. On Node (`@hono/node-server`, and `@hono/node-ws`, which builds
 * the handshake's Request from Node's folded `headers`: one Host, one Referer) the Node message
 * itself, so that every header line counts (a repeated Host or Referer is refused); elsewhere the
 * Fetch Request.
 */
function viewOf(c: Context): RequestView {
  const incoming = (c.env as { incoming?: Partial<IncomingMessage> } | undefined)?.incoming;
  if (incoming !== null && typeof incoming === 'object' && Array.isArray(incoming.rawHeaders))
    return new NodeRequestView(incoming as IncomingMessage, c.req.method);
  return new FetchRequestView(c.req.raw);
}

function middlewareWith(glue: Glue): MiddlewareHandler {
  return async function crossoriginMiddleware(c, next) {
    const view = viewOf(c);
    const pending = decide(glue, view);
    let d = isThenable<HttpDecision>(pending) ? await pending : pending;
    if (d.end) {
      try {
        for (const [name, value] of d.headers) c.header(name, value);
        if (d.vary.length > 0) c.header('vary', mergeVary(c.res.headers.get('vary'), d.vary));
        const status = endStatus(d);
        if (hasBody(d, status)) {
          c.header('content-type', bodyType(d));
          return c.body(d.body, status as 200);
        }
        return c.body(null, status as 200);
      } catch (error) {
        report(glue, error, view);
        d = glue.failure;
        if (d.end) {
          return new Response(d.body ?? null, {
            status: endStatus(d),
            headers: { 'content-type': bodyType(d) },
          });
        }
      }
    }
    await next();
    if (d.headers.length === 0 && d.vary.length === 0) return;
    // Set on the final response: headers prepared with c.header() before next() are dropped when a
    // handler returns its own Response, and Hono's response setter overwrites a prepared Vary.
    try {
      setAll(c.res.headers, d);
    } catch {
      // Immutable headers (defensive: Hono copies the responses it is given). Clear `c.res` first,
      // or Hono's setter copies the old headers, Vary included, over the new response's.
      try {
        const copy = new Response(c.res.body, c.res);
        setAll(copy.headers, d);
        c.res = undefined as unknown as Response;
        c.res = copy;
      } catch (error) {
        report(glue, error, view);
      }
    }
  };
}

/**
 * CORS middleware for Hono. Answers preflights itself (204 allowed, 403 refused), adds CORS headers
 * to other requests from allowed origins, and merges `Vary` into the handler's response.
 *
 * @param configOrPolicy a policy from `createCorsPolicy`, or its configuration (validated now).
 * @param options `onError` (default: `console.error`) is called if the policy fails; the request
 *   then continues without CORS headers.
 * @example
 * ```ts
 * import { Hono } from 'hono';
 * import { corsMiddleware } from 'crossorigin/hono';
 *
 * const app = new Hono();
 * app.use('/api/*', corsMiddleware({ origins: ['https://app.example'] }));
 * app.get('/api/hello', (c) => c.json({ ok: true }));
 * export default app;
 * ```
 */
export function corsMiddleware(configOrPolicy: CorsInput, options?: AdapterOptions): MiddlewareHandler {
  return middlewareWith(corsGlue(configOrPolicy, options));
}

/**
 * CSRF middleware for Hono: refuses cross-origin state-changing requests with 403 (or the guard's
 * deny answer) before the handler runs.
 *
 * @param optionsOrGuard a guard from `createCsrfGuard`, or its options (see `crossorigin/csrf`).
 * @param options `onError` (default: `console.error`) is called if the guard fails; the request is
 *   then refused with 403.
 * @example
 * ```ts
 * import { Hono } from 'hono';
 * import { csrfMiddleware } from 'crossorigin/hono';
 *
 * const app = new Hono();
 * app.use(csrfMiddleware({ origin: 'https://app.example' }));
 * ```
 */
export function csrfMiddleware(optionsOrGuard: CsrfInput, options?: AdapterOptions): MiddlewareHandler {
  return middlewareWith(csrfGlue(optionsOrGuard, options));
}
