/**
 * The `origin` option of the `cors` package, checked and compiled into an {@link OriginRule}:
 * strings must be origins as browsers send them, RegExps anchored and without unescaped dots or
 * stateful flags, and `origin: true` with credentials is refused, unless a `dangerously…` option
 * says otherwise. Problems are collected, never thrown one by one.
 */
import { isPotentiallyTrustworthyOrigin, parseOriginHeader } from '../origin/index.js';
import type { CorsConfigProblem, CorsConfigProblemReason } from '../server/index.js';
import type { CustomOrigin, StaticOrigin } from './types.js';

/** How the origin option answers; `match` tests the request origin. */
export type OriginRule =
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

/** The `dangerously…` switches, read once. */
export interface Flags {
  readonly reflectAny: boolean;
  readonly unsafeRegExp: boolean;
  readonly insecure: boolean;
  readonly allowNull: boolean;
}

export type Problems = CorsConfigProblem[];

/** Records one problem (the one place that knows the problem's shape). */
export function add(
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
export function compileOrigin(
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
