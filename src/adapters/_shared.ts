/**
 * What every adapter shares beyond the glue in `_http`: its options, the cores it accepts, and the
 * decisions it falls back to when a core fails. No CORS or CSRF logic lives here (or anywhere in src/adapters): the
 * cores decide, adapters only translate. Private: not exported from the package.
 */
import type { Glue, HttpCore, HttpDecision, RequestView } from '../_http/index.js';
import { type CsrfGuard, type CsrfGuardOptions, createCsrfGuard } from '../csrf/index.js';
import { type CorsPolicy, type CorsPolicyConfig, createCorsPolicy } from '../server/index.js';

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
export const CORS_FAILURE: HttpDecision = Object.freeze({
  allowed: false,
  detail: 'the CORS policy failed',
  headers: [],
  vary: [],
  end: false,
});

/** CSRF fallback when the guard fails: refuse, as a guard that cannot decide must not allow. */
export const CSRF_FAILURE: HttpDecision = Object.freeze({
  allowed: false,
  detail: 'the CSRF guard failed',
  headers: [],
  vary: [],
  end: true,
  status: 403,
  body: 'Forbidden: the request could not be verified.\n',
  contentType: 'text/plain; charset=utf-8',
});

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
