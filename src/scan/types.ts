/**
 * Public types of `crossorigin/scan`.
 */

/** How much a finding matters, by exploitability (not by which probe found it). */
export type Severity = 'high' | 'medium' | 'low' | 'info';

/** Every class of finding the scanner reports. */
export type FindingClass =
  // a probe origin the attacker may control is trusted (Access-Control-Allow-Origin echoes it)
  | 'origin-reflection'
  | 'null-origin'
  | 'prefix-match'
  | 'suffix-match'
  | 'partial-domain-match'
  | 'unescaped-dot'
  | 'special-characters'
  | 'arbitrary-subdomain'
  | 'insecure-origin'
  | 'third-party-origin'
  | 'partial-host-match'
  | 'development-origin'
  | 'broken-parser'
  // preflights from attacker origins: the state-changing request reaches the server
  | 'preflight-only-trust'
  // passive checks on every answer
  | 'wildcard-origin'
  | 'wildcard-with-credentials'
  | 'multiple-allow-origin'
  | 'invalid-allow-origin'
  | 'missing-vary-origin'
  | 'preflight-reflection'
  | 'preflight-any-method'
  // the legacy way around the SOP
  | 'jsonp'
  // no CORS protects a WebSocket handshake
  | 'websocket-hijacking'
  // cross-origin isolation posture (informational)
  | 'missing-corp'
  | 'missing-coop'
  // how to scan better
  | 'method-hint';

/**
 * Who can make a browser send a probe origin: anyone (`attacker`: a domain anyone can register, a
 * sandboxed iframe's `null`, a shared hosting site); with more effort (`browser-quirk`: special
 * characters in a host name, which browsers partly accept — Chromium 156 all but `` ` ``, `*`,
 * `{`, `}`; Firefox ESR 153 only `_`, `-`, `$`, `+`, `|`, `%60`, `%0b` — but which need a resolver
 * for the name and, for https, a certificate public CAs do not issue); someone on the network path (`network`: an `http:`
 * origin); whoever controls some subdomain of the site (`subdomain`); or whatever runs a server
 * on the user's own machine (`local`: a development origin such as `http://localhost:3000`).
 */
export type Control = 'attacker' | 'browser-quirk' | 'network' | 'subdomain' | 'local';

/** One origin to send, and what it would mean if the target trusted it. */
export interface OriginProbe {
  class: FindingClass;
  origin: string;
  control: Control;
  /** What trusting it shows about the server's check, in one phrase. */
  why: string;
  /** Who can get such a host, when that is the point (third-party hosts, registrable look-alikes). */
  who?: string;
}

/** One request and the headers of its answer that matter for CORS. */
export interface Evidence {
  request: { method: string; url: string; headers: [string, string][] };
  response: { status: number; headers: [string, string][] };
}

export interface Finding {
  class: FindingClass;
  severity: Severity;
  /** The target URL. */
  target: string;
  title: string;
  /** What was seen and why it matters. */
  detail: string;
  /** Probe origins the target trusted (origin-trust classes), at most 25. */
  origins?: string[];
  /** Whether the trusted answer allowed credentials (`Access-Control-Allow-Credentials: true`). */
  credentials?: boolean;
  /** Whether the target's response differs when cookies are sent; null when not measured. */
  differsWithCookies?: boolean | null;
  /** Requests and answers that show it (at most 3). */
  evidence: Evidence[];
  /** What to change. */
  fix: string;
}

export interface ScanOptions {
  /**
   * The origin the target is meant to serve or trust (the site's own front end). Probes are
   * derived from it. Default: the target URL's own origin.
   */
  origin?: string;
  /** A `Cookie` header value sent with every probe, to see whether responses carry private data. */
  cookie?: string;
  /** Extra request headers sent with every request (for example an API key). */
  headers?: readonly (readonly [string, string])[] | Readonly<Record<string, string>>;
  /** Method of the origin probes. Default `GET`. */
  method?: string;
  /** Requests in flight at once, across all targets. Default 10. */
  concurrency?: number;
  /** Per-request timeout, milliseconds. Default 10000. */
  timeout?: number;
  /** Requests in flight at once to one host (`host:port`). Default 6, at most `concurrency`. */
  perHost?: number;
  /** Politeness: milliseconds between two requests to the same host. Default 0. */
  delay?: number;
  /** Retries of a request answered 429 or 503 (backoff doubling from 200 ms, or Retry-After up to 10 s). Default 2. */
  retries?: number;
  /** Budget: requests sent at most over the whole scan; targets past it report an error. Default unlimited. */
  maxRequests?: number;
  /** A request body for the origin probes (with `method`, e.g. POST or a GraphQL query). */
  data?: string;
  /** A page of the site whose scripts may name JSONP callback parameters (and open popups). */
  page?: string;
  /** Called when a target is done (for progress). */
  onTarget?: (report: TargetReport) => void;
  /** Called after each request of a target (progress within a target). */
  onRequest?: (target: string, sent: number, planned: number) => void;
  /** Aborts the scan. */
  signal?: AbortSignal;
}

export interface TargetReport {
  target: string;
  /** The origin probes were derived from. */
  siteOrigin: string;
  /** Status of the plain request (no Origin), or null when it failed. */
  status: number | null;
  /** Why the target could not be scanned (network failure, timeout), when it could not. */
  error?: string;
  /** The `Location` of the plain answer when the target redirects (scan that URL instead). */
  redirectsTo?: string;
  /** Requests sent to this target. */
  requests: number;
  /** Requests that failed (timeouts, resets) without stopping the scan. */
  failedRequests: number;
  durationMs: number;
  /** Whether the response differs with the cookie; null without `cookie` or when the page changes on every load. */
  differsWithCookies: boolean | null;
  findings: Finding[];
}

export interface ScanReport {
  tool: { name: 'crossorigin scan'; version: string };
  startedAt: string;
  durationMs: number;
  targets: TargetReport[];
  /** Finding counts by severity, over all targets. */
  summary: Record<Severity, number>;
}
