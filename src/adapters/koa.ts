/**
 * `crossorigin/koa`: the CORS policy and the CSRF guard as Koa middleware (Koa 2 and 3).
 * Translation only. After the downstream middleware ran, `Vary` is merged again so a `ctx.set('Vary')`
 * by the application cannot drop our names; when downstream throws, the CORS headers are attached to
 * the error (`err.headers`) so Koa's error response keeps them, as `@koa/cors` does by default.
 */
import type { IncomingMessage } from 'node:http';
import {
  type AdapterOptions,
  bodyType,
  type CorsInput,
  type CsrfInput,
  corsGlue,
  csrfGlue,
  decide,
  endStatus,
  type Glue,
  type HttpDecision,
  hasBody,
  isThenable,
  mergeVary,
  nodeHeader,
  type RequestView,
  report,
} from './_shared.js';

export type { AdapterOptions, CorsInput, CsrfInput };

/** The part of Koa's context this adapter uses (structural, so Koa's types are not required). */
export interface KoaLikeContext {
  req: IncomingMessage;
  status: number;
  body: unknown;
  type: string;
  set(field: string, value: string): void;
  response: { get(field: string): string | string[] | number | undefined };
}

/** A Koa middleware. */
export type KoaMiddleware = (ctx: KoaLikeContext, next: () => Promise<unknown>) => Promise<void>;

class KoaRequestView implements RequestView {
  readonly method: string;
  readonly #req: IncomingMessage;
  constructor(req: IncomingMessage) {
    this.#req = req;
    this.method = req.method ?? 'GET';
  }
  header(name: string): string | null {
    return nodeHeader(this.#req.headersDistinct[name]);
  }
  get url(): string {
    return this.#req.url ?? '/';
  }
}

function currentVary(ctx: KoaLikeContext): string | string[] | undefined {
  const v = ctx.response.get('vary');
  return v === '' || v === undefined ? undefined : typeof v === 'number' ? String(v) : v;
}

function apply(ctx: KoaLikeContext, d: HttpDecision): boolean {
  for (const [name, value] of d.headers) ctx.set(name, value);
  if (d.vary.length > 0) ctx.set('vary', mergeVary(currentVary(ctx), d.vary));
  if (!d.end) return false;
  const status = endStatus(d);
  if (hasBody(d, status)) {
    ctx.status = status;
    ctx.type = bodyType(d);
    ctx.body = d.body;
  } else {
    // An explicit null body, set before the status (Koa turns a null body into 204 otherwise):
    // Koa then sends no body rather than its default status text.
    ctx.body = null;
    ctx.status = status;
  }
  return true;
}

function middlewareWith(glue: Glue): KoaMiddleware {
  return async function crossoriginMiddleware(ctx, next) {
    const view = new KoaRequestView(ctx.req);
    const pending = decide(glue, view);
    const d = isThenable<HttpDecision>(pending) ? await pending : pending;
    let decision = d;
    try {
      if (apply(ctx, d)) return;
    } catch (error) {
      report(glue, error, view);
      decision = glue.failure;
      try {
        if (apply(ctx, decision)) return;
      } catch {
        return;
      }
    }
    try {
      await next();
    } catch (error) {
      // Koa's error response clears headers and then sets `err.headers`: carry ours over.
      if (
        typeof error === 'object' &&
        error !== null &&
        (decision.headers.length > 0 || decision.vary.length > 0)
      ) {
        const e = error as { headers?: Record<string, string> };
        const headers: Record<string, string> = { ...e.headers };
        for (const [name, value] of decision.headers) headers[name] = value;
        if (decision.vary.length > 0) {
          const existingKey = Object.keys(headers).find((k) => k.toLowerCase() === 'vary');
          const existing = existingKey === undefined ? undefined : headers[existingKey];
          if (existingKey !== undefined) delete headers[existingKey];
          headers.vary = mergeVary(existing, decision.vary);
        }
        try {
          e.headers = headers;
        } catch {
          // A frozen error keeps its own headers.
        }
      }
      throw error;
    }
    if (decision.vary.length > 0) ctx.set('vary', mergeVary(currentVary(ctx), decision.vary));
  };
}

/**
 * CORS middleware for Koa. Answers preflights itself (204 allowed, 403 refused), adds CORS headers
 * to other requests from allowed origins and awaits `next()`; `Vary` stays merged with what
 * downstream sets, and error responses keep the CORS headers.
 *
 * @param configOrPolicy a policy from `createCorsPolicy`, or its configuration (validated now).
 * @param options `onError` (default: `console.error`) is called if the policy fails; the request
 *   then continues without CORS headers.
 * @example
 * ```ts
 * import Koa from 'koa';
 * import { corsMiddleware } from 'crossorigin/koa';
 *
 * const app = new Koa();
 * app.use(corsMiddleware({ origins: ['https://app.example'] }));
 * app.use((ctx) => { ctx.body = { ok: true }; });
 * app.listen(8080);
 * ```
 */
export function corsMiddleware(configOrPolicy: CorsInput, options?: AdapterOptions): KoaMiddleware {
  return middlewareWith(corsGlue(configOrPolicy, options));
}

/**
 * CSRF middleware for Koa: refuses cross-origin state-changing requests with 403 (or the guard's
 * deny answer) and awaits `next()` for the others.
 *
 * @param optionsOrGuard a guard from `createCsrfGuard`, or its options (see `crossorigin/csrf`).
 * @param options `onError` (default: `console.error`) is called if the guard fails; the request is
 *   then refused with 403.
 * @example
 * ```ts
 * import Koa from 'koa';
 * import { csrfMiddleware } from 'crossorigin/koa';
 *
 * const app = new Koa();
 * app.use(csrfMiddleware({ origin: 'https://app.example' }));
 * ```
 */
export function csrfMiddleware(optionsOrGuard: CsrfInput, options?: AdapterOptions): KoaMiddleware {
  return middlewareWith(csrfGlue(optionsOrGuard, options));
}
