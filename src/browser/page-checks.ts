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
  chromiumMixedContentBlocked,
  chromiumMixedContentLocal,
  chromiumMixedContentUpgraded,
  chromiumMixedMediaWarning,
  firefoxCspViolation,
  firefoxMixedContentBlocked,
  makeContextError,
} from './errors/context.js';
import { type ContextDestination, mixedContentVerdict } from './mixed-content.js';
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
}

export interface PageCheckResult {
  /** The URL to fetch (upgraded to https: for mixed images, audio and video). */
  url: URL;
  /** The refusal, or null when the request goes on. */
  error: ContextError | null;
  /** Console lines for this step when it goes on (upgrade notices, report-only violations). */
  console: string[];
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
  let url = request.url;
  const base = { pageUrl: page.url, origin: page.originSerialized, initiator: request.initiator };
  // 6. Upgrade a mixed content request to a potentially trustworthy URL, if appropriate.
  const mixed = mixedContentVerdict(url, destination, page, profile);
  if (mixed.action === 'upgraded') {
    // chromium: the upgrade of a redirect hop is silent.
    if (request.redirectCount === 0 && browser !== 'firefox') {
      console.push(chromiumMixedContentUpgraded(page.url, url.href));
      if (destination === 'audio' || destination === 'video')
        console.push(chromiumMixedMediaWarning(page.url, url.href, destination));
    }
    url = new URL(mixed.url);
  } else if (mixed.action === 'not-upgraded-local' && browser !== 'firefox' && request.redirectCount === 0) {
    console.push(chromiumMixedContentLocal(page.url, url.href));
  }
  // 4 + 7. The page's CSP: report-only violations are reported, enforced ones block.
  const csp =
    page.csp.length > 0 ? cspRequestCheck(url, destination, request.redirectCount, page, profile) : null;
  for (const v of csp?.violations ?? []) console.push(violationLine(v, url.href, browser));
  if (csp?.blocked) {
    const v = csp.violations.find((x) => x.disposition === 'enforce') as CspViolation;
    const message = violationLine(v, url.href, browser);
    if (request.initiator === 'fetch' && browser !== 'firefox')
      console.push(chromiumCspFetchRefused(url.href));
    const details = {
      ...base,
      kind: 'csp-blocked' as const,
      url: url.href,
      directive: v.directive,
      directiveName: v.directiveName,
      effectiveDirective: v.effectiveDirective,
    };
    return { url, error: makeContextError(details, browser, message, console), console };
  }
  // 7. Should fetching request be blocked as mixed content?
  if (mixed.action === 'blocked') {
    const message =
      browser === 'firefox'
        ? firefoxMixedContentBlocked(url.href)
        : chromiumMixedContentBlocked(page.url, url.href, request.initiator);
    console.push(message);
    const details = { ...base, kind: 'mixed-content-blocked' as const, url: url.href };
    return { url, error: makeContextError(details, browser, message, console), console };
  }
  return { url, error: null, console };
}
