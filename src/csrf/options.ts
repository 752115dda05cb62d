/**
 * Validates {@link CsrfGuardOptions} once, collecting every problem, and compiles them into what
 * `check` reads: sets, a compiled origin matcher, booleans. Nothing here runs per request. Each
 * group of options has its own validator: own origin (`_options-own.ts`), trusted origins
 * (`_options-trusted.ts`), bypass routes (`_options-bypass.ts`).
 */
import {
  ConfigError,
  describeValue,
  isOptionsObject,
  ProblemCollector,
  readBoolean,
} from '../_config/index.js';
import type { RequestView } from '../_http/index.js';
import type { OriginMatcher } from '../origin/index.js';
import { type CompiledBypass, validateBypass } from './_options-bypass.js';
import { validateOwnOrigin } from './_options-own.js';
import { validateTrustedOrigins } from './_options-trusted.js';
import type { OwnOrigin } from './host.js';
import type { CsrfDenyResponse, CsrfGuardOptions, CsrfOptionProblem, CsrfRefusedInfo } from './types.js';

export { hasAmbiguousPath } from './_options-bypass.js';

/** Thrown by `createCsrfGuard` with every problem of the options. */
export class CsrfOptionsError extends ConfigError<CsrfOptionProblem> {
  constructor(problems: readonly CsrfOptionProblem[]) {
    super('invalid createCsrfGuard options', problems);
    this.name = 'CsrfOptionsError';
  }
}

/** The options, checked and compiled. */
export interface CompiledCsrfOptions extends CompiledBypass {
  /** From `origin`: the application's origins (then Host and proxy headers are not read). */
  readonly own: readonly OwnOrigin[] | undefined;
  readonly ownSet: ReadonlySet<string> | undefined;
  readonly scheme: 'http' | 'https' | undefined;
  readonly trustProxy: boolean;
  readonly strict: boolean;
  /** `referer || strict`. */
  readonly referer: boolean;
  readonly sameSite: boolean;
  /** A WebSocket handshake without `Origin` (never a browser's) is allowed. */
  readonly upgradeWithoutOrigin: boolean;
  readonly trusted: OriginMatcher | undefined;
  readonly deny: ((refusal: CsrfRefusedInfo, request: RequestView) => CsrfDenyResponse) | undefined;
}

const KNOWN = new Set<string>([
  'origin',
  'scheme',
  'trustProxy',
  'strict',
  'referer',
  'sameSite',
  'upgradeWithoutOrigin',
  'trustedOrigins',
  'dangerouslyTrustInsecureOrigins',
  'dangerouslyTolerateSubdomainsOfPublicSuffixes',
  'bypass',
  'deny',
]);

type Problems = ProblemCollector<CsrfOptionProblem['reason']>;

/** Checks and compiles the options; throws {@link CsrfOptionsError} listing every problem. */
export function compileCsrfOptions(input: CsrfGuardOptions | undefined): CompiledCsrfOptions {
  const problems: Problems = new ProblemCollector();
  if (input !== undefined && !isOptionsObject(input)) {
    problems.add('options', 'not-an-object', `expected an object, got ${describeValue(input)}`);
    throw new CsrfOptionsError(problems.problems);
  }
  const o = (input ?? {}) as Record<string, unknown>;
  for (const key of Object.keys(o)) {
    if (!KNOWN.has(key))
      problems.add(
        key,
        'unknown-option',
        `not an option of createCsrfGuard; the options are ${[...KNOWN].join(', ')}`,
      );
  }
  const bool = (key: string, fallback: boolean) => readBoolean(problems, o, key, fallback, 'wrong-type');
  const trustProxy = bool('trustProxy', false);
  const strict = bool('strict', false);
  const referer = bool('referer', true);
  const { own, scheme } = validateOwnOrigin(problems, o, trustProxy);
  const trusted = validateTrustedOrigins(problems, o.trustedOrigins, {
    appIsHttpsOnly:
      own !== undefined
        ? own.every((x) => x.origin.type === 'tuple' && x.origin.scheme === 'https')
        : scheme !== 'http',
    dangerouslyTrustInsecureOrigins: bool('dangerouslyTrustInsecureOrigins', false),
    dangerouslyTolerateSubdomainsOfPublicSuffixes: bool(
      'dangerouslyTolerateSubdomainsOfPublicSuffixes',
      false,
    ),
  });
  const compiled: CompiledCsrfOptions = Object.freeze({
    own: own === undefined ? undefined : Object.freeze(own),
    ownSet: own === undefined ? undefined : new Set(own.map((x) => x.serialized)),
    scheme,
    trustProxy,
    strict,
    referer: referer || strict,
    sameSite: allowOrRefuse(problems, o, 'sameSite', false),
    upgradeWithoutOrigin: allowOrRefuse(problems, o, 'upgradeWithoutOrigin', !strict),
    trusted,
    ...validateBypass(problems, o.bypass),
    deny: validateDeny(problems, o.deny),
  });
  problems.throwIfAny((list) => new CsrfOptionsError(list));
  return compiled;
}

/** An `'allow' | 'refuse'` option as a boolean (`'allow'` is true). */
function allowOrRefuse(
  problems: Problems,
  o: Record<string, unknown>,
  key: string,
  fallback: boolean,
): boolean {
  const v = o[key];
  if (v === undefined) return fallback;
  if (v === 'allow' || v === 'refuse') return v === 'allow';
  problems.add(key, 'wrong-type', `expected "allow" or "refuse", got ${describeValue(v)}`);
  return fallback;
}

function validateDeny(problems: Problems, v: unknown): CompiledCsrfOptions['deny'] {
  if (v === undefined) return undefined;
  if (typeof v === 'function') return v as CompiledCsrfOptions['deny'];
  problems.add(
    'deny',
    'wrong-type',
    `expected a function (refusal, request) => ({ status?, body?, contentType?, headers? }), got ${describeValue(v)}`,
  );
  return undefined;
}
