/**
 * Which route a CORS preflight asks about, in Fastify. A preflight is an OPTIONS request to the
 * actual request's URL; Fastify routes it to an OPTIONS route or its 404 handler, whose `config`
 * is not the route's. So the plugin keeps its own table of the routes registered after it (one
 * find-my-way router, the library Fastify routes with, configured like Fastify's), and a preflight
 * is decided by the route-level `config.cors` of the route matching its URL and its
 * `Access-Control-Request-Method`. Translation only: which policy applies, never what it decides.
 */
import { createRequire } from 'node:module';
import type { FastifyInstance, FastifyRequest, RouteOptions } from 'fastify';

/** What is remembered per route: its route-level input (undefined: the plugin's own). */
interface RouteEntry {
  readonly input: unknown;
}

interface Router {
  on(method: string, path: string, handler: () => void, store: RouteEntry): void;
  find(method: string, path: string): { store: RouteEntry } | null;
}

type RouterFactory = (options: Record<string, unknown>) => Router;

/** find-my-way as Fastify itself resolves it (a dependency of every Fastify version). */
function loadRouterFactory(): RouterFactory {
  const local = createRequire(import.meta.url);
  const fastifyEntry = local.resolve('fastify');
  return createRequire(fastifyEntry)('find-my-way') as RouterFactory;
}

function noop(): void {}

/** The routes of one Fastify instance, by method and URL, with their route-level input. */
export class PreflightRoutes {
  readonly #router: Router;
  readonly #key: string;

  constructor(fastify: FastifyInstance, key: string) {
    const c = fastify.initialConfig as Record<string, unknown> & { routerOptions?: Record<string, unknown> };
    const o = c.routerOptions ?? c;
    this.#router = loadRouterFactory()({
      ignoreTrailingSlash: o.ignoreTrailingSlash ?? false,
      ignoreDuplicateSlashes: o.ignoreDuplicateSlashes ?? false,
      caseSensitive: c.caseSensitive ?? true,
      maxParamLength: o.maxParamLength ?? 100,
      useSemicolonDelimiter: o.useSemicolonDelimiter ?? false,
      allowUnsafeRegex: true,
    });
    this.#key = key;
  }

  /** Records a route (from the `onRoute` hook). */
  add(route: RouteOptions): void {
    const config = route.config as unknown as Record<string, unknown> | undefined;
    const entry: RouteEntry = { input: config?.[this.#key] };
    const methods = Array.isArray(route.method) ? route.method : [route.method];
    for (const method of methods) {
      try {
        this.#router.on(method, route.url, noop, entry);
      } catch {
        // The same method and URL twice (constraints, an automatic HEAD route): the first wins, as
        // the route-level input of both comes from the same declaration or Fastify refused it.
      }
    }
  }

  /**
   * For a CORS-preflight request (OPTIONS with Origin and Access-Control-Request-Method), the
   * route-level input of the route it asks about: `undefined` when there is no such route or it has
   * none (the plugin's policy applies), else its `false` or policy.
   * https://fetch.spec.whatwg.org/#cors-preflight-request
   */
  inputFor(request: FastifyRequest): unknown {
    const raw = request.raw;
    if (raw.method !== 'OPTIONS' || raw.headers.origin === undefined) return undefined;
    const acrm = raw.headers['access-control-request-method'];
    if (typeof acrm !== 'string' || acrm.length === 0) return undefined;
    const url = raw.url ?? '/';
    const q = url.indexOf('?');
    const found = this.#router.find(acrm.toUpperCase(), q < 0 ? url : url.slice(0, q));
    return found?.store.input;
  }
}
