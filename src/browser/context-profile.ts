/**
 * Where browsers depart from Mixed Content, CSP and Local Network Access as written: one record per
 * profile, read at the one step each switch changes. Observed in Chromium 156 and Firefox ESR 153
 * (test/browsers/context/); every switch is listed with its case in docs/browser.md ("Beyond CORS:
 * mixed content, CSP and Local Network Access").
 */
import type { BrowserName } from './types.js';

export interface ContextProfile {
  /**
   * Which pages restrict mixed content: `potentially-trustworthy` (spec: any page whose origin is
   * potentially trustworthy, so also http://localhost) or `https` (browsers: only https pages).
   */
  readonly mixedContentPages: 'potentially-trustworthy' | 'https';
  /** Whether images, audio and video to http: are upgraded to https: (Mixed Content Level 2; both browsers do it). */
  readonly upgradeMixedMedia: boolean;
  /**
   * The upgrade of a redirect hop: `each-hop` (spec: main fetch runs the upgrade algorithm again,
   * IP hosts left alone), or `initial-decision` (Chromium: a request whose first URL was eligible
   * (not an IP address, not localhost) has every http: hop upgraded silently, IP hosts included; one
   * that was not eligible loads an http: hop as it is, with a warning).
   */
  readonly mixedUpgradeOnRedirect: 'each-hop' | 'initial-decision';
  /**
   * Destinations whose URL is checked against the page's CSP before the mixed-content upgrade, not
   * after it as main fetch orders it (spec: none). Chromium: audio and video (the media element
   * checks its `src`; blocked there, nothing is fetched and no upgrade is logged), on the first URL
   * only, and the upgraded URL is checked again. Firefox: images, audio and video, on every hop, and
   * only there.
   */
  readonly cspBeforeUpgrade: readonly string[];
  readonly cspBeforeUpgradeEveryHop: boolean;
  readonly cspAfterUpgradeToo: boolean;
  /**
   * Whether a page on a loopback host (https://localhost, https://127.0.0.1) upgrades mixed images,
   * audio and video (spec, Chromium: yes; Firefox ESR 153: no, they load over http:).
   */
  readonly upgradeFromLoopbackPages: boolean;
  /**
   * CSP host-source with an explicit port and the scheme upgraded (source `http://a:8080`, URL
   * `https://a:8080`): `match` (CSP3 port-part match, Firefox) or `no-match` (Chromium: a port
   * matched exactly allows no scheme upgrade).
   */
  readonly cspUpgradeWithExplicitPort: 'match' | 'no-match';
  /**
   * Local Network Access: `permission` (a public page needs a secure context and the user's
   * permission to reach a more private address space: Chromium 156, and the LNA proposal), `prompt`
   * (the request waits for the user's answer; nothing when denied: Firefox ESR 153 with its LNA prefs
   * on), or `off` (no check).
   */
  readonly localNetworkAccess: 'permission' | 'prompt' | 'off';
  /**
   * CSP `upgrade-insecure-requests`: which http: URLs stay on http: (`never`: the spec upgrades every
   * one; `first-hop`: Chromium leaves a potentially trustworthy first URL (127.0.0.1, localhost) alone
   * but upgrades every redirect hop; `every-hop`: Firefox leaves potentially trustworthy URLs alone on
   * every hop).
   */
  readonly uirKeepsTrustworthy: 'never' | 'first-hop' | 'every-hop';
  /** chromium: `fetch()` checks the page's CSP on the URL as written, before the `upgrade-insecure-requests` upgrade. */
  readonly cspFetchBeforeUir: boolean;
  /** firefox: with `upgrade-insecure-requests`, an http: URL matches the sources its https: twin matches. */
  readonly cspUirHttpMatchesHttps: boolean;
}

export const CONTEXT_PROFILES: Readonly<Record<BrowserName, ContextProfile>> = Object.freeze({
  spec: Object.freeze({
    mixedContentPages: 'potentially-trustworthy',
    upgradeMixedMedia: true,
    mixedUpgradeOnRedirect: 'each-hop',
    cspBeforeUpgrade: [],
    cspBeforeUpgradeEveryHop: false,
    cspAfterUpgradeToo: true,
    upgradeFromLoopbackPages: true,
    cspUpgradeWithExplicitPort: 'match',
    localNetworkAccess: 'permission',
    uirKeepsTrustworthy: 'never',
    cspFetchBeforeUir: false,
    cspUirHttpMatchesHttps: false,
  }),
  chromium: Object.freeze({
    mixedContentPages: 'https',
    upgradeMixedMedia: true,
    mixedUpgradeOnRedirect: 'initial-decision',
    cspBeforeUpgrade: ['audio', 'video'],
    cspBeforeUpgradeEveryHop: false,
    cspAfterUpgradeToo: true,
    upgradeFromLoopbackPages: true,
    cspUpgradeWithExplicitPort: 'no-match',
    localNetworkAccess: 'permission',
    uirKeepsTrustworthy: 'first-hop',
    cspFetchBeforeUir: true,
    cspUirHttpMatchesHttps: false,
  }),
  firefox: Object.freeze({
    mixedContentPages: 'https',
    upgradeMixedMedia: true,
    mixedUpgradeOnRedirect: 'each-hop',
    cspBeforeUpgrade: ['image', 'audio', 'video'],
    cspBeforeUpgradeEveryHop: true,
    cspAfterUpgradeToo: false,
    upgradeFromLoopbackPages: false,
    cspUpgradeWithExplicitPort: 'match',
    localNetworkAccess: 'prompt',
    uirKeepsTrustworthy: 'every-hop',
    cspFetchBeforeUir: false,
    cspUirHttpMatchesHttps: true,
  }),
  webkit: Object.freeze({
    // Not observed here (no WebKit run for these mechanisms): the spec's answers.
    mixedContentPages: 'https',
    upgradeMixedMedia: true,
    mixedUpgradeOnRedirect: 'each-hop',
    cspBeforeUpgrade: [],
    cspBeforeUpgradeEveryHop: false,
    cspAfterUpgradeToo: true,
    upgradeFromLoopbackPages: true,
    cspUpgradeWithExplicitPort: 'match',
    localNetworkAccess: 'off',
    uirKeepsTrustworthy: 'never',
    cspFetchBeforeUir: false,
    cspUirHttpMatchesHttps: false,
  }),
});
