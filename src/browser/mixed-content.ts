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

/** What mixed content does to one request or redirect hop. */
export type MixedContentVerdict =
  | { readonly action: 'allowed' }
  /** Upgraded to https: (`url` is the new URL); `logged` when Chromium prints the upgrade. */
  | { readonly action: 'upgraded'; readonly url: string; readonly logged: boolean }
  /** An upgradable request left on http: because its host is an IP address or a local name (Chromium logs it). */
  | { readonly action: 'not-upgraded'; readonly reason: 'ip' | 'local' }
  /** chromium: an http: redirect hop of a request that was not eligible for the upgrade, loaded with a warning. */
  | { readonly action: 'optionally-blockable' }
  | { readonly action: 'blocked' };

/** The state a request carries across redirect hops. */
export interface MixedContentHop {
  /** 0 for the first URL. */
  readonly redirectCount: number;
  /** chromium: whether the first URL made the request eligible for the upgrade (from the previous hop). */
  readonly upgradeIfInsecure: boolean;
}

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
  // firefox: a page on a loopback host does not upgrade.
  if (!profile.upgradeFromLoopbackPages && isLoopbackPage(page)) return null;
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

/**
 * Whether a request's first URL makes it eligible for Chromium's upgrade of later hops: an
 * upgradable destination on a page that restricts mixed content, to a host that is neither an IP
 * address nor a local name.
 */
export function upgradeEligible(
  url: URL,
  destination: ContextDestination,
  page: PageContext,
  profile: ContextProfile,
): boolean {
  if (!isUpgradable(destination) || !profile.upgradeMixedMedia) return false;
  if (!doesSettingsProhibitMixedSecurityContexts(page, profile)) return false;
  if (!profile.upgradeFromLoopbackPages && isLoopbackPage(page)) return false;
  return !isIpHost(url.hostname) && !isLocalName(url.hostname);
}

/** Both steps in the order main fetch runs them: upgrade (§4.1), then block (§4.3). */
export function mixedContentVerdict(
  url: URL,
  destination: ContextDestination,
  page: PageContext,
  profile: ContextProfile,
  hop: MixedContentHop,
): MixedContentVerdict {
  if (url.protocol !== 'http:' && url.protocol !== 'ws:') return ALLOWED;
  if (!doesSettingsProhibitMixedSecurityContexts(page, profile)) return ALLOWED;
  if (isUpgradable(destination) && !profile.upgradeFromLoopbackPages && isLoopbackPage(page)) {
    // firefox: mixed display content of a loopback page loads over http: as it is.
    return ALLOWED;
  }
  if (isUpgradable(destination) && profile.upgradeMixedMedia) {
    // chromium: later hops follow the first URL's eligibility, IP hosts included, silently.
    if (hop.redirectCount > 0 && profile.mixedUpgradeOnRedirect === 'initial-decision') {
      if (hop.upgradeIfInsecure) return { action: 'upgraded', url: toHttps(url), logged: false };
      return isPotentiallyTrustworthyUrl(url) ? ALLOWED : { action: 'optionally-blockable' };
    }
    // chromium checks the IP host first (127.0.0.1 is "an IP address", localhost "a local network request").
    if (isIpHost(url.hostname)) return { action: 'not-upgraded', reason: 'ip' };
    if (isLocalName(url.hostname)) return { action: 'not-upgraded', reason: 'local' };
    const upgraded = upgradeMixedContentRequest(url, destination, page, profile);
    if (upgraded) return { action: 'upgraded', url: upgraded.href, logged: hop.redirectCount === 0 };
  }
  return shouldFetchingRequestBeBlockedAsMixedContent(url, page, profile) ? BLOCKED : ALLOWED;
}

function toHttps(url: URL): string {
  const u = new URL(url.href);
  u.protocol = 'https:';
  return u.href;
}

function isLoopbackPage(page: PageContext): boolean {
  const h = page.origin.host;
  return isLocalName(h) || h === '[::1]' || /^127\.\d+\.\d+\.\d+$/.test(h);
}

function isLocalName(hostname: string): boolean {
  const h = hostname.toLowerCase().replace(/\.$/, '');
  return h === 'localhost' || h.endsWith('.localhost');
}

const ALLOWED: MixedContentVerdict = Object.freeze({ action: 'allowed' });
const BLOCKED: MixedContentVerdict = Object.freeze({ action: 'blocked' });

function isUpgradable(d: ContextDestination): boolean {
  return d === 'image' || d === 'audio' || d === 'video';
}

function isIpHost(hostname: string): boolean {
  return hostname.startsWith('[') || /^\d{1,3}(?:\.\d{1,3}){3}$/.test(hostname);
}
