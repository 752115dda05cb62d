/**
 * Refusals that come from the page, not from the server's CORS answer: mixed content, the page's
 * Content Security Policy and Local Network Access. They are `CorsError` kinds like every other
 * refusal (one shape to switch on: `kind`, `message`, `logged`, `fix`), with `context` holding what
 * only they have: the page's URL, the CSP directive, the address space, and every console line the
 * browser prints for the request, in order.
 *
 * Chromium's texts are byte for byte what Chromium 156 printed in test/browsers/context/ (Local
 * Network Access: test/browsers/private-network.test.ts); Firefox's are ESR 153's.
 * `CONTEXT_TEMPLATES` gives the same lines in the console parser's template form.
 */
import { isPotentiallyTrustworthyUrl } from '../trustworthy.js';
import type { BrowserName, Initiator } from '../types.js';
import type { ConsoleTemplate } from './console-templates.js';
import type { CorsErrorDetails } from './kinds.js';

export type ContextErrorKind =
  /** A secure page's blockable request (fetch, XHR, script...) to an http: URL that is not potentially trustworthy. */
  | 'mixed-content-blocked'
  /** An enforced CSP directive does not allow the URL. */
  | 'csp-blocked'
  /** Local Network Access: a page that is not a secure context asked for a more private address space. */
  | 'local-network-insecure-context'
  /** Local Network Access: the user's permission was not given. */
  | 'local-network-permission-denied';

export const CONTEXT_ERROR_KINDS: ReadonlySet<string> = new Set<ContextErrorKind>([
  'mixed-content-blocked',
  'csp-blocked',
  'local-network-insecure-context',
  'local-network-permission-denied',
]);

export function isContextErrorKind(kind: string): kind is ContextErrorKind {
  return CONTEXT_ERROR_KINDS.has(kind);
}

/** What a page-context refusal carries beyond `CorsErrorDetails` (its `context` field). */
export interface ContextDetails {
  /** The page's URL. */
  pageUrl: string;
  /** csp-blocked: the directive as written (`connect-src 'self'`), its name, and the effective directive. */
  directive?: string;
  directiveName?: string;
  effectiveDirective?: string;
  /** local-network-*: the address space asked for. */
  addressSpace?: 'loopback' | 'local';
  /** Every console line the browser prints for the request (violations, report-only lines, the refusal's), in order. */
  console: readonly string[];
}

/** What the texts read; without `context` (a parsed console line), `hint` holds the CSP directive. */
type Details = Pick<CorsErrorDetails, 'kind' | 'url' | 'origin' | 'initiator' | 'context' | 'hint'>;

/** The word Chromium uses for a blockable insecure request. */
function chromiumMixedWhat(initiator: Initiator): string {
  switch (initiator) {
    case 'XMLHttpRequest':
      return 'XMLHttpRequest endpoint';
    case 'script':
    case 'stylesheet':
    case 'font':
      return initiator;
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

const CHROMIUM_CSP_ACTION: Readonly<Record<string, string>> = {
  'connect-src': 'Connecting to',
  'img-src': 'Loading the image',
  // Chromium prints two spaces here.
  'media-src': 'Loading media from ',
  'script-src-elem': 'Loading the script',
};

/** Chromium's CSP violation line. */
export function chromiumCspViolation(
  url: string,
  directive: string,
  directiveName: string,
  effective: string,
  reportOnly: boolean,
): string {
  const action = `${CHROMIUM_CSP_ACTION[effective] ?? 'Loading the resource'} '${url}'`;
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

/** Firefox's CSP line (the directive as Firefox re-serializes it may differ: the differential compares verdicts). */
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
export function chromiumLocalNetwork(
  kind: 'local-network-insecure-context' | 'local-network-permission-denied',
  d: { url: string; origin: string; initiator: Initiator; addressSpace: string },
): string {
  const reason =
    kind === 'local-network-insecure-context'
      ? `The request client is not a secure context and the resource is in more-private address space \`${d.addressSpace}\`.`
      : `Permission was denied for this request to access the \`${d.addressSpace}\` address space.`;
  return `Access to ${d.initiator} at '${d.url}' from origin '${d.origin}' has been blocked by CORS policy: ${reason}`;
}

/**
 * The browser's main console line for a page-context refusal, and whether one is printed (Firefox
 * prints none for Local Network Access: the request waits for the prompt).
 */
export function contextMessage(d: Details, browser: BrowserName): { message: string; logged: boolean } {
  const c = d.context ?? { pageUrl: d.origin, console: [] };
  const ff = browser === 'firefox';
  switch (d.kind as ContextErrorKind) {
    case 'mixed-content-blocked':
      return {
        message: ff
          ? firefoxMixedContentBlocked(d.url)
          : chromiumMixedContentBlocked(c.pageUrl, d.url, d.initiator),
        logged: true,
      };
    case 'csp-blocked': {
      const directive = c.directive ?? d.hint ?? '';
      const name = c.directiveName ?? directive.split(' ')[0] ?? '';
      const effective = c.effectiveDirective ?? name;
      return {
        message: ff
          ? firefoxCspViolation(d.url, directive, effective, false)
          : chromiumCspViolation(d.url, directive, name, effective, false),
        logged: true,
      };
    }
    case 'local-network-insecure-context':
    case 'local-network-permission-denied': {
      const space = c.addressSpace ?? 'local';
      if (ff)
        return {
          message: `Firefox asks the user to allow access to the ${space} network; the request waits for the answer (no console line).`,
          logged: false,
        };
      return {
        message: chromiumLocalNetwork(d.kind as ContextErrorKind & `local-${string}`, {
          ...d,
          addressSpace: space,
        }),
        logged: true,
      };
    }
  }
  return { message: d.kind, logged: false };
}

/** What to change, for each page-context kind. */
export function contextFix(d: Details): string {
  const c = d.context;
  switch (d.kind as ContextErrorKind) {
    case 'mixed-content-blocked':
      return `Serve ${d.url} over https: (${d.url.replace(/^http:/, 'https:')}); an https: page may only fetch http: URLs on potentially trustworthy hosts (localhost, 127.0.0.1).`;
    case 'csp-blocked': {
      const name = c?.directiveName ?? d.hint?.split(' ')[0] ?? 'default-src';
      const effective = c?.effectiveDirective ?? name;
      // Directive names are bare in a policy (only keywords such as 'self' are quoted).
      const where =
        name === effective
          ? `\`${name}\``
          : `a \`${effective}\` directive (now \`${name}\` stands in for it)`;
      const target = URL.parse(d.url);
      // An http: URL from an https: page would next be blocked as mixed content: name its https: twin.
      const mixed =
        target !== null &&
        target.protocol === 'http:' &&
        c?.pageUrl.startsWith('https:') === true &&
        !isPotentiallyTrustworthyUrl(target);
      if (target && mixed) {
        target.protocol = 'https:';
        return `Request ${target.href} instead: an https: page may not fetch ${d.url} (mixed content), and the page's Content-Security-Policy header must allow ${target.origin} in ${where}.`;
      }
      return `Allow it in the page's Content-Security-Policy (the header, or <meta http-equiv>, of the page, not of the API): add ${target?.origin ?? d.url} to ${where}, or load the resource from a source the policy lists. (A report-only policy only logs: it never blocks.)`;
    }
    case 'local-network-insecure-context':
      return 'Serve the page over https: (a secure context) so the browser can ask the user for local network access, or serve the API from a public address.';
    case 'local-network-permission-denied':
      return `The user must allow this site to access the local network (Chromium's "local network access" permission); until then requests to the \`${c?.addressSpace ?? 'local'}\` address space fail. Or serve the API from a public address.`;
  }
  return '';
}

/**
 * The page-context lines as console-parser templates (console-templates.ts's shape). In the
 * mixed-content lines `{origin}` stands for the page's URL as printed; in the CSP lines `{hint}` is
 * the directive; in Chromium's fallback note `{resource}` is the effective directive and `{method}`
 * the directive standing in for it (the parser's placeholder set has no better names). Lines that
 * refuse nothing (upgrades, report-only violations, warnings) have no kind.
 */
export const CONTEXT_TEMPLATES: readonly ConsoleTemplate[] = [
  ...['resource', 'XMLHttpRequest endpoint', 'script', 'stylesheet', 'font'].map(
    (what): ConsoleTemplate => ({
      browser: 'chromium',
      form: 'line',
      text: `Mixed Content: The page at '{origin}' was loaded over HTTPS, but requested an insecure ${what} '{url}'. This request has been blocked; the content must be served over HTTPS.`,
      kinds: ['mixed-content-blocked'],
    }),
  ),
  {
    browser: 'chromium',
    form: 'line',
    text: "Mixed Content: The page at '{origin}' was loaded over HTTPS, but requested an insecure element '{url}'. This request was automatically upgraded to HTTPS, For more information see https://blog.chromium.org/2019/10/no-more-mixed-messages-about-https.html",
    kinds: [],
  },
  {
    browser: 'chromium',
    form: 'line',
    text: "Mixed Content: The page at '{origin}' was loaded over HTTPS, but requested an insecure element '{url}'. This request was not upgraded to HTTPS because {hint}.",
    kinds: [],
  },
  {
    browser: 'chromium',
    form: 'line',
    text: "Mixed Content: The page at '{origin}' was loaded over HTTPS, but requested an insecure {resource} '{url}'. This content should also be served over HTTPS.",
    kinds: [],
  },
  ...[...Object.values(CHROMIUM_CSP_ACTION), 'Loading the resource'].flatMap((action): ConsoleTemplate[] => [
    {
      browser: 'chromium',
      form: 'line',
      text: `${action} '{url}' violates the following Content Security Policy directive: "{hint}". The action has been blocked.`,
      kinds: ['csp-blocked'],
    },
    {
      browser: 'chromium',
      form: 'line',
      text: `${action} '{url}' violates the following Content Security Policy directive: "{hint}". Note that '{resource}' was not explicitly set, so '{method}' is used as a fallback. The action has been blocked.`,
      kinds: ['csp-blocked'],
    },
    {
      browser: 'chromium',
      form: 'line',
      text: `${action} '{url}' violates the following Content Security Policy directive: "{hint}". The policy is report-only, so the violation has been logged but no further action has been taken.`,
      kinds: [],
    },
  ]),
  {
    browser: 'chromium',
    form: 'line',
    text: "Fetch API cannot load {url}. Refused to connect because it violates the document's Content Security Policy.",
    kinds: ['csp-blocked'],
  },
  {
    browser: 'chromium',
    form: 'chromium-cors',
    text: 'The request client is not a secure context and the resource is in more-private address space `{hint}`.',
    kinds: ['local-network-insecure-context'],
  },
  {
    browser: 'chromium',
    form: 'chromium-cors',
    text: 'Permission was denied for this request to access the `{hint}` address space.',
    kinds: ['local-network-permission-denied'],
  },
  {
    browser: 'firefox',
    form: 'line',
    text: 'Blocked loading mixed active content “{url}”',
    kinds: ['mixed-content-blocked'],
  },
  {
    browser: 'firefox',
    form: 'line',
    text: 'Content-Security-Policy: The page’s settings blocked the loading of a resource ({resource}) at {url} because it violates the following directive: “{hint}”',
    kinds: ['csp-blocked'],
  },
  {
    browser: 'firefox',
    form: 'line',
    text: 'Content-Security-Policy: The page’s settings blocked a script (script-src-elem) at {url} from being executed because it violates the following directive: “{hint}”',
    kinds: ['csp-blocked'],
  },
];
