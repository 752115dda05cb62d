/**
 * Browser releases: the profiles in profiles.ts hold the newest release observed (Chromium 156,
 * Firefox ESR 153); this table holds what older observed releases did differently, seen by the
 * same real-browser suites (test/browsers/) when Debian's packages were Chromium 150 and Firefox
 * ESR 140. Each change names its switch and the case that showed it (docs/browser-differences.md,
 * "Older releases").
 *
 * A profile for release N holds the behaviour of the newest observed release at or below N (the
 * oldest one below that): a change seen between two observed releases is not dated more exactly
 * than that, and is listed with both.
 */
import type { RequestHeaderRules } from '../_fetch/index.js';
import type { ContextProfile } from './context-profile.js';
import { type BrowserProfile, PROFILES } from './profiles.js';
import type { BrowserName } from './types.js';

export { releaseOf } from './_release-of.js';

/** What one observed release did differently from the release after it. */
export interface ReleaseChanges {
  /** The major release observed (e.g. 150). */
  readonly release: number;
  /** The full version observed, as the browser reported it. */
  readonly observed: string;
  /** Profile switches as they were in this release. */
  readonly profile: Partial<Omit<BrowserProfile, 'name' | 'release' | 'requestHeaders' | 'context'>>;
  /** Request-header rules as they were (merged into the newer release's rules). */
  readonly requestHeaders?: Partial<RequestHeaderRules>;
  /** Mixed Content, CSP and Local Network Access switches as they were. */
  readonly context?: Partial<ContextProfile>;
}

/** Older observed releases, newest first, per browser. */
export const OLDER_RELEASES: Readonly<Record<'chromium' | 'firefox', readonly ReleaseChanges[]>> =
  Object.freeze({
    chromium: Object.freeze([
      Object.freeze({
        release: 150,
        observed: '150.0.7871.100',
        requestHeaders: Object.freeze({
          // fetch-oracle: `Bytes=0-`, `BYTES=0-1` were not preflighted (156: the unit is case-sensitive)
          rangeUnitCaseInsensitive: true,
          // fetch-oracle: `bytes=9223372036854775807-` (2^63-1) was safelisted, 2^63 was not (156: 2^63-2)
          rangeMax: '9223372036854775807',
        }),
        profile: Object.freeze({
          // differential g386: the preflight after a tainting redirect was served from the cache
          cachesTaintedPreflights: true,
        }),
      }),
    ]),
    firefox: Object.freeze([
      Object.freeze({
        release: 140,
        observed: '140.12.0esr',
        profile: Object.freeze({
          // differential g386: the preflight after a tainting redirect was served from the cache
          cachesTaintedPreflights: true,
        }),
        context: Object.freeze({
          // private-network, context/local-network: at the default prefs a public page reached
          // loopback with no prompt and no preflight of its own (153 holds the request for a prompt)
          localNetworkAccess: 'off' as const,
        }),
      }),
    ]),
  });

const cache = new Map<string, BrowserProfile>();

/**
 * The profile of one release of a browser: the newest observed release at or below `release`
 * (for `chromium`, 156 and later give {@link PROFILES}.chromium; 150 to 155 give what Chromium 150
 * did). `spec` and `webkit` have one profile each, whatever the release.
 */
export function profileForRelease(browser: BrowserName, release: number): BrowserProfile {
  const base = Object.hasOwn(PROFILES, browser) ? PROFILES[browser] : undefined;
  if (base === undefined)
    throw new TypeError(
      `unknown browser profile ${JSON.stringify(browser)} (chromium, firefox, webkit, spec)`,
    );
  if (!Number.isInteger(release) || release < 1)
    throw new TypeError(`profileForRelease: release must be a positive integer, got ${String(release)}`);
  if (browser !== 'chromium' && browser !== 'firefox') return base;
  if (base.release !== null && release >= base.release) return base;
  const older = OLDER_RELEASES[browser];
  // The newest observed release at or below `release`, or the oldest observed one.
  const pick = older.find((r) => r.release <= release) ?? older[older.length - 1];
  if (pick === undefined) return base;
  const key = `${browser}@${pick.release}`;
  const hit = cache.get(key);
  if (hit !== undefined) return hit;
  // Every change between the base release and the picked one applies (newest first).
  let profile: BrowserProfile = base;
  for (const r of older) {
    if (r.release < pick.release) break;
    profile = {
      ...profile,
      ...r.profile,
      release: r.release,
      requestHeaders: r.requestHeaders
        ? Object.freeze({ ...profile.requestHeaders, ...r.requestHeaders })
        : profile.requestHeaders,
      context: r.context ? Object.freeze({ ...profile.context, ...r.context }) : profile.context,
    };
  }
  const frozen = Object.freeze(profile);
  cache.set(key, frozen);
  return frozen;
}

/** A profile by name, by `name@release` (`chromium@150`), or the profile object itself. */
export function getProfile(
  browser: BrowserName | BrowserProfile | `${BrowserName}@${number}` | undefined,
): BrowserProfile {
  if (browser === undefined) return PROFILES.chromium;
  if (typeof browser === 'object') return browser;
  const at = browser.indexOf('@');
  if (at === -1) {
    const p = Object.hasOwn(PROFILES, browser) ? PROFILES[browser as BrowserName] : undefined;
    if (p === undefined)
      throw new TypeError(
        `unknown browser profile ${JSON.stringify(browser)} (chromium, firefox, webkit, spec)`,
      );
    return p;
  }
  const release = /^\d{1,4}$/.test(browser.slice(at + 1)) ? Number(browser.slice(at + 1)) : Number.NaN;
  return profileForRelease(browser.slice(0, at) as BrowserName, release);
}
