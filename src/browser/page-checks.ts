/**
 * Main fetch, the steps that read the page (Fetch §4.1 main fetch, steps 4-7): report the
 * report-only CSP violations, upgrade a mixed-content request, then block it as mixed content or by
 * the page's CSP. One call per request and per redirect hop (HTTP-redirect fetch runs main fetch
 * again). Pure: returns the URL to use, the refusal if any, and the console lines the browser prints.
 * https://fetch.spec.whatwg.org/#main-fetch
 */
import { CONTEXT_PROFILES, type ContextProfile } from './context-profile.js';
import { type CspViolation, cspRequestCheck } from './csp.js';
import {
  type ContextDetails,
  type ContextErrorKind,
  chromiumCspFetchRefused,
  chromiumCspViolation,
  chromiumLocalNetwork,
  chromiumMixedContentBlocked,
  chromiumMixedContentNotUpgraded,
  chromiumMixedContentUpgraded,
  chromiumMixedMediaWarning,
  firefoxCspViolation,
  firefoxMixedContentBlocked,
} from './errors/context.js';
import { addressSpaceOfHost, type LocalNetworkVerdict, localNetworkAccessCheck } from './local-network.js';
import {
  type ContextDestination,
  type MixedContentVerdict,
  mixedContentVerdict,
  upgradeEligible,
} from './mixed-content.js';
import type { PageContext } from './page-context.js';
import { isPotentiallyTrustworthyUrl } from './trustworthy.js';
import type { BrowserName, Initiator } from './types.js';

export interface PageCheckRequest {
  /** The request's current URL. */
  url: URL;
  initiator: Initiator;
  /** Default: from the initiator (`media` is `audio`). */
  destination?: ContextDestination;
  /** 0 for the first request; n for the n-th redirect hop. */
  redirectCount: number;
  /** From the previous hop's result (chromium's upgrade decision); ignored on the first request. */
  upgradeIfInsecure?: boolean;
}

/** A page-context refusal: its kind, the URL refused and what `CorsError.context` carries. */
export interface PageRefusal {
  kind: ContextErrorKind;
  url: URL;
  context: ContextDetails;
}

export interface PageCheckResult {
  /** The URL to fetch (upgraded to https: for mixed images, audio and video). */
  url: URL;
  /** The refusal (make the error with `makeCorsError`), or null when the request goes on. */
  refusal: PageRefusal | null;
  /** Console lines for this step (upgrade notices, report-only violations; with a refusal, all of its lines). */
  console: string[];
  /** Lines printed only if the answer to this very request is final (not a redirect). */
  onFinalResponse: string[];
  /** Carry to the next hop. */
  upgradeIfInsecure: boolean;
}

/** Fetch's destination for the engine's initiators. */
export function destinationOf(initiator: Initiator): ContextDestination {
  switch (initiator) {
    case 'image':
      return 'image';
    case 'script':
      return 'script';
    case 'media':
      return 'audio';
    case 'stylesheet':
      return 'style';
    case 'font':
      return 'font';
    default:
      return '';
  }
}

function violationLine(v: CspViolation, url: string, browser: BrowserName): string {
  const reportOnly = v.disposition === 'report';
  return browser === 'firefox'
    ? firefoxCspViolation(url, v.directive, v.effectiveDirective, reportOnly)
    : chromiumCspViolation(url, v.directive, v.directiveName, v.effectiveDirective, reportOnly);
}

function cspRefusal(
  url: URL,
  v: CspViolation,
  page: PageContext,
  initiator: Initiator,
  browser: BrowserName,
  console: string[],
): PageRefusal {
  if (initiator === 'fetch' && browser !== 'firefox') console.push(chromiumCspFetchRefused(url.href));
  const context = {
    pageUrl: page.url,
    directive: v.directive,
    directiveName: v.directiveName,
    effectiveDirective: v.effectiveDirective,
    console,
  };
  return { kind: 'csp-blocked', url, context };
}

/** Chromium's lines for a mixed-content verdict that lets the request go on. */
function mixedLines(
  mixed: MixedContentVerdict,
  original: URL,
  destination: ContextDestination,
  page: PageContext,
  out: { console: string[]; onFinalResponse: string[]; afterCsp: string[] },
): void {
  const media = destination === 'audio' || destination === 'video' ? destination : 'image';
  if (mixed.action === 'upgraded' && mixed.logged) {
    out.console.push(chromiumMixedContentUpgraded(page.url, original.href));
    if (media !== 'image')
      out.onFinalResponse.push(chromiumMixedMediaWarning(page.url, original.href, media));
  } else if (mixed.action === 'not-upgraded' && !page.upgradeInsecureRequests) {
    // (chromium prints no such notice on a page with upgrade-insecure-requests)
    out.console.push(chromiumMixedContentNotUpgraded(page.url, original.href, mixed.reason));
  } else if (mixed.action === 'optionally-blockable') {
    // Printed only once the page's CSP let the load go on (a CSP refusal prints its line alone).
    out.afterCsp.push(chromiumMixedMediaWarning(page.url, original.href, media));
  }
}

/** What one hop's checks share: the page, the browser, and the lines printed so far. */
interface HopState {
  readonly page: PageContext;
  readonly browser: BrowserName;
  readonly profile: ContextProfile;
  readonly initiator: Initiator;
  readonly destination: ContextDestination;
  readonly hop: number;
  readonly console: string[];
}

/**
 * CSP steps 4 and (for the destinations a profile checks before the upgrade) 7 on the URL as
 * requested: report-only violations are printed; an enforced one refuses the request.
 */
function cspBeforeUpgrade(s: HopState, url: URL, enforce: boolean): PageRefusal | null {
  const { violations } = cspRequestCheck(url, s.destination, s.hop, s.page, s.profile);
  for (const v of violations)
    if (enforce || v.disposition === 'report') s.console.push(violationLine(v, url.href, s.browser));
  const v = enforce ? violations.find((x) => x.disposition === 'enforce') : undefined;
  return v ? cspRefusal(url, v, s.page, s.initiator, s.browser, s.console) : null;
}

/** CSP step 7 on the URL to fetch (after any upgrade): the enforced policies. */
function cspAfterUpgrade(s: HopState, url: URL): PageRefusal | null {
  const { violations } = cspRequestCheck(url, s.destination, s.hop, s.page, s.profile);
  const v = violations.find((x) => x.disposition === 'enforce');
  if (!v) return null;
  for (const x of violations)
    if (x.disposition === 'enforce') s.console.push(violationLine(x, url.href, s.browser));
  return cspRefusal(url, v, s.page, s.initiator, s.browser, s.console);
}

/**
 * Main fetch steps 3-7 for one request or redirect hop: the upgrade-insecure-requests upgrade,
 * report-only CSP violations, the mixed-content upgrade, then the CSP and mixed-content blocks,
 * then Local Network Access.
 * https://fetch.spec.whatwg.org/#main-fetch
 */
export function pageContextCheck(
  request: PageCheckRequest,
  page: PageContext,
  browser: BrowserName,
  profile: ContextProfile = CONTEXT_PROFILES[browser],
): PageCheckResult {
  // 3. Upgrade request to a potentially trustworthy URL, if appropriate (the page's CSP has
  //    upgrade-insecure-requests). https://w3c.github.io/webappsec-upgrade-insecure-requests/#upgrade-request
  if (page.upgradeInsecureRequests && request.url.protocol === 'http:') {
    const hop = request.redirectCount;
    // chromium: fetch() checks the CSP on the URL as written, before this upgrade.
    if (profile.cspFetchBeforeUir && request.initiator === 'fetch' && hop === 0 && page.csp.length > 0) {
      const s: HopState = { page, browser, profile, initiator: 'fetch', destination: '', hop, console: [] };
      const refusal = cspAfterUpgrade(s, request.url);
      if (refusal)
        return {
          url: request.url,
          refusal,
          console: s.console,
          onFinalResponse: [],
          upgradeIfInsecure: false,
        };
    }
    // chromium (first URL only), firefox (every hop): a potentially trustworthy URL stays on http:.
    const keep =
      isPotentiallyTrustworthyUrl(request.url) &&
      (profile.uirKeepsTrustworthy === 'every-hop' ||
        (profile.uirKeepsTrustworthy === 'first-hop' && hop === 0));
    if (!keep) {
      const url = new URL(request.url.href);
      url.protocol = 'https:';
      return mainFetchPageSteps({ ...request, url }, page, browser, profile);
    }
  }
  return mainFetchPageSteps(request, page, browser, profile);
}

/** Main fetch steps 4-7 (see pageContextCheck). */
function mainFetchPageSteps(
  request: PageCheckRequest,
  page: PageContext,
  browser: BrowserName,
  profile: ContextProfile,
): PageCheckResult {
  const destination = request.destination ?? destinationOf(request.initiator);
  const original = request.url;
  const hop = request.redirectCount;
  const s: HopState = { page, browser, profile, initiator: request.initiator, destination, hop, console: [] };
  const onFinalResponse: string[] = [];
  const upgradeIfInsecure =
    hop === 0 ? upgradeEligible(original, destination, page, profile) : (request.upgradeIfInsecure ?? false);
  const done = (url: URL, refusal: PageRefusal | null): PageCheckResult => ({
    url,
    refusal,
    console: s.console,
    onFinalResponse,
    upgradeIfInsecure,
  });
  const hasCsp = page.csp.length > 0;
  // chromium (media), firefox (images, audio, video): the CSP sees the URL before the upgrade.
  const before =
    hasCsp &&
    profile.cspBeforeUpgrade.includes(destination) &&
    (hop === 0 || profile.cspBeforeUpgradeEveryHop);
  // 4. Report Content Security Policy violations for request (report-only policies, the URL as requested).
  if (hasCsp) {
    const refused = cspBeforeUpgrade(s, original, before);
    if (refused) return done(original, refused);
  }
  // 6. Upgrade a mixed content request to a potentially trustworthy URL, if appropriate.
  const mixed = mixedContentVerdict(original, destination, page, profile, {
    redirectCount: hop,
    upgradeIfInsecure,
  });
  const afterCsp: string[] = [];
  if (browser !== 'firefox')
    mixedLines(mixed, original, destination, page, { console: s.console, onFinalResponse, afterCsp });
  const url = mixed.action === 'upgraded' ? new URL(mixed.url) : original;
  // 7. Should request be blocked by Content Security Policy? (enforced policies, the URL to fetch)
  if (hasCsp && (!before || (profile.cspAfterUpgradeToo && url !== original))) {
    const refused = cspAfterUpgrade(s, url);
    if (refused) return done(url, refused);
  }
  s.console.push(...afterCsp);
  // 7. Should fetching request be blocked as mixed content?
  if (mixed.action === 'blocked') {
    s.console.push(
      browser === 'firefox'
        ? firefoxMixedContentBlocked(url.href)
        : chromiumMixedContentBlocked(page.url, url.href, request.initiator),
    );
    return done(url, {
      kind: 'mixed-content-blocked',
      url,
      context: { pageUrl: page.url, console: s.console },
    });
  }
  // Local Network Access (checked when the connection is made, after everything above).
  if (page.addressSpace !== undefined) {
    const lna = localNetworkAccessCheck(
      addressSpaceOfHost(url.hostname),
      page.addressSpace,
      page.secureContext,
      page.localNetworkPermission,
      profile,
    );
    if (lna.action !== 'allowed') return done(url, localNetworkRefusal(lna, url, s));
  }
  return done(url, null);
}

function localNetworkRefusal(
  lna: Exclude<LocalNetworkVerdict, { action: 'allowed' }>,
  url: URL,
  s: HopState,
): PageRefusal {
  const kind: ContextErrorKind =
    lna.action === 'blocked' && lna.reason === 'insecure-context'
      ? 'local-network-insecure-context'
      : 'local-network-permission-denied';
  // firefox: no console line; the request waits for the user's answer to the prompt (never, headless).
  if (s.browser !== 'firefox')
    s.console.push(
      chromiumLocalNetwork(kind, {
        url: url.href,
        origin: s.page.originSerialized,
        initiator: s.initiator,
        addressSpace: lna.space,
      }),
    );
  return { kind, url, context: { pageUrl: s.page.url, addressSpace: lna.space, console: s.console } };
}
