/**
 * The CORS-preflight cache, shaped as each profile keeps it.
 * https://fetch.spec.whatwg.org/#concept-cache
 *
 * - spec, firefox (`per-token`): one entry per (origin, URL, credentials, method or header name),
 *   each with its own expiry; a new preflight adds to or refreshes entries, it never removes others.
 * - chromium, webkit (`per-url`): one entry per (origin, URL); a new preflight replaces it whole, and
 *   a lookup that finds an entry which does not allow the request removes it.
 *
 * An entry made with credentials serves requests without them, not the reverse (firefox keys them
 * apart entirely). Entries for a request are cleared when a CORS check for it fails.
 */
import {
  byteLowercase,
  corsUnsafeRequestHeaderNames,
  isCorsNonWildcardRequestHeaderName,
} from '../_fetch/index.js';
import type { PreflightCacheEntry } from './preflight.js';
import { firstHeaderNotAllowed, methodAllowed } from './preflight.js';
import type { BrowserProfile } from './profiles.js';
import { getProfile } from './releases.js';
import { hasRedirectTaintedOrigin, serializeRequestOrigin } from './request.js';
import type { BrowserName, NormalizedRequest } from './types.js';

interface UrlEntry {
  methods: string[];
  headers: string[];
  credentials: boolean;
  expiresAt: number;
}

interface TokenEntry {
  credentials: boolean;
  expiresAt: number;
}

interface TokenBucket {
  methods: Map<string, TokenEntry>;
  headers: Map<string, TokenEntry>;
}

export interface PreflightCacheOptions {
  /** Most entries kept (least recently used dropped first). Default: the profile's (1024). */
  capacity?: number;
  /** Clock in milliseconds. Default `Date.now`. */
  now?: () => number;
}

export class PreflightCache {
  readonly profile: BrowserProfile;
  readonly capacity: number;
  private readonly now: () => number;
  private readonly byUrl = new Map<string, UrlEntry>();
  private readonly byToken = new Map<string, TokenBucket>();

  constructor(browser: BrowserName | BrowserProfile = 'chromium', options: PreflightCacheOptions = {}) {
    this.profile = getProfile(browser);
    this.capacity = Math.max(1, options.capacity ?? this.profile.cacheCapacity);
    this.now = options.now ?? Date.now;
  }

  /** Number of keys held (origin + URL [+ credentials]). */
  get size(): number {
    return this.profile.cacheModel === 'per-url' ? this.byUrl.size : this.byToken.size;
  }

  private key(req: NormalizedRequest): string {
    // Key: network partition (one page here), the serialized request origin, the URL (+ credentials for firefox).
    const cred = this.profile.cacheKeyedByCredentials ? (req.credentials === 'include' ? ' 1' : ' 0') : '';
    return `${serializeRequestOrigin(req)} ${req.url.href}${cred}`;
  }

  private touch<V>(map: Map<string, V>, key: string, value: V): void {
    map.delete(key);
    map.set(key, value);
    while (map.size > this.capacity) {
      const oldest = map.keys().next().value as string;
      map.delete(oldest);
    }
  }

  /**
   * Whether a cached preflight allows this request, so that no preflight is sent.
   * https://fetch.spec.whatwg.org/#http-fetch (step 4.1: method and header-name cache entry matches)
   */
  allows(req: NormalizedRequest): boolean {
    // chromium, firefox: a tainted request's origin is a fresh opaque origin, never found again.
    if (!this.profile.cachesTaintedPreflights && hasRedirectTaintedOrigin(req)) return false;
    const now = this.now();
    const include = req.credentials === 'include';
    const key = this.key(req);
    if (this.profile.cacheModel === 'per-url') {
      const e = this.byUrl.get(key);
      if (e === undefined) return false;
      const ok =
        e.expiresAt > now &&
        !(include && !e.credentials) &&
        methodAllowed(req.method, e.methods, e.credentials) &&
        firstHeaderNotAllowed(req, e.headers, e.credentials, this.profile) === null;
      // chromium: a stale or insufficient entry is removed at lookup.
      if (!ok) this.byUrl.delete(key);
      else this.touch(this.byUrl, key, e);
      return ok;
    }
    const bucket = this.byToken.get(key);
    if (bucket === undefined) return false;
    const live = (t: TokenEntry | undefined): boolean =>
      t !== undefined && t.expiresAt > now && (t.credentials || !include);
    // A method cache entry match, unless the method is safelisted and no stream body asks for one.
    const needsMethod =
      !(req.method === 'GET' || req.method === 'HEAD' || req.method === 'POST') || req.body === 'stream';
    if (needsMethod) {
      const m = bucket.methods.get(req.method);
      // firefox: a cached `*` is only the token `*`, never a wildcard.
      const star = this.profile.cacheHonoursWildcards ? bucket.methods.get('*') : undefined;
      if (!live(m) && !(live(star) && !include)) return false;
    }
    // A header-name cache entry match for every CORS-unsafe request-header name.
    for (const name of corsUnsafeRequestHeaderNames(req.headers, req.headerRules)) {
      const h = bucket.headers.get(name);
      if (live(h)) continue;
      const star = this.profile.cacheHonoursWildcards ? bucket.headers.get('*') : undefined;
      const starCovers =
        live(star) &&
        !include &&
        (this.profile.wildcardCoversAuthorization || !isCorsNonWildcardRequestHeaderName(name));
      if (!starCovers) return false;
    }
    return true;
  }

  /**
   * Stores a successful preflight's result (nothing when its max-age is 0).
   * https://fetch.spec.whatwg.org/#cors-preflight-fetch (steps 7.10-7.11)
   */
  store(req: NormalizedRequest, entry: PreflightCacheEntry): void {
    const key = this.key(req);
    if (entry.maxAge <= 0) return;
    if (!this.profile.cachesTaintedPreflights && hasRedirectTaintedOrigin(req)) return;
    const expiresAt = this.now() + entry.maxAge * 1000;
    if (this.profile.cacheModel === 'per-url') {
      // chromium: the entry is replaced whole.
      this.touch(this.byUrl, key, {
        methods: [...entry.methods],
        headers: entry.headers.map(byteLowercase),
        credentials: entry.credentials,
        expiresAt,
      });
      return;
    }
    const bucket = this.byToken.get(key) ?? { methods: new Map(), headers: new Map() };
    // 10. For each method in methods: refresh its entry's max-age, or create a new entry.
    const methods = entry.methods.length === 0 && req.body === 'stream' ? [req.method] : entry.methods;
    for (const m of methods) bucket.methods.set(m, { credentials: entry.credentials, expiresAt });
    // 11. For each headerName in headerNames: likewise.
    for (const h of entry.headers)
      bucket.headers.set(byteLowercase(h), { credentials: entry.credentials, expiresAt });
    this.touch(this.byToken, key, bucket);
  }

  /**
   * Removes every entry for the request's origin and URL.
   * https://fetch.spec.whatwg.org/#concept-cache-clear
   */
  clear(req: NormalizedRequest): void {
    if (this.profile.cacheKeyedByCredentials) {
      const base = `${serializeRequestOrigin(req)} ${req.url.href}`;
      this.byToken.delete(`${base} 0`);
      this.byToken.delete(`${base} 1`);
      this.byUrl.delete(`${base} 0`);
      this.byUrl.delete(`${base} 1`);
      return;
    }
    const key = this.key(req);
    this.byUrl.delete(key);
    this.byToken.delete(key);
  }

  /** Drops everything. */
  clearAll(): void {
    this.byUrl.clear();
    this.byToken.clear();
  }
}
