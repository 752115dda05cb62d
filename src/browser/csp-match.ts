/**
 * CSP3 §6.7.2: does a URL match a source list (the matching half of every fetch directive).
 * Source expressions are compiled once per policy (memoized on the parsed directive value).
 * https://w3c.github.io/webappsec-csp/#match-url-to-source-list
 */
import type { TupleOrigin } from '../origin/index.js';
import type { ContextProfile } from './context-profile.js';

/** A compiled source expression. */
export type SourceExpression =
  | { readonly type: 'star' }
  | { readonly type: 'scheme'; readonly scheme: string }
  | {
      readonly type: 'host';
      readonly scheme: string | null;
      readonly host: string;
      /** `''` (none), `'*'` or digits. */
      readonly port: string;
      readonly path: string;
    }
  | { readonly type: 'self' }
  | { readonly type: 'strict-dynamic' }
  /** A keyword, nonce or hash: matches no URL. */
  | { readonly type: 'other' };

const SCHEME_SOURCE = /^([a-z][a-z0-9+.-]*):$/i;
const HOST_SOURCE =
  /^(?:([a-z][a-z0-9+.-]*):\/\/)?(\*|(?:\*\.)?[a-z0-9-]+(?:\.[a-z0-9-]+)*\.?)(?::(\d+|\*))?(\/[^?#]*)?$/i;

/** Parses one source expression (CSP3 §2.3.1 grammar). */
export function parseSourceExpression(token: string): SourceExpression {
  if (token === '*') return { type: 'star' };
  const lower = token.toLowerCase();
  if (lower === "'self'") return { type: 'self' };
  if (lower === "'strict-dynamic'") return { type: 'strict-dynamic' };
  if (token.startsWith("'")) return { type: 'other' };
  const s = SCHEME_SOURCE.exec(token);
  if (s) return { type: 'scheme', scheme: (s[1] as string).toLowerCase() };
  const h = HOST_SOURCE.exec(token);
  if (h && !(h[4] ?? '').startsWith('//')) {
    return {
      type: 'host',
      scheme: h[1] ? h[1].toLowerCase() : null,
      host: (h[2] as string).toLowerCase(),
      port: h[3] ?? '',
      path: h[4] ?? '',
    };
  }
  return { type: 'other' };
}

const compiled = new WeakMap<readonly string[], readonly SourceExpression[]>();

/** The directive value's expressions, compiled once. */
export function compileSourceList(value: readonly string[]): readonly SourceExpression[] {
  let list = compiled.get(value);
  if (!list) {
    list = Object.freeze(value.map(parseSourceExpression));
    compiled.set(value, list);
  }
  return list;
}

/**
 * Does url match source list in origin with redirect count? (§6.7.2.5)
 * https://w3c.github.io/webappsec-csp/#match-url-to-source-list
 */
export function doesUrlMatchSourceList(
  url: URL,
  value: readonly string[],
  origin: TupleOrigin,
  redirectCount: number,
  profile: ContextProfile,
): boolean {
  // 1-2. An empty source list does not match.
  if (value.length === 0) return false;
  // 3. A list of exactly 'none' does not match.
  if (value.length === 1 && (value[0] as string).toLowerCase() === "'none'") return false;
  // 4. For each expression: if it matches, return "Matches".
  for (const expression of compileSourceList(value)) {
    if (doesUrlMatchExpression(url, expression, origin, redirectCount, profile)) return true;
  }
  // 5. Return "Does Not Match".
  return false;
}

/**
 * Does url match expression in origin with redirect count? (§6.7.2.6)
 * https://w3c.github.io/webappsec-csp/#match-url-to-source-expression
 */
export function doesUrlMatchExpression(
  url: URL,
  expression: SourceExpression,
  origin: TupleOrigin,
  redirectCount: number,
  profile: ContextProfile,
): boolean {
  const scheme = url.protocol.slice(0, -1);
  switch (expression.type) {
    case 'star':
      // 1. "*" matches an HTTP(S) URL, or a URL of the origin's scheme.
      return scheme === 'http' || scheme === 'https' || scheme === origin.scheme;
    case 'scheme':
      // 2.1-2.2. A scheme-source matches when its scheme-part matches.
      return schemePartMatch(expression.scheme, scheme);
    case 'host': {
      // 3.1. If url's host is null, return "Does Not Match".
      if (url.host === '') return false;
      // 2.1. A scheme-part that does not match fails.
      if (expression.scheme !== null && !schemePartMatch(expression.scheme, scheme)) return false;
      // 3.2. Without a scheme-part, origin's scheme must scheme-part match url's scheme.
      if (expression.scheme === null && !schemePartMatch(origin.scheme, scheme)) return false;
      // 3.3. host-part match.
      if (!hostPartMatch(expression.host, url.hostname)) return false;
      // 3.4-3.5. port-part match.
      if (!portPartMatch(expression.port, url)) return false;
      // chromium: a port matched exactly allows no scheme upgrade (http://a:8080 does not match
      // https://a:8080; nor does a scheme-less a:8080 on an http: page, whose scheme stands in).
      if (
        profile.cspUpgradeWithExplicitPort === 'no-match' &&
        /^\d+$/.test(expression.port) &&
        (expression.scheme ?? origin.scheme) !== scheme
      ) {
        return false;
      }
      // 3.6. A non-empty path-part must match, unless the request was redirected.
      if (expression.path !== '' && redirectCount === 0 && !pathPartMatch(expression.path, url.pathname)) {
        return false;
      }
      // 3.7. Return "Matches".
      return true;
    }
    case 'self':
      // 4. 'self': same origin, or the same host upgraded to a secure scheme on the same or default ports.
      return selfMatches(url, scheme, origin);
    default:
      // 5. Return "Does Not Match".
      return false;
  }
}

/** §6.7.2.6 step 4 ('self'). */
function selfMatches(url: URL, scheme: string, origin: TupleOrigin): boolean {
  const port = url.port === '' ? null : Number(url.port);
  // 4.1. origin is the same as url's origin.
  if (origin.scheme === scheme && origin.host === url.hostname && origin.port === port) return true;
  // 4.2. Same host; ports the same or both the defaults of their schemes; and url is https/wss, or both http(-ish).
  if (origin.host !== url.hostname) return false;
  const samePorts = origin.port === port || (origin.port === null && port === null);
  if (!samePorts) return false;
  return (
    scheme === 'https' ||
    scheme === 'wss' ||
    (origin.scheme === 'http' && (scheme === 'http' || scheme === 'ws'))
  );
}

/** scheme-part match (§6.7.2.7). https://w3c.github.io/webappsec-csp/#match-schemes */
export function schemePartMatch(a: string, b: string): boolean {
  // 1-2. A is B; http -> https; ws -> wss, http, https; wss -> https.
  if (a === b) return true;
  if (a === 'http') return b === 'https';
  if (a === 'ws') return b === 'wss' || b === 'http' || b === 'https';
  if (a === 'wss') return b === 'https';
  // 3. Return "Does Not Match".
  return false;
}

/** host-part match (§6.7.2.8). https://w3c.github.io/webappsec-csp/#match-hosts */
export function hostPartMatch(pattern: string, host: string): boolean {
  const h = host.toLowerCase();
  // 2. "*" matches any host.
  if (pattern === '*') return true;
  // 3. "*.example" matches hosts that end with ".example" (not "example" itself).
  if (pattern.startsWith('*.')) return h.endsWith(pattern.slice(1));
  // 4-5. Otherwise an ASCII case-insensitive match (browsers also match IP literals this way).
  return pattern.replace(/\.$/, '') === h.replace(/\.$/, '');
}

/** port-part match (§6.7.2.9). https://w3c.github.io/webappsec-csp/#match-ports */
export function portPartMatch(input: string, url: URL): boolean {
  // 2. "*" matches.
  if (input === '*') return true;
  // 3. normalizedInput: null for the empty string, else the number.
  const normalized = input === '' ? null : Number(input);
  const port = url.port === '' ? null : Number(url.port);
  // 4. If normalizedInput equals url's port, "Matches".
  if (normalized === port) return true;
  // 5. If url's port is null, the default port of url's scheme must match normalizedInput.
  if (port === null) return normalized === DEFAULT_PORT[url.protocol];
  // 6. "Does Not Match".
  return false;
}

const DEFAULT_PORT: Record<string, number> = { 'http:': 80, 'https:': 443, 'ws:': 80, 'wss:': 443 };

/** path-part match (§6.7.2.10). https://w3c.github.io/webappsec-csp/#match-paths */
export function pathPartMatch(a: string, b: string): boolean {
  // 1. If path A is the empty string, "Matches".
  if (a === '') return true;
  // 2. If path A is "/" and path B is the empty string, "Matches".
  if (a === '/' && b === '') return true;
  // 3. exact match is true if path A does not end with "/".
  const exact = !a.endsWith('/');
  // 4. Split both on "/".
  const listA = a.split('/');
  const listB = b.split('/');
  // 5-6. A longer than B, or an exact path of another length, does not match.
  if (listA.length > listB.length) return false;
  if (exact && listA.length !== listB.length) return false;
  // 7. If not exact, drop the final (empty) piece of A.
  if (!exact) listA.pop();
  // 8. Each piece must match after percent-decoding.
  for (let i = 0; i < listA.length; i++) {
    if (safeDecode(listA[i] as string) !== safeDecode(listB[i] as string)) return false;
  }
  // 9. "Matches".
  return true;
}

function safeDecode(s: string): string {
  try {
    return decodeURIComponent(s);
  } catch {
    return s;
  }
}
