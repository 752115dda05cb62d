/**
 * Mixed Content Level 2: which requests of a secure page to an insecure URL are upgraded to https:
 * (images, audio, video) and which are blocked (everything else: fetch, XHR, scripts...). Pure: the
 * caller gives the page, the request URL and its destination; the answer says what happens and
 * which console line Chromium prints.
 *
 * https://w3c.github.io/webappsec-mixed-content/
 */
import type { ContextProfile } from './context-profile.js';
import type { PageContext } from './page-context.js';
import { isPotentiallyTrustworthyUrl } from './trustworthy.js';

/** Fetch's request destinations that matter here ('' is fetch() and XHR). */
export type ContextDestination = '' | 'image' | 'audio' | 'video' | 'script' | 'style' | 'font';

/** What mixed content does to one request. */
export type MixedContentVerdict =
  | { readonly action: 'allowed' }
  /** Upgraded to https: (`url` is the new URL); `local` when Chromium logs that it kept an http: local URL instead. */
  | { readonly action: 'upgraded'; readonly url: string }
  | { readonly action: 'not-upgraded-local' }
  | { readonly action: 'blocked' };

/**
 * Does settings prohibit mixed security contexts? (§4.4; a top-level page, so no ancestors.)
 * https://w3c.github.io/webappsec-mixed-content/#categorize-settings-object
 */
export function doesSettingsProhibitMixedSecurityContexts(
  page: PageContext,
  profile: ContextProfile,
): boolean {
  // 1. If settings' origin is a potentially trustworthy origin, then return "Prohibits Mixed Security Contexts".
  // chromium, firefox: only an https: page restricts mixed content (http://localhost does not).
  if (profile.mixedContentPages === 'https') return page.scheme === 'https';
  return page.secureContext;
  // 2. (ancestor navigables: a top-level page has none) 3. Return "Does Not Restrict Mixed Security Contexts".
}

/**
 * Upgrade a mixed content request to a potentially trustworthy URL, if appropriate (§4.1).
 * Returns the upgraded URL, or null when the request is left as it is.
 * https://w3c.github.io/webappsec-mixed-content/#upgrade-algorithm
 */
export function upgradeMixedContentRequest(
  url: URL,
  destination: ContextDestination,
  page: PageContext,
  profile: ContextProfile,
): URL | null {
  // 1. If request's URL is a potentially trustworthy URL, return.
  if (isPotentiallyTrustworthyUrl(url)) return null;
  // 2. If request's URL's host is an IP address, return.
  if (isIpHost(url.hostname)) return null;
  // 3. If "does settings prohibit mixed security contexts?" returns "Does Not Restrict...", return.
  if (!doesSettingsProhibitMixedSecurityContexts(page, profile)) return null;
  // 4. If request's destination is not "image", "audio", or "video", return.
  if (!isUpgradable(destination) || !profile.upgradeMixedMedia) return null;
  // 5. (destination "image" with initiator "imageset": not modelled, no <picture> here.)
  // 6. Set request's URL's scheme to "https" (the port, if any, is kept).
  const upgraded = new URL(url.href);
  upgraded.protocol = 'https:';
  return upgraded;
}

/**
 * Should fetching request be blocked as mixed content? (§4.3), after the upgrade step.
 * https://w3c.github.io/webappsec-mixed-content/#should-block-fetch
 */
export function shouldFetchingRequestBeBlockedAsMixedContent(
  url: URL,
  page: PageContext,
  profile: ContextProfile,
): boolean {
  // 1.1. "does settings prohibit mixed security contexts?" is "Does Not Restrict": allowed.
  if (!doesSettingsProhibitMixedSecurityContexts(page, profile)) return false;
  // 1.2. request's URL is a potentially trustworthy URL: allowed.
  if (isPotentiallyTrustworthyUrl(url)) return false;
  // 1.3. (the user agent was not told to allow mixed content) 1.4. (not a top-level navigation)
  // 2. Return blocked.
  return true;
}

/** Both steps in the order main fetch runs them: upgrade (§4.1), then block (§4.3). */
export function mixedContentVerdict(
  url: URL,
  destination: ContextDestination,
  page: PageContext,
  profile: ContextProfile,
): MixedContentVerdict {
  if (url.protocol !== 'http:' && url.protocol !== 'ws:') return ALLOWED;
  const upgraded = upgradeMixedContentRequest(url, destination, page, profile);
  if (upgraded) return { action: 'upgraded', url: upgraded.href };
  if (!shouldFetchingRequestBeBlockedAsMixedContent(url, page, profile)) {
    // chromium: an image/audio/video to a local http: URL is logged as "not upgraded" though allowed.
    const local = isUpgradable(destination) && doesSettingsProhibitMixedSecurityContexts(page, profile);
    return local ? { action: 'not-upgraded-local' } : ALLOWED;
  }
  // An upgradable destination to an IP literal that is not loopback stays http: and is blocked? No:
  // Mixed Content Level 2 leaves it "optionally-blockable"; both browsers load it (not modelled).
  return isUpgradable(destination) ? { action: 'not-upgraded-local' } : BLOCKED;
}

const ALLOWED: MixedContentVerdict = Object.freeze({ action: 'allowed' });
const BLOCKED: MixedContentVerdict = Object.freeze({ action: 'blocked' });

function isUpgradable(d: ContextDestination): boolean {
  return d === 'image' || d === 'audio' || d === 'video';
}

function isIpHost(hostname: string): boolean {
  return hostname.startsWith('[') || /^\d{1,3}(?:\.\d{1,3}){3}$/.test(hostname);
}
