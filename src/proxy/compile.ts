/**
 * Compiling the proxy options: every option validated once, every problem collected into one
 * `ProxyConfigError` (the shared config-problem shape), and a compiled config the request path
 * reads without further parsing. One function per option group.
 */

import { ProblemCollector } from '../_config/index.js';
import type { HttpCore } from '../_http/index.js';
import { type CorsPolicyConfig, createCorsPolicy } from '../server/index.js';
import {
  type CompiledConfig,
  type CompiledRoute,
  DEFAULT_LIMITS,
  type OpenTargetOptions,
  ProxyConfigError,
  type ProxyConfigProblemReason,
  type ProxyOptions,
  type ProxyRoute,
} from './config.js';
import { internal, type WithInternal } from './internal.js';
import { parseRate, type RateRule } from './limits.js';
import { compileHostPatterns, type HostMatcher, normalizeHostname } from './target.js';

type Add = (path: string, reason: ProxyConfigProblemReason, message: string) => void;

const TOKEN = /^[!#$%&'*+\-.^_`|~0-9A-Za-z]+$/;

/** Validates and compiles the options; throws one ProxyConfigError listing every problem. */
export function compileProxyOptions(options: ProxyOptions): CompiledConfig {
  const problems = new ProblemCollector<ProxyConfigProblemReason>();
  const add: Add = (path, reason, message) => problems.add(path, reason, message);
  const o = (options ?? {}) as ProxyOptions;
  const cors = compileCors(o.cors, add);
  const routes: CompiledRoute[] = [];
  (o.routes ?? []).forEach((r, i) => {
    const route = compileRoute(r, `routes[${i}]`, add);
    if (route) routes.push(route);
  });
  routes.sort((a, b) => b.prefix.length - a.prefix.length); // longest prefix first
  const open = o.openTargets ? compileOpenTargets(o.openTargets, add) : null;
  if (routes.length === 0 && !open && (o.routes?.length ?? 0) === 0) {
    add('routes', 'nothing-to-proxy', 'configure at least one route ({ prefix, target }) or openTargets');
  }
  const requireHeaders = compileRequireHeaders(o.requireHeader, add);
  const perClient = compileRate(o.rateLimit?.perClient, 'rateLimit.perClient', add);
  const perOrigin = compileRate(o.rateLimit?.perOrigin, 'rateLimit.perOrigin', add);
  const limits = compileLimits(o.limits, add);
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

/** `cors`: an HttpCore as is, a CorsPolicyConfig compiled; required. */
function compileCors(value: ProxyOptions['cors'] | undefined, add: Add): HttpCore | null {
  if (value && typeof (value as HttpCore).handle === 'function') return value as HttpCore;
  if (value && typeof value === 'object' && 'origins' in value) {
    try {
      return createCorsPolicy(value as CorsPolicyConfig);
    } catch (err) {
      add('cors', 'missing-cors', `the CORS policy is invalid: ${(err as Error).message}`);
      return null;
    }
  }
  add(
    'cors',
    'missing-cors',
    'a CORS policy is required (createCorsPolicy({ origins: [...] }) from crossorigin/server); there is no default',
  );
  return null;
}

/** One fixed route; null (with the problem added) when it is unusable. */
function compileRoute(r: ProxyRoute, path: string, add: Add): CompiledRoute | null {
  if (!r || typeof r.prefix !== 'string' || !r.prefix.startsWith('/') || /[?#\s]/.test(r.prefix)) {
    add(
      `${path}.prefix`,
      'bad-route',
      'prefix must be a path starting with "/" (e.g. "/api"), without ? or #',
    );
    return null;
  }
  let url: URL;
  try {
    url = new URL(String(r.target));
  } catch {
    add(`${path}.target`, 'bad-target-url', `target "${String(r.target)}" is not an absolute URL`);
    return null;
  }
  if (url.protocol !== 'http:' && url.protocol !== 'https:') {
    add(
      `${path}.target`,
      'bad-target-url',
      `target scheme "${url.protocol}" is not allowed; only http: and https:`,
    );
    return null;
  }
  if (url.username || url.password || url.search || url.hash) {
    add(`${path}.target`, 'bad-target-url', 'target must not contain credentials, a query or a fragment');
    return null;
  }
  if (r.origin !== undefined && !['remove', 'rewrite', 'keep'].includes(r.origin)) {
    add(`${path}.origin`, 'bad-route', 'origin must be "remove", "rewrite" or "keep"');
  }
  const hostname = normalizeHostname(url.hostname);
  const host = url.host.replace(/\.+(?=:|$)/, '');
  const prefix = r.prefix.length > 1 && r.prefix.endsWith('/') ? r.prefix.slice(0, -1) : r.prefix;
  return {
    prefix,
    targetUrl: url,
    origin: `${url.protocol}//${host}`,
    host,
    hostname,
    basePath: url.pathname.endsWith('/') ? url.pathname.slice(0, -1) : url.pathname,
    originMode: r.origin ?? 'remove',
    cookies: r.cookies === true,
    websocket: r.websocket !== false,
  };
}

/** `openTargets`: the host allowlist (required unless dangerouslyAllowAnyTarget) and switches. */
function compileOpenTargets(ot: OpenTargetOptions, add: Add): CompiledConfig['open'] {
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
  return {
    allowHost,
    dangerouslyAllowAnyTarget: ot.dangerouslyAllowAnyTarget === true,
    dangerouslyAllowPrivateTargets: ot.dangerouslyAllowPrivateTargets === true,
    originMode: ot.origin ?? 'remove',
  };
}

/** `requireHeader`: one name or a list, each a header-name token; lower-cased. */
function compileRequireHeaders(value: ProxyOptions['requireHeader'], add: Add): string[] {
  const names = value === undefined ? [] : typeof value === 'string' ? [value] : value;
  const out: string[] = [];
  for (const name of names) {
    if (typeof name !== 'string' || !TOKEN.test(name))
      add('requireHeader', 'bad-header-name', `"${String(name)}" is not a header name`);
    else out.push(name.toLowerCase());
  }
  return out;
}

/** A rate: `{ requests, windowSeconds }` or a string such as `60/min`; off when absent or false. */
function compileRate(value: RateRule | string | false | undefined, path: string, add: Add): RateRule | null {
  if (value === undefined || value === false) return null;
  if (typeof value === 'string') {
    const r = parseRate(value);
    if (typeof r === 'string') {
      add(path, 'bad-rate', r);
      return null;
    }
    return r;
  }
  const ok =
    Number.isFinite(value.requests) &&
    value.requests >= 1 &&
    Number.isFinite(value.windowSeconds) &&
    value.windowSeconds > 0;
  if (!ok) {
    add(path, 'bad-rate', 'a rate needs requests >= 1 and windowSeconds > 0');
    return null;
  }
  return value;
}

/** `limits`: known names only, each a positive integer; defaults for the rest. */
function compileLimits(value: ProxyOptions['limits'], add: Add): CompiledConfig['limits'] {
  const limits = { ...DEFAULT_LIMITS };
  for (const [key, v] of Object.entries(value ?? {})) {
    if (!(key in DEFAULT_LIMITS)) {
      add(`limits.${key}`, 'bad-limit', `unknown limit (known: ${Object.keys(DEFAULT_LIMITS).join(', ')})`);
    } else if (v !== undefined) {
      if (!(typeof v === 'number' && Number.isInteger(v) && v > 0))
        add(`limits.${key}`, 'bad-limit', 'must be a positive integer');
      else (limits as Record<string, number>)[key] = v;
    }
  }
  return limits;
}
