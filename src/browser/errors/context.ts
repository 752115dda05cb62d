/**
 * Refusals that come from the page, not from the server's CORS answer: mixed content, the page's
 * Content Security Policy and Local Network Access. Same shape as `CorsError` (kind, browser,
 * message, logged, fix) plus every console line the browser prints for the request, in order.
 *
 * Chromium's texts are byte for byte what Chromium 156 printed in test/browsers/context/ (the
 * Local Network Access ones: test/browsers/private-network.test.ts); Firefox's are ESR 153's.
 */
import type { BrowserName, Initiator } from '../types.js';

export type ContextErrorKind =
  /** A secure page's blockable request (fetch, XHR, script...) to an http: URL that is not potentially trustworthy. */
  | 'mixed-content-blocked'
  /** An enforced CSP directive does not allow the URL. */
  | 'csp-blocked'
  /** Local Network Access: a page that is not a secure context asked for a more private address space. */
  | 'local-network-insecure-context'
  /** Local Network Access: the user's permission was not given. */
  | 'local-network-permission-denied';

export interface ContextErrorDetails {
  kind: ContextErrorKind;
  /** The URL refused (after any upgrade; the last URL of a redirect chain). */
  url: string;
  /** The page's URL. */
  pageUrl: string;
  /** The page's origin, serialized. */
  origin: string;
  initiator: Initiator;
  /** csp-blocked: the directive as written (`connect-src 'self'`) and the effective directive. */
  directive?: string;
  directiveName?: string;
  effectiveDirective?: string;
  /** local-network-*: the address space asked for (`loopback`, `local`). */
  addressSpace?: 'loopback' | 'local';
}

export interface ContextError extends ContextErrorDetails {
  readonly name: 'ContextError';
  readonly browser: BrowserName;
  /** The browser's main console line for the refusal. */
  readonly message: string;
  /** True: each of these refusals is logged by both browsers. */
  readonly logged: boolean;
  /** Every console line printed for this request (violations, report-only lines, then the refusal's), in order. */
  readonly console: readonly string[];
  readonly fix: string;
}

/** The word Chromium uses for a blockable insecure request. */
function chromiumMixedWhat(initiator: Initiator): string {
  switch (initiator) {
    case 'XMLHttpRequest':
      return 'XMLHttpRequest endpoint';
    case 'script':
      return 'script';
    case 'stylesheet':
      return 'stylesheet';
    case 'font':
      return 'font';
    default:
      return 'resource';
  }
}

/** Chromium: a blocked mixed-content request. */
export function chromiumMixedContentBlocked(pageUrl: string, url: string, initiator: Initiator): string {
  return `Mixed Content: The page at '${pageUrl}' was loaded over HTTPS, but requested an insecure ${chromiumMixedWhat(initiator)} '${url}'. This request has been blocked; the content must be served over HTTPS.`;
}

/** Chromium: an image, audio or video request upgraded to https:. */
export function chromiumMixedContentUpgraded(pageUrl: string, url: string): string {
  return `Mixed Content: The page at '${pageUrl}' was loaded over HTTPS, but requested an insecure element '${url}'. This request was automatically upgraded to HTTPS, For more information see https://blog.chromium.org/2019/10/no-more-mixed-messages-about-https.html`;
}

/** Chromium: an upgradable request to an http: URL on an IP address or a local name, loaded as it is. */
export function chromiumMixedContentNotUpgraded(
  pageUrl: string,
  url: string,
  reason: 'ip' | 'local',
): string {
  const why = reason === 'ip' ? "its URL's host is an IP address" : 'it is a local network request';
  return `Mixed Content: The page at '${pageUrl}' was loaded over HTTPS, but requested an insecure element '${url}'. This request was not upgraded to HTTPS because ${why}.`;
}

/**
 * Chromium: the warning for optionally-blockable content loaded over http: (an upgraded audio or
 * video `src` answered directly, or an image/audio/video redirect hop that was not upgraded).
 */
export function chromiumMixedMediaWarning(
  pageUrl: string,
  url: string,
  media: 'image' | 'audio' | 'video',
): string {
  const what = media === 'audio' ? 'audio file' : media;
  return `Mixed Content: The page at '${pageUrl}' was loaded over HTTPS, but requested an insecure ${what} '${url}'. This content should also be served over HTTPS.`;
}

/** Chromium's CSP violation line. */
export function chromiumCspViolation(
  url: string,
  directive: string,
  directiveName: string,
  effective: string,
  reportOnly: boolean,
): string {
  const action =
    effective === 'connect-src'
      ? `Connecting to '${url}'`
      : effective === 'img-src'
        ? `Loading the image '${url}'`
        : effective === 'media-src'
          ? `Loading media from  '${url}'`
          : effective === 'script-src-elem'
            ? `Loading the script '${url}'`
            : `Loading the resource '${url}'`;
  const note =
    directiveName !== effective
      ? ` Note that '${effective}' was not explicitly set, so '${directiveName}' is used as a fallback.`
      : '';
  const end = reportOnly
    ? ' The policy is report-only, so the violation has been logged but no further action has been taken.'
    : ' The action has been blocked.';
  return `${action} violates the following Content Security Policy directive: "${directive}".${note}${end}`;
}

/** Chromium's second line after a fetch() that CSP refused. */
export function chromiumCspFetchRefused(url: string): string {
  return `Fetch API cannot load ${url}. Refused to connect because it violates the document's Content Security Policy.`;
}

/** Firefox's CSP line (directive as Firefox re-serializes it may differ: only the verdict is compared). */
export function firefoxCspViolation(
  url: string,
  directive: string,
  effective: string,
  reportOnly: boolean,
): string {
  const ro = reportOnly ? '(Report-Only policy) ' : '';
  const verb = reportOnly ? 'would block' : 'blocked';
  if (effective === 'script-src-elem')
    return `Content-Security-Policy: ${ro}The page’s settings ${verb} a script (script-src-elem) at ${url} from being executed because it violates the following directive: “${directive}”`;
  return `Content-Security-Policy: ${ro}The page’s settings ${verb} the loading of a resource (${effective}) at ${url} because it violates the following directive: “${directive}”`;
}

/** Firefox: a blocked mixed-content request. */
export function firefoxMixedContentBlocked(url: string): string {
  return `Blocked loading mixed active content “${url}”`;
}

/** Chromium's Local Network Access lines (in the CORS line's frame). */
export function chromiumLocalNetwork(d: ContextErrorDetails): string {
  const what =
    d.initiator === 'XMLHttpRequest' ? 'XMLHttpRequest' : d.initiator === 'fetch' ? 'fetch' : d.initiator;
  const reason =
    d.kind === 'local-network-insecure-context'
      ? `The request client is not a secure context and the resource is in more-private address space \`${d.addressSpace}\`.`
      : `Permission was denied for this request to access the \`${d.addressSpace}\` address space.`;
  return `Access to ${what} at '${d.url}' from origin '${d.origin}' has been blocked by CORS policy: ${reason}`;
}

/** What to change, for each kind. */
export function contextFix(d: ContextErrorDetails): string {
  switch (d.kind) {
    case 'mixed-content-blocked':
      return `Serve ${d.url} over https: (${d.url.replace(/^http:/, 'https:')}); an https: page may only fetch http: URLs on potentially trustworthy hosts (localhost, 127.0.0.1).`;
    case 'csp-blocked':
      return `Allow it in the page's Content-Security-Policy: add ${new URL(d.url).origin} to ${d.directiveName === d.effectiveDirective ? `'${d.directiveName}'` : `a '${d.effectiveDirective}' directive (now '${d.directiveName}' stands in for it)`}, or load the resource from a source the policy lists.`;
    case 'local-network-insecure-context':
      return `Serve the page over https: (a secure context) so the browser can ask the user for local network access, or serve the API from a public address.`;
    case 'local-network-permission-denied':
      return `The user must allow this site to access the local network (Chromium's "local network access" permission); until then requests to the \`${d.addressSpace}\` address space fail. Or serve the API from a public address.`;
  }
}

/** Builds the error value; `console` is every line the browser printed for the request. */
export function makeContextError(
  details: ContextErrorDetails,
  browser: BrowserName,
  message: string,
  console: readonly string[],
): ContextError {
  return {
    ...details,
    name: 'ContextError',
    browser,
    message,
    logged: true,
    console,
    fix: contextFix(details),
  };
}
