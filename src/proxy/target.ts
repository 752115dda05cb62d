/**
 * Targets: which upstream URL a request names, and whether an open-target request may go there.
 * Static checks only (scheme, credentials, IP literals, host allowlist); the addresses a name
 * resolves to are checked later, at connect time, by the connector's lookup (see lookup.ts).
 * URLs are parsed with the WHATWG URL parser, so every IPv4 spelling (2130706433, 0177.0.0.1,
 * 0x7f.0.0.1, 127.1) is already the canonical dotted form before any check.
 * https://url.spec.whatwg.org/#concept-ipv4-parser
 */
import { isIP } from 'node:net';
import { getPublicSuffix } from '../_tldts.js';
import { classifyAddress, describeRange } from './address.js';

/** Why a target was refused. `status` is the HTTP status the proxy answers with. */
export interface TargetRefusal {
  readonly kind: 'refused';
  readonly status: 400 | 403;
  readonly code:
    | 'bad-target'
    | 'scheme-not-allowed'
    | 'credentials-in-target'
    | 'private-address'
    | 'host-not-allowed';
  readonly reason: string;
}

/** A target that passed the static checks. */
export interface CheckedTarget {
  readonly kind: 'target';
  readonly url: URL;
  /** `scheme://host[:port]` with the hostname's trailing dots removed. */
  readonly origin: string;
  /** The hostname without brackets or trailing dot, lower-case. */
  readonly hostname: string;
  /** The value for the upstream Host header. */
  readonly host: string;
  /** Path and query for the upstream request line. */
  readonly path: string;
}

/** A compiled allowlist of target hosts. */
export interface HostMatcher {
  (hostname: string, port: string): boolean;
  readonly patterns: readonly string[];
}

const refuse = (status: 400 | 403, code: TargetRefusal['code'], reason: string): TargetRefusal => ({
  kind: 'refused',
  status,
  code,
  reason,
});

/** Removes the trailing dots of a fully qualified name (`example.com.` names `example.com`). */
export function normalizeHostname(hostname: string): string {
  let h = hostname.toLowerCase();
  if (h.startsWith('[') && h.endsWith(']')) return h.slice(1, -1);
  while (h.endsWith('.')) h = h.slice(0, -1);
  return h;
}

/**
 * Compiles host patterns: `api.example.com` (exactly that host), `*.example.com` (any subdomain,
 * not the apex), each optionally with `:port` (otherwise any port). IP literals are allowed as
 * exact patterns. Returns the problems found instead of throwing, so config validation can list
 * them all.
 */
export function compileHostPatterns(patterns: readonly string[]): {
  matcher: HostMatcher;
  problems: string[];
} {
  const exact = new Map<string, string | null>();
  const suffixes: [suffix: string, port: string | null][] = [];
  const problems: string[] = [];
  for (const raw of patterns) {
    if (typeof raw !== 'string' || raw.trim() === '') {
      problems.push(`target host pattern ${JSON.stringify(raw)} is empty`);
      continue;
    }
    const text = raw.trim().toLowerCase();
    if (text.includes('/') || text.includes('@')) {
      problems.push(
        `target host pattern "${raw}" must be a host name (optionally *.domain and :port), not a URL`,
      );
      continue;
    }
    const wildcard = text.startsWith('*.');
    const rest = wildcard ? text.slice(2) : text;
    if (rest.includes('*')) {
      problems.push(
        `target host pattern "${raw}": "*" is only allowed as the first label ("*.example.com"); to allow every target set dangerouslyAllowAnyTarget`,
      );
      continue;
    }
    let url: URL;
    try {
      url = new URL(`http://${rest}/`);
    } catch {
      problems.push(`target host pattern "${raw}" is not a valid host`);
      continue;
    }
    const hostname = normalizeHostname(url.hostname);
    const port = /:\d+$/.test(rest) && !rest.endsWith(']') ? (rest.split(':').pop() ?? null) : null;
    if (wildcard) {
      const suffix = getPublicSuffix(hostname, { allowPrivateDomains: true });
      if (isIP(hostname) !== 0 || suffix === hostname) {
        problems.push(
          `target host pattern "${raw}" would allow every host under a public suffix or IP range; name a registrable domain`,
        );
        continue;
      }
      suffixes.push([`.${hostname}`, port]);
    } else {
      exact.set(`${hostname}:${port ?? '*'}`, port);
    }
  }
  const matcher = ((hostname: string, port: string) => {
    if (exact.has(`${hostname}:*`) || exact.has(`${hostname}:${port}`)) return true;
    for (const [suffix, p] of suffixes) {
      if (hostname.endsWith(suffix) && hostname.length > suffix.length && (p === null || p === port))
        return true;
    }
    return false;
  }) as HostMatcher;
  Object.defineProperty(matcher, 'patterns', { value: Object.freeze([...patterns]) });
  return { matcher, problems };
}

/** Options of the open-target checks. */
export interface OpenTargetRules {
  readonly allowHost: HostMatcher | null;
  readonly dangerouslyAllowAnyTarget: boolean;
  readonly dangerouslyAllowPrivateTargets: boolean;
}

/**
 * Reads the target out of an open-target request path (`/https://host/path?q`).
 * 1. The rest of the path after the first `/` must start with a scheme (`scheme:`).
 * 2. It is parsed with the WHATWG URL parser; failures are a 400.
 * 3. It is then checked by `checkOpenTarget`.
 */
export function parseOpenTarget(requestPath: string, rules: OpenTargetRules): CheckedTarget | TargetRefusal {
  const rest = requestPath.slice(1);
  // 1. A scheme is required: `/example.com/x` is ambiguous (cors-anywhere guesses; we do not).
  const scheme = /^([a-zA-Z][a-zA-Z0-9+.-]*):/.exec(rest);
  if (!scheme) {
    return refuse(
      400,
      'bad-target',
      'the path must be a full target URL, for example /https://api.example.com/items',
    );
  }
  // 2. Parse.
  let url: URL;
  try {
    url = new URL(rest);
  } catch {
    return refuse(400, 'bad-target', `"${truncate(rest)}" is not a valid URL`);
  }
  return checkOpenTarget(url, rules);
}

/**
 * Static checks of an open-target URL (the request's target, or a redirect's Location).
 * 1. Only http: and https: (no file:, gopher:, data:, ws:, unix sockets, ...).
 * 2. No credentials in the URL.
 * 3. The hostname, trailing dots removed, must be non-empty and fit DNS: at most 253 characters,
 *    labels at most 63 (RFC 1035 §2.3.4); getaddrinfo refuses longer names outright.
 * 4. An IP literal must be public unicast unless dangerouslyAllowPrivateTargets.
 * 5. The host must match the allowlist unless dangerouslyAllowAnyTarget.
 */
export function checkOpenTarget(url: URL, rules: OpenTargetRules): CheckedTarget | TargetRefusal {
  // 1.
  if (url.protocol !== 'http:' && url.protocol !== 'https:') {
    return refuse(
      400,
      'scheme-not-allowed',
      `the scheme "${url.protocol}" is not allowed; only http: and https:`,
    );
  }
  // 2.
  if (url.username !== '' || url.password !== '') {
    return refuse(400, 'credentials-in-target', 'a target URL must not contain a user name or password');
  }
  // 3.
  const hostname = normalizeHostname(url.hostname);
  if (hostname === '') return refuse(400, 'bad-target', 'the target URL has no host');
  if (hostname.length > 253 || LONG_LABEL.test(hostname)) {
    return refuse(
      400,
      'bad-target',
      'the target host name is too long for DNS (at most 253 characters, 63 per label)',
    );
  }
  // 4.
  if (isIP(hostname) !== 0 && !rules.dangerouslyAllowPrivateTargets) {
    const verdict = classifyAddress(hostname);
    if (verdict.kind === 'refused') {
      return refuse(403, 'private-address', `the target ${hostname} is ${describeRange(verdict.range)}`);
    }
  }
  // 5.
  if (!rules.dangerouslyAllowAnyTarget && !(rules.allowHost?.(hostname, url.port) ?? false)) {
    return refuse(403, 'host-not-allowed', `the target host "${hostname}" is not in this proxy's allowlist`);
  }
  return makeTarget(url, hostname, url.pathname + url.search);
}

/** Builds a CheckedTarget for a URL whose host is already normalized. */
export function makeTarget(url: URL, hostname: string, path: string): CheckedTarget {
  const bracketed = isIP(hostname) === 6 ? `[${hostname}]` : hostname;
  const host = url.port ? `${bracketed}:${url.port}` : bracketed;
  return { kind: 'target', url, origin: `${url.protocol}//${host}`, hostname, host, path: path || '/' };
}

const LONG_LABEL = /[^.]{64}/;

function truncate(text: string): string {
  return text.length > 200 ? `${text.slice(0, 200)}…` : text;
}
