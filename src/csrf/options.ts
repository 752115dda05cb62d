/**
 * Validates {@link CsrfGuardOptions} once, collecting every problem, and compiles them into what
 * `check` reads: sets, a compiled origin matcher, booleans. Nothing here runs per request.
 */
import type { RequestView } from '../_http/index.js';
import {
  createOriginMatcher,
  isPotentiallyTrustworthyOrigin,
  type OriginMatcher,
  OriginPatternError,
  parseOrigin,
  parseOriginHeader,
} from '../origin/index.js';
import type { OwnOrigin } from './host.js';
import type { CsrfDenyResponse, CsrfGuardOptions, CsrfOptionProblem, CsrfRefusedInfo } from './types.js';

/** Thrown by `createCsrfGuard` with every problem of the options. */
export class CsrfOptionsError extends Error {
  override name = 'CsrfOptionsError';
  readonly problems: readonly CsrfOptionProblem[];
  constructor(problems: CsrfOptionProblem[]) {
    const lines = problems.map((p) => `  ${p.option} (${p.reason}): ${p.message}`);
    super(
      `createCsrfGuard: ${problems.length} problem${problems.length === 1 ? '' : 's'} in the options:\n${lines.join('\n')}`,
    );
    this.problems = Object.freeze([...problems]);
  }
}

/** The options, checked and compiled. */
export interface CompiledCsrfOptions {
  /** From `origin`: the application's origins (then Host and proxy headers are not read). */
  readonly own: readonly OwnOrigin[] | undefined;
  readonly ownSet: ReadonlySet<string> | undefined;
  readonly scheme: 'http' | 'https' | undefined;
  readonly trustProxy: boolean;
  readonly strict: boolean;
  /** `referer || strict`. */
  readonly referer: boolean;
  readonly sameSite: boolean;
  readonly trusted: OriginMatcher | undefined;
  readonly bypassPaths: ReadonlySet<string> | undefined;
  readonly bypassPrefixes: readonly string[];
  readonly bypassMatch: ((request: RequestView) => boolean) | undefined;
  readonly deny: ((refusal: CsrfRefusedInfo, request: RequestView) => CsrfDenyResponse) | undefined;
}

const KNOWN = new Set<string>([
  'origin',
  'scheme',
  'trustProxy',
  'strict',
  'referer',
  'sameSite',
  'trustedOrigins',
  'dangerouslyTrustInsecureOrigins',
  'dangerouslyTolerateSubdomainsOfPublicSuffixes',
  'bypass',
  'deny',
]);
const BYPASS_KNOWN = new Set<string>(['paths', 'prefixes', 'match']);

/** A bypass path as configured: absolute, no query or fragment, no dot segments, no empty segments. */
const BYPASS_PATH = /^\/[A-Za-z0-9\-._~!$&'()*+,;=:@/%]*$/;

/** Whether a path holds something a router may resolve differently from a byte comparison. */
export function hasAmbiguousPath(path: string): boolean {
  return (
    path.includes('//') || path.includes('\\') || /%(?:2e|2f|5c)/i.test(path) || /\/\.\.?(?:\/|$)/.test(path)
  );
}

function describe(v: unknown): string {
  if (v === null) return 'null';
  if (Array.isArray(v)) return 'an array';
  return typeof v === 'string' ? JSON.stringify(v.slice(0, 100)) : `a ${typeof v}`;
}

/** Checks and compiles the options; throws {@link CsrfOptionsError} listing every problem. */
export function compileCsrfOptions(input: CsrfGuardOptions | undefined): CompiledCsrfOptions {
  const problems: CsrfOptionProblem[] = [];
  const add = (option: string, reason: CsrfOptionProblem['reason'], message: string) =>
    problems.push({ option, reason, message });

  if (input !== undefined && (typeof input !== 'object' || input === null || Array.isArray(input))) {
    throw new CsrfOptionsError([
      { option: 'options', reason: 'not-an-object', message: `expected an object, got ${describe(input)}` },
    ]);
  }
  const o = (input ?? {}) as Record<string, unknown>;
  for (const key of Object.keys(o)) {
    if (!KNOWN.has(key)) {
      add(
        key,
        'unknown-option',
        `not an option of createCsrfGuard; the options are ${[...KNOWN].join(', ')}`,
      );
    }
  }

  const bool = (key: string, def: boolean): boolean => {
    const v = o[key];
    if (v === undefined) return def;
    if (typeof v !== 'boolean') {
      add(key, 'wrong-type', `expected true or false, got ${describe(v)}`);
      return def;
    }
    return v;
  };
  const trustProxy = bool('trustProxy', false);
  const strict = bool('strict', false);
  const referer = bool('referer', true);
  const dangerouslyTrustInsecureOrigins = bool('dangerouslyTrustInsecureOrigins', false);
  const dangerouslyTolerateSubdomainsOfPublicSuffixes = bool(
    'dangerouslyTolerateSubdomainsOfPublicSuffixes',
    false,
  );

  // origin: the application's own origins.
  let own: OwnOrigin[] | undefined;
  if (o.origin !== undefined) {
    const list = typeof o.origin === 'string' ? [o.origin] : o.origin;
    if (!Array.isArray(list) || list.length === 0) {
      add(
        'origin',
        'wrong-type',
        `expected an origin such as "https://app.example" or a non-empty array of them, got ${describe(o.origin)}`,
      );
    } else {
      own = [];
      const seen = new Set<string>();
      list.forEach((value: unknown, i) => {
        const name = typeof o.origin === 'string' ? 'origin' : `origin[${i}]`;
        if (typeof value !== 'string') {
          add(name, 'wrong-type', `expected a string, got ${describe(value)}`);
          return;
        }
        const r = parseOriginHeader(value);
        if (!r.ok) {
          add(
            name,
            'invalid-origin',
            `${JSON.stringify(value)} is not a serialized origin (${r.reason}: ${r.detail}); write it as "https://app.example" or "http://localhost:3000"`,
          );
          return;
        }
        if (r.origin.type !== 'tuple' || (r.origin.scheme !== 'http' && r.origin.scheme !== 'https')) {
          add(
            name,
            'invalid-origin',
            `${JSON.stringify(value)}: the application's origin must be an http or https origin`,
          );
          return;
        }
        if (seen.has(r.serialized)) return;
        seen.add(r.serialized);
        own!.push({ origin: r.origin, serialized: r.serialized });
      });
    }
  }

  let scheme: 'http' | 'https' | undefined;
  if (o.scheme !== undefined) {
    if (o.scheme === 'http' || o.scheme === 'https') scheme = o.scheme;
    else
      add('scheme', 'wrong-type', `expected "http" or "https" (without a colon), got ${describe(o.scheme)}`);
  }
  if (o.origin !== undefined && o.scheme !== undefined) {
    add(
      'scheme',
      'conflict',
      'scheme has no effect when origin is set: the scheme is part of each origin; remove one of them',
    );
  }
  if (o.origin !== undefined && trustProxy) {
    add(
      'trustProxy',
      'conflict',
      'trustProxy has no effect when origin is set: proxy headers are not read; remove one of them',
    );
  }
  if (o.origin === undefined && o.scheme === undefined && !trustProxy) {
    add(
      'origin',
      'own-origin-unconfigured',
      "the guard must know this application's origin to compare Origin with it, and never guesses the scheme. " +
        'Set origin: "https://app.example" (recommended), or scheme: "https" to combine it with the Host header, ' +
        'or trustProxy: true behind a proxy that sets X-Forwarded-Proto or Forwarded',
    );
  }

  let sameSite = false;
  if (o.sameSite !== undefined) {
    if (o.sameSite === 'allow') sameSite = true;
    else if (o.sameSite !== 'refuse')
      add('sameSite', 'wrong-type', `expected "allow" or "refuse", got ${describe(o.sameSite)}`);
  }

  // trustedOrigins: compiled once into the shared origin matcher.
  let trusted: OriginMatcher | undefined;
  if (o.trustedOrigins !== undefined) {
    if (!Array.isArray(o.trustedOrigins) || !o.trustedOrigins.every((p) => typeof p === 'string')) {
      add(
        'trustedOrigins',
        'wrong-type',
        `expected an array of origin patterns (strings), got ${describe(o.trustedOrigins)}`,
      );
    } else if (o.trustedOrigins.length > 0) {
      try {
        trusted = createOriginMatcher(o.trustedOrigins as string[]);
      } catch (e) {
        if (!(e instanceof OriginPatternError)) throw e;
        for (const p of e.problems)
          add(`trustedOrigins[${p.index}]`, 'invalid-pattern', `${JSON.stringify(p.pattern)}: ${p.message}`);
      }
      if (trusted !== undefined) {
        const appIsHttpsOnly =
          own !== undefined
            ? own.every((x) => x.origin.type === 'tuple' && x.origin.scheme === 'https')
            : scheme !== 'http';
        trusted.patterns.forEach((p, i) => {
          if (p.publicSuffixWildcard && !dangerouslyTolerateSubdomainsOfPublicSuffixes) {
            add(
              `trustedOrigins[${i}]`,
              'public-suffix-wildcard',
              `${JSON.stringify(p.source)} admits every site under a public suffix, run by unrelated parties; list the origins you trust, or set dangerouslyTolerateSubdomainsOfPublicSuffixes`,
            );
          }
          if (p.scheme === 'http' && appIsHttpsOnly && !dangerouslyTrustInsecureOrigins) {
            const probe = URL.parse(`http://${p.subdomains ? 'x.' : ''}${p.host}/`);
            const loopback = probe !== null && isPotentiallyTrustworthyOrigin(parseOrigin(probe));
            if (!loopback) {
              add(
                `trustedOrigins[${i}]`,
                'insecure-origin',
                `${JSON.stringify(p.source)} is an http origin: anyone on the network path can forge its pages, which would then pass the guard of an https application; use https, or set dangerouslyTrustInsecureOrigins`,
              );
            }
          }
        });
      }
    }
  }

  // bypass: exact paths, segment prefixes, a predicate.
  let bypassPaths: Set<string> | undefined;
  const bypassPrefixes: string[] = [];
  let bypassMatch: ((request: RequestView) => boolean) | undefined;
  if (o.bypass !== undefined) {
    const b = o.bypass as Record<string, unknown>;
    if (typeof b !== 'object' || b === null || Array.isArray(b)) {
      add('bypass', 'wrong-type', `expected { paths?, prefixes?, match? }, got ${describe(b)}`);
    } else {
      for (const key of Object.keys(b)) {
        if (!BYPASS_KNOWN.has(key))
          add(`bypass.${key}`, 'unknown-option', 'bypass takes paths, prefixes and match');
      }
      const paths = (key: 'paths' | 'prefixes', into: (p: string) => void) => {
        const v = b[key];
        if (v === undefined) return;
        if (!Array.isArray(v)) {
          add(`bypass.${key}`, 'wrong-type', `expected an array of paths, got ${describe(v)}`);
          return;
        }
        v.forEach((p: unknown, i) => {
          if (
            typeof p !== 'string' ||
            !BYPASS_PATH.test(p) ||
            hasAmbiguousPath(p) ||
            (key === 'prefixes' && p === '/')
          ) {
            add(
              `bypass.${key}[${i}]`,
              'invalid-path',
              `${describe(p)}: expected a path such as "/webhooks/stripe" (starting with "/", no query, no "//", no "." or ".." segments, no encoded "/", "\\" or "."${key === 'prefixes' ? ', not "/" alone' : ''})`,
            );
            return;
          }
          into(p);
        });
      };
      paths('paths', (p) => {
        bypassPaths ??= new Set();
        bypassPaths.add(p);
      });
      paths('prefixes', (p) => bypassPrefixes.push(p));
      if (b.match !== undefined) {
        if (typeof b.match === 'function') bypassMatch = b.match as (request: RequestView) => boolean;
        else
          add(
            'bypass.match',
            'wrong-type',
            `expected a function (request) => boolean, got ${describe(b.match)}`,
          );
      }
    }
  }

  let deny: CompiledCsrfOptions['deny'];
  if (o.deny !== undefined) {
    if (typeof o.deny === 'function') deny = o.deny as CompiledCsrfOptions['deny'];
    else
      add(
        'deny',
        'wrong-type',
        `expected a function (refusal, request) => ({ status?, body?, contentType?, headers? }), got ${describe(o.deny)}`,
      );
  }

  if (problems.length > 0) throw new CsrfOptionsError(problems);
  return Object.freeze({
    own: own === undefined ? undefined : Object.freeze(own),
    ownSet: own === undefined ? undefined : new Set(own.map((x) => x.serialized)),
    scheme,
    trustProxy,
    strict,
    referer: referer || strict,
    sameSite,
    trusted,
    bypassPaths,
    bypassPrefixes: Object.freeze(bypassPrefixes),
    bypassMatch,
    deny,
  });
}
