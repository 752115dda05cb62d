/**
 * Validation of scan options, in one place: `resolveScanOptions()` checks every option, collects
 * every problem and throws one TypeError listing each (misuse of the API); the CLI turns it into
 * a usage error. What it returns is what the rest of the scanner reads.
 */
import { isHeaderName, isHeaderValue, isMethod } from '../_fetch/index.js';
import { parseOriginHeader } from '../origin/index.js';
import { siteParts } from './probes.js';
import type { ScanOptions } from './types.js';

/** Options after validation, defaults filled. */
export interface ResolvedScanOptions {
  origin: string | null;
  cookie: string | null;
  /** Extra request headers, lower-case names. */
  extra: [string, string][];
  /** Lower-case names of request headers redacted in evidence. */
  secret: ReadonlySet<string>;
  method: string;
  data: string | null;
  page: string | null;
  concurrency: number;
  perHost: number;
  timeout: number;
  delay: number;
  retries: number;
  maxRequests: number;
}

/** Request headers the scanner sets itself on each probe. */
const SCANNER_HEADERS = /^(origin|cookie|access-control-request-.*|upgrade|connection|sec-websocket-.*)$/;

function entries(h: ScanOptions['headers']): [string, string][] {
  if (!h) return [];
  const list = Array.isArray(h)
    ? (h as readonly (readonly [string, string])[])
    : Object.entries(h as Record<string, string>);
  return list.map(([n, v]): [string, string] => [String(n).toLowerCase(), String(v)]);
}

function intIn(
  problems: string[],
  name: string,
  value: number | undefined,
  fallback: number,
  min: number,
  max: number,
): number {
  const v = value ?? fallback;
  if (!Number.isInteger(v) || v < min || v > max) {
    problems.push(`${name} must be an integer in ${min}..${max}, got ${String(value)}`);
  }
  return v;
}

/** Throws TypeError for a target that is not an absolute http(s) URL (misuse of the API). */
export function checkTarget(target: string): string {
  const u = URL.parse(String(target));
  if (u === null || (u.protocol !== 'http:' && u.protocol !== 'https:')) {
    throw new TypeError(`scan: ${JSON.stringify(target)} is not an http(s) URL`);
  }
  return u.href;
}

/** Validates every option at once; throws one TypeError naming each problem. */
export function resolveScanOptions(options: ScanOptions = {}): ResolvedScanOptions {
  const problems: string[] = [];
  const concurrency = intIn(problems, 'concurrency', options.concurrency, 10, 1, 256);
  const perHost = intIn(problems, 'perHost', options.perHost, Math.min(6, concurrency), 1, 256);
  const timeout = intIn(problems, 'timeout', options.timeout, 10_000, 1, 600_000);
  const delay = intIn(problems, 'delay', options.delay, 0, 0, 60_000);
  const retries = intIn(problems, 'retries', options.retries, 2, 0, 10);
  const maxRequests = intIn(
    problems,
    'maxRequests',
    options.maxRequests,
    Number.MAX_SAFE_INTEGER,
    1,
    Number.MAX_SAFE_INTEGER,
  );
  if (
    options.origin !== undefined &&
    (siteParts(options.origin) === null || parseOriginHeader(options.origin).ok !== true)
  ) {
    problems.push(`origin must be a serialized http(s) origin, got ${JSON.stringify(options.origin)}`);
  }
  const method = options.method ?? 'GET';
  if (!isMethod(method)) problems.push(`invalid method ${method}`);
  const extra = entries(options.headers);
  for (const [name, value] of extra) {
    if (!isHeaderName(name) || !isHeaderValue(value)) {
      problems.push(`invalid header ${JSON.stringify(name)}: ${JSON.stringify(value)}`);
    } else if (SCANNER_HEADERS.test(name)) {
      problems.push(`the ${name} header is set by the scanner (use the cookie option for cookies)`);
    }
  }
  if (options.cookie !== undefined && !isHeaderValue(options.cookie)) {
    problems.push('cookie is not a valid header value');
  }
  if (options.data !== undefined && (method === 'GET' || method === 'HEAD')) {
    problems.push(`data needs a method that carries a body (not ${method}): pass method 'POST'`);
  }
  if (options.data !== undefined && options.data.length > 1_000_000) {
    problems.push('data is longer than 1,000,000 characters');
  }
  if (options.page !== undefined) {
    try {
      checkTarget(options.page);
    } catch {
      problems.push(`page must be an http(s) URL, got ${JSON.stringify(options.page)}`);
    }
  }
  if (problems.length > 0) throw new TypeError(`scan: ${problems.join('; ')}`);
  return {
    origin: options.origin ?? null,
    cookie: options.cookie ?? null,
    extra,
    secret: new Set(['cookie', 'authorization', ...extra.map(([n]) => n)]),
    method,
    data: options.data ?? null,
    page: options.page ?? null,
    concurrency,
    perHost: Math.min(perHost, concurrency),
    timeout,
    delay,
    retries,
    maxRequests,
  };
}
