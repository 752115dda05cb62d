/**
 * Validation of `origins`: exact origins and patterns compiled by the shared origin matcher, with
 * the refusals of unsafe entries (`null`, opaque schemes, public-suffix wildcards, http with
 * credentials).
 */
import {
  createOriginMatcher,
  isPotentiallyTrustworthyOrigin,
  OriginPatternError,
  type OriginPatternProblemReason,
  type ParsedOriginPattern,
} from '../origin/index.js';
import { type CorsProblems, eachString, isList } from './config-values.js';
import type { CorsConfigProblemReason } from './errors.js';
import type { OriginResolver } from './types.js';

const PATTERN_REASON: Partial<Record<OriginPatternProblemReason, CorsConfigProblemReason>> = {
  'null-origin': 'null-origin',
  duplicate: 'duplicate',
};

export interface OriginsResult {
  mode: 'any' | 'list' | 'resolver';
  exact: string[];
  wildcards: string[];
  allowNull: boolean;
  resolver: OriginResolver | null;
  normalized: readonly string[] | '*' | 'resolver';
}

/** Validates `origins`: `*`, a resolver function, or a list of origins and patterns. */
export function validateOrigins(
  problems: CorsProblems,
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
    problems.add(
      'origins',
      'missing-origins',
      "say which origins may read responses: origins: ['https://app.example.com'] (or '*' for a public API without credentials)",
      v,
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
  if (!isList(problems, 'origins', list, "an array of origins, '*', or a function")) return out;
  if (list.length === 0) {
    problems.add(
      'origins',
      'missing-origins',
      "the list is empty, so no origin could ever read a response; list at least one, e.g. ['https://app.example.com']",
      v,
    );
    return out;
  }
  if (list.includes('*')) {
    if (list.length > 1) {
      problems.add(
        'origins',
        'duplicate',
        "'*' already allows every origin; give either '*' alone or a list of origins",
        v,
      );
    }
    if (credentials) {
      problems.add(
        'origins',
        'wildcard-with-credentials',
        "'*' with credentials: true would let any site act as the signed-in user; list the origins that may (origins: ['https://app.example.com']) or set credentials: false for a public API",
        '*',
      );
    }
    out.mode = 'any';
    out.normalized = '*';
    return out;
  }
  const { patterns, patternIndex } = splitOriginItems(problems, list, out, allowNullOption);
  checkOriginPatterns(problems, patterns, patternIndex, out, {
    credentials,
    tolerateInsecure,
    toleratePublicSuffix,
  });
  return out;
}

/** Sorts the items of `origins`: `null` and opaque schemes are settled here, the rest are patterns. */
function splitOriginItems(
  problems: CorsProblems,
  list: unknown[],
  out: OriginsResult,
  allowNullOption: boolean,
): { patterns: string[]; patternIndex: number[] } {
  const patterns: string[] = [];
  const patternIndex: number[] = [];
  eachString(
    problems,
    list,
    (i) => `origins[${i}]`,
    (item, option, i) => {
      if (item === 'null') {
        if (!allowNullOption) {
          problems.add(
            option,
            'null-origin',
            "the 'null' origin is sent by sandboxed iframes, file: pages and cross-origin redirects, so any site can forge it; remove it, or set dangerouslyAllowNullOrigin: true if you really must",
            item,
          );
        } else if (out.allowNull) {
          problems.add(option, 'duplicate', "'null' is listed twice; remove one", item);
        }
        out.allowNull = true;
        return;
      }
      if (/^file:/i.test(item) || /^(blob|data|about|javascript):/i.test(item)) {
        problems.add(
          option,
          'opaque-origin',
          `${JSON.stringify(item)} has no origin a browser would send: pages from file:, data:, about: and blob: URLs send 'null'; serve the page over http(s) and list that origin`,
          item,
        );
        return;
      }
      patterns.push(item);
      patternIndex.push(i);
    },
  );
  return { patterns, patternIndex };
}

/**
 * Compiles the patterns with the shared origin matcher and refuses the unsafe ones (public-suffix
 * wildcards, insecure origins with credentials); sorts the rest into exact origins and wildcards.
 */
function checkOriginPatterns(
  problems: CorsProblems,
  patterns: string[],
  patternIndex: number[],
  out: OriginsResult,
  flags: { credentials: boolean; tolerateInsecure: boolean; toleratePublicSuffix: boolean },
): void {
  const { credentials, tolerateInsecure, toleratePublicSuffix } = flags;
  let parsed: readonly ParsedOriginPattern[] = [];
  try {
    parsed = createOriginMatcher(patterns).patterns;
  } catch (e) {
    if (!(e instanceof OriginPatternError)) throw e;
    for (const p of e.problems) {
      const i = patternIndex[p.index] ?? p.index;
      problems.add(`origins[${i}]`, PATTERN_REASON[p.reason] ?? 'invalid-origin', p.message, p.pattern);
    }
    return;
  }
  parsed.forEach((p, k) => {
    const option = `origins[${patternIndex[k]}]`;
    if (p.publicSuffixWildcard && !toleratePublicSuffix) {
      problems.add(
        option,
        'public-suffix-wildcard',
        `${JSON.stringify(p.source)} allows every site under the public suffix ${JSON.stringify(p.host)}, run by unrelated parties; list your own subdomains (https://*.yourdomain.${p.host.split('.').pop()}), or set dangerouslyTolerateSubdomainsOfPublicSuffixes: true`,
        p.source,
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
        problems.add(
          option,
          'insecure-origin',
          `${JSON.stringify(p.source)} is not https: anyone on the network path can inject script into it and ride the user's credentials; use ${JSON.stringify(p.source.replace(/^http:/, 'https:').replace(/^ws:/, 'wss:'))}, or set dangerouslyTolerateInsecureOrigins: true (localhost and loopback need no option)`,
          p.source,
        );
      }
    }
    if (p.subdomains || p.port === '*') out.wildcards.push(p.source);
    else out.exact.push(p.source);
  });
  out.normalized = Object.freeze([...(out.allowNull ? ['null'] : []), ...parsed.map((p) => p.source)]);
}
