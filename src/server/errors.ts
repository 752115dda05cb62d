/**
 * Typed errors and reasons of the server policy. Configuration problems are collected, never
 * thrown one at a time: `createCorsPolicy` throws one {@link CorsConfigError} listing all of them.
 * A request never throws: a refusal is a value (`CorsDecision.reason`).
 */
import { ConfigError, type ConfigProblem } from '../_config/index.js';

/** Why an option was refused at creation. Each comes with a message that says what to change. */
export type CorsConfigProblemReason =
  /** The configuration is not an object, or an option has the wrong type. */
  | 'invalid-type'
  /** An option name this policy does not know (a typo is never silently ignored). */
  | 'unknown-option'
  /** `origins` is missing or empty. */
  | 'missing-origins'
  /** `origins: '*'` (or a `*` pattern) together with `credentials: true`. */
  | 'wildcard-with-credentials'
  /** The `null` origin, without `dangerouslyAllowNullOrigin`. */
  | 'null-origin'
  /** A `file:` (or other opaque) origin: browsers send `null` for those. */
  | 'opaque-origin'
  /** An origin or pattern that does not parse (see the message for the exact problem). */
  | 'invalid-origin'
  /** An `http:` origin (not localhost or loopback) with credentials. */
  | 'insecure-origin'
  /** A wildcard directly under a public suffix (`https://*.com`, `https://*.github.io`). */
  | 'public-suffix-wildcard'
  /** A method that is not a token. */
  | 'invalid-method'
  /** CONNECT, TRACE or TRACK: browsers never send them. */
  | 'forbidden-method'
  /** `patch`, `Patch`: a well-known method not in its canonical (upper) case. */
  | 'method-case'
  /** A header name that is not a token. */
  | 'invalid-header-name'
  /** A forbidden request-header name (browsers never let a page set it) or a forbidden response-header name. */
  | 'forbidden-header-name'
  /** An `Access-Control-*` name where it makes no sense (e.g. as an allowed request header). */
  | 'access-control-header-name'
  /** `exposeHeaders: '*'` with credentials: browsers treat `*` literally then. */
  | 'expose-wildcard-with-credentials'
  /** `maxAge` outside 0..86400 or not an integer. */
  | 'max-age-out-of-range'
  /** The same origin, method or header listed twice. */
  | 'duplicate'
  // The `cors`-package drop-in (crossorigin/express `cors()`) adds these:
  /** `origin: true` (reflect any origin) with `credentials: true`. */
  | 'unsafe-reflection'
  /** A RegExp origin without `^…$` around the whole expression (`/example\.com$/` matches `evilexample.com`). */
  | 'unanchored-regexp'
  /** A RegExp origin with an unescaped `.` between labels (`app.example` matches `appxexample`). */
  | 'regexp-unescaped-dot'
  /** A RegExp origin with the `g` or `y` flag: `test()` then alternates between true and false. */
  | 'stateful-regexp'
  /** A value a browser cannot use (e.g. `optionsSuccessStatus` outside 200..299). */
  | 'invalid-value';

/**
 * One problem found in a configuration: `path` says where (`origins[2]`, `methods[0]`,
 * `originCache.max`), `reason` why, `message` what to change, `value` the offending value as given.
 * The same shape as `CsrfOptionProblem` and `ProxyConfigProblem`.
 */
export type CorsConfigProblem = ConfigProblem<CorsConfigProblemReason>;

/** Thrown by `createCorsPolicy` and `policy.reconfigure` when a configuration has problems. */
export class CorsConfigError extends ConfigError<CorsConfigProblem> {
  constructor(problems: readonly CorsConfigProblem[]) {
    super('invalid CORS policy', problems);
    this.name = 'CorsConfigError';
  }
}

/**
 * Why a request got the decision it got. `allowed` and `no-origin` are not refusals; every other
 * reason is one, and `CorsDecision.detail` explains it.
 */
export type CorsDecisionReason =
  /** The request is not a CORS request (no `Origin` header). */
  | 'no-origin'
  /** The request is allowed (its origin, and for a preflight its method and headers). */
  | 'allowed'
  /** A well-formed origin that the policy does not allow. */
  | 'origin-not-allowed'
  /** The `Origin` header is not a serialized origin (browsers never send such a value). */
  | 'origin-malformed'
  /** `Origin: null` and the policy does not set `dangerouslyAllowNullOrigin`. */
  | 'null-origin'
  /** The origin resolver allowed an `http:` origin, but the policy has credentials. */
  | 'insecure-origin'
  /** The async origin resolver threw or rejected: the origin is refused (fail closed). */
  | 'origin-resolver-failed'
  /** `Access-Control-Request-Method` is not a method token. */
  | 'method-malformed'
  /** The requested method is not allowed. */
  | 'method-not-allowed'
  /** The requested method is allowed in another case only (`patch` asked, `PATCH` allowed). */
  | 'method-case-mismatch'
  /** `Access-Control-Request-Headers` is not a list of header names. */
  | 'headers-malformed'
  /** `Access-Control-Request-Headers` is longer than the bound. */
  | 'headers-too-long'
  /** `Access-Control-Request-Headers` has more names than the bound. */
  | 'headers-too-many'
  /** A requested header name is not allowed. */
  | 'header-not-allowed'
  /** `Authorization` was requested; `requestHeaders: '*'` does not cover it (Fetch). */
  | 'authorization-not-covered-by-wildcard'
  /** `Access-Control-Request-Private-Network: true` and the policy has no `privateNetwork`. */
  | 'private-network-not-allowed'
  /** An adapter's request view failed (for example a header getter threw). Fail closed. */
  | 'internal-error';
