/**
 * `crossorigin/fetch`: the CORS policy and the CSRF guard around a Fetch-style handler
 * `(request, ...rest) => Response | Promise<Response>`: Cloudflare Workers, Deno, Bun, Node's
 * `Request`/`Response`, and anything else speaking the Fetch API. Translation only.
 *
 * Responses can have immutable headers (a `fetch()` result, `Response.redirect()`, Workers' cache
 * reads): when setting a header throws, the response is copied with `new Response(body, response)`
 * first. A `101 Switching Protocols` response (a WebSocket upgrade) is returned untouched, since it
 * cannot be copied.
 */
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
  type RequestView,
  report,
} from '../_http/index.js';
import { type AdapterOptions, type CorsInput, type CsrfInput, corsGlue, csrfGlue } from './_shared.js';

export type { AdapterOptions, CorsInput, CsrfInput };

/** A Fetch-style handler: Workers' `fetch(request, env, ctx)`, Deno.serve's, Bun.serve's. */
export type FetchHandler<Rest extends unknown[] = unknown[]> = (
  request: Request,
  ...rest: Rest
) => Response | Promise<Response>;

/** The response a decision that ends the request is answered with. */
function decisionResponse(d: HttpDecision): Response {
  const status = endStatus(d);
  const headers = new Headers();
  for (const [name, value] of d.headers) headers.set(name, value);
  if (d.vary.length > 0) headers.set('vary', mergeVary(null, d.vary));
  if (hasBody(d, status)) {
    headers.set('content-type', bodyType(d));
    return new Response(d.body, { status, headers });
  }
  return new Response(null, { status, headers });
}

/**
 * Adds a continuing decision's headers to the application's response, merging `Vary`; copies the
 * response when its headers are immutable.
 */
function decorateResponse(response: Response, d: HttpDecision): Response {
  if (d.headers.length === 0 && d.vary.length === 0) return response;
  if (response.status === 101) return response;
  try {
    setAll(response.headers, d);
    return response;
  } catch {
    const copy = new Response(response.body, response);
    setAll(copy.headers, d);
    return copy;
  }
}

function setAll(headers: Headers, d: HttpDecision): void {
  for (const [name, value] of d.headers) headers.set(name, value);
  if (d.vary.length > 0) headers.set('vary', mergeVary(headers.get('vary'), d.vary));
}

function safeResponse(glue: Glue, view: RequestView, d: HttpDecision): Response | null {
  try {
    return d.end ? decisionResponse(d) : null;
  } catch (error) {
    report(glue, error, view);
    return glue.failure.end ? decisionResponse(glue.failure) : null;
  }
}

function wrap<Rest extends unknown[]>(glue: Glue, handler: FetchHandler<Rest>): FetchHandler<Rest> {
  const after = (view: RequestView, d: HttpDecision, response: Response): Response => {
    try {
      return decorateResponse(response, d);
    } catch (error) {
      report(glue, error, view);
      return response;
    }
  };
  const run = (
    request: Request,
    rest: Rest,
    view: RequestView,
    d: HttpDecision,
  ): Response | Promise<Response> => {
    const early = safeResponse(glue, view, d);
    if (early !== null) return early;
    const response = handler(request, ...rest);
    if (isThenable<Response>(response)) return Promise.resolve(response).then((r) => after(view, d, r));
    return after(view, d, response);
  };
  return (request: Request, ...rest: Rest) => {
    const view = new FetchRequestView(request);
    const d = decide(glue, view);
    if (isThenable<HttpDecision>(d)) return d.then((decision) => run(request, rest, view, decision));
    return run(request, rest, view, d);
  };
}

/**
 * Wraps a Fetch handler with CORS. Preflights are answered without calling the handler (204 allowed,
 * 403 refused); other requests reach the handler and its response gets the CORS headers, with `Vary`
 * merged into the handler's. Errors thrown by the handler propagate unchanged (they are yours).
 *
 * @param configOrPolicy a policy from `createCorsPolicy`, or its configuration (validated now).
 * @param handler `(request, ...rest) => Response | Promise<Response>`; `rest` (Workers' `env` and
 *   `ctx`, Deno's `info`, Bun's `server`) is passed through.
 * @param options `onError` (default: `console.error`) is called if the policy fails; the request
 *   then continues without CORS headers.
 * @example
 * ```ts
 * import { withCors } from 'crossorigin/fetch';
 *
 * export default {
 *   fetch: withCors({ origins: ['https://app.example'] }, async (request, env) => {
 *     return Response.json({ ok: true });
 *   }),
 * };
 * // Deno: Deno.serve(withCors(config, handler)); Bun: Bun.serve({ fetch: withCors(config, handler) })
 * ```
 */
export function withCors<Rest extends unknown[]>(
  configOrPolicy: CorsInput,
  handler: FetchHandler<Rest>,
  options?: AdapterOptions,
): FetchHandler<Rest> {
  return wrap(corsGlue(configOrPolicy, options), handler);
}

/**
 * Wraps a Fetch handler with CSRF protection: cross-origin state-changing requests are refused with
 * 403 (or the guard's deny answer) without calling the handler.
 *
 * @param optionsOrGuard a guard from `createCsrfGuard`, or its options (see `crossorigin/csrf`).
 * @param handler the handler to protect.
 * @param options `onError` (default: `console.error`) is called if the guard fails; the request is
 *   then refused with 403.
 * @example
 * ```ts
 * import { withCsrf } from 'crossorigin/fetch';
 *
 * Deno.serve(withCsrf({ origin: 'https://app.example' }, (request) => new Response('ok')));
 * ```
 */
export function withCsrf<Rest extends unknown[]>(
  optionsOrGuard: CsrfInput,
  handler: FetchHandler<Rest>,
  options?: AdapterOptions,
): FetchHandler<Rest> {
  return wrap(csrfGlue(optionsOrGuard, options), handler);
}
