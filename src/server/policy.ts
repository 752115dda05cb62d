/**
 * `createCorsPolicy`: validate once, then decide each request fast.
 */
import { LRUCache } from 'lru-cache';
import {
  isPotentiallyTrustworthyOrigin,
  MAX_ORIGIN_HEADER_LENGTH,
  type OriginParts,
  parseOriginHeader,
  scanSerializedTupleOriginFast,
} from '../origin/index.js';
import { type CompiledPolicy, compileCorsPolicy, type OriginEntry } from './config.js';
import {
  asksPrivateNetwork,
  createCaches,
  decideAllowed,
  decidePreflight,
  dynamicEntry,
  type PolicyCaches,
  quote,
  type Refusal,
  refusalDecision,
} from './decide.js';
import type { CorsDecision, CorsPolicy, CorsPolicyConfig, CorsRequestKind, RequestView } from './types.js';

/** One compiled configuration and its caches: swapped as a whole by `reconfigure`. */
interface State {
  readonly s: CompiledPolicy;
  readonly caches: PolicyCaches;
  /** Origin resolver answers: an allowed origin's entry, or a refusal. */
  readonly resolved: LRUCache<string, OriginEntry | Refusal> | null;
  /** Resolver calls in flight, so that a burst from one origin calls it once. */
  readonly pending: Map<string, Promise<OriginEntry | Refusal>>;
}

function makeState(config: CorsPolicyConfig): State {
  const s = compileCorsPolicy(config);
  return {
    s,
    caches: createCaches(),
    resolved: s.resolver === null ? null : new LRUCache({ max: s.originCache.max, ttl: s.originCache.ttlMs }),
    pending: new Map(),
  };
}

const NOT_ALLOWED_NO_DETAIL: Refusal = Object.freeze({ reason: 'origin-not-allowed', detail: '' });
const MALFORMED_NO_DETAIL: Refusal = Object.freeze({ reason: 'origin-malformed', detail: '' });

function isRefusal(v: OriginEntry | Refusal): v is Refusal {
  return 'reason' in v;
}

/**
 * Checks a request's `Origin` value against a list policy. Returns the allowed origin's entry or
 * a refusal; a Promise only for a resolver cache miss.
 */
function checkOrigin(state: State, origin: string): OriginEntry | Refusal | Promise<OriginEntry | Refusal> {
  const { s, caches } = state;
  // Exact origins: one hash probe (one comparison for a single origin); a hit is a configured
  // (so valid, serialized) origin.
  const only = s.onlyExact;
  const entry = only === null ? s.exact.get(origin) : origin === only.origin ? only : undefined;
  if (entry !== undefined) return entry;
  if (origin === 'null') {
    // With dangerouslyAllowNullOrigin, a list allows it; a resolver is asked.
    if (s.allowNull) return state.resolved === null ? caches.nullEntry : resolveOrigin(state, origin);
    return {
      reason: 'null-origin',
      detail:
        "Origin: null (a sandboxed iframe, a file: page, or a redirect) is not allowed; it cannot be told apart from an attacker's null origin",
    };
  }
  if (s.matcher?.matches(origin)) {
    // The matcher only says yes to a serialized tuple origin: safe to send back.
    return origin.length > CACHED_ORIGIN_MAX_LENGTH ? { origin } : dynamicEntry(caches, origin);
  }
  if (state.resolved !== null) return resolveOrigin(state, origin);
  // Nobody reads a refusal's detail: only whether the origin is well formed matters, and the
  // common shape (scheme://lower-case-host[:port]) is recognised by one scan, without allocating.
  // Other shapes are parsed and remembered below.
  if (
    !s.debug &&
    s.onDecision === null &&
    origin.length <= MAX_ORIGIN_HEADER_LENGTH &&
    scanSerializedTupleOriginFast(origin, scratchParts)
  ) {
    return NOT_ALLOWED_NO_DETAIL;
  }
  // A refused origin: its reason is remembered (bounded), since the same one tends to come back.
  // Only short values are remembered, so the cache holds at most 1,024 × 256 characters.
  if (origin.length > CACHED_ORIGIN_MAX_LENGTH) return refuseOrigin(s, origin);
  const known = caches.refused.get(origin);
  if (known !== undefined) return known;
  const refusal = refuseOrigin(s, origin);
  caches.refused.set(origin, refusal);
  return refusal;
}

/** Filled by the scanner and never read (one per module: decisions are synchronous here). */
const scratchParts: OriginParts = { scheme: '', host: '', port: null };
const CACHED_ORIGIN_MAX_LENGTH = 256;

/** Why a list policy refuses an origin that is neither listed nor matched. */
function refuseOrigin(s: CompiledPolicy, origin: string): Refusal {
  const parsed = parseOriginHeader(origin);
  const detail = s.debug || s.onDecision !== null;
  if (!parsed.ok) {
    if (!detail) return MALFORMED_NO_DETAIL;
    return {
      reason: 'origin-malformed',
      detail: `Origin ${quote(origin)} is not a serialized origin (${parsed.reason}): browsers never send that`,
    };
  }
  if (!detail) return NOT_ALLOWED_NO_DETAIL;
  return { reason: 'origin-not-allowed', detail: `origin ${quote(origin)} is not in origins` };
}

function resolveOrigin(state: State, origin: string): OriginEntry | Refusal | Promise<OriginEntry | Refusal> {
  const cache = state.resolved as LRUCache<string, OriginEntry | Refusal>;
  const hit = cache.get(origin);
  if (hit !== undefined) return hit;
  const parsed = parseOriginHeader(origin);
  if (!parsed.ok) {
    return {
      reason: 'origin-malformed',
      detail: `Origin ${quote(origin)} is not a serialized origin (${parsed.reason}): browsers never send that`,
    };
  }
  const { s } = state;
  const finish = (allowed: unknown): OriginEntry | Refusal => {
    let v: OriginEntry | Refusal;
    if (allowed !== true) {
      v = { reason: 'origin-not-allowed', detail: `the origin resolver refused ${quote(origin)}` };
    } else if (
      origin !== 'null' && // opted into with dangerouslyAllowNullOrigin
      s.credentials &&
      !s.tolerateInsecure &&
      !isPotentiallyTrustworthyOrigin(parsed.origin)
    ) {
      v = {
        reason: 'insecure-origin',
        detail: `the origin resolver allowed ${quote(origin)}, which is not https, and the policy has credentials; allow its https origin, or set dangerouslyTolerateInsecureOrigins: true`,
      };
    } else {
      v = { origin };
    }
    if (origin.length <= CACHED_ORIGIN_MAX_LENGTH) cache.set(origin, v);
    return v;
  };
  const failed = (e: unknown): Refusal => ({
    reason: 'origin-resolver-failed',
    detail: `the origin resolver failed for ${quote(origin)}: ${quote(e instanceof Error ? e.message : String(e))}; refused (not cached)`,
  });
  const inflight = state.pending.get(origin);
  if (inflight !== undefined) return inflight;
  let answer: boolean | Promise<boolean>;
  try {
    answer = (s.resolver as (o: string) => boolean | Promise<boolean>)(origin);
  } catch (e) {
    return failed(e);
  }
  if (
    answer === null ||
    typeof answer !== 'object' ||
    typeof (answer as Promise<boolean>).then !== 'function'
  ) {
    return finish(answer);
  }
  const p = Promise.resolve(answer)
    .then(finish, failed)
    .finally(() => state.pending.delete(origin));
  state.pending.set(origin, p);
  return p;
}

/** Classifies and decides one request against one state. May return a Promise (resolver miss). */
function decideWith(state: State, view: RequestView): CorsDecision | Promise<CorsDecision> {
  const { s, caches } = state;
  // https://fetch.spec.whatwg.org/#http-requests
  // 1. A CORS request is an HTTP request that includes an `Origin` header.
  const origin = view.header('origin');
  if (origin === null || typeof origin !== 'string') return s.constants.notCors;
  // 2. A CORS-preflight request is a CORS request that uses `OPTIONS` as method and includes
  //    `Access-Control-Request-Method`. Any other OPTIONS with Origin is the application's.
  const method = view.method;
  let kind: CorsRequestKind = 'actual';
  let acrm: string | null = null;
  if (method === 'OPTIONS') {
    acrm = view.header('access-control-request-method');
    kind = acrm === null ? 'options-passthrough' : 'preflight';
  }
  // Read everything a preflight needs before any await.
  const acrh = kind === 'preflight' ? view.header('access-control-request-headers') : null;
  const pna = kind === 'preflight' && asksPrivateNetwork(view);

  // 3. A public policy ('*') allows every origin without looking at it.
  if (s.anyOrigin) {
    if (kind === 'preflight') return decidePreflight(s, caches, null, acrm as string, acrh, pna);
    return kind === 'actual'
      ? (s.constants.anyActual as CorsDecision)
      : (s.constants.anyPassthrough as CorsDecision);
  }
  // 4. Otherwise the origin must be allowed; then the method and headers of a preflight.
  const checked = checkOrigin(state, origin);
  if (checked instanceof Promise) return decideLater(state, checked, kind, acrm, acrh, pna);
  if (isRefusal(checked)) return refusalDecision(s, caches, kind, checked);
  return decideAllowed(s, caches, checked, kind, acrm, acrh, pna);
}

// The asynchronous continuations live in their own functions: a closure in the synchronous path
// would make V8 allocate a context for the captured variables on every request.

function decideLater(
  state: State,
  checked: Promise<OriginEntry | Refusal>,
  kind: CorsRequestKind,
  acrm: string | null,
  acrh: string | null,
  pna: boolean,
): Promise<CorsDecision> {
  const { s, caches } = state;
  return checked.then((c) =>
    isRefusal(c) ? refusalDecision(s, caches, kind, c) : decideAllowed(s, caches, c, kind, acrm, acrh, pna),
  );
}

// Apart from the policy's `decide`, which V8 inlines into the adapters' middleware (less bytecode
// there leaves more of V8's inlining budget to the application's own code).
function notified(
  state: State,
  d: CorsDecision | Promise<CorsDecision>,
  view: RequestView,
): CorsDecision | Promise<CorsDecision> {
  if (d instanceof Promise) return notifyLater(state, d, view);
  notify(state, d, view);
  return d;
}

function notifyLater(state: State, d: Promise<CorsDecision>, view: RequestView): Promise<CorsDecision> {
  return d.then((x) => {
    notify(state, x, view);
    return x;
  });
}

/** What is answered when an adapter's request view itself fails: fail closed. */
function internalError(state: State, view: RequestView, e: unknown): CorsDecision {
  let preflight = false;
  try {
    preflight = view.method === 'OPTIONS';
  } catch {
    // keep false
  }
  return refusalDecision(state.s, state.caches, preflight ? 'preflight' : 'actual', {
    reason: 'internal-error',
    detail: `reading the request failed: ${quote(e instanceof Error ? e.message : String(e))}`,
  });
}

function notify(state: State, decision: CorsDecision, view: RequestView): void {
  try {
    state.s.onDecision?.(decision, view);
  } catch {
    // A logging hook must not break the response.
  }
}

/**
 * Creates a CORS policy: validates `config` (collecting every problem into one
 * `CorsConfigError`), precomputes every header value, and returns a policy whose `decide`
 * classifies requests as the Fetch Standard does and answers with those values.
 *
 * Defaults: `credentials: false`, `methods: []` (GET, HEAD, POST are always allowed),
 * `requestHeaders: []`, `exposeHeaders: []`, `maxAge`: not sent, `privateNetwork: false`,
 * `debug: false`, `originCache: { max: 1000, ttlMs: 60000 }`, every `dangerously…` option `false`.
 *
 * @example
 * import { createCorsPolicy } from 'crossorigin/server';
 * const policy = createCorsPolicy({
 *   origins: ['https://app.example.com', 'https://*.preview.example.com'],
 *   credentials: true,
 *   methods: ['PUT', 'PATCH', 'DELETE'],
 *   requestHeaders: ['content-type', 'authorization'],
 *   exposeHeaders: ['etag'],
 *   maxAge: 7200,
 * });
 * const d = policy.decide({ method: 'OPTIONS', header: (n) => req.headers[n] ?? null });
 * // d.kind === 'preflight', d.status === 204, d.headers: [['access-control-allow-origin', …], …]
 */
export function createCorsPolicy(config: CorsPolicyConfig): CorsPolicy {
  let state = makeState(config);
  const decide = (view: RequestView): CorsDecision | Promise<CorsDecision> => {
    const current = state;
    let d: CorsDecision | Promise<CorsDecision>;
    try {
      d = decideWith(current, view);
    } catch (e) {
      d = internalError(current, view, e);
    }
    return current.s.onDecision === null ? d : notified(current, d, view);
  };
  const policy = {
    decide,
    handle: decide,
    reconfigure(next: CorsPolicyConfig): void {
      // Validate and compile completely first; one assignment swaps it in.
      state = makeState(next);
    },
  } as CorsPolicy;
  configs.set(policy, () => state.s.normalized);
  Object.defineProperty(policy, 'config', CONFIG_PROPERTY);
  return policy;
}

// `config` is the enumerable getter a literal would make, added afterwards and the SAME getter for
// every policy: V8 gives an object literal with a getter dictionary-mode properties, and so does
// defining a second, different getter on objects of one shape; then every adapter's `core.handle`
// is a generic property lookup (about 70 instructions per request in node:http, bench/http-ir.ts).
const configs = new WeakMap<object, () => CorsPolicy['config']>();
const CONFIG_PROPERTY: PropertyDescriptor = {
  get(this: object): CorsPolicy['config'] {
    const read = configs.get(this);
    if (read === undefined)
      throw new TypeError('crossorigin: config read from something that is not a policy');
    return read();
  },
  enumerable: true,
  configurable: true,
};
