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
  type ContextError,
  chromiumCspFetchRefused,
  chromiumCspViolation,
  chromiumLocalNetwork,
  chromiumMixedContentBlocked,
  chromiumMixedContentNotUpgraded,
  chromiumMixedContentUpgraded,
  chromiumMixedMediaWarning,
  firefoxCspViolation,
  firefoxMixedContentBlocked,
  makeContextError,
} from './errors/context.js';
import { addressSpaceOfHost, type LocalNetworkVerdict, localNetworkAccessCheck } from './local-network.js';
import {
  type ContextDestination,
  type MixedContentVerdict,
  mixedContentVerdict,
  upgradeEligible,
} from './mixed-content.js';
import type { PageContext } from './page-context.js';
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

export interface PageCheckResult {
  /** The URL to fetch (upgraded to https: for mixed images, audio and video). */
  url: URL;
  /** The refusal, or null when the request goes on. */
  error: ContextError | null;
  /** Console lines for this step when it goes on (upgrade notices, report-only violations). */
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

function cspError(
  url: URL,
  v: CspViolation,
  base: { pageUrl: string; origin: string; initiator: Initiator },
  browser: BrowserName,
  console: string[],
): ContextError {
  const message = violationLine(v, url.href, browser);
  if (base.initiator === 'fetch' && browser !== 'firefox') console.push(chromiumCspFetchRefused(url.href));
  const details = {
    ...base,
    kind: 'csp-blocked' as const,
    url: url.href,
    directive: v.directive,
    directiveName: v.directiveName,
    effectiveDirective: v.effectiveDirective,
  };
  return makeContextError(details, browser, message, console);
}

/** Chromium's lines for a mixed-content verdict that lets the request go on. */
function mixedLines(
  mixed: MixedContentVerdict,
  original: URL,
  destination: ContextDestination,
  page: PageContext,
  out: { console: string[]; onFinalResponse: string[] },
): void {
  const media = destination === 'audio' || destination === 'video' ? destination : 'image';
  if (mixed.action === 'upgraded' && mixed.logged) {
    out.console.push(chromiumMixedContentUpgraded(page.url, original.href));
    if (media !== 'image')
      out.onFinalResponse.push(chromiumMixedMediaWarning(page.url, original.href, media));
  } else if (mixed.action === 'not-upgraded') {
    out.console.push(chromiumMixedContentNotUpgraded(page.url, original.href, mixed.reason));
  } else if (mixed.action === 'optionally-blockable') {
    out.console.push(chromiumMixedMediaWarning(page.url, original.href, media));
  }
}

/**
 * Main fetch steps 4-7 for one request or redirect hop.
 * https://fetch.spec.whatwg.org/#main-fetch
 */
export function pageContextCheck(
  request: PageCheckRequest,
  page: PageContext,
  browser: BrowserName,
  profile: ContextProfile = CONTEXT_PROFILES[browser],
): PageCheckResult {
  const destination = request.destination ?? destinationOf(request.initiator);
  const console: string[] = [];
  const onFinalResponse: string[] = [];
  const original = request.url;
  const hop = request.redirectCount;
  const upgradeIfInsecure =
    hop === 0 ? upgradeEligible(original, destination, page, profile) : (request.upgradeIfInsecure ?? false);
  const base = { pageUrl: page.url, origin: page.originSerialized, initiator: request.initiator };
  const done = (url: URL, error: ContextError | null): PageCheckResult => ({
    url,
    error,
    console,
    onFinalResponse,
    upgradeIfInsecure,
  });
  const hasCsp = page.csp.length > 0;
  // chromium (media), firefox (images, audio, video): the CSP sees the URL before the upgrade.
  const before =
    hasCsp &&
    profile.cspBeforeUpgrade.includes(destination) &&
    (hop === 0 || profile.cspBeforeUpgradeEveryHop);
  if (before) {
    const pre = cspRequestCheck(original, destination, hop, page, profile);
    for (const v of pre.violations) console.push(violationLine(v, original.href, browser));
    const v = pre.violations.find((x) => x.disposition === 'enforce');
    if (v) return done(original, cspError(original, v, base, browser, console));
  } else if (hasCsp) {
    // 4. Report Content Security Policy violations for request (report-only policies, the URL as requested).
    for (const v of cspRequestCheck(original, destination, hop, page, profile).violations)
      if (v.disposition === 'report') console.push(violationLine(v, original.href, browser));
  }
  // 6. Upgrade a mixed content request to a potentially trustworthy URL, if appropriate.
  const mixed = mixedContentVerdict(original, destination, page, profile, {
    redirectCount: hop,
    upgradeIfInsecure,
  });
  if (browser !== 'firefox') mixedLines(mixed, original, destination, page, { console, onFinalResponse });
  const url = mixed.action === 'upgraded' ? new URL(mixed.url) : original;
  // 7. Should request be blocked by Content Security Policy? (enforced policies, the URL to fetch)
  if (hasCsp && (!before || (profile.cspAfterUpgradeToo && url !== original))) {
    const csp = cspRequestCheck(url, destination, hop, page, profile);
    const v = csp.violations.find((x) => x.disposition === 'enforce');
    if (v) {
      for (const x of csp.violations)
        if (x.disposition === 'enforce') console.push(violationLine(x, url.href, browser));
      return done(url, cspError(url, v, base, browser, console));
    }
  }
  // 7. Should fetching request be blocked as mixed content?
  if (mixed.action === 'blocked') {
    const message =
      browser === 'firefox'
        ? firefoxMixedContentBlocked(url.href)
        : chromiumMixedContentBlocked(page.url, url.href, request.initiator);
    console.push(message);
    const details = { ...base, kind: 'mixed-content-blocked' as const, url: url.href };
    return done(url, makeContextError(details, browser, message, console));
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
    if (lna.action !== 'allowed') return done(url, localNetworkError(lna, url, base, browser, console));
  }
  return done(url, null);
}

function localNetworkError(
  lna: Exclude<LocalNetworkVerdict, { action: 'allowed' }>,
  url: URL,
  base: { pageUrl: string; origin: string; initiator: Initiator },
  browser: BrowserName,
  console: string[],
): ContextError {
  const kind =
    lna.action === 'blocked' && lna.reason === 'insecure-context'
      ? ('local-network-insecure-context' as const)
      : ('local-network-permission-denied' as const);
  const details = { ...base, kind, url: url.href, addressSpace: lna.space };
  // firefox: no console line; the request waits for the user's answer to the prompt (never, headless).
  const message =
    browser === 'firefox'
      ? `Firefox asks the user to allow access to the ${lna.space} network; the request waits for the answer (no console line).`
      : chromiumLocalNetwork(details);
  if (browser !== 'firefox') console.push(message);
  return makeContextError(details, browser, message, console);
}
