/**
 * A drop-in for the `cors` npm package (expressjs/cors 2.8): `cors(options)` takes the same option
 * shapes and answers with the same responses for every safe configuration, so migrating is a
 * one-line import change. What it refuses, deliberately, is listed in docs/server.md
 * ("Drop-in for `cors`: deliberate differences"):
 *
 * - unsafe configurations throw at start-up (`origin: true` with credentials; RegExps that are not
 *   anchored `^…$`, have an unescaped `.` between labels, or the stateful `g`/`y` flags; strings
 *   that are not origins; `null`; `http:` origins with credentials), unless a `dangerously…` option
 *   says otherwise;
 * - requests are classified by the Fetch Standard: an OPTIONS without `Origin` or without
 *   `Access-Control-Request-Method` is not a preflight and goes to the application;
 * - only checked values are sent back: a request `Origin` that is not a serialized origin is never
 *   reflected, and a reflected `Access-Control-Request-Headers` must be a bounded list of tokens.
 *
 * Everything else follows `cors` byte for byte: header names and order, comma-joined lists, the
 * default methods `GET,HEAD,PUT,PATCH,POST,DELETE`, `Vary` appended to the application's, every
 * header sent on every request (also without `Origin`), `preflightContinue`,
 * `optionsSuccessStatus`, `Content-Length: 0`, the options delegate and the origin callback.
 */
import type { IncomingHttpHeaders } from 'node:http';
import {
  extractHeaderListValuesBounded,
  isHeaderName,
  isHeaderValue,
  isMethod,
  isToken,
} from '../_fetch/index.js';
import { mergeVary } from '../_http/index.js';
import { isPotentiallyTrustworthyOrigin, parseOriginHeader } from '../origin/index.js';
import { CorsConfigError, type CorsConfigProblem, type CorsConfigProblemReason } from '../server/errors.js';

/** One item of the `origin` option, as the `cors` package takes it. */
export type StaticOrigin = boolean | string | RegExp | (boolean | string | RegExp)[];

/** `origin` as a function: decide per request origin and call back with a {@link StaticOrigin}. */
export type CustomOrigin = (
  requestOrigin: string | undefined,
  callback: (err: Error | null, origin?: StaticOrigin) => void,
) => void;

/** The `cors` package's options, plus the `dangerously…` switches of this drop-in. */
export interface CorsOptions {
  /** Default `'*'`. A string is one origin; `true` reflects the request's origin; a RegExp or an array tests it. */
  origin?: StaticOrigin | CustomOrigin;
  /** Default `'GET,HEAD,PUT,PATCH,POST,DELETE'`. */
  methods?: string | string[];
  /** Default: reflect the preflight's `Access-Control-Request-Headers` (after checking it). */
  allowedHeaders?: string | string[];
  /** Alias of `allowedHeaders`. */
  headers?: string | string[];
  exposedHeaders?: string | string[];
  /** Default `false`. */
  credentials?: boolean;
  /** Seconds; default: not sent. */
  maxAge?: number;
  /** Default `false`: a preflight is answered here; `true`: it is passed on with the headers set. */
  preflightContinue?: boolean;
  /** Default `204`. Must be 200..299 (browsers fail a preflight on any other status). */
  optionsSuccessStatus?: number;
  /** Allow `origin: true` together with `credentials: true` (any site may act as your users). Default `false`. */
  dangerouslyReflectAnyOrigin?: boolean;
  /** Allow RegExp origins that are not anchored, have an unescaped `.` or the `g`/`y` flag. Default `false`. */
  dangerouslyAllowUnsafeRegExp?: boolean;
  /** Allow `http:` origins (other than localhost and loopback) with credentials. Default `false`. */
  dangerouslyTolerateInsecureOrigins?: boolean;
  /** Allow the origin `'null'` in the origin option. Default `false`. */
  dangerouslyAllowNullOrigin?: boolean;
}

/** The request shape `cors` reads (Express's and node's `req` fit). */
export interface CorsRequest {
  method?: string | undefined;
  headers: IncomingHttpHeaders;
}

/** The response shape `cors` writes (Express's and node's `res` fit). */
export interface CorsResponse {
  statusCode?: number | undefined;
  setHeader(key: string, value: string): unknown;
  getHeader?(key: string): unknown;
  end?(): unknown;
}

export type CorsOptionsDelegate<T extends CorsRequest = CorsRequest> = (
  req: T,
  callback: (err: Error | null, options?: CorsOptions) => void,
) => void;

export type CorsMiddleware<T extends CorsRequest = CorsRequest> = (
  req: T,
  res: CorsResponse,
  next: (err?: unknown) => void,
) => void;

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

/** How the origin option answers; `match` tests the request origin. */
type OriginRule =
  | { readonly mode: 'off' }
  | { readonly mode: 'any' }
  | { readonly mode: 'fixed'; readonly value: string }
  | {
      readonly mode: 'match';
      readonly reflectAll: boolean;
      readonly exact: ReadonlySet<string>;
      readonly regexps: readonly RegExp[];
    }
  | { readonly mode: 'callback'; readonly fn: CustomOrigin };

interface Compiled {
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
}

interface Flags {
  readonly reflectAny: boolean;
  readonly unsafeRegExp: boolean;
  readonly insecure: boolean;
  readonly allowNull: boolean;
}

type Problems = CorsConfigProblem[];

function add(
  problems: Problems,
  option: string,
  value: unknown,
  reason: CorsConfigProblemReason,
  message: string,
) {
  problems.push({ path: option, value, reason, message });
}

// ---------------------------------------------------------------------------------------------
// Start-up checks

/**
 * Scans a RegExp source: is the whole expression anchored (`^` first, unescaped `$` last, no `|`
 * outside a group or class), and is there a `.` outside a class between two letters or digits?
 */
export function scanRegExpSource(source: string): { anchored: boolean; unescapedDot: boolean } {
  let depth = 0;
  let inClass = false;
  let topLevelAlternation = false;
  let unescapedDot = false;
  let endsWithDollar = false;
  const word = (c: string | undefined) => c !== undefined && /[A-Za-z0-9]/.test(c);
  for (let i = 0; i < source.length; i++) {
    const c = source[i];
    endsWithDollar = false;
    if (c === '\\') {
      i++;
      continue;
    }
    if (inClass) {
      if (c === ']') inClass = false;
      continue;
    }
    if (c === '[') inClass = true;
    else if (c === '(') depth++;
    else if (c === ')') depth = Math.max(0, depth - 1);
    else if (c === '|' && depth === 0) topLevelAlternation = true;
    else if (c === '.' && word(source[i - 1]) && word(source[i + 1])) unescapedDot = true;
    else if (c === '$') endsWithDollar = i === source.length - 1;
  }
  return { anchored: source.startsWith('^') && endsWithDollar && !topLevelAlternation, unescapedDot };
}

function checkRegExp(problems: Problems, option: string, re: RegExp, flags: Flags): void {
  if (flags.unsafeRegExp) return;
  if (re.global || re.sticky) {
    add(
      problems,
      option,
      re,
      'stateful-regexp',
      `${re} has the ${re.global ? 'g' : 'y'} flag: RegExp.test() then remembers lastIndex and alternates between true and false for the same origin; remove the flag`,
    );
  }
  const { anchored, unescapedDot } = scanRegExpSource(re.source);
  if (!anchored) {
    add(
      problems,
      option,
      re,
      'unanchored-regexp',
      `${re} is not anchored at both ends, so it also matches origins that merely contain a match (/example\\.com$/ matches https://evilexample.com); write /^https:\\/\\/(?:[a-z0-9-]+\\.)?example\\.com$/ (^ first, $ last, no top-level |), or set dangerouslyAllowUnsafeRegExp: true`,
    );
  }
  if (unescapedDot) {
    add(
      problems,
      option,
      re,
      'regexp-unescaped-dot',
      `${re} has an unescaped "." between labels, which matches any character (app.example matches appxexample); escape it as "\\.", or set dangerouslyAllowUnsafeRegExp: true`,
    );
  }
}

function checkOriginString(
  problems: Problems,
  option: string,
  s: string,
  credentials: boolean,
  flags: Flags,
): boolean {
  if (s === 'null') {
    if (flags.allowNull) return true;
    add(
      problems,
      option,
      s,
      'null-origin',
      "the 'null' origin is sent by sandboxed iframes, file: pages and redirects, so any site can forge it; remove it, or set dangerouslyAllowNullOrigin: true",
    );
    return false;
  }
  const parsed = parseOriginHeader(s);
  if (!parsed.ok) {
    const fix = s.includes('://') ? '' : ` (did you mean "https://${s.replace(/\/+$/, '')}"?)`;
    add(
      problems,
      option,
      s,
      'invalid-origin',
      `${JSON.stringify(s)} is not an origin as browsers send it (${parsed.reason}): write scheme://host[:port], lower-case, without path or trailing slash${fix}; browsers would never match it`,
    );
    return false;
  }
  if (credentials && !flags.insecure && !isPotentiallyTrustworthyOrigin(parsed.origin)) {
    add(
      problems,
      option,
      s,
      'insecure-origin',
      `${JSON.stringify(s)} is not https, and credentials are on: anyone on the network path can inject script into it; use ${JSON.stringify(s.replace(/^http:/, 'https:'))}, or set dangerouslyTolerateInsecureOrigins: true`,
    );
    return false;
  }
  return true;
}

/** Compiles an origin option value (static, or what an origin callback answered). */
function compileOrigin(
  problems: Problems,
  value: StaticOrigin | CustomOrigin | undefined,
  credentials: boolean,
  flags: Flags,
  fromCallback: boolean,
): OriginRule {
  if (value === undefined || value === '*') return { mode: 'any' };
  if (typeof value === 'function') return { mode: 'callback', fn: value };
  if (value === false || value === '' || value === null) return { mode: 'off' };
  if (value === true) {
    if (credentials && !fromCallback && !flags.reflectAny) {
      add(
        problems,
        'origin',
        true,
        'unsafe-reflection',
        "origin: true reflects every origin, and with credentials: true any website can then act as your signed-in users; list the origins instead (origin: ['https://app.example.com'] or an anchored RegExp), or set dangerouslyReflectAnyOrigin: true",
      );
    }
    return { mode: 'match', reflectAll: true, exact: new Set(), regexps: [] };
  }
  if (typeof value === 'string') {
    checkOriginString(problems, 'origin', value, credentials, flags);
    return { mode: 'fixed', value };
  }
  const items: unknown[] = value instanceof RegExp ? [value] : Array.isArray(value) ? value : [value];
  const exact = new Set<string>();
  const regexps: RegExp[] = [];
  let reflectAll = false;
  items.forEach((item, i) => {
    const option = value instanceof RegExp ? 'origin' : `origin[${i}]`;
    if (typeof item === 'string') {
      if (checkOriginString(problems, option, item, credentials, flags)) exact.add(item);
    } else if (item instanceof RegExp) {
      checkRegExp(problems, option, item, flags);
      regexps.push(item);
    } else if (item === true) {
      // cors: a truthy item allows every origin.
      const nested = compileOrigin(problems, true, credentials, flags, fromCallback);
      if (nested.mode === 'match') reflectAll = true;
    } else if (item === false || item === null || item === undefined) {
      // cors: a falsy item matches nothing.
    } else {
      add(problems, option, item, 'invalid-type', `expected a string, RegExp or boolean, got ${typeof item}`);
    }
  });
  return { mode: 'match', reflectAll, exact, regexps };
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

function compile(options: CorsOptions | undefined): { compiled?: Compiled; problems: Problems } {
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
  if (problems.length > 0) return { problems };
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
    },
  };
}

// ---------------------------------------------------------------------------------------------
// Per request

function isAllowed(rule: Extract<OriginRule, { mode: 'match' }>, origin: string): boolean {
  if (rule.reflectAll || rule.exact.has(origin)) return true;
  for (const re of rule.regexps) if (re.test(origin)) return true;
  return false;
}

/** A request Origin that is a serialized origin (or `null`), so safe and meaningful to reflect. */
function reflectable(origin: string | string[] | undefined, allowNull: boolean): string | null {
  if (typeof origin !== 'string') return null;
  const parsed = parseOriginHeader(origin);
  if (!parsed.ok) return null;
  if (parsed.serialized === 'null' && !allowNull) return null;
  return origin;
}

function setVary(res: CorsResponse, names: string[]): void {
  if (names.length === 0) return;
  const existing = typeof res.getHeader === 'function' ? res.getHeader('Vary') : undefined;
  const merged = mergeVary(existing as string | string[] | number | undefined, names);
  if (merged) res.setHeader('Vary', merged);
}

function respond(
  c: Compiled,
  rule: OriginRule,
  req: CorsRequest,
  res: CorsResponse,
  next: (err?: unknown) => void,
): void {
  const method = typeof req.method === 'string' ? req.method.toUpperCase() : '';
  const requestOrigin = req.headers.origin;
  // Fetch: a CORS-preflight request is an OPTIONS request with Origin and
  // Access-Control-Request-Method (cors answers every OPTIONS; we pass the others on).
  const preflight =
    method === 'OPTIONS' &&
    typeof requestOrigin === 'string' &&
    req.headers['access-control-request-method'] !== undefined;
  const headers: [string, string][] = [];
  const vary: string[] = [];
  // configureOrigin
  if (rule.mode === 'any') headers.push(['Access-Control-Allow-Origin', '*']);
  else if (rule.mode === 'fixed') {
    headers.push(['Access-Control-Allow-Origin', rule.value]);
    vary.push('Origin');
  } else if (rule.mode === 'match') {
    const o = reflectable(requestOrigin, c.flags.allowNull);
    if (o !== null && isAllowed(rule, o)) headers.push(['Access-Control-Allow-Origin', o]);
    vary.push('Origin');
  }
  // configureCredentials
  if (c.credentials) headers.push(['Access-Control-Allow-Credentials', 'true']);
  if (preflight) {
    // configureMethods
    if (c.methods) headers.push(['Access-Control-Allow-Methods', c.methods]);
    // configureAllowedHeaders
    if (c.allowedHeaders === undefined) {
      vary.push('Access-Control-Request-Headers');
      const acrh = req.headers['access-control-request-headers'];
      if (typeof acrh === 'string' && acrh.length > 0) {
        const parsed = extractHeaderListValuesBounded([acrh], 'field-name');
        if (parsed === null || !parsed.ok || !parsed.values.every(isToken)) {
          // Not reflected: a malformed, over-long or flooded list (browsers never send one).
          setVary(res, vary);
          res.statusCode = 403;
          res.setHeader('Content-Length', '0');
          res.end?.();
          return;
        }
        // cors reflects the raw value; so do we when it is a clean header value (node trims what it
        // receives, so it is), else the checked names.
        if (parsed.values.length > 0) {
          headers.push([
            'Access-Control-Allow-Headers',
            isHeaderValue(acrh) ? acrh : parsed.values.join(','),
          ]);
        }
      }
    } else if (c.allowedHeaders !== null) {
      headers.push(['Access-Control-Allow-Headers', c.allowedHeaders]);
    }
    // configureMaxAge
    if (c.maxAge !== null) headers.push(['Access-Control-Max-Age', c.maxAge]);
  }
  // configureExposedHeaders
  if (c.exposedHeaders !== null) headers.push(['Access-Control-Expose-Headers', c.exposedHeaders]);
  // applyHeaders: cors applies Vary where it meets it; the other headers keep their order.
  for (const [name, value] of headers) res.setHeader(name, value);
  setVary(res, vary);
  if (!preflight || c.preflightContinue) {
    next();
    return;
  }
  // Safari needs Content-Length: 0 on a 204 (cors does the same).
  res.statusCode = c.optionsSuccessStatus;
  res.setHeader('Content-Length', '0');
  res.end?.();
}

function run(c: Compiled, req: CorsRequest, res: CorsResponse, next: (err?: unknown) => void): void {
  const rule = c.origin;
  if (rule.mode === 'off') {
    next();
    return;
  }
  if (rule.mode !== 'callback') {
    respond(c, rule, req, res, next);
    return;
  }
  const requestOrigin = typeof req.headers.origin === 'string' ? req.headers.origin : undefined;
  rule.fn(requestOrigin, (err, value) => {
    if (err || !value) {
      // As cors: next(err) with whatever the callback gave (null included).
      next(err);
      return;
    }
    const problems: Problems = [];
    const answered = compileOrigin(problems, value, c.credentials, c.flags, true);
    if (problems.length > 0) {
      next(new CorsConfigError(problems));
      return;
    }
    respond(c, answered, req, res, next);
  });
}

/**
 * The `cors` package's middleware, validated. Accepts the same options (or an options delegate
 * `(req, callback) => …`) and answers with the same responses for every safe configuration; see
 * docs/server.md for the deliberate differences.
 *
 * Defaults (as `cors`): `origin: '*'`, `methods: 'GET,HEAD,PUT,PATCH,POST,DELETE'`,
 * `allowedHeaders`: reflect the (checked) request headers, `credentials: false`, no `maxAge`,
 * `preflightContinue: false`, `optionsSuccessStatus: 204`; every `dangerously…` option `false`.
 *
 * @throws CorsConfigError at start-up, listing every problem of a static configuration. An options
 *   delegate's answer with problems is passed to `next(error)` instead.
 * @example
 * ```ts
 * // before: import cors from 'cors';
 * import { cors } from 'crossorigin/express';
 *
 * app.use(cors({ origin: ['https://app.example.com', /^https:\/\/[a-z0-9-]+\.example\.com$/], credentials: true }));
 * ```
 */
export function cors<T extends CorsRequest = CorsRequest>(
  options?: CorsOptions | CorsOptionsDelegate<T>,
): CorsMiddleware<T> {
  if (typeof options === 'function') {
    const delegate = options;
    const cache = new WeakMap<object, { compiled?: Compiled; problems: Problems }>();
    return (req, res, next) => {
      delegate(req, (err, opts) => {
        if (err) {
          next(err);
          return;
        }
        const key = opts ?? cache;
        let r = cache.get(key);
        if (r === undefined) {
          r = compile(opts);
          cache.set(key, r);
        }
        if (r.compiled === undefined) {
          next(new CorsConfigError(r.problems));
          return;
        }
        run(r.compiled, req, res, next);
      });
    };
  }
  const { compiled, problems } = compile(options);
  if (compiled === undefined) throw new CorsConfigError(problems);
  return (req, res, next) => run(compiled, req, res, next);
}

export default cors;
