/**
 * Validate once: every option is checked, every problem collected, then header values are
 * precomputed so that deciding a request does no configuration work.
 */
import {
  byteUppercase,
  CORS_SAFELISTED_RESPONSE_HEADER_NAMES,
  isCorsSafelistedMethod,
  isForbiddenMethod,
  isForbiddenRequestHeader,
  isForbiddenResponseHeaderName,
  isHeaderName,
  isMethod,
  normalizeMethod,
} from '../_fetch/index.js';
import {
  createOriginMatcher,
  isPotentiallyTrustworthyOrigin,
  type OriginMatcher,
  OriginPatternError,
  type OriginPatternProblemReason,
  type ParsedOriginPattern,
} from '../origin/index.js';
import { CorsConfigError, type CorsConfigProblem, type CorsConfigProblemReason } from './errors.js';
import type {
  CorsDecision,
  CorsPolicyConfig,
  NormalizedCorsConfig,
  OriginResolver,
  RequestView,
} from './types.js';

/** Methods whose canonical spelling is upper case but which browsers do not normalize. */
const WELL_KNOWN_UNNORMALIZED_METHODS: ReadonlySet<string> = new Set(['PATCH']);

const KNOWN_OPTIONS: ReadonlySet<string> = new Set([
  'origins',
  'credentials',
  'methods',
  'requestHeaders',
  'exposeHeaders',
  'maxAge',
  'privateNetwork',
  'debug',
  'onDecision',
  'originCache',
  'dangerouslyTolerateInsecureOrigins',
  'dangerouslyTolerateSubdomainsOfPublicSuffixes',
  'dangerouslyAllowNullOrigin',
]);

/** Names people bring from other CORS libraries, and what to write here instead. */
const DID_YOU_MEAN: Readonly<Record<string, string>> = {
  origin: 'origins',
  allowedOrigins: 'origins',
  allowOrigins: 'origins',
  allowedHeaders: 'requestHeaders',
  allowHeaders: 'requestHeaders',
  headers: 'requestHeaders',
  exposedHeaders: 'exposeHeaders',
  allowMethods: 'methods',
  allowedMethods: 'methods',
  allowCredentials: 'credentials',
  maxAgeSeconds: 'maxAge',
  allowPrivateNetwork: 'privateNetwork',
};

export const MAX_MAX_AGE = 86_400;

/** Everything `decide` needs, computed once. Never mutated after compile. */
export interface CompiledPolicy {
  readonly normalized: NormalizedCorsConfig;
  /** `origins: '*'`. */
  readonly anyOrigin: boolean;
  /** Configured exact origins (and per-origin decisions, filled lazily). */
  readonly exact: Map<string, OriginEntry>;
  /** The entry of `exact` when it holds exactly one origin (one string comparison, no hashing). */
  readonly onlyExact: OriginEntry | null;
  /** Wildcard patterns (`*.` host or `:*` port); null when there are none. */
  readonly matcher: OriginMatcher | null;
  readonly resolver: OriginResolver | null;
  readonly allowNull: boolean;
  readonly credentials: boolean;
  readonly tolerateInsecure: boolean;
  /** Allowed non-safelisted methods, exactly as a browser must send them. */
  readonly methods: ReadonlySet<string>;
  /** Upper-cased allowed methods, to explain a case mismatch. */
  readonly methodsUpper: ReadonlySet<string>;
  readonly anyHeader: boolean;
  /** With anyHeader: `authorization` was listed beside `*`. */
  readonly anyHeaderWithAuthorization: boolean;
  /** Allowed request-header names, lower-case. */
  readonly headers: ReadonlySet<string>;
  /** Precomputed `Access-Control-Allow-Headers` (null: reflect checked names, or none to send). */
  readonly acah: string | null;
  readonly acam: string | null;
  readonly aceh: string | null;
  readonly maxAge: string | null;
  readonly privateNetwork: boolean;
  readonly debug: boolean;
  readonly onDecision: ((decision: CorsDecision, request: RequestView) => void) | null;
  readonly originCache: { max: number; ttlMs: number };
  /** Decisions that do not depend on the request beyond its kind. */
  readonly constants: ConstantDecisions;
  /** Vary of a preflight response. */
  readonly preflightVary: readonly string[];
}

/** Per allowed origin: decisions built on first use and then reused. */
export interface OriginEntry {
  readonly origin: string;
  actual?: CorsDecision;
  passthrough?: CorsDecision;
  preflight?: CorsDecision;
  preflightPrivateNetwork?: CorsDecision;
}

export interface ConstantDecisions {
  readonly notCors: CorsDecision;
  /** origins '*': the allowed actual / passthrough decisions (no per-origin value). */
  readonly anyActual: CorsDecision | null;
  readonly anyPassthrough: CorsDecision | null;
}

function problem(
  problems: CorsConfigProblem[],
  option: string,
  value: unknown,
  reason: CorsConfigProblemReason,
  message: string,
): void {
  problems.push({ option, value, reason, message });
}

function describeType(v: unknown): string {
  return v === null ? 'null' : Array.isArray(v) ? 'array' : typeof v;
}

function checkBoolean(problems: CorsConfigProblem[], cfg: Record<string, unknown>, name: string): boolean {
  const v = cfg[name];
  if (v === undefined) return false;
  if (typeof v !== 'boolean') {
    problem(problems, name, v, 'invalid-type', `expected true or false, got ${describeType(v)}`);
    return false;
  }
  return v;
}

const PATTERN_REASON: Partial<Record<OriginPatternProblemReason, CorsConfigProblemReason>> = {
  'null-origin': 'null-origin',
  duplicate: 'duplicate',
};

interface OriginsResult {
  mode: 'any' | 'list' | 'resolver';
  exact: string[];
  wildcards: string[];
  allowNull: boolean;
  resolver: OriginResolver | null;
  normalized: readonly string[] | '*' | 'resolver';
}

function validateOrigins(
  problems: CorsConfigProblem[],
  cfg: Record<string, unknown>,
  credentials: boolean,
): OriginsResult {
  const out: OriginsResult = {
    mode: 'list',
    exact: [],
    wildcards: [],
    allowNull: false,
    resolver: null,
    normalized: [],
  };
  const v = cfg.origins;
  const allowNullOption = cfg.dangerouslyAllowNullOrigin === true;
  const tolerateInsecure = cfg.dangerouslyTolerateInsecureOrigins === true;
  const toleratePublicSuffix = cfg.dangerouslyTolerateSubdomainsOfPublicSuffixes === true;
  if (v === undefined) {
    problem(
      problems,
      'origins',
      v,
      'missing-origins',
      "say which origins may read responses: origins: ['https://app.example.com'] (or '*' for a public API without credentials)",
    );
    return out;
  }
  if (typeof v === 'function') {
    out.mode = 'resolver';
    out.resolver = v as OriginResolver;
    out.normalized = 'resolver';
    out.allowNull = allowNullOption;
    return out;
  }
  const list = v === '*' ? ['*'] : v;
  if (!Array.isArray(list)) {
    problem(
      problems,
      'origins',
      v,
      'invalid-type',
      `expected an array of origins, '*', or a function; got ${describeType(v)}`,
    );
    return out;
  }
  if (list.length === 0) {
    problem(
      problems,
      'origins',
      v,
      'missing-origins',
      "the list is empty, so no origin could ever read a response; list at least one, e.g. ['https://app.example.com']",
    );
    return out;
  }
  if (list.includes('*')) {
    if (list.length > 1) {
      problem(
        problems,
        'origins',
        v,
        'duplicate',
        "'*' already allows every origin; give either '*' alone or a list of origins",
      );
    }
    if (credentials) {
      problem(
        problems,
        'origins',
        '*',
        'wildcard-with-credentials',
        "'*' with credentials: true would let any site act as the signed-in user; list the origins that may (origins: ['https://app.example.com']) or set credentials: false for a public API",
      );
    }
    out.mode = 'any';
    out.normalized = '*';
    return out;
  }
  const patterns: string[] = [];
  const patternIndex: number[] = [];
  list.forEach((item: unknown, i: number) => {
    const option = `origins[${i}]`;
    if (typeof item !== 'string') {
      problem(problems, option, item, 'invalid-type', `expected a string, got ${describeType(item)}`);
      return;
    }
    if (item === 'null') {
      if (!allowNullOption) {
        problem(
          problems,
          option,
          item,
          'null-origin',
          "the 'null' origin is sent by sandboxed iframes, file: pages and cross-origin redirects, so any site can forge it; remove it, or set dangerouslyAllowNullOrigin: true if you really must",
        );
      } else if (out.allowNull) {
        problem(problems, option, item, 'duplicate', "'null' is listed twice; remove one");
      }
      out.allowNull = true;
      return;
    }
    if (/^file:/i.test(item) || /^(blob|data|about|javascript):/i.test(item)) {
      problem(
        problems,
        option,
        item,
        'opaque-origin',
        `${JSON.stringify(item)} has no origin a browser would send: pages from file:, data:, about: and blob: URLs send 'null'; serve the page over http(s) and list that origin`,
      );
      return;
    }
    patterns.push(item);
    patternIndex.push(i);
  });
  let parsed: readonly ParsedOriginPattern[] = [];
  try {
    parsed = createOriginMatcher(patterns).patterns;
  } catch (e) {
    if (!(e instanceof OriginPatternError)) throw e;
    for (const p of e.problems) {
      const i = patternIndex[p.index] ?? p.index;
      problem(problems, `origins[${i}]`, p.pattern, PATTERN_REASON[p.reason] ?? 'invalid-origin', p.message);
    }
    return out;
  }
  parsed.forEach((p, k) => {
    const option = `origins[${patternIndex[k]}]`;
    if (p.publicSuffixWildcard && !toleratePublicSuffix) {
      problem(
        problems,
        option,
        p.source,
        'public-suffix-wildcard',
        `${JSON.stringify(p.source)} allows every site under the public suffix ${JSON.stringify(p.host)}, run by unrelated parties; list your own subdomains (https://*.yourdomain.${p.host.split('.').pop()}), or set dangerouslyTolerateSubdomainsOfPublicSuffixes: true`,
      );
    }
    if (credentials && !tolerateInsecure) {
      const trustworthy = isPotentiallyTrustworthyOrigin({
        type: 'tuple',
        scheme: p.scheme,
        host: p.host,
        port: typeof p.port === 'number' ? p.port : null,
      });
      if (!trustworthy) {
        problem(
          problems,
          option,
          p.source,
          'insecure-origin',
          `${JSON.stringify(p.source)} is not https: anyone on the network path can inject script into it and ride the user's credentials; use ${JSON.stringify(p.source.replace(/^http:/, 'https:').replace(/^ws:/, 'wss:'))}, or set dangerouslyTolerateInsecureOrigins: true (localhost and loopback need no option)`,
        );
      }
    }
    if (p.subdomains || p.port === '*') out.wildcards.push(p.source);
    else out.exact.push(p.source);
  });
  out.normalized = Object.freeze([...(out.allowNull ? ['null'] : []), ...parsed.map((p) => p.source)]);
  return out;
}

function validateMethods(problems: CorsConfigProblem[], cfg: Record<string, unknown>): string[] {
  const v = cfg.methods;
  if (v === undefined) return [];
  if (!Array.isArray(v)) {
    problem(
      problems,
      'methods',
      v,
      'invalid-type',
      `expected an array of method names, e.g. ['PUT', 'PATCH', 'DELETE']; got ${describeType(v)}`,
    );
    return [];
  }
  const out: string[] = [];
  const seen = new Map<string, number>();
  v.forEach((m: unknown, i: number) => {
    const option = `methods[${i}]`;
    if (typeof m !== 'string') {
      problem(problems, option, m, 'invalid-type', `expected a string, got ${describeType(m)}`);
      return;
    }
    if (m === '*') {
      problem(
        problems,
        option,
        m,
        'invalid-method',
        "'*' is not supported for methods: list them, e.g. ['PUT', 'PATCH', 'DELETE']",
      );
      return;
    }
    if (!isMethod(m)) {
      problem(
        problems,
        option,
        m,
        'invalid-method',
        `${JSON.stringify(m)} is not a method (a token: letters, digits and !#$%&'*+-.^_\`|~); give one method per item`,
      );
      return;
    }
    if (isForbiddenMethod(m)) {
      problem(
        problems,
        option,
        m,
        'forbidden-method',
        `browsers never send ${byteUppercase(m)} (a forbidden method); remove it`,
      );
      return;
    }
    // Fetch normalizes DELETE, GET, HEAD, OPTIONS, POST, PUT: a page may write them in any case.
    const normalized = normalizeMethod(m);
    const upper = byteUppercase(m);
    if (normalized === m && upper !== m && WELL_KNOWN_UNNORMALIZED_METHODS.has(upper)) {
      problem(
        problems,
        option,
        m,
        'method-case',
        `methods are case-sensitive and browsers do not upper-case ${upper}: fetch(url, { method: ${JSON.stringify(m)} }) sends ${JSON.stringify(m)}, which Node's HTTP parser rejects with 400; write ${JSON.stringify(upper)} here and in the page`,
      );
      return;
    }
    const first = seen.get(normalized);
    if (first !== undefined) {
      problem(problems, option, m, 'duplicate', `${normalized} is already at methods[${first}]; remove one`);
      return;
    }
    seen.set(normalized, i);
    // GET, HEAD and POST are CORS-safelisted: always allowed, never listed.
    if (isCorsSafelistedMethod(normalized)) return;
    out.push(normalized);
  });
  return out;
}

interface HeadersResult {
  any: boolean;
  anyWithAuthorization: boolean;
  names: string[];
}

function validateRequestHeaders(problems: CorsConfigProblem[], cfg: Record<string, unknown>): HeadersResult {
  const out: HeadersResult = { any: false, anyWithAuthorization: false, names: [] };
  const v = cfg.requestHeaders;
  if (v === undefined) return out;
  const list = v === '*' ? ['*'] : v;
  if (!Array.isArray(list)) {
    problem(
      problems,
      'requestHeaders',
      v,
      'invalid-type',
      `expected an array of header names or '*', e.g. ['content-type', 'authorization']; got ${describeType(v)}`,
    );
    return out;
  }
  out.any = list.includes('*');
  const seen = new Map<string, number>();
  list.forEach((h: unknown, i: number) => {
    const option = v === '*' ? 'requestHeaders' : `requestHeaders[${i}]`;
    if (typeof h !== 'string') {
      problem(problems, option, h, 'invalid-type', `expected a string, got ${describeType(h)}`);
      return;
    }
    if (h === '*') return;
    if (!isHeaderName(h)) {
      problem(
        problems,
        option,
        h,
        'invalid-header-name',
        `${JSON.stringify(h)} is not a header name (a token, no spaces or commas); give one name per item`,
      );
      return;
    }
    const lower = h.toLowerCase();
    if (lower.startsWith('access-control-')) {
      problem(
        problems,
        option,
        h,
        'access-control-header-name',
        `${h} is set by the browser or the server, never by a page; remove it (if the page sets it, remove it there too: it only triggers a preflight)`,
      );
      return;
    }
    if (isForbiddenRequestHeader(lower, '')) {
      problem(
        problems,
        option,
        h,
        'forbidden-header-name',
        `browsers never let a page set ${h} (a forbidden request-header), so it never appears in a preflight; remove it`,
      );
      return;
    }
    const first = seen.get(lower);
    if (first !== undefined) {
      problem(
        problems,
        option,
        h,
        'duplicate',
        `${lower} is already at requestHeaders[${first}]; remove one`,
      );
      return;
    }
    seen.set(lower, i);
    if (out.any) {
      if (lower === 'authorization') {
        out.anyWithAuthorization = true;
        return;
      }
      problem(
        problems,
        option,
        h,
        'duplicate',
        `'*' already covers ${lower}; only 'authorization' needs listing beside '*'`,
      );
      return;
    }
    out.names.push(lower);
  });
  return out;
}

function validateExposeHeaders(
  problems: CorsConfigProblem[],
  cfg: Record<string, unknown>,
  credentials: boolean,
): string[] | '*' {
  const v = cfg.exposeHeaders;
  if (v === undefined) return [];
  const list = v === '*' ? ['*'] : v;
  if (!Array.isArray(list)) {
    problem(
      problems,
      'exposeHeaders',
      v,
      'invalid-type',
      `expected an array of header names or '*', e.g. ['etag', 'x-request-id']; got ${describeType(v)}`,
    );
    return [];
  }
  if (list.includes('*')) {
    if (list.length > 1) {
      problem(problems, 'exposeHeaders', v, 'duplicate', "'*' already exposes every header; give '*' alone");
    }
    if (credentials) {
      problem(
        problems,
        'exposeHeaders',
        v,
        'expose-wildcard-with-credentials',
        "with credentials, browsers read Access-Control-Expose-Headers: * as a header literally named '*', exposing nothing; list the names, e.g. ['etag', 'x-request-id']",
      );
    }
    return '*';
  }
  const out: string[] = [];
  const seen = new Map<string, number>();
  list.forEach((h: unknown, i: number) => {
    const option = `exposeHeaders[${i}]`;
    if (typeof h !== 'string') {
      problem(problems, option, h, 'invalid-type', `expected a string, got ${describeType(h)}`);
      return;
    }
    if (!isHeaderName(h)) {
      problem(
        problems,
        option,
        h,
        'invalid-header-name',
        `${JSON.stringify(h)} is not a header name (a token, no spaces or commas); give one name per item`,
      );
      return;
    }
    const lower = h.toLowerCase();
    if (isForbiddenResponseHeaderName(lower)) {
      problem(
        problems,
        option,
        h,
        'forbidden-header-name',
        `browsers never let script read ${h} (a forbidden response-header name); remove it`,
      );
      return;
    }
    if (lower.startsWith('access-control-')) {
      problem(
        problems,
        option,
        h,
        'access-control-header-name',
        `${h} is a CORS protocol header; exposing it makes no sense; remove it`,
      );
      return;
    }
    const first = seen.get(lower);
    if (first !== undefined) {
      problem(problems, option, h, 'duplicate', `${lower} is already at exposeHeaders[${first}]; remove one`);
      return;
    }
    seen.set(lower, i);
    // CORS-safelisted response-header names are always readable: accepted, not sent.
    if (CORS_SAFELISTED_RESPONSE_HEADER_NAMES.has(lower)) return;
    out.push(lower);
  });
  return out;
}

function validateMaxAge(problems: CorsConfigProblem[], cfg: Record<string, unknown>): number | null {
  const v = cfg.maxAge;
  if (v === undefined || v === null) return null;
  if (typeof v !== 'number' || !Number.isInteger(v) || v < 0 || v > MAX_MAX_AGE) {
    problem(
      problems,
      'maxAge',
      v,
      typeof v === 'number' ? 'max-age-out-of-range' : 'invalid-type',
      `expected whole seconds from 0 to ${MAX_MAX_AGE} (browsers cap it: Chromium 7200, Firefox 86400, WebKit 600), e.g. maxAge: 7200`,
    );
    return null;
  }
  return v;
}

function validateOriginCache(
  problems: CorsConfigProblem[],
  cfg: Record<string, unknown>,
): { max: number; ttlMs: number } {
  const out = { max: 1000, ttlMs: 60_000 };
  const v = cfg.originCache;
  if (v === undefined) return out;
  if (typeof v !== 'object' || v === null || Array.isArray(v)) {
    problem(problems, 'originCache', v, 'invalid-type', 'expected { max?: number, ttlMs?: number }');
    return out;
  }
  const o = v as Record<string, unknown>;
  for (const key of Object.keys(o)) {
    if (key !== 'max' && key !== 'ttlMs') {
      problem(
        problems,
        `originCache.${key}`,
        o[key],
        'unknown-option',
        'originCache takes max and ttlMs only',
      );
    }
  }
  if (o.max !== undefined) {
    if (typeof o.max !== 'number' || !Number.isInteger(o.max) || o.max < 1 || o.max > 1_000_000) {
      problem(
        problems,
        'originCache.max',
        o.max,
        'invalid-type',
        'expected a whole number from 1 to 1,000,000',
      );
    } else out.max = o.max;
  }
  if (o.ttlMs !== undefined) {
    if (typeof o.ttlMs !== 'number' || !Number.isInteger(o.ttlMs) || o.ttlMs < 1 || o.ttlMs > 86_400_000) {
      problem(
        problems,
        'originCache.ttlMs',
        o.ttlMs,
        'invalid-type',
        'expected milliseconds from 1 to 86,400,000 (one day)',
      );
    } else out.ttlMs = o.ttlMs;
  }
  return out;
}

/**
 * Validates a configuration, collecting every problem. Returns the compiled policy, or throws one
 * {@link CorsConfigError} listing all problems.
 */
export function compileCorsPolicy(config: CorsPolicyConfig): CompiledPolicy {
  const problems: CorsConfigProblem[] = [];
  if (typeof config !== 'object' || config === null || Array.isArray(config)) {
    throw new CorsConfigError([
      {
        option: '(config)',
        value: config,
        reason: 'invalid-type',
        message:
          "expected an options object, e.g. createCorsPolicy({ origins: ['https://app.example.com'] })",
      },
    ]);
  }
  const cfg = config as unknown as Record<string, unknown>;
  for (const key of Object.keys(cfg)) {
    if (KNOWN_OPTIONS.has(key)) continue;
    const hint = DID_YOU_MEAN[key];
    problem(
      problems,
      key,
      cfg[key],
      'unknown-option',
      hint
        ? `unknown option; did you mean ${hint}?`
        : `unknown option; known: ${[...KNOWN_OPTIONS].join(', ')}`,
    );
  }
  const credentials = checkBoolean(problems, cfg, 'credentials');
  const privateNetwork = checkBoolean(problems, cfg, 'privateNetwork');
  const debug = checkBoolean(problems, cfg, 'debug');
  const tolerateInsecure = checkBoolean(problems, cfg, 'dangerouslyTolerateInsecureOrigins');
  checkBoolean(problems, cfg, 'dangerouslyTolerateSubdomainsOfPublicSuffixes');
  checkBoolean(problems, cfg, 'dangerouslyAllowNullOrigin');
  const onDecision = cfg.onDecision;
  if (onDecision !== undefined && typeof onDecision !== 'function') {
    problem(
      problems,
      'onDecision',
      onDecision,
      'invalid-type',
      `expected a function (decision, request) => void; got ${describeType(onDecision)}`,
    );
  }
  const origins = validateOrigins(problems, cfg, credentials);
  const methods = validateMethods(problems, cfg);
  const headers = validateRequestHeaders(problems, cfg);
  const expose = validateExposeHeaders(problems, cfg, credentials);
  const maxAge = validateMaxAge(problems, cfg);
  const originCache = validateOriginCache(problems, cfg);
  if (problems.length > 0) throw new CorsConfigError(problems);

  const acam = methods.length > 0 ? methods.join(',') : null;
  const acah = headers.any
    ? credentials
      ? null // reflect the checked names: with credentials `*` is a literal name
      : '*'
    : headers.names.length > 0
      ? headers.names.join(',')
      : null;
  const aceh = expose === '*' ? '*' : expose.length > 0 ? expose.join(',') : null;
  const anyOrigin = origins.mode === 'any';

  const preflightVary = anyOrigin
    ? ['Access-Control-Request-Method', 'Access-Control-Request-Headers']
    : ['Origin', 'Access-Control-Request-Method', 'Access-Control-Request-Headers'];
  if (privateNetwork) preflightVary.push('Access-Control-Request-Private-Network');

  const normalized: NormalizedCorsConfig = Object.freeze({
    origins: origins.normalized,
    credentials,
    methods: Object.freeze(methods),
    requestHeaders: headers.any
      ? headers.anyWithAuthorization
        ? (Object.freeze(['*', 'authorization']) as readonly ['*', 'authorization'])
        : '*'
      : Object.freeze(headers.names),
    exposeHeaders: expose === '*' ? '*' : Object.freeze(expose),
    maxAge,
    privateNetwork,
    debug,
  });

  const exact = new Map<string, OriginEntry>();
  for (const o of origins.exact) exact.set(o, { origin: o });

  // Public policy ('*'): a request without Origin gets the very same headers as one with, so a
  // shared cache can serve either response to anyone and needs no `Vary: Origin`.
  const anyHeaders: [string, string][] = [['access-control-allow-origin', '*']];
  if (aceh !== null) anyHeaders.push(['access-control-expose-headers', aceh]);
  const frozenAnyHeaders = Object.freeze(anyHeaders.map((h) => Object.freeze(h)));
  const noVary: readonly string[] = Object.freeze([]);
  const varyOrigin: readonly string[] = Object.freeze(['Origin']);
  const constants: ConstantDecisions = {
    notCors: Object.freeze({
      kind: 'not-cors',
      allowed: true,
      reason: 'no-origin',
      headers: anyOrigin ? frozenAnyHeaders : Object.freeze([]),
      vary: anyOrigin ? noVary : varyOrigin,
      end: false,
    }),
    anyActual: anyOrigin
      ? Object.freeze({
          kind: 'actual',
          allowed: true,
          reason: 'allowed',
          headers: frozenAnyHeaders,
          vary: noVary,
          end: false,
        })
      : null,
    anyPassthrough: anyOrigin
      ? Object.freeze({
          kind: 'options-passthrough',
          allowed: true,
          reason: 'allowed',
          headers: frozenAnyHeaders,
          vary: noVary,
          end: false,
        })
      : null,
  };

  return {
    normalized,
    anyOrigin,
    exact,
    onlyExact: exact.size === 1 ? (exact.values().next().value as OriginEntry) : null,
    matcher: origins.wildcards.length > 0 ? createOriginMatcher(origins.wildcards) : null,
    resolver: origins.resolver,
    allowNull: origins.allowNull,
    credentials,
    tolerateInsecure,
    methods: new Set(methods),
    methodsUpper: new Set(methods.map(byteUppercase)),
    anyHeader: headers.any,
    anyHeaderWithAuthorization: headers.anyWithAuthorization,
    headers: new Set(headers.names),
    acah,
    acam,
    aceh,
    maxAge: maxAge === null ? null : String(maxAge),
    privateNetwork,
    debug,
    onDecision: typeof onDecision === 'function' ? (onDecision as CompiledPolicy['onDecision']) : null,
    originCache,
    constants,
    preflightVary: Object.freeze(preflightVary),
  };
}
