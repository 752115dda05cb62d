/**
 * Running a core safely: a core's failure never reaches the framework, it becomes the adapter's
 * fallback decision after the error hook ran. Framework-neutral (no Node, no Fetch objects).
 */
import type { HttpCore, HttpDecision, RequestView } from './decision.js';

/** A core with the fallback decision and error hook of one adapter instance. */
export interface Glue {
  readonly core: HttpCore;
  /** What the adapter applies when the core fails (CORS: continue bare; CSRF: refuse). */
  readonly failure: HttpDecision;
  readonly onError: (error: unknown, request: RequestView) => void;
}

/** Reports an error through the glue's hook; the hook's own exceptions never escape. */
export function report(glue: Glue, error: unknown, view: RequestView): void {
  try {
    glue.onError(error, view);
  } catch {
    // onError must not be able to break the request.
  }
}

/** Whether a value has the shape of a decision (a core written in plain JavaScript may be wrong). */
export function isDecision(value: unknown): value is HttpDecision {
  const d = value as HttpDecision | null;
  return (
    typeof d === 'object' &&
    d !== null &&
    Array.isArray(d.headers) &&
    Array.isArray(d.vary) &&
    typeof d.end === 'boolean' &&
    typeof d.allowed === 'boolean'
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
    return failed(glue, error, view);
  }
  if (isThenable<HttpDecision>(result)) return decideLater(glue, view, result);
  return isDecision(result) ? result : failed(glue, notADecision(result), view);
}

// Apart from `decide`, which V8 inlines into the adapters' middleware (less bytecode there leaves
// more of V8's inlining budget to the application's own code).
function failed(glue: Glue, error: unknown, view: RequestView): HttpDecision {
  report(glue, error, view);
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
