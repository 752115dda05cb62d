/**
 * The `cors` package's options, checked once and compiled: unknown options, malformed lists and
 * numbers, and the unsafe origin settings of ./origin.ts are collected into one `CorsConfigError`.
 * `cors` merges its options over its defaults; the defaults here are the same.
 */
import { isHeaderName, isMethod } from '../_fetch/index.js';
import type { HttpDecision } from '../_http/index.js';
import { BoundedMap } from '../_util/index.js';
import { add, compileOrigin, type Flags, type OriginRule, type Problems } from './origin.js';
import type { CorsOptions, CustomOrigin, StaticOrigin } from './types.js';

/** The code of the process warning for `origin: '*'` with `credentials: true`. */
export const WILDCARD_CREDENTIALS_WARNING = 'CROSSORIGIN_CORS_WILDCARD_CREDENTIALS';

const DECISION_CACHE_MAX = 1024;

/** What compiling options gives: the compiled options, or the problems found. */
export type CompileResult =
  | { readonly compiled: CompiledCorsOptions; readonly problems: Problems }
  | { readonly compiled?: undefined; readonly problems: Problems };

const KNOWN: ReadonlySet<string> = new Set([
  'origin',
  'methods',
  'allowedHeaders',
  'headers',
  'exposedHeaders',
  'credentials',
  'maxAge',
  'preflightContinue',
  'optionsSuccessStatus',
  'dangerouslyReflectAnyOrigin',
  'dangerouslyAllowUnsafeRegExp',
  'dangerouslyTolerateInsecureOrigins',
  'dangerouslyAllowNullOrigin',
]);

const DEFAULT_METHODS = 'GET,HEAD,PUT,PATCH,POST,DELETE';

/** Options checked and compiled once; shared by every request they answer. */
export interface CompiledCorsOptions {
  readonly origin: OriginRule;
  readonly credentials: boolean;
  readonly methods: string;
  /** undefined: reflect the request's ACRH; null: send none. */
  readonly allowedHeaders: string | null | undefined;
  readonly exposedHeaders: string | null;
  readonly maxAge: string | null;
  readonly preflightContinue: boolean;
  readonly optionsSuccessStatus: number;
  readonly flags: Flags;
  /** Per-origin decisions of actual requests (bounded; list and RegExp origins). */
  readonly decisions: BoundedMap<string, HttpDecision>;
}

function compileList(
  problems: Problems,
  option: string,
  value: unknown,
  check: (s: string) => boolean,
  what: string,
): string | null | undefined {
  if (value === undefined || value === null) return undefined;
  let items: unknown[];
  if (typeof value === 'string') items = value === '' ? [] : value.split(',').map((s) => s.trim());
  else if (Array.isArray(value)) items = value;
  else {
    add(problems, option, value, 'invalid-type', `expected a comma-separated string or an array of ${what}s`);
    return undefined;
  }
  let ok = true;
  items.forEach((item, i) => {
    if (typeof item !== 'string' || !check(item)) {
      ok = false;
      add(
        problems,
        Array.isArray(value) ? `${option}[${i}]` : option,
        item,
        what === 'method' ? 'invalid-method' : 'invalid-header-name',
        `${JSON.stringify(item)} is not a ${what} (a token: no spaces, commas or control characters)`,
      );
    }
  });
  if (!ok) return undefined;
  // cors: an array is joined with ","; a string is sent as given.
  const joined = typeof value === 'string' ? value : (items as string[]).join(',');
  return joined.length > 0 ? joined : null;
}

/** `maxAge` and `optionsSuccessStatus`, checked. */
function compileNumbers(
  problems: Problems,
  o: Record<string, unknown>,
): { maxAge: string | null; optionsSuccessStatus: number } {
  let maxAge: string | null = null;
  if (o.maxAge !== undefined && o.maxAge !== null && o.maxAge !== '') {
    const s = String(o.maxAge);
    if (!/^\d{1,10}$/.test(s)) {
      add(
        problems,
        'maxAge',
        o.maxAge,
        'max-age-out-of-range',
        'expected whole seconds (0 or more), e.g. maxAge: 7200',
      );
    } else maxAge = s;
  }
  let optionsSuccessStatus = 204;
  if (o.optionsSuccessStatus !== undefined) {
    const st = o.optionsSuccessStatus;
    if (typeof st !== 'number' || !Number.isInteger(st) || st < 200 || st > 299) {
      add(
        problems,
        'optionsSuccessStatus',
        st,
        'invalid-value',
        'a preflight succeeds only with a 2xx status (Fetch: an ok status); use 204, or 200 for very old browsers',
      );
    } else optionsSuccessStatus = st;
  }
  return { maxAge, optionsSuccessStatus };
}

let warnedWildcardCredentials = false;

/**
 * `origin: '*'` (the default) with `credentials: true`: `cors` sends `Access-Control-Allow-Origin: *`
 * with `Access-Control-Allow-Credentials: true`, and browsers refuse every credentialed read of such
 * a response (Fetch, CORS check step 3). The drop-in sends the same and warns once per process.
 * https://fetch.spec.whatwg.org/#cors-check
 */
function warnWildcardCredentials(origin: OriginRule, credentials: boolean): void {
  if (!credentials || origin.mode !== 'any' || warnedWildcardCredentials) return;
  warnedWildcardCredentials = true;
  const message =
    "cors({ origin: '*', credentials: true }): browsers refuse credentialed reads when Access-Control-Allow-Origin is *, so requests with cookies or HTTP auth will fail in the browser. List the origins instead (origin: ['https://app.example.com']), or drop credentials for a public API.";
  const emit = globalThis.process?.emitWarning;
  if (typeof emit === 'function')
    emit.call(globalThis.process, message, { code: WILDCARD_CREDENTIALS_WARNING });
  else console.warn(`Warning: ${message}`);
}

/** Checks and compiles `cors` options: every problem is collected; `compiled` only when there are none. */
export function compileCorsOptions(options: CorsOptions | undefined): CompileResult {
  const problems: Problems = [];
  const o = (options ?? {}) as Record<string, unknown>;
  if (typeof o !== 'object' || o === null) {
    add(
      problems,
      '(options)',
      options,
      'invalid-type',
      'expected an options object or an options delegate function',
    );
    return { problems };
  }
  for (const key of Object.keys(o)) {
    if (!KNOWN.has(key) && o[key] !== undefined) {
      add(
        problems,
        key,
        o[key],
        'unknown-option',
        `unknown option; the cors options are ${[...KNOWN].slice(0, 9).join(', ')}`,
      );
    }
  }
  const flags: Flags = {
    reflectAny: o.dangerouslyReflectAnyOrigin === true,
    unsafeRegExp: o.dangerouslyAllowUnsafeRegExp === true,
    insecure: o.dangerouslyTolerateInsecureOrigins === true,
    allowNull: o.dangerouslyAllowNullOrigin === true,
  };
  const credentials = o.credentials === true;
  // cors merges the options over its defaults with Object.assign, so an explicit `origin: undefined`
  // (say, an unset environment variable) turns CORS off rather than falling back to '*'.
  const originOff = Object.hasOwn(o, 'origin') && o.origin === undefined;
  const origin = originOff
    ? ({ mode: 'off' } as const)
    : compileOrigin(problems, o.origin as StaticOrigin | CustomOrigin | undefined, credentials, flags, false);
  const methods = compileList(problems, 'methods', o.methods ?? DEFAULT_METHODS, isMethod, 'method');
  const allowedHeaders = compileList(
    problems,
    o.allowedHeaders !== undefined ? 'allowedHeaders' : 'headers',
    o.allowedHeaders || o.headers || undefined,
    isHeaderName,
    'header name',
  );
  const exposedHeaders = compileList(
    problems,
    'exposedHeaders',
    o.exposedHeaders || undefined,
    isHeaderName,
    'header name',
  );
  const { maxAge, optionsSuccessStatus } = compileNumbers(problems, o);
  if (problems.length > 0) return { problems };
  warnWildcardCredentials(origin, credentials);
  return {
    problems,
    compiled: {
      origin,
      credentials,
      methods: methods ?? '',
      allowedHeaders: o.allowedHeaders || o.headers ? (allowedHeaders ?? null) : undefined,
      exposedHeaders: exposedHeaders ?? null,
      maxAge,
      preflightContinue: o.preflightContinue === true,
      optionsSuccessStatus,
      flags,
      decisions: new BoundedMap(DECISION_CACHE_MAX),
    },
  };
}
