/**
 * Proxy options: validated once. Every problem is collected and reported in one error, each with a
 * typed reason and what to change; the result is a compiled config the request path reads without
 * further parsing.
 */

import type { IncomingMessage } from 'node:http';
import { ConfigError, type ConfigProblem } from '../_config/index.js';
import type { HttpCore } from '../_http/index.js';
import type { CorsPolicyConfig } from '../server/index.js';
import type { OriginMode } from './headers.js';
import type { InternalOptions } from './internal.js';
import type { RateLimitStore, RateRule } from './limits.js';
import type { Resolver } from './lookup.js';
import type { HostMatcher } from './target.js';

/** A fixed target: requests under `prefix` go to `target`. */
export interface ProxyRoute {
  /** Path prefix, e.g. `/api`. Matches `/api`, `/api/...` and `/api?...`, never `/apix`. */
  readonly prefix: string;
  /**
   * Target base URL, e.g. `http://localhost:8080/v1`: `/api/users?x=1` goes to
   * `http://localhost:8080/v1/users?x=1`. May be local: a fixed target was configured explicitly.
   */
  readonly target: string;
  /** How the Origin request header is forwarded: removed (default), rewritten to the target's origin, or kept. */
  readonly origin?: OriginMode;
  /** Forward Cookie and Set-Cookie for this route. Default false (cookies never cross sites). */
  readonly cookies?: boolean;
  /** Proxy WebSocket upgrades on this route. Default true. */
  readonly websocket?: boolean;
}

/** Open-target mode: `/https://host/path` (cors-anywhere style). */
export interface OpenTargetOptions {
  /** Target host patterns: `api.example.com`, `*.example.com`, optionally with `:port`. Required unless dangerouslyAllowAnyTarget. */
  readonly allowHosts?: readonly string[];
  /** Allow every host (an open relay for the allowed origins). Default false. */
  readonly dangerouslyAllowAnyTarget?: boolean;
  /** Allow private, loopback, link-local and other non-public addresses. Default false. */
  readonly dangerouslyAllowPrivateTargets?: boolean;
  /** How the Origin request header is forwarded: `remove` (default) or `keep`. */
  readonly origin?: 'remove' | 'keep';
}

/** Rate limits (token buckets). A rule is `{ requests, windowSeconds }` or a string like `60/min`. */
export interface RateLimitOptions {
  /** Per client address. Default: none. */
  readonly perClient?: RateRule | string | false;
  /** Per Origin request header value. Default: none. */
  readonly perOrigin?: RateRule | string | false;
  /** Where buckets live. Default: in memory (one process). */
  readonly store?: RateLimitStore;
}

export interface ProxyLimits {
  /** Largest request body forwarded, in bytes; larger is a 413. Default 10 MiB. */
  readonly maxBodyBytes?: number;
  /** Largest request head accepted (Node's maxHeaderSize; larger is a 431) and upstream response head accepted (larger is a 502). Default 16 KiB. */
  readonly maxHeaderBytes?: number;
  /** Upstream connect timeout (504). Default 10 s. */
  readonly connectTimeoutMs?: number;
  /** Time from the request until the upstream's response headers (504). Default 30 s. */
  readonly headersTimeoutMs?: number;
  /** Hard cap on a whole exchange, body streaming included; before headers it is a 504, after it the connection is cut. Default 5 min. */
  readonly totalTimeoutMs?: number;
  /** Upstream requests in flight at once; more is a 503 with Retry-After. Default 512. */
  readonly maxConcurrentUpstream?: number;
  /**
   * Upstream requests (and WebSocket upgrades) in flight at once for one client (see
   * `clientKey`); more is a 503 for that client only. Default 32.
   */
  readonly maxConcurrentUpstreamPerClient?: number;
  /**
   * Pipelined requests of one connection handled at once; later ones wait their turn in order.
   * Default 8.
   */
  readonly maxPipelinedPerConnection?: number;
  /**
   * Pipelined requests one connection may have waiting; one more is answered 503 and the
   * connection closed after it. Default 4096.
   */
  readonly maxQueuedPerConnection?: number;
  /** A request body with no new byte for this long is refused (408, connection closed). Default 10 s. */
  readonly requestBodyIdleTimeoutMs?: number;
  /**
   * A request body must arrive at this average rate or faster, from 5 s after it began
   * (time the proxy itself holds unread data is not counted); slower is a 408. Default 1024.
   */
  readonly minRequestBodyBytesPerSecond?: number;
}

/** Every limit, defaults applied. */
export type ProxyLimitsResolved = Required<ProxyLimits>;

/** Options of `createProxy`. Only `cors` is required. */
export interface ProxyOptions {
  /**
   * The CORS policy for the requesting origins: a `crossorigin/server` policy
   * (`createCorsPolicy({...})`) or any `HttpCore`. There is no default: it must be configured.
   * A plain `CorsPolicyConfig` object is compiled with `createCorsPolicy`.
   * Requests with an Origin the policy does not grant are refused (403).
   */
  readonly cors: HttpCore | CorsPolicyConfig;
  /** Fixed targets by path prefix. */
  readonly routes?: readonly ProxyRoute[];
  /** Open-target mode; off unless given. */
  readonly openTargets?: OpenTargetOptions | false;
  /** Require one of these request headers (e.g. `x-requested-with`); a request without is a 400. Not applied to preflights or WebSocket upgrades. */
  readonly requireHeader?: string | readonly string[];
  readonly rateLimit?: RateLimitOptions;
  readonly limits?: ProxyLimits;
  /** Resolves target host names (all A and AAAA). Default: the system resolver. */
  readonly resolver?: Resolver;
  /** Trust X-Forwarded-* from the client (only behind your own reverse proxy). Default false. */
  readonly trustForwardedHeaders?: boolean;
  /**
   * Who a client is, for the per-client cap on upstream requests and the per-client rate limit:
   * for example an API key or, behind your own load balancer, the address it reports. A key
   * function that throws or returns an empty string falls back to the default. Default: the
   * peer address (IPv4 as is, IPv6 by its /64).
   */
  readonly clientKey?: (req: IncomingMessage) => string;
}

/** One problem found in the options (the shape `CorsConfigProblem` and `CsrfOptionProblem` share). */
export type ProxyConfigProblem = ConfigProblem<ProxyConfigProblemReason>;

/** Why an option of `createProxy` was refused. */
export type ProxyConfigProblemReason =
  | 'missing-cors'
  | 'bad-route'
  | 'bad-target-url'
  | 'bad-host-pattern'
  | 'no-target-allowlist'
  | 'bad-rate'
  | 'bad-limit'
  | 'bad-header-name'
  | 'bad-client-key'
  | 'nothing-to-proxy';

/** Thrown by `createProxy` with every problem found. */
export class ProxyConfigError extends ConfigError<ProxyConfigProblem> {
  constructor(problems: readonly ProxyConfigProblem[]) {
    super('invalid proxy options', problems);
    this.name = 'ProxyConfigError';
  }
}

export interface CompiledRoute {
  readonly prefix: string;
  readonly targetUrl: URL;
  readonly origin: string;
  readonly host: string;
  readonly hostname: string;
  readonly basePath: string;
  readonly originMode: OriginMode;
  readonly cookies: boolean;
  readonly websocket: boolean;
}

export interface CompiledConfig {
  readonly cors: HttpCore;
  readonly routes: readonly CompiledRoute[];
  readonly open: {
    readonly allowHost: HostMatcher | null;
    readonly dangerouslyAllowAnyTarget: boolean;
    readonly dangerouslyAllowPrivateTargets: boolean;
    readonly originMode: OriginMode;
  } | null;
  readonly requireHeaders: readonly string[];
  readonly perClient: RateRule | null;
  readonly perOrigin: RateRule | null;
  readonly store: RateLimitStore | null;
  readonly limits: ProxyLimitsResolved;
  readonly resolver: Resolver | null;
  readonly trustForwarded: boolean;
  readonly clientKey: ((req: IncomingMessage) => string) | null;
  readonly internal: InternalOptions;
}

export const DEFAULT_LIMITS: ProxyLimitsResolved = Object.freeze({
  maxBodyBytes: 10 * 1024 * 1024,
  maxHeaderBytes: 16 * 1024,
  connectTimeoutMs: 10_000,
  headersTimeoutMs: 30_000,
  totalTimeoutMs: 300_000,
  maxConcurrentUpstream: 512,
  maxConcurrentUpstreamPerClient: 32,
  maxPipelinedPerConnection: 8,
  maxQueuedPerConnection: 4096,
  requestBodyIdleTimeoutMs: 10_000,
  minRequestBodyBytesPerSecond: 1024,
});
