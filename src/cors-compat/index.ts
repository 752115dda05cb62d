/**
 * The `cors` package (expressjs/cors 2.8) as a core of its own: its options (or an options
 * delegate) are checked once and mapped onto decisions, which `crossorigin/express`'s `cors()`
 * applies. Same option shapes and, for every safe configuration, the same responses; what it
 * refuses deliberately is listed in docs/server.md ("Drop-in for `cors`: deliberate differences"):
 *
 * - unsafe configurations throw at start-up (`origin: true` with credentials; RegExps that are not
 *   anchored `^…$`, have an unescaped `.` between labels, or the stateful `g`/`y` flags; strings
 *   that are not origins; `null`; `http:` origins with credentials), unless a `dangerously…` option
 *   says otherwise; `origin: '*'` with credentials is sent as `cors` sends it, with a warning;
 * - requests are classified by the Fetch Standard: an OPTIONS without `Origin` or without
 *   `Access-Control-Request-Method` is not a preflight and goes to the application;
 * - only checked values are sent back: a request `Origin` that is not a serialized origin is never
 *   reflected, and a reflected `Access-Control-Request-Headers` must be a bounded list of tokens.
 */
import type { HttpDecision, RequestView } from '../_http/index.js';
import { CorsConfigError } from '../server/index.js';
import { decideCorsCompat } from './decide.js';
import { type CompiledCorsOptions, type CompileResult, compileCorsOptions } from './options.js';
import { compileOrigin, type Problems } from './origin.js';
import type { CorsOptions, CorsOptionsDelegate } from './types.js';

export { WILDCARD_CREDENTIALS_WARNING } from './options.js';
export { scanRegExpSource } from './origin.js';
export type { CorsOptions, CorsOptionsDelegate, CustomOrigin, StaticOrigin } from './types.js';

/**
 * How a request ends up: a decision to apply, or `decision` null and then `next(error)` as `cors`
 * calls it: `error` undefined for `next()` (CORS is off), else the delegate's or origin callback's
 * error (null included, when the callback answered no origin) or the problems of options they
 * answered.
 */
export type CorsCompatDone = (error: unknown, decision: HttpDecision | null) => void;

/** `cors` options as a core. */
export interface CorsCompat<T> {
  /**
   * The decision for a request when it is known without calling user code (static options, no
   * origin callback): null when CORS is off. Undefined when {@link CorsCompat.resolve} must be used.
   */
  readonly decide: ((view: RequestView) => HttpDecision | null) | undefined;
  /** Decides a request through the options delegate and origin callback, as `cors` calls them. */
  resolve(req: T, view: RequestView, done: CorsCompatDone): void;
}

function staticDecide(c: CompiledCorsOptions): (view: RequestView) => HttpDecision | null {
  if (c.origin.mode === 'off') return () => null;
  return (view) => decideCorsCompat(c, c.origin, view);
}

/** Runs compiled options on one request, calling the origin callback when there is one. */
function runCompiled(c: CompiledCorsOptions, view: RequestView, done: CorsCompatDone): void {
  const rule = c.origin;
  if (rule.mode === 'off') {
    done(undefined, null);
    return;
  }
  if (rule.mode !== 'callback') {
    done(null, decideCorsCompat(c, rule, view));
    return;
  }
  const requestOrigin = view.header('origin') ?? undefined;
  rule.fn(requestOrigin, (err, value) => {
    // As cors: next(err) with whatever the callback gave (null included) when it gives no origin.
    if (err || !value) {
      done(err, null);
      return;
    }
    const problems: Problems = [];
    const answered = compileOrigin(problems, value, c.credentials, c.flags, true);
    if (problems.length > 0) done(new CorsConfigError(problems), null);
    else done(null, decideCorsCompat(c, answered, view));
  });
}

/** Options answered by a delegate: compiled once per options object (cors's delegates reuse them). */
function delegated<T>(delegate: CorsOptionsDelegate<T>): CorsCompat<T> {
  const cache = new WeakMap<object, CompileResult>();
  const fallbackKey = {};
  return {
    decide: undefined,
    resolve(req, view, done) {
      delegate(req, (err, opts) => {
        if (err) {
          done(err, null);
          return;
        }
        const key = opts ?? fallbackKey;
        let r = cache.get(key);
        if (r === undefined) {
          r = compileCorsOptions(opts);
          cache.set(key, r);
        }
        if (r.compiled === undefined) done(new CorsConfigError(r.problems), null);
        else runCompiled(r.compiled, view, done);
      });
    },
  };
}

/**
 * Checks `cors` options (or wraps an options delegate) and returns the core that decides requests
 * with them.
 * @throws CorsConfigError listing every problem of static options.
 */
export function createCorsCompat<T = unknown>(options?: CorsOptions | CorsOptionsDelegate<T>): CorsCompat<T> {
  if (typeof options === 'function') return delegated(options);
  const { compiled, problems } = compileCorsOptions(options);
  if (compiled === undefined) throw new CorsConfigError(problems);
  return {
    decide: compiled.origin.mode === 'callback' ? undefined : staticDecide(compiled),
    resolve: (_req, view, done) => {
      runCompiled(compiled, view, done);
    },
  };
}
