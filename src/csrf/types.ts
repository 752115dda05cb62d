/**
 * Public types of `crossorigin/csrf`: the guard's options, its decisions and their typed reasons.
 */
import type { HttpCore, HttpDecision, RequestView } from '../_http/index.js';

/** Bypass routes: requests to these paths are exempt when a check failed (webhooks, OAuth callbacks…). */
export interface CsrfBypass {
  /** Exact paths (no query), e.g. `'/webhooks/stripe'`. Compared byte for byte, case-sensitive. */
  readonly paths?: readonly string[];
  /**
   * Path prefixes matched on a segment boundary: `'/hooks'` covers `/hooks` and `/hooks/a` but not
   * `/hooksx`. A prefix written with a trailing slash (`'/hooks/'`) covers only paths below it.
   */
  readonly prefixes?: readonly string[];
  /** A predicate over the request. An exception thrown by it counts as `false`. */
  readonly match?: (request: RequestView) => boolean;
}

/** What a custom deny handler may answer instead of the default 403. */
export interface CsrfDenyResponse {
  /** An integer from 400 to 599. @default 403 */
  readonly status?: number;
  /** @default the default refusal body for the request's Accept */
  readonly body?: string;
  /** @default `text/plain; charset=utf-8` (or the JSON type when `body` is absent and JSON was chosen) */
  readonly contentType?: string;
  /** Extra headers; names must be tokens, values must hold no CR, LF or NUL. */
  readonly headers?: readonly (readonly [name: string, value: string])[];
}

/** Options of {@link createCsrfGuard}. Validated once; every problem is reported in one error. */
export interface CsrfGuardOptions {
  /**
   * The application's own origin, or every origin its pages are served from, each a serialized
   * origin such as `'https://app.example'` (no path, no trailing slash). When set, an `Origin` (or
   * `Referer`) must be one of these; the `Host` and proxy headers are not consulted. Recommended.
   * Exclusive with `scheme` and `trustProxy`.
   */
  readonly origin?: string | readonly string[];
  /**
   * When `origin` is not set: the scheme clients use to reach this server (`'https'` behind a
   * TLS-terminating proxy). The request's own origin is then `scheme://Host`. With `trustProxy`,
   * the fallback when the proxy headers carry no protocol.
   */
  readonly scheme?: 'http' | 'https';
  /**
   * Read the client-facing protocol and host from `Forwarded` (RFC 7239; first element) or else
   * `X-Forwarded-Proto` / `X-Forwarded-Host` (first value). Only set this when every request
   * reaches the server through a proxy that sets or overwrites these headers.
   * @default false
   */
  readonly trustProxy?: boolean;
  /**
   * Without `Sec-Fetch-Site`, require an `Origin` or a `Referer` on unsafe requests (refuse
   * requests that carry neither, such as most non-browser clients). Implies `referer`.
   * @default false
   */
  readonly strict?: boolean;
  /**
   * Without `Sec-Fetch-Site` and without `Origin`, a `Referer`, when present, must be of the
   * request's own origin (or a trusted origin).
   * @default true
   */
  readonly referer?: boolean;
  /**
   * `'allow'`: also accept requests from pages of the same site (schemeful: same scheme and
   * registrable domain, e.g. `https://admin.example.com` posting to `https://app.example.com`).
   * @default 'refuse'
   */
  readonly sameSite?: 'allow' | 'refuse';
  /**
   * A WebSocket handshake (or other upgrade) without `Origin`. Browsers always send `Origin` on a
   * handshake, so only non-browser clients omit it: `'allow'` lets them connect, `'refuse'` does not.
   * @default 'allow' ('refuse' with `strict: true`)
   */
  readonly upgradeWithoutOrigin?: 'allow' | 'refuse';
  /**
   * Origin patterns (`crossorigin/origin` syntax: `https://app.example`, `https://*.example.com`,
   * `http://localhost:*`) whose cross-origin requests are accepted. Consulted only after a check
   * failed.
   */
  readonly trustedOrigins?: readonly string[];
  /** Allow `http:` trusted origins although the application is served over https. @default false */
  readonly dangerouslyTrustInsecureOrigins?: boolean;
  /** Allow trusted patterns such as `https://*.github.io` (any site under a public suffix). @default false */
  readonly dangerouslyTolerateSubdomainsOfPublicSuffixes?: boolean;
  /** Routes exempt from the guard. Consulted only after a check failed. */
  readonly bypass?: CsrfBypass;
  /**
   * Builds the refusal response instead of the default 403 with a short explanation. If it throws
   * or returns something invalid, the default refusal is used.
   */
  readonly deny?: (refusal: CsrfRefusedInfo, request: RequestView) => CsrfDenyResponse;
}

/** Why a request was allowed. */
export type CsrfAllowReason =
  /** GET, HEAD or OPTIONS (exact, case-sensitive). */
  | 'safe-method'
  /** `Sec-Fetch-Site: same-origin`. */
  | 'sec-fetch-site-same-origin'
  /** `Sec-Fetch-Site: none`: the user started it (address bar, bookmark). */
  | 'sec-fetch-site-none'
  /** Same site (schemeful), with `sameSite: 'allow'`. */
  | 'same-site-allowed'
  /** No `Sec-Fetch-Site`; `Origin` is the request's own origin. */
  | 'origin-match'
  /** No `Sec-Fetch-Site` and no `Origin`; `Referer` is of the request's own origin. */
  | 'referer-match'
  /** No `Sec-Fetch-Site`, no `Origin` (and no `Referer` checked): a non-browser client or an old browser. */
  | 'no-origin'
  /** A check failed but the origin is trusted. */
  | 'trusted-origin'
  /** A check failed but the route is a bypass route. */
  | 'bypass-route';

/** Why a request was refused. */
export type CsrfRefusalReason =
  /** `Sec-Fetch-Site: cross-site`. */
  | 'sec-fetch-site-cross-site'
  /** `Sec-Fetch-Site: same-site` (sibling subdomain, or http page of the same domain). */
  | 'sec-fetch-site-same-site'
  /** A `Sec-Fetch-Site` value that is none of the four the Fetch Metadata spec defines. */
  | 'sec-fetch-site-invalid'
  /** `Origin: null` (sandboxed document, data: URL, cross-origin redirect, privacy setting). */
  | 'origin-null'
  /** An `Origin` that is not a serialized origin. */
  | 'origin-invalid'
  /** `Origin` is another origin than the request's own. */
  | 'origin-mismatch'
  /** A `Referer` that is not an http(s) URL. */
  | 'referer-invalid'
  /** `Referer` is of another origin than the request's own. */
  | 'referer-mismatch'
  /** `strict`: neither `Origin` nor `Referer`. */
  | 'origin-missing'
  /** The request's own origin cannot be known: a malformed Host, or proxy headers missing or malformed. */
  | 'own-origin-unknown'
  /** Reading the request failed (a broken adapter); the guard refuses rather than guesses. */
  | 'request-unreadable';

export type CsrfReason = CsrfAllowReason | CsrfRefusalReason;

/** What `check` returns: an `HttpDecision` (for adapters) that also says whether and why. */
export interface CsrfDecision extends HttpDecision {
  readonly allowed: boolean;
  readonly reason: CsrfReason;
}

/** The request may continue to the application. */
export interface CsrfAllowed extends CsrfDecision {
  readonly allowed: true;
  readonly reason: CsrfAllowReason;
  readonly end: false;
}

/** What a deny handler is told about a refusal. */
export interface CsrfRefusedInfo {
  readonly reason: CsrfRefusalReason;
  /** One sentence for people (fixed per reason; never echoes request data). */
  readonly message: string;
}

/** The request is refused: answer `status` with `body` now. */
export interface CsrfRefused extends CsrfDecision, CsrfRefusedInfo {
  readonly allowed: false;
  readonly reason: CsrfRefusalReason;
  readonly end: true;
  readonly status: number;
  readonly body: string;
  readonly contentType: string;
}

/** A compiled guard. `handle` is `check`, so the guard is an `HttpCore` every adapter accepts. */
export interface CsrfGuard extends HttpCore {
  /**
   * Decides one request. Pure (no I/O, no clock), synchronous, never throws. A WebSocket handshake
   * (`GET` with `Upgrade: websocket`) is decided as {@link CsrfGuard.checkUpgrade} does.
   */
  check(request: RequestView): CsrfAllowed | CsrfRefused;
  handle(request: RequestView): CsrfAllowed | CsrfRefused;
  /**
   * Decides a request to upgrade the connection (a WebSocket handshake), whatever its method and
   * `Upgrade` value: its `Origin` must be the application's own origin (or same-site with
   * `sameSite: 'allow'`, or trusted, or the route a bypass route); without `Origin` (never a
   * browser) it is allowed unless `upgradeWithoutOrigin: 'refuse'`. Never throws.
   */
  checkUpgrade(request: RequestView): CsrfAllowed | CsrfRefused;
}

/**
 * One problem found in the options: `path` says where (`origin`, `trustedOrigins[2]`,
 * `bypass.prefixes[0]`), `reason` why, `message` what to write instead. The same shape as
 * `CorsConfigProblem` and `ProxyConfigProblem`.
 */
export interface CsrfOptionProblem {
  /** The option, e.g. `origin`, `trustedOrigins[2]`, `bypass.prefixes[0]`. */
  readonly path: string;
  readonly reason:
    | 'not-an-object'
    | 'unknown-option'
    | 'wrong-type'
    | 'invalid-origin'
    | 'conflict'
    | 'own-origin-unconfigured'
    | 'invalid-pattern'
    | 'insecure-origin'
    | 'public-suffix-wildcard'
    | 'invalid-path';
  /** What is wrong and what to write instead. */
  readonly message: string;
  readonly value?: unknown;
}
