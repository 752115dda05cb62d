/**
 * Validation of the scalar options of a CORS configuration (`maxAge`, `originCache`), and the
 * collector type every validator of `createCorsPolicy` writes to.
 */
import type { ProblemCollector } from '../_config/index.js';
import type { CorsConfigProblemReason } from './errors.js';

/** The collector every validator of a CORS configuration writes to. */
export type CorsProblems = ProblemCollector<CorsConfigProblemReason>;

export const MAX_MAX_AGE = 86_400;

export function describeType(v: unknown): string {
  return v === null ? 'null' : Array.isArray(v) ? 'array' : typeof v;
}

/** The list option is an array; otherwise one `invalid-type` problem with an example. */
export function isList(problems: CorsProblems, option: string, v: unknown, expected: string): v is unknown[] {
  if (Array.isArray(v)) return true;
  problems.add(option, 'invalid-type', `expected ${expected}; got ${describeType(v)}`, v);
  return false;
}

/** Each string item of a list option, with its option path; an item of another type is a problem. */
export function eachString(
  problems: CorsProblems,
  list: readonly unknown[],
  optionOf: (i: number) => string,
  visit: (item: string, option: string, i: number) => void,
): void {
  list.forEach((item: unknown, i: number) => {
    const option = optionOf(i);
    if (typeof item !== 'string') {
      problems.add(option, 'invalid-type', `expected a string, got ${describeType(item)}`, item);
      return;
    }
    visit(item, option, i);
  });
}

export function validateMaxAge(problems: CorsProblems, cfg: Record<string, unknown>): number | null {
  const v = cfg.maxAge;
  if (v === undefined || v === null) return null;
  if (typeof v !== 'number' || !Number.isInteger(v) || v < 0 || v > MAX_MAX_AGE) {
    problems.add(
      'maxAge',
      typeof v === 'number' ? 'max-age-out-of-range' : 'invalid-type',
      `expected whole seconds from 0 to ${MAX_MAX_AGE} (browsers cap it: Chromium 7200, Firefox 86400, WebKit 600), e.g. maxAge: 7200`,
      v,
    );
    return null;
  }
  return v;
}

export function validateOriginCache(
  problems: CorsProblems,
  cfg: Record<string, unknown>,
): { max: number; ttlMs: number } {
  const out = { max: 1000, ttlMs: 60_000 };
  const v = cfg.originCache;
  if (v === undefined) return out;
  if (typeof v !== 'object' || v === null || Array.isArray(v)) {
    problems.add('originCache', 'invalid-type', 'expected { max?: number, ttlMs?: number }', v);
    return out;
  }
  const o = v as Record<string, unknown>;
  for (const key of Object.keys(o)) {
    if (key !== 'max' && key !== 'ttlMs') {
      problems.add(`originCache.${key}`, 'unknown-option', 'originCache takes max and ttlMs only', o[key]);
    }
  }
  if (o.max !== undefined) {
    if (typeof o.max !== 'number' || !Number.isInteger(o.max) || o.max < 1 || o.max > 1_000_000) {
      problems.add('originCache.max', 'invalid-type', 'expected a whole number from 1 to 1,000,000', o.max);
    } else out.max = o.max;
  }
  if (o.ttlMs !== undefined) {
    if (typeof o.ttlMs !== 'number' || !Number.isInteger(o.ttlMs) || o.ttlMs < 1 || o.ttlMs > 86_400_000) {
      problems.add(
        'originCache.ttlMs',
        'invalid-type',
        'expected milliseconds from 1 to 86,400,000 (one day)',
        o.ttlMs,
      );
    } else out.ttlMs = o.ttlMs;
  }
  return out;
}
