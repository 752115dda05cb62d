/**
 * Origin patterns and the compiled origin matcher.
 *
 * A pattern is a serialized origin (https://html.spec.whatwg.org/multipage/browsers.html#ascii-serialisation-of-an-origin)
 * in which two places may hold a wildcard:
 *
 *   pattern = scheme "://" [ "*." ] host [ ":" ( port / "*" ) ]
 *
 * - `https://app.example.com`, `https://app.example.com:8443`: exactly that origin.
 * - `https://*.example.com`: any origin whose host is one or more labels followed by
 *   `.example.com` (scheme https, default port). The apex `https://example.com` is NOT included.
 * - `http://localhost:*`: host localhost, scheme http, any port (the default port included).
 * - `https://*.example.com:*`: both.
 *
 * Patterns are validated once, all problems are reported together ({@link OriginPatternError}),
 * and then compiled: exact origins into a hash set of their serializations, wildcard patterns into
 * one label trie per (scheme, port) walked from the rightmost label. A lookup costs one hash probe
 * plus at most two trie walks as deep as the candidate's host, whatever the number of patterns. No
 * RegExp is built from a pattern.
 */
import { MAX_ORIGIN_HEADER_LENGTH } from './header.js';
import type { Origin } from './origin.js';
import {
  type OriginParts,
  parseSerializedTupleOrigin,
  parseSerializedTupleOriginSlow,
  type SerializedOriginProblem,
  scanOriginCharacters,
  scanSerializedTupleOriginFast,
  splitSerializedOriginUnchecked,
} from './serialized.js';
import { isIpHost, registrableDomain } from './site.js';

export type ParsedOriginPattern = {
  /** The pattern as written. */
  readonly source: string;
  readonly scheme: string;
  /** The host, serialized, without the leading `*.` of a subdomain wildcard. */
  readonly host: string;
  /** `*.` was given: one or more labels before `host`; `host` itself does not match. */
  readonly subdomains: boolean;
  /** A port, null for the scheme's default, or '*' for any port (default included). */
  readonly port: number | null | '*';
  /**
   * `subdomains` is set and `host` is a public suffix (`*.com`, `*.co.uk`, `*.github.io`, or any
   * single label other than `localhost`): the pattern admits sites run by unrelated parties. The
   * server policy refuses such patterns unless told `dangerouslyTolerateSubdomainsOfPublicSuffixes`.
   */
  readonly publicSuffixWildcard: boolean;
};

export type OriginPatternProblemReason =
  | 'empty'
  | 'too-long'
  | 'not-an-origin'
  | 'has-path'
  | 'trailing-slash'
  | 'has-query'
  | 'has-fragment'
  | 'has-userinfo'
  | 'uppercase'
  | 'default-port'
  /** A valid origin not in serialized form: Unicode instead of punycode, non-canonical IP or port. */
  | 'not-canonical'
  | 'wildcard-position'
  | 'unsupported-scheme'
  | 'whitespace'
  | 'control-character'
  | 'multiple-values'
  | 'null-origin'
  | 'duplicate';

export type OriginPatternProblem = {
  /** Position of the pattern in the list given to createOriginMatcher (0 for parseOriginPattern). */
  index: number;
  pattern: string;
  reason: OriginPatternProblemReason;
  /** What is wrong and what to write instead. */
  message: string;
};

/** Thrown by {@link createOriginMatcher} with every problem of every pattern. */
export class OriginPatternError extends Error {
  override name = 'OriginPatternError';
  readonly problems: OriginPatternProblem[];
  constructor(problems: OriginPatternProblem[]) {
    const lines = problems.map(
      (p) => `  [${p.index}] ${JSON.stringify(p.pattern)} (${p.reason}): ${p.message}`,
    );
    super(
      `${problems.length} invalid origin pattern${problems.length === 1 ? '' : 's'}:\n${lines.join('\n')}`,
    );
    this.problems = problems;
  }
}

export type OriginPatternResult =
  | { ok: true; pattern: ParsedOriginPattern }
  | { ok: false; problem: OriginPatternProblem };

const SERIALIZED_TO_PATTERN: Record<SerializedOriginProblem, OriginPatternProblemReason> = {
  'not-a-url': 'not-an-origin',
  'unsupported-scheme': 'unsupported-scheme',
  'has-userinfo': 'has-userinfo',
  'has-path': 'has-path',
  'trailing-slash': 'trailing-slash',
  'has-query': 'has-query',
  'has-fragment': 'has-fragment',
  uppercase: 'uppercase',
  'default-port': 'default-port',
  'not-canonical': 'not-canonical',
};

/**
 * Validates one origin pattern. Never throws.
 *
 * @example
 * parseOriginPattern('https://*.example.com')
 * // { ok: true, pattern: { source: 'https://*.example.com', scheme: 'https', host: 'example.com',
 * //                        subdomains: true, port: null, publicSuffixWildcard: false } }
 * parseOriginPattern('https://example.com/')
 * // { ok: false, problem: { index: 0, reason: 'trailing-slash', message: '…', pattern: 'https://example.com/' } }
 */
export function parseOriginPattern(pattern: string, index = 0): OriginPatternResult {
  const text = typeof pattern === 'string' ? pattern : `<${pattern === null ? 'null' : typeof pattern}>`;
  const problem = (reason: OriginPatternProblemReason, message: string): OriginPatternResult => ({
    ok: false,
    problem: { index, pattern: text, reason, message },
  });
  if (typeof pattern !== 'string')
    return problem('not-an-origin', `expected a string, got ${typeof pattern}`);
  if (pattern.length === 0) return problem('empty', 'an empty string is not an origin');
  if (pattern.length > MAX_ORIGIN_HEADER_LENGTH) {
    return problem('too-long', `longer than ${MAX_ORIGIN_HEADER_LENGTH} characters`);
  }
  const bad = scanOriginCharacters(pattern);
  if (bad !== undefined) {
    const hint =
      bad.reason === 'multiple-values' ? '; give each origin as its own array element' : '; remove it';
    return problem(bad.reason, bad.detail + hint);
  }
  if (pattern.toLowerCase() === 'null') {
    return problem(
      'null-origin',
      'the "null" origin is shared by sandboxed documents, file: pages and redirects; it cannot be listed as a pattern',
    );
  }
  const schemeEnd = pattern.indexOf('://');
  if (schemeEnd === -1) {
    if (pattern === '*') return problem('wildcard-position', '"*" (any origin) is not an origin pattern');
    return problem(
      'not-an-origin',
      `an origin pattern is scheme://host[:port], e.g. https://${pattern.replace(/^\*\./, '*.')}`,
    );
  }
  // Take the two wildcard positions off; what remains must be a serialized origin.
  const hostStart = schemeEnd + 3;
  const subdomains = pattern.startsWith('*.', hostStart);
  let concrete = pattern;
  if (subdomains) concrete = pattern.slice(0, hostStart) + pattern.slice(hostStart + 2);
  const anyPort = concrete.endsWith(':*');
  if (anyPort) concrete = concrete.slice(0, -2);
  if (concrete.includes('*')) {
    return problem(
      'wildcard-position',
      'a wildcard may only be the whole leftmost label ("https://*.example.com") or the whole port ("http://localhost:*")',
    );
  }
  const r = parseSerializedTupleOrigin(concrete);
  if (!r.ok) {
    const reason = SERIALIZED_TO_PATTERN[r.problem];
    const fix =
      r.canonical === undefined
        ? ''
        : `; write ${JSON.stringify(
            `${r.canonical.scheme}://${subdomains ? '*.' : ''}${r.canonical.host}${
              anyPort ? ':*' : r.canonical.port === null ? '' : `:${r.canonical.port}`
            }`,
          )}`;
    return problem(reason, `${PATTERN_REASON_TEXT[reason] ?? r.detail}${fix}`);
  }
  const { scheme, host, port } = r.origin;
  if (subdomains && isIpHost(host)) {
    return problem('wildcard-position', `a subdomain wildcard needs a domain name; ${host} is an IP address`);
  }
  const publicSuffixWildcard =
    subdomains && host !== 'localhost' && host !== 'localhost.' && registrableDomain(host) === null;
  return {
    ok: true,
    pattern: Object.freeze({
      source: pattern,
      scheme,
      host,
      subdomains,
      port: anyPort ? '*' : port,
      publicSuffixWildcard,
    }),
  };
}

const PATTERN_REASON_TEXT: Partial<Record<OriginPatternProblemReason, string>> = {
  'not-an-origin': 'not an origin; an origin pattern is scheme://host[:port], e.g. https://example.com',
  'has-path': 'an origin has no path',
  'trailing-slash': 'an origin has no trailing slash',
  'has-query': 'an origin has no query',
  'has-fragment': 'an origin has no fragment',
  'has-userinfo': 'an origin has no user name or password',
  uppercase: 'browsers send origins in lower case, so this pattern could never match',
  'default-port': 'browsers omit the default port, so this pattern could never match',
  'not-canonical': 'browsers send the serialized form (punycode host, canonical IP address and port)',
  'unsupported-scheme': 'only http, https, ws, wss and ftp URLs have origins that can be listed',
};

/** A compiled set of origin patterns. */
export interface OriginMatcher {
  /**
   * Whether a raw `Origin` header value is one of the allowed origins. Anything that is not a
   * serialized tuple origin (including `null`, whitespace, a trailing slash) is `false`. Never
   * throws; time is bounded by the header length limit and independent of the number of patterns.
   */
  matches(serializedOrigin: string): boolean;
  /** Same decision for an origin value; opaque origins never match. */
  matchesOrigin(origin: Origin): boolean;
  /** The patterns, validated, in the order given. */
  readonly patterns: readonly ParsedOriginPattern[];
}

/** Port key in the trie map: the port, DEFAULT_PORT for the scheme's default, ANY_PORT for '*'. */
const DEFAULT_PORT = -1;
const ANY_PORT = -2;

class LabelNode {
  children: Map<string, LabelNode> | undefined;
  /** A pattern names exactly this host (only in ANY_PORT tries: `http://localhost:*`). */
  exact = false;
  /** A pattern `*.` + this host ends here. */
  subdomains = false;

  child(label: string): LabelNode {
    this.children ??= new Map();
    let n = this.children.get(label);
    if (n === undefined) {
      n = new LabelNode();
      this.children.set(label, n);
    }
    return n;
  }
}

/**
 * Walks `host`'s labels from the right. True if a pattern ending at a node covers the host: an
 * exact host pattern when every label is consumed, or a subdomain pattern when at least one
 * non-empty remainder is left.
 */
function walk(root: LabelNode, host: string): boolean {
  let node = root;
  let end = host.length;
  for (;;) {
    const dot = end === 0 ? -1 : host.lastIndexOf('.', end - 1);
    const next = node.children?.get(host.slice(dot + 1, end));
    if (next === undefined) return false;
    node = next;
    if (dot < 0) return node.exact;
    if (node.subdomains && dot > 0) return true;
    end = dot;
  }
}

/** Parses every pattern; throws one OriginPatternError listing every problem (duplicates included). */
function parseOriginPatterns(patterns: readonly string[]): ParsedOriginPattern[] {
  const problems: OriginPatternProblem[] = [];
  const parsed: ParsedOriginPattern[] = [];
  const firstIndex = new Map<string, number>();
  patterns.forEach((p, index) => {
    const r = parseOriginPattern(p, index);
    if (!r.ok) {
      problems.push(r.problem);
      return;
    }
    const first = firstIndex.get(r.pattern.source);
    if (first !== undefined) {
      problems.push({
        index,
        pattern: p,
        reason: 'duplicate',
        message: `the same pattern is already at index ${first}`,
      });
      return;
    }
    firstIndex.set(r.pattern.source, index);
    parsed.push(r.pattern);
  });
  if (problems.length > 0) throw new OriginPatternError(problems);

  return parsed;
}

/** Exact patterns in a set; the others in one label trie per scheme and port. */
function compilePatterns(parsed: readonly ParsedOriginPattern[]): {
  exact: Set<string>;
  tries: Map<string, Map<number, LabelNode>>;
} {
  const exact = new Set<string>();
  const tries = new Map<string, Map<number, LabelNode>>();
  for (const p of parsed) {
    if (!p.subdomains && p.port !== '*') {
      exact.add(p.source);
      continue;
    }
    let byPort = tries.get(p.scheme);
    if (byPort === undefined) {
      byPort = new Map();
      tries.set(p.scheme, byPort);
    }
    const portKey = p.port === '*' ? ANY_PORT : p.port === null ? DEFAULT_PORT : p.port;
    let node = byPort.get(portKey);
    if (node === undefined) {
      node = new LabelNode();
      byPort.set(portKey, node);
    }
    const labels = p.host.split('.');
    for (let i = labels.length - 1; i >= 0; i--) node = node.child(labels[i]!);
    if (p.subdomains) node.subdomains = true;
    else node.exact = true;
  }
  return { exact, tries };
}

/**
 * Validates and compiles origin patterns into one matcher. Throws an {@link OriginPatternError}
 * listing every problem when any pattern is invalid (or given twice). Patterns flagged
 * `publicSuffixWildcard` are accepted here; refusing them is the caller's policy.
 *
 * @example
 * const m = createOriginMatcher(['https://app.example.com', 'https://*.example.org', 'http://localhost:*']);
 * m.matches('https://app.example.com')   // true
 * m.matches('https://a.b.example.org')   // true
 * m.matches('https://example.org')       // false: the apex is not a subdomain
 * m.matches('http://localhost:5173')     // true
 * m.matches('https://app.example.com/')  // false: not a serialized origin
 */
export function createOriginMatcher(patterns: readonly string[]): OriginMatcher {
  if (!Array.isArray(patterns))
    throw new TypeError('createOriginMatcher: expected an array of origin patterns');
  const parsed = parseOriginPatterns(patterns);
  const { exact, tries } = compilePatterns(parsed);
  const frozen = Object.freeze(parsed);
  const hasTries = tries.size > 0;

  // Reused scratch for the candidate's parts: a lookup allocates only the label substrings.
  const parts: OriginParts = { scheme: '', host: '', port: null };

  /** Trie lookup of `parts` (scheme, port-specific trie then any-port trie). */
  function lookup(): boolean {
    const byPort = tries.get(parts.scheme);
    if (byPort === undefined) return false;
    const specific = byPort.get(parts.port ?? DEFAULT_PORT);
    if (specific !== undefined && walk(specific, parts.host)) return true;
    const any = byPort.get(ANY_PORT);
    return any !== undefined && walk(any, parts.host);
  }

  function matches(serializedOrigin: string): boolean {
    if (typeof serializedOrigin !== 'string') return false;
    // 1. Exact patterns: the set holds only serialized origins, so a hit is a valid origin.
    if (exact.has(serializedOrigin)) return true;
    if (!hasTries || serializedOrigin.length > MAX_ORIGIN_HEADER_LENGTH) return false;
    // 2. Common shapes are validated and split in one pass, then looked up.
    if (scanSerializedTupleOriginFast(serializedOrigin, parts)) return lookup();
    // 3. Rare shapes (IPv6, punycode, other host code points) and invalid values: look the
    //    unchecked parts up first (for a valid value they are its parts), and pay for the URL
    //    parser only on a hit.
    if (!splitSerializedOriginUnchecked(serializedOrigin, parts) || !lookup()) return false;
    return parseSerializedTupleOriginSlow(serializedOrigin) !== undefined;
  }

  return {
    matches,
    matchesOrigin(origin: Origin): boolean {
      if (origin === null || typeof origin !== 'object' || origin.type !== 'tuple') return false;
      const port = origin.port === null ? '' : `:${origin.port}`;
      return matches(`${origin.scheme}://${origin.host}${port}`);
    },
    patterns: frozen,
  };
}
