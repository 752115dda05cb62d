/**
 * The framework-neutral half of every adapter: run a core safely, and the decisions an adapter falls
 * back to when a core fails. No CORS or CSRF logic lives here (or anywhere in src/adapters): the
 * cores decide, adapters only translate. Private: not exported from the package.
 */
import type { HttpCore, HttpDecision, RequestView } from '../_http/index.js';
import { type CsrfGuard, type CsrfGuardOptions, createCsrfGuard } from '../csrf/index.js';
import { type CorsPolicy, type CorsPolicyConfig, createCorsPolicy } from '../server/index.js';

export { mergeVary } from '../_http/index.js';
export type { HttpCore, HttpDecision, RequestView };

/** Options every adapter accepts. */
export interface AdapterOptions {
  /**
   * Called when the core throws or rejects, returns something that is not a decision, or when
   * applying its decision to the response fails. The adapter then applies its documented fallback
   * (CORS: continue without CORS headers, so the browser refuses the cross-origin read; CSRF: refuse
   * with 403) and never lets the error reach the framework. An exception thrown by `onError` itself
   * is swallowed.
   * @default logs one line with `console.error`
   */
  onError?: (error: unknown, request: RequestView) => void;
}

/** What a factory accepts for CORS: a policy from `createCorsPolicy`, or its configuration. */
export type CorsInput = CorsPolicy | CorsPolicyConfig;
/** What a factory accepts for CSRF: a guard from `createCsrfGuard`, or its options. */
export type CsrfInput = CsrfGuard | CsrfGuardOptions;

/**
 * CORS fallback when the policy fails: continue to the application without CORS headers. The
 * browser then refuses to expose the response (and a preflight answered by the application without
 * CORS headers fails), so a failure never widens access.
 */
export const CORS_FAILURE: HttpDecision = Object.freeze({ headers: [], vary: [], end: false });

/** CSRF fallback when the guard fails: refuse, as a guard that cannot decide must not allow. */
export const CSRF_FAILURE: HttpDecision = Object.freeze({
  headers: [],
  vary: [],
  end: true,
  status: 403,
  body: 'Forbidden: the request could not be verified.\n',
  contentType: 'text/plain; charset=utf-8',
});

/** A core with the fallback decision and error hook of one adapter instance. */
export interface Glue {
  readonly core: HttpCore;
  readonly failure: HttpDecision;
  readonly onError: (error: unknown, request: RequestView) => void;
}

function defaultOnError(error: unknown): void {
  console.error('crossorigin: a core failed; the adapter applied its fallback decision:', error);
}

/** Whether `value` is already a core (a policy or a guard) rather than a configuration. */
export function isCore(value: unknown): value is HttpCore {
  return (
    typeof value === 'object' &&
    value !== null &&
    typeof (value as { handle?: unknown }).handle === 'function'
  );
}

/** A CORS glue: the policy as given, or compiled now from its configuration (throws on a bad one). */
export function corsGlue(input: CorsInput | HttpCore, options: AdapterOptions | undefined): Glue {
  const core = isCore(input) ? input : createCorsPolicy(input as CorsPolicyConfig);
  return { core, failure: CORS_FAILURE, onError: options?.onError ?? defaultOnError };
}

/** A CSRF glue: the guard as given, or created now from its options (throws on bad options). */
export function csrfGlue(input: CsrfInput | HttpCore, options: AdapterOptions | undefined): Glue {
  const core = isCore(input) ? input : createCsrfGuard(input as CsrfGuardOptions);
  return { core, failure: CSRF_FAILURE, onError: options?.onError ?? defaultOnError };
}

/** Reports an error through the glue's hook; the hook's own exceptions never escape. */
export function report(glue: Glue, error: unknown, view: RequestView): void {
  try {
    glue.onError(error, view);
  } catch {
    // onError must not be able to break the request.
  }
}

function isDecision(value: unknown): value is HttpDecision {
  const d = value as HttpDecision | null;
  return (
    typeof d === 'object' &&
    d !== null &&
    Array.isArray(d.headers) &&
    Array.isArray(d.vary) &&
    typeof d.end === 'boolean'
  );
}

function notADecision(value: unknown): Error {
  return new TypeError(`crossorigin: core returned ${typeof value}, not a decision`);
}

/** Whether a value is a thenable (a core answered asynchronously). */
export function isThenable<T>(value: unknown): value is PromiseLike<T> {
  return typeof value === 'object' && value !== null && typeof (value as PromiseLike<T>).then === 'function';
}

/**
 * Runs the core on a view. Never throws and never rejects: a failing core yields the glue's fallback
 * decision after `onError`. Synchronous cores stay synchronous (no Promise allocated).
 */
export function decide(glue: Glue, view: RequestView): HttpDecision | Promise<HttpDecision> {
  let result: HttpDecision | Promise<HttpDecision>;
  try {
    result = glue.core.handle(view);
  } catch (error) {
    report(glue, error, view);
    return glue.failure;
  }
  if (isThenable<HttpDecision>(result)) return decideLater(glue, view, result);
  if (isDecision(result)) return result;
  report(glue, notADecision(result), view);
  return glue.failure;
}

// Apart from `decide`, so that its synchronous path allocates no closure context per request.
function decideLater(
  glue: Glue,
  view: RequestView,
  result: PromiseLike<HttpDecision>,
): Promise<HttpDecision> {
  return Promise.resolve(result).then(
    (d) => {
      if (isDecision(d)) return d;
      report(glue, notADecision(d), view);
      return glue.failure;
    },
    (error: unknown) => {
      report(glue, error, view);
      return glue.failure;
    },
  );
}

/** The status an ending decision is answered with (204 when the core left it out). */
export function endStatus(d: HttpDecision): number {
  const s = d.status;
  return typeof s === 'number' && Number.isInteger(s) && s >= 200 && s <= 599 ? s : 204;
}

/** Whether an ending decision carries a body (never for 204 / 304). */
export function hasBody(d: HttpDecision, status: number): d is HttpDecision & { body: string } {
  return typeof d.body === 'string' && d.body.length > 0 && status !== 204 && status !== 304;
}

/** Content type of a decision body. */
export function bodyType(d: HttpDecision): string {
  return d.contentType ?? 'text/plain; charset=utf-8';
}

/**
 * A `RequestView` over a Fetch `Request` (fetch adapter, Hono). `Headers#get` already joins
 * repeated header lines with ", ". The URL's path and query are computed only if a core asks.
 */
export class FetchRequestView implements RequestView {
  readonly method: string;
  readonly #request: Request;
  constructor(request: Request) {
    this.#request = request;
    this.method = request.method;
  }
  header(name: string): string | null {
    try {
      return this.#request.headers.get(name);
    } catch {
      // Headers#get throws on a name that is not a header name (e.g. HTTP/2's ':authority'):
      // such a header cannot be present.
      return null;
    }
  }
  get url(): string {
    return pathAndQuery(this.#request.url);
  }
}

/** The path and query of an absolute URL string (no fragment). */
export function pathAndQuery(absolute: string): string {
  const scheme = absolute.indexOf('://');
  const start = scheme < 0 ? -1 : absolute.indexOf('/', scheme + 3);
  if (start < 0) {
    const q = scheme < 0 ? -1 : absolute.indexOf('?', scheme + 3);
    return q < 0 ? '/' : `/${stripFragment(absolute.slice(q))}`;
  }
  return stripFragment(absolute.slice(start));
}

function stripFragment(s: string): string {
  const hash = s.indexOf('#');
  return hash < 0 ? s : s.slice(0, hash);
}

/** Node's IncomingHttpHeaders value, joined the way the view promises. */
export function nodeHeader(value: string | string[] | undefined): string | null {
  if (value === undefined) return null;
  return typeof value === 'string' ? value : value.join(', ');
}

const glueCache = new WeakMap<object, Glue>();
const glueCacheWithOptions = new WeakMap<object, WeakMap<AdapterOptions, Glue>>();

/**
 * The glue for an input given on every call (`handleCors(policy, req, res)`): built once per input
 * object (and options object), so a configuration object is validated and compiled once.
 */
export function cachedGlue<I extends object>(
  input: I,
  options: AdapterOptions | undefined,
  make: (input: I, options: AdapterOptions | undefined) => Glue,
): Glue {
  if (options === undefined) {
    let glue = glueCache.get(input);
    if (glue === undefined) {
      glue = make(input, undefined);
      glueCache.set(input, glue);
    }
    return glue;
  }
  let byOptions = glueCacheWithOptions.get(input);
  if (byOptions === undefined) {
    byOptions = new WeakMap();
    glueCacheWithOptions.set(input, byOptions);
  }
  let glue = byOptions.get(options);
  if (glue === undefined) {
    glue = make(input, options);
    byOptions.set(options, glue);
  }
  return glue;
}
