/**
 * Route resolution: which upstream URL a request path names (a fixed route by prefix, or an open
 * target), and the reverse, which proxy path an upstream redirect's Location becomes.
 */

import { BoundedMap } from '../_util/index.js';
import type { CompiledConfig, CompiledRoute } from './config.js';
import { ProxyFailure } from './failure.js';
import {
  type CheckedTarget,
  checkOpenTarget,
  type OpenTargetRules,
  parseOpenTarget,
  type TargetRefusal,
} from './target.js';

/** A resolved request: the checked target, and the fixed route it came from (null: open target). */
export interface ResolvedTarget {
  readonly target: CheckedTarget;
  readonly route: CompiledRoute | null;
}

const DOT_OR_BACKSLASH = /(^|\/|\\)(\.|%2e)|\\/i;

/**
 * Resolves a request path (origin-form, see request-target.ts).
 * 1. Fixed routes, longest prefix first: `/api` matches `/api`, `/api/…` and `/api?…`, never
 *    `/apix`. Dot segments (`..`, `%2e%2e`) and backslashes are resolved as the URL Standard does
 *    before joining, so `/api/../admin` cannot climb out of the target's base path.
 * 2. Open targets: `/https://host/path`, checked statically (see target.ts).
 * 3. Otherwise 404.
 */
export function resolveTarget(config: CompiledConfig, path: string): ResolvedTarget {
  // 1.
  for (const route of config.routes) {
    const p = route.prefix;
    if (
      path.startsWith(p) &&
      (path.length === p.length || path[p.length] === '/' || path[p.length] === '?' || p === '/')
    ) {
      let rest = p === '/' ? path : path.slice(p.length);
      if (rest === '' || rest.startsWith('?')) rest = `/${rest}`;
      if (DOT_OR_BACKSLASH.test(rest)) {
        const u = new URL(rest, 'http://x');
        rest = u.pathname + u.search;
      }
      return { target: routeTarget(route, route.basePath + rest), route };
    }
  }
  // 2.
  if (config.open && path.length > 1) {
    const t = openTarget(config.open, path);
    if ('kind' in t) throw new ProxyFailure(t.status, t.code, t.reason);
    return t;
  }
  // 3.
  throw new ProxyFailure(
    404,
    'no-route',
    config.open
      ? 'no route matches this path; open targets look like /https://host/path'
      : 'no route matches this path',
  );
}

/**
 * Open targets already resolved, per set of compiled rules: a page calls the same few URLs again and
 * again, and parsing and checking one (the URL parser, the allowlist, the strings of the upstream
 * origin) is most of what an open target costs beyond a fixed route. The checks are a pure function
 * of the request path and the rules (the connect-time address check still runs for every
 * connection), so a remembered answer, refusals included, is exactly the one computed again. Bounded:
 * at most OPEN_CACHE_MAX entries (a BoundedMap: emptied when full) of paths up to OPEN_CACHE_MAX_PATH
 * characters; longer ones are checked every time.
 */
const openTargetCaches = new WeakMap<OpenTargetRules, BoundedMap<string, ResolvedTarget | TargetRefusal>>();
export const OPEN_CACHE_MAX = 1024;
export const OPEN_CACHE_MAX_PATH = 512;

function openTarget(rules: OpenTargetRules, path: string): ResolvedTarget | TargetRefusal {
  if (path.length > OPEN_CACHE_MAX_PATH) return checkOpen(rules, path);
  let cache = openTargetCaches.get(rules);
  if (cache === undefined) {
    cache = new BoundedMap(OPEN_CACHE_MAX);
    openTargetCaches.set(rules, cache);
  }
  let known = cache.get(path);
  if (known === undefined) {
    known = checkOpen(rules, path);
    cache.set(path, known);
  }
  return known;
}

function checkOpen(rules: OpenTargetRules, path: string): ResolvedTarget | TargetRefusal {
  const t = parseOpenTarget(path, rules);
  return t.kind === 'refused' ? t : { target: t, route: null };
}

/** How many open targets are remembered for these rules (for tests). */
export function openTargetCacheSize(rules: OpenTargetRules): number {
  return openTargetCaches.get(rules)?.size ?? 0;
}

/**
 * The target of a fixed route: what `makeTarget(route.targetUrl, route.hostname, path)` builds,
 * from the origin and host the route compiled once (src/proxy/compile.ts; routes.test.ts checks
 * the two agree for every kind of target host).
 */
export function routeTarget(route: CompiledRoute, path: string): CheckedTarget {
  return {
    kind: 'target',
    url: route.targetUrl,
    origin: route.origin,
    hostname: route.hostname,
    host: route.host,
    path: path || '/',
  };
}

/**
 * Redirects are passed back to the client with Location rewritten through the proxy; the client's
 * next request is checked like any other (allowlist, literal IPs, connect-time DNS). Here:
 * 1. Resolve Location against the upstream URL; unparsable → 502.
 * 2. Credentials in the Location → refused (403).
 * 3. Fixed route, same target origin under the base path → the route's prefix.
 * 4. Open targets enabled: the static open-target checks must pass → `/https://host/path`;
 *    refused → 403 with the reason.
 * 5. Otherwise (a fixed route redirecting elsewhere, no open mode) → passed unchanged: the proxy
 *    never fetches it.
 */
export function rewriteLocation(
  config: CompiledConfig,
  location: string,
  target: CheckedTarget,
  route: CompiledRoute | null,
): string {
  // 1.
  let url: URL;
  try {
    url = new URL(location, `${target.origin}${target.path}`);
  } catch {
    throw new ProxyFailure(502, 'bad-redirect', 'the upstream sent a redirect with an invalid Location');
  }
  // 2.
  if (url.username !== '' || url.password !== '') {
    throw new ProxyFailure(
      403,
      'credentials-in-target',
      'the upstream redirected to a URL with a user name or password',
    );
  }
  // 3.
  if (route) {
    const sameOrigin =
      url.protocol === route.targetUrl.protocol && url.host.replace(/\.+(?=:|$)/, '') === route.host;
    if (
      sameOrigin &&
      (url.pathname === route.basePath ||
        url.pathname.startsWith(`${route.basePath}/`) ||
        route.basePath === '')
    ) {
      const rest = url.pathname.slice(route.basePath.length) || '/';
      const prefix = route.prefix === '/' ? '' : route.prefix;
      return `${prefix}${rest}${url.search}${url.hash}`;
    }
  }
  // 4.
  if (config.open) {
    const checked = checkOpenTarget(url, config.open);
    if (checked.kind === 'refused') {
      throw new ProxyFailure(
        403,
        checked.code,
        `the upstream redirected to a target that is refused: ${checked.reason}`,
      );
    }
    return `/${checked.origin}${checked.path}${url.hash}`;
  }
  // 5.
  if (url.protocol !== 'http:' && url.protocol !== 'https:') {
    throw new ProxyFailure(403, 'scheme-not-allowed', `the upstream redirected to a ${url.protocol} URL`);
  }
  return url.href;
}
