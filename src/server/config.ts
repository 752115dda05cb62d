/**
 * Validate once: every option is checked, every problem collected, then header values are
 * precomputed so that deciding a request does no configuration work.
 */

import { isOptionsObject, ProblemCollector, readBoolean } from '../_config/index.js';
import { byteUppercase } from '../_fetch/index.js';
import { createOriginMatcher, type OriginMatcher } from '../origin/index.js';
import { validateExposeHeaders, validateMethods, validateRequestHeaders } from './config-lists.js';
import { type OriginsResult, validateOrigins } from './config-origins.js';
import { type CorsProblems, describeType, validateMaxAge, validateOriginCache } from './config-values.js';
import { CorsConfigError, type CorsConfigProblemReason } from './errors.js';
import type {
  CorsDecision,
  CorsPolicyConfig,
  NormalizedCorsConfig,
  OriginResolver,
  RequestView,
} from './types.js';

export { MAX_MAX_AGE } from './config-values.js';

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

/** Every option, validated: what {@link buildPolicy} compiles. */
interface ValidatedConfig {
  readonly credentials: boolean;
  readonly privateNetwork: boolean;
  readonly debug: boolean;
  readonly tolerateInsecure: boolean;
  readonly onDecision: CompiledPolicy['onDecision'];
  readonly origins: OriginsResult;
  readonly methods: string[];
  readonly headers: ReturnType<typeof validateRequestHeaders>;
  readonly expose: string[] | '*';
  readonly maxAge: number | null;
  readonly originCache: { max: number; ttlMs: number };
}

/**
 * Validates a configuration, collecting every problem. Returns the compiled policy, or throws one
 * {@link CorsConfigError} listing all problems.
 */
export function compileCorsPolicy(config: CorsPolicyConfig): CompiledPolicy {
  return buildPolicy(validateConfig(config));
}

/** Checks every option; throws one {@link CorsConfigError} listing every problem. */
function validateConfig(config: CorsPolicyConfig): ValidatedConfig {
  const problems: CorsProblems = new ProblemCollector<CorsConfigProblemReason>();
  if (!isOptionsObject(config)) {
    problems.add(
      '(config)',
      'invalid-type',
      "expected an options object, e.g. createCorsPolicy({ origins: ['https://app.example.com'] })",
      config,
    );
    throw new CorsConfigError(problems.problems);
  }
  const cfg = config as Record<string, unknown>;
  checkOptionNames(problems, cfg);
  const bool = (key: string) => readBoolean(problems, cfg, key, false, 'invalid-type');
  const credentials = bool('credentials');
  const privateNetwork = bool('privateNetwork');
  const debug = bool('debug');
  const tolerateInsecure = bool('dangerouslyTolerateInsecureOrigins');
  bool('dangerouslyTolerateSubdomainsOfPublicSuffixes');
  bool('dangerouslyAllowNullOrigin');
  const onDecision = cfg.onDecision;
  if (onDecision !== undefined && typeof onDecision !== 'function') {
    problems.add(
      'onDecision',
      'invalid-type',
      `expected a function (decision, request) => void; got ${describeType(onDecision)}`,
      onDecision,
    );
  }
  const validated: ValidatedConfig = {
    credentials,
    privateNetwork,
    debug,
    tolerateInsecure,
    onDecision: typeof onDecision === 'function' ? (onDecision as CompiledPolicy['onDecision']) : null,
    origins: validateOrigins(problems, cfg, credentials),
    methods: validateMethods(problems, cfg),
    headers: validateRequestHeaders(problems, cfg),
    expose: validateExposeHeaders(problems, cfg, credentials),
    maxAge: validateMaxAge(problems, cfg),
    originCache: validateOriginCache(problems, cfg),
  };
  problems.throwIfAny((list) => new CorsConfigError(list));
  return validated;
}

/** Unknown option names, with the name to write instead when another library's name was used. */
function checkOptionNames(problems: CorsProblems, cfg: Record<string, unknown>): void {
  for (const key of Object.keys(cfg)) {
    if (KNOWN_OPTIONS.has(key)) continue;
    const hint = DID_YOU_MEAN[key];
    problems.add(
      key,
      'unknown-option',
      hint
        ? `unknown option; did you mean ${hint}?`
        : `unknown option; known: ${[...KNOWN_OPTIONS].join(', ')}`,
      cfg[key],
    );
  }
}

/** Precomputes header values and decisions from a validated configuration. */
function buildPolicy(v: ValidatedConfig): CompiledPolicy {
  const { credentials, privateNetwork, debug, tolerateInsecure, onDecision } = v;
  const { origins, methods, headers, expose, maxAge, originCache } = v;
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

  const constants = constantDecisions(anyOrigin, aceh);

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
    onDecision,
    originCache,
    constants,
    preflightVary: Object.freeze(preflightVary),
  };
}

/** The decisions that do not depend on the request beyond its kind. */
function constantDecisions(anyOrigin: boolean, aceh: string | null): ConstantDecisions {
  // Public policy ('*'): a request without Origin gets the very same headers as one with, so a
  // shared cache can serve either response to anyone and needs no `Vary: Origin`.
  const anyHeaders: [string, string][] = [['access-control-allow-origin', '*']];
  if (aceh !== null) anyHeaders.push(['access-control-expose-headers', aceh]);
  const frozenAnyHeaders = Object.freeze(anyHeaders.map((h) => Object.freeze(h)));
  const noVary: readonly string[] = Object.freeze([]);
  const varyOrigin: readonly string[] = Object.freeze(['Origin']);
  return {
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
}
