/**
 * Proxy options: validated once. Every problem is collected and reported in one error, each with a
 * typed reason and what to change; the result is a compiled config the request path reads without
 * further parsing.
 */

import type { IncomingMessage } from 'node:http';
import { ConfigError, type ConfigProblem, ProblemCollector } from '../_config/index.js';
import type { HttpCore } from '../_http/index.js';
import { type CorsPolicyConfig, createCorsPolicy } from '../server/index.js';
import type { OriginMode } from './headers.js';
import { type InternalOptions, internal, type WithInternal } from './internal.js';
import { parseRate, type RateLimitStore, type RateRule } from './limits.js';
import type { Resolver } from './lookup.js';
import { compileHostPatterns, type HostMatcher, normalizeHostname } from './target.js';

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

const TOKEN = /^[!#$%&'*+\-.^_`|~0-9A-Za-z]+$/;

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

/** Validates and compiles the options; throws one ProxyConfigError listing every problem. */
export function compileProxyOptions(options: ProxyOptions): CompiledConfig {
  const problems = new ProblemCollector<ProxyConfigProblemReason>();
  const add = (path: string, reason: ProxyConfigProblemReason, message: string) =>
    problems.add(path, reason, message);
  const o = (options ?? {}) as ProxyOptions;

  let cors: HttpCore | null = null;
  if (o.cors && typeof (o.cors as HttpCore).handle === 'function') cors = o.cors as HttpCore;
  else if (o.cors && typeof o.cors === 'object' && 'origins' in o.cors) {
    try {
      cors = createCorsPolicy(o.cors as CorsPolicyConfig);
    } catch (err) {
      add('cors', 'missing-cors', `the CORS policy is invalid: ${(err as Error).message}`);
    }
  } else {
    add(
      'cors',
      'missing-cors',
      'a CORS policy is required (createCorsPolicy({ origins: [...] }) from crossorigin/server); there is no default',
    );
  }

  const routes: CompiledRoute[] = [];
  (o.routes ?? []).forEach((r, i) => {
    const path = `routes[${i}]`;
    if (!r || typeof r.prefix !== 'string' || !r.prefix.startsWith('/') || /[?#\s]/.test(r.prefix)) {
      add(
        `${path}.prefix`,
        'bad-route',
        'prefix must be a path starting with "/" (e.g. "/api"), without ? or #',
      );
      return;
    }
    let url: URL;
    try {
      url = new URL(String(r.target));
    } catch {
      add(`${path}.target`, 'bad-target-url', `target "${String(r.target)}" is not an absolute URL`);
      return;
    }
    if (url.protocol !== 'http:' && url.protocol !== 'https:') {
      add(
        `${path}.target`,
        'bad-target-url',
        `target scheme "${url.protocol}" is not allowed; only http: and https:`,
      );
      return;
    }
    if (url.username || url.password || url.search || url.hash) {
      add(`${path}.target`, 'bad-target-url', 'target must not contain credentials, a query or a fragment');
      return;
    }
    if (r.origin !== undefined && !['remove', 'rewrite', 'keep'].includes(r.origin)) {
      add(`${path}.origin`, 'bad-route', 'origin must be "remove", "rewrite" or "keep"');
    }
    const hostname = normalizeHostname(url.hostname);
    const host = url.host.replace(/\.+(?=:|$)/, '');
    const prefix = r.prefix.length > 1 && r.prefix.endsWith('/') ? r.prefix.slice(0, -1) : r.prefix;
    routes.push({
      prefix,
      targetUrl: url,
      origin: `${url.protocol}//${host}`,
      host,
      hostname,
      basePath: url.pathname.endsWith('/') ? url.pathname.slice(0, -1) : url.pathname,
      originMode: r.origin ?? 'remove',
      cookies: r.cookies === true,
      websocket: r.websocket !== false,
    });
  });
  // Longest prefix first.
  routes.sort((a, b) => b.prefix.length - a.prefix.length);

  let open: CompiledConfig['open'] = null;
  if (o.openTargets) {
    const ot = o.openTargets;
    let allowHost: HostMatcher | null = null;
    if (ot.allowHosts && ot.allowHosts.length > 0) {
      const { matcher, problems: p } = compileHostPatterns(ot.allowHosts);
      for (const m of p) add('openTargets.allowHosts', 'bad-host-pattern', m);
      allowHost = matcher;
    } else if (ot.dangerouslyAllowAnyTarget !== true) {
      add(
        'openTargets.allowHosts',
        'no-target-allowlist',
        'open-target mode needs allowHosts (e.g. ["api.example.com", "*.example.org"]); to allow every host set dangerouslyAllowAnyTarget',
      );
    }
    if (ot.origin !== undefined && ot.origin !== 'remove' && ot.origin !== 'keep') {
      add('openTargets.origin', 'bad-route', 'origin must be "remove" or "keep"');
    }
    open = {
      allowHost,
      dangerouslyAllowAnyTarget: ot.dangerouslyAllowAnyTarget === true,
      dangerouslyAllowPrivateTargets: ot.dangerouslyAllowPrivateTargets === true,
      originMode: ot.origin ?? 'remove',
    };
  }
  if (routes.length === 0 && !open && (o.routes?.length ?? 0) === 0) {
    add('routes', 'nothing-to-proxy', 'configure at least one route ({ prefix, target }) or openTargets');
  }

  const requireHeaders: string[] = [];
  const rh =
    o.requireHeader === undefined
      ? []
      : typeof o.requireHeader === 'string'
        ? [o.requireHeader]
        : o.requireHeader;
  for (const name of rh) {
    if (typeof name !== 'string' || !TOKEN.test(name))
      add('requireHeader', 'bad-header-name', `"${String(name)}" is not a header name`);
    else requireHeaders.push(name.toLowerCase());
  }

  const rate = (value: RateRule | string | false | undefined, path: string): RateRule | null => {
    if (value === undefined || value === false) return null;
    if (typeof value === 'string') {
      const r = parseRate(value);
      if (typeof r === 'string') {
        add(path, 'bad-rate', r);
        return null;
      }
      return r;
    }
    if (
      !(
        Number.isFinite(value.requests) &&
        value.requests >= 1 &&
        Number.isFinite(value.windowSeconds) &&
        value.windowSeconds > 0
      )
    ) {
      add(path, 'bad-rate', 'a rate needs requests >= 1 and windowSeconds > 0');
      return null;
    }
    return value;
  };
  const perClient = rate(o.rateLimit?.perClient, 'rateLimit.perClient');
  const perOrigin = rate(o.rateLimit?.perOrigin, 'rateLimit.perOrigin');

  const limits = { ...DEFAULT_LIMITS };
  for (const [key, value] of Object.entries(o.limits ?? {})) {
    if (!(key in DEFAULT_LIMITS)) {
      add(`limits.${key}`, 'bad-limit', `unknown limit (known: ${Object.keys(DEFAULT_LIMITS).join(', ')})`);
    } else if (value !== undefined) {
      if (!(typeof value === 'number' && Number.isInteger(value) && value > 0)) {
        add(`limits.${key}`, 'bad-limit', 'must be a positive integer');
      } else (limits as Record<string, number>)[key] = value;
    }
  }

  if (o.clientKey !== undefined && typeof o.clientKey !== 'function') {
    add('clientKey', 'bad-client-key', 'clientKey must be a function (req) => string');
  }

  problems.throwIfAny((list) => new ProxyConfigError(list));
  return {
    cors: cors as HttpCore,
    routes,
    open,
    requireHeaders,
    perClient,
    perOrigin,
    store: perClient || perOrigin ? (o.rateLimit?.store ?? null) : null,
    limits,
    resolver: o.resolver ?? null,
    trustForwarded: o.trustForwardedHeaders === true,
    clientKey: typeof o.clientKey === 'function' ? o.clientKey : null,
    internal: (o as WithInternal<ProxyOptions>)[internal] ?? {},
  };
}
