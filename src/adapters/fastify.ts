/**
 * `crossorigin/fastify`: the CORS policy and the CSRF guard as Fastify plugins (Fastify 4 and 5),
 * with route-level overrides through the route's `config`. Translation only: the policy or guard
 * decides in an `onRequest` hook, and an `onSend` hook keeps `Vary` merged with whatever the route
 * set. Both plugins skip encapsulation (like `fastify-plugin`), so registering them once covers every
 * route registered after them.
 */
import type {
  FastifyInstance,
  FastifyPluginCallback,
  FastifyReply,
  FastifyRequest,
  onRequestHookHandler,
  onSendHookHandler,
} from 'fastify';
import {
  bodyType,
  decide,
  endStatus,
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
import { PreflightRoutes } from './fastify-preflight.js';

export type { AdapterOptions, CorsInput, CsrfInput };

declare module 'fastify' {
  interface FastifyContextConfig {
    /**
     * Route-level CORS: `false` turns the plugin off for this route; a policy or a configuration
     * replaces the plugin's policy for this route, its preflights included (an OPTIONS to its URL
     * whose Access-Control-Request-Method is its method). A configuration is validated when the
     * route is registered.
     */
    cors?: false | CorsInput;
    /** Route-level CSRF: `false` exempts this route; a guard or options replace the plugin's. */
    csrf?: false | CsrfInput;
  }
}

/** Options of {@link corsPlugin}. */
export interface CorsPluginOptions extends AdapterOptions {
  /** The policy (from `createCorsPolicy`) or its configuration. Required. */
  policy: CorsInput;
}

/** Options of {@link csrfPlugin}. */
export interface CsrfPluginOptions extends AdapterOptions {
  /** The guard (from `createCsrfGuard`) or its options. Required. */
  guard: CsrfInput;
}

/**
 * Request decorator holding the Vary names our decisions added and the `Vary` value we last set,
 * for the onSend merge (skipped when the route left that value alone: merging again changes nothing).
 */
const VARY_SLOT = 'crossoriginVary';
interface KeptVary {
  names: readonly string[];
  value: string;
}
type WithVary = FastifyRequest & { [VARY_SLOT]: KeptVary | null };

function apply(request: FastifyRequest, reply: FastifyReply, d: HttpDecision): boolean {
  for (const [name, value] of d.headers) reply.header(name, value);
  if (d.vary.length > 0) {
    const value = mergeVary(reply.getHeader('vary') as string | string[] | undefined, d.vary);
    reply.header('vary', value);
    const r = request as WithVary;
    const kept = r[VARY_SLOT];
    // The decision's own array is kept as long as no second decision adds to it (never mutated).
    const names = kept ? kept.names.concat(d.vary.filter((n) => !kept.names.includes(n))) : d.vary;
    r[VARY_SLOT] = { names, value };
  }
  if (!d.end) return false;
  const status = endStatus(d);
  reply.code(status);
  if (hasBody(d, status)) reply.type(bodyType(d)).send(d.body);
  else reply.send();
  return true;
}

function finish(
  glue: Glue,
  view: RequestView,
  request: FastifyRequest,
  reply: FastifyReply,
  d: HttpDecision,
): boolean {
  try {
    return apply(request, reply, d);
  } catch (error) {
    report(glue, error, view);
    if (reply.sent) return true;
    try {
      return apply(request, reply, glue.failure);
    } catch {
      return true;
    }
  }
}

/** Fastify's own key for a request's route context (found on the first request; null: none). */
let contextKey: symbol | null | undefined;

/**
 * The route's `config`. `request.routeOptions` builds a new object on every access, so the route
 * context it reads `config` from is read directly when it is there; else through `routeOptions`.
 */
function routeConfig(request: FastifyRequest): Record<string, unknown> | undefined {
  if (contextKey === undefined) {
    contextKey =
      Object.getOwnPropertySymbols(request).find((s) => s.description === 'fastify.context') ?? null;
  }
  if (contextKey !== null) {
    const context = (request as unknown as Record<symbol, { config?: unknown } | undefined>)[contextKey];
    if (typeof context === 'object' && context !== null && 'config' in context)
      return context.config as Record<string, unknown> | undefined;
  }
  return request.routeOptions.config as unknown as Record<string, unknown> | undefined;
}

const keepVary: onSendHookHandler = (request, reply, payload, done) => {
  const kept = (request as WithVary)[VARY_SLOT];
  if (kept) {
    const current = reply.getHeader('vary') as string | string[] | undefined;
    if (current !== kept.value) reply.header('vary', mergeVary(current, kept.names));
  }
  done(null, payload);
};

function pluginWith<I extends object>(
  key: 'cors' | 'csrf',
  name: string,
  make: (input: I, options: AdapterOptions | undefined) => Glue,
  inputOf: (options: AdapterOptions & Record<string, unknown>) => I,
): FastifyPluginCallback<AdapterOptions & Record<string, unknown>> {
  const plugin: FastifyPluginCallback<AdapterOptions & Record<string, unknown>> = (
    fastify: FastifyInstance,
    options,
    done,
  ) => {
    let glue: Glue;
    try {
      glue = make(inputOf(options), options);
    } catch (error) {
      done(error as Error);
      return;
    }
    // Route-level inputs are compiled when the route is registered (a bad one fails at start-up).
    const routeGlues = new WeakMap<object, Glue>();
    const glueFor = (input: I): Glue => {
      let g = routeGlues.get(input);
      if (g === undefined) {
        g = make(input, options);
        routeGlues.set(input, g);
      }
      return g;
    };
    // CORS: a preflight is decided by the policy of the route it asks about.
    const preflights = key === 'cors' ? new PreflightRoutes(fastify, key) : null;
    fastify.addHook('onRoute', (route) => {
      const input = (route.config as unknown as Record<string, unknown> | undefined)?.[key];
      if (typeof input === 'object' && input !== null) glueFor(input as I);
      preflights?.add(route);
    });
    if (!fastify.hasRequestDecorator(VARY_SLOT)) fastify.decorateRequest(VARY_SLOT, null);
    const onRequest: onRequestHookHandler = (request, reply, hookDone) => {
      let routeInput = routeConfig(request)?.[key];
      if (routeInput === undefined && preflights !== null) routeInput = preflights.inputFor(request);
      if (routeInput === false) {
        hookDone();
        return;
      }
      let g = glue;
      if (typeof routeInput === 'object' && routeInput !== null) {
        try {
          g = glueFor(routeInput as I);
        } catch (error) {
          report(glue, error, new NodeRequestView(request.raw));
          g = { core: { handle: () => glue.failure }, failure: glue.failure, onError: glue.onError };
        }
      }
      const view = new NodeRequestView(request.raw);
      const d = decide(g, view);
      if (isThenable<HttpDecision>(d)) {
        d.then((decision) => {
          if (!finish(g, view, request, reply, decision)) hookDone();
        });
      } else if (!finish(g, view, request, reply, d)) hookDone();
    };
    fastify.addHook('onRequest', onRequest);
    fastify.addHook('onSend', keepVary);
    done();
  };
  // fastify-plugin conventions: do not encapsulate, name the plugin.
  const meta = plugin as unknown as Record<symbol, unknown>;
  meta[Symbol.for('skip-override')] = true;
  meta[Symbol.for('fastify.display-name')] = name;
  meta[Symbol.for('plugin-meta')] = { name, fastify: '4.x || 5.x' };
  return plugin;
}

/**
 * CORS for Fastify. Register once; it decides in an `onRequest` hook for every route registered
 * after it, answers preflights itself (204 allowed, 403 refused, also for paths with no route),
 * adds CORS headers to other requests from allowed origins, and keeps `Vary` merged with what the
 * route sets. Per route, `config: { cors: false }` turns it off and `config: { cors: policyOrConfig }`
 * replaces the policy.
 *
 * Options: `policy` (required: a policy from `createCorsPolicy`, or its configuration, validated at
 * registration), `onError` (default: `console.error`; the request then continues without CORS
 * headers).
 * @example
 * ```ts
 * import Fastify from 'fastify';
 * import { corsPlugin } from 'crossorigin/fastify';
 *
 * const app = Fastify();
 * await app.register(corsPlugin, { policy: { origins: ['https://app.example'] } });
 * app.get('/public', { config: { cors: { origins: '*' } } }, async () => ({ ok: true }));
 * app.get('/internal', { config: { cors: false } }, async () => ({ ok: true }));
 * ```
 */
export const corsPlugin = pluginWith<CorsInput>(
  'cors',
  'crossorigin-cors',
  corsGlue,
  (o) => o.policy as CorsInput,
) as unknown as FastifyPluginCallback<CorsPluginOptions>;

/**
 * CSRF protection for Fastify: refuses cross-origin state-changing requests in an `onRequest` hook
 * (403, or the guard's deny answer). Per route, `config: { csrf: false }` exempts it and
 * `config: { csrf: guardOrOptions }` replaces the guard.
 *
 * Options: `guard` (a guard from `createCsrfGuard`, or its options; required), `onError`
 * (default: `console.error`; the request is then refused with 403).
 * @example
 * ```ts
 * import Fastify from 'fastify';
 * import { csrfPlugin } from 'crossorigin/fastify';
 *
 * const app = Fastify();
 * await app.register(csrfPlugin, { guard: { origin: 'https://app.example' } });
 * app.post('/webhook', { config: { csrf: false } }, async () => 'ok');
 * ```
 */
export const csrfPlugin = pluginWith<CsrfInput>(
  'csrf',
  'crossorigin-csrf',
  csrfGlue,
  (o) => o.guard as CsrfInput,
) as unknown as FastifyPluginCallback<CsrfPluginOptions>;
