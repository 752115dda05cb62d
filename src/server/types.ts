/**
 * Public types of `crossorigin/server`.
 */
import type { HttpCore, HttpDecision, RequestView } from '../_http/index.js';
import type { CorsDecisionReason } from './errors.js';

export type { RequestView } from '../_http/index.js';

/**
 * Decides whether an origin is allowed, for multi-tenant APIs whose list lives in a database.
 * Receives a checked serialized origin (never a malformed value; `null` only with
 * `dangerouslyAllowNullOrigin`). May return a boolean or a Promise of one; only `true` allows.
 * Answers are cached (see `originCache`); a throw or rejection refuses the origin and is not cached.
 * With `credentials`, an `http:` origin it allows (other than localhost and loopback) is still
 * refused unless `dangerouslyTolerateInsecureOrigins` is set.
 */
export type OriginResolver = (origin: string) => boolean | Promise<boolean>;

/** Options of {@link createCorsPolicy}. */
export interface CorsPolicyConfig {
  /**
   * Which origins may read responses: a list of serialized origins and origin patterns
   * (`https://app.example.com`, `https://*.example.com`, `http://localhost:*`; see
   * `crossorigin/origin`), or `'*'` for a public API (any origin, no credentials), or an
   * {@link OriginResolver}. Required.
   */
  origins: readonly string[] | '*' | OriginResolver;
  /** Allow credentialed requests (cookies, HTTP auth, client certificates). Default `false`. */
  credentials?: boolean;
  /**
   * Methods allowed beyond the CORS-safelisted GET, HEAD and POST (listing those is accepted and
   * normalized away). Case-sensitive, as HTTP methods are: write `PATCH`, not `patch`. Default `[]`.
   */
  methods?: readonly string[];
  /**
   * Request-header names a page may send that need a preflight (`content-type` for JSON,
   * `authorization`, `x-…`), case-insensitive; or `'*'` for any valid name except `authorization`,
   * which `'*'` never covers (Fetch: a CORS non-wildcard request-header name): write
   * `['*', 'authorization']` to allow it as well. Default `[]`.
   */
  requestHeaders?: readonly string[] | '*';
  /**
   * Response-header names script may read beyond the CORS-safelisted ones, or `'*'` (not with
   * credentials). Default `[]`.
   */
  exposeHeaders?: readonly string[] | '*';
  /**
   * Seconds a browser may cache a preflight (`Access-Control-Max-Age`), 0..86400. Browsers cap it
   * (Chromium 7200, Firefox 86400, WebKit 600). Default: not sent (browsers use 5 seconds).
   */
  maxAge?: number;
  /**
   * Answer `Access-Control-Request-Private-Network: true` with
   * `Access-Control-Allow-Private-Network: true` (Private Network Access). Default `false`: such
   * preflights are refused.
   */
  privateNetwork?: boolean;
  /** Put the refusal reason of a preflight into the 403 (body and `cors-refusal-reason`). Default `false`. */
  debug?: boolean;
  /** Called with every decision (for logs and metrics). A throw from it is swallowed. */
  onDecision?: (decision: CorsDecision, request: RequestView) => void;
  /** Cache of the origin resolver's answers. Default `{ max: 1000, ttlMs: 60_000 }`. */
  originCache?: { max?: number; ttlMs?: number };
  /** Allow `http:` origins (other than localhost and loopback) together with credentials. Default `false`. */
  dangerouslyTolerateInsecureOrigins?: boolean;
  /** Allow patterns such as `https://*.github.io` (every site under a public suffix). Default `false`. */
  dangerouslyTolerateSubdomainsOfPublicSuffixes?: boolean;
  /** Allow the `null` origin (sandboxed iframes, `file:` pages, anyone can send it). Default `false`. */
  dangerouslyAllowNullOrigin?: boolean;
}

/**
 * How Fetch classifies the request:
 * - `not-cors`: no `Origin` header;
 * - `preflight`: `OPTIONS` with `Origin` and `Access-Control-Request-Method`;
 * - `options-passthrough`: any other `OPTIONS` with `Origin` — an actual CORS request whose method
 *   is OPTIONS; it belongs to the application (and gets CORS headers if its origin is allowed);
 * - `actual`: any other request with `Origin`.
 */
export type CorsRequestKind = 'not-cors' | 'preflight' | 'actual' | 'options-passthrough';

/** A policy's answer to one request: what the adapter sets and whether it continues. */
export interface CorsDecision extends HttpDecision {
  readonly kind: CorsRequestKind;
  /** False when the policy refused the origin, method or headers; true otherwise (including not-cors). */
  readonly allowed: boolean;
  readonly reason: CorsDecisionReason;
  /** For a refusal: what was refused and how to fix it (checked text, safe to log). */
  readonly detail?: string;
}

/** A compiled policy. Implements the adapters' `HttpCore` (`handle` is `decide`). */
export interface CorsPolicy extends HttpCore {
  /**
   * Decides a request. Never throws. Returns a Promise only when an async origin resolver has no
   * cached answer for the request's origin.
   */
  decide(request: RequestView): CorsDecision | Promise<CorsDecision>;
  /** Same as `decide` (the `HttpCore` name). */
  handle(request: RequestView): CorsDecision | Promise<CorsDecision>;
  /**
   * Validates `config` and, if it has no problems, swaps it in atomically: a request decided
   * after the call uses only the new policy, a request in flight only the old one. Throws
   * `CorsConfigError` (and keeps the old policy) otherwise.
   */
  reconfigure(config: CorsPolicyConfig): void;
  /** The validated, normalized configuration in force (read-only). */
  readonly config: Readonly<NormalizedCorsConfig>;
}

/** What the policy made of its configuration, for display and tests. */
export interface NormalizedCorsConfig {
  readonly origins: readonly string[] | '*' | 'resolver';
  readonly credentials: boolean;
  readonly methods: readonly string[];
  readonly requestHeaders: readonly string[] | '*' | readonly ['*', 'authorization'];
  readonly exposeHeaders: readonly string[] | '*';
  readonly maxAge: number | null;
  readonly privateNetwork: boolean;
  readonly debug: boolean;
}
