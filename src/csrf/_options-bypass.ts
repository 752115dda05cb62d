/**
 * Validation of `bypass`: exact paths, segment prefixes and a predicate, for routes exempt from the
 * guard (webhooks, OAuth callbacks). Paths a router could resolve to another route are refused.
 */
import { describeValue, isOptionsObject, type ProblemCollector } from '../_config/index.js';
import type { RequestView } from '../_http/index.js';
import type { CsrfOptionProblem } from './types.js';

type Problems = ProblemCollector<CsrfOptionProblem['reason']>;

const BYPASS_KNOWN = new Set<string>(['paths', 'prefixes', 'match']);

/** A bypass path as configured: absolute, no query or fragment, no dot segments, no empty segments. */
const BYPASS_PATH = /^\/[A-Za-z0-9\-._~!$&'()*+,;=:@/%]*$/;

/** Whether a path holds something a router may resolve differently from a byte comparison. */
export function hasAmbiguousPath(path: string): boolean {
  return (
    path.includes('//') || path.includes('\\') || /%(?:2e|2f|5c)/i.test(path) || /\/\.\.?(?:\/|$)/.test(path)
  );
}

/** `bypass`, compiled. */
export interface CompiledBypass {
  readonly bypassPaths: ReadonlySet<string> | undefined;
  readonly bypassPrefixes: readonly string[];
  readonly bypassMatch: ((request: RequestView) => boolean) | undefined;
}

const NONE: CompiledBypass = Object.freeze({
  bypassPaths: undefined,
  bypassPrefixes: Object.freeze([]),
  bypassMatch: undefined,
});

/** Validates and compiles `bypass`. */
export function validateBypass(problems: Problems, value: unknown): CompiledBypass {
  if (value === undefined) return NONE;
  if (!isOptionsObject(value)) {
    problems.add(
      'bypass',
      'wrong-type',
      `expected { paths?, prefixes?, match? }, got ${describeValue(value)}`,
    );
    return NONE;
  }
  for (const key of Object.keys(value)) {
    if (!BYPASS_KNOWN.has(key))
      problems.add(`bypass.${key}`, 'unknown-option', 'bypass takes paths, prefixes and match');
  }
  const paths = validatePaths(problems, value, 'paths');
  const prefixes = validatePaths(problems, value, 'prefixes');
  let bypassMatch: CompiledBypass['bypassMatch'];
  if (value.match !== undefined) {
    if (typeof value.match === 'function') bypassMatch = value.match as (request: RequestView) => boolean;
    else
      problems.add(
        'bypass.match',
        'wrong-type',
        `expected a function (request) => boolean, got ${describeValue(value.match)}`,
      );
  }
  return Object.freeze({
    bypassPaths: paths.length > 0 ? new Set(paths) : undefined,
    bypassPrefixes: Object.freeze(prefixes),
    bypassMatch,
  });
}

/** `bypass.paths` or `bypass.prefixes`: the valid entries; each invalid one is a problem. */
function validatePaths(problems: Problems, b: Record<string, unknown>, key: 'paths' | 'prefixes'): string[] {
  const v = b[key];
  if (v === undefined) return [];
  if (!Array.isArray(v)) {
    problems.add(`bypass.${key}`, 'wrong-type', `expected an array of paths, got ${describeValue(v)}`);
    return [];
  }
  const out: string[] = [];
  v.forEach((p: unknown, i) => {
    if (
      typeof p !== 'string' ||
      !BYPASS_PATH.test(p) ||
      hasAmbiguousPath(p) ||
      (key === 'prefixes' && p === '/')
    ) {
      problems.add(
        `bypass.${key}[${i}]`,
        'invalid-path',
        `${describeValue(p)}: expected a path such as "/webhooks/stripe" (starting with "/", no query, no "//", no "." or ".." segments, no encoded "/", "\\" or "."${key === 'prefixes' ? ', not "/" alone' : ''})`,
      );
      return;
    }
    out.push(p);
  });
  return out;
}
