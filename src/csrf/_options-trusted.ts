/**
 * Validation of `trustedOrigins`: compiled once into the shared origin matcher, with wildcards
 * under a public suffix and http origins of an https application refused unless a `dangerously…`
 * option says otherwise.
 */
import { describeValue, type ProblemCollector } from '../_config/index.js';
import {
  createOriginMatcher,
  isPotentiallyTrustworthyOrigin,
  type OriginMatcher,
  OriginPatternError,
  parseOrigin,
} from '../origin/index.js';
import type { CsrfOptionProblem } from './types.js';

type Problems = ProblemCollector<CsrfOptionProblem['reason']>;

/** What decides whether a trusted pattern is too broad or too weak. */
export interface TrustedOriginsContext {
  /** Every origin of the application is https (or, without `origin`, the scheme is not http). */
  readonly appIsHttpsOnly: boolean;
  readonly dangerouslyTrustInsecureOrigins: boolean;
  readonly dangerouslyTolerateSubdomainsOfPublicSuffixes: boolean;
}

/** Validates and compiles `trustedOrigins`; undefined when absent, empty or invalid. */
export function validateTrustedOrigins(
  problems: Problems,
  value: unknown,
  context: TrustedOriginsContext,
): OriginMatcher | undefined {
  if (value === undefined) return undefined;
  if (!Array.isArray(value) || !value.every((p) => typeof p === 'string')) {
    problems.add(
      'trustedOrigins',
      'wrong-type',
      `expected an array of origin patterns (strings), got ${describeValue(value)}`,
    );
    return undefined;
  }
  if (value.length === 0) return undefined;
  let trusted: OriginMatcher;
  try {
    trusted = createOriginMatcher(value as string[]);
  } catch (e) {
    if (!(e instanceof OriginPatternError)) throw e;
    for (const p of e.problems)
      problems.add(
        `trustedOrigins[${p.index}]`,
        'invalid-pattern',
        `${JSON.stringify(p.pattern)}: ${p.message}`,
      );
    return undefined;
  }
  trusted.patterns.forEach((p, i) => {
    const path = `trustedOrigins[${i}]`;
    if (p.publicSuffixWildcard && !context.dangerouslyTolerateSubdomainsOfPublicSuffixes) {
      problems.add(
        path,
        'public-suffix-wildcard',
        `${JSON.stringify(p.source)} admits every site under a public suffix, run by unrelated parties; list the origins you trust, or set dangerouslyTolerateSubdomainsOfPublicSuffixes`,
      );
    }
    if (p.scheme === 'http' && context.appIsHttpsOnly && !context.dangerouslyTrustInsecureOrigins) {
      // Loopback (http://localhost:*, http://127.0.0.1) is potentially trustworthy: no one on the path.
      const probe = URL.parse(`http://${p.subdomains ? 'x.' : ''}${p.host}/`);
      if (probe === null || !isPotentiallyTrustworthyOrigin(parseOrigin(probe))) {
        problems.add(
          path,
          'insecure-origin',
          `${JSON.stringify(p.source)} is an http origin: anyone on the network path can forge its pages, which would then pass the guard of an https application; use https, or set dangerouslyTrustInsecureOrigins`,
        );
      }
    }
  });
  return trusted;
}
