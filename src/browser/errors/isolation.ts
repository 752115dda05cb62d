/**
 * Error kinds for the refusals that are not CORS: Opaque Response Blocking, the
 * Cross-Origin-Resource-Policy check (alone or forced by the page's COEP) and the script element's
 * MIME checks. Console text byte for byte as Chromium 156 and Firefox ESR 153 print it
 * (test/browsers/isolation); the fix says what to change on the server or the page.
 * `ISOLATION_TEMPLATES` gives the same lines in the console parser's template form.
 */
import type { BrowserName } from '../types.js';
import type { ConsoleTemplate } from './console-templates.js';
import type { CorsErrorDetails } from './kinds.js';

/** Firefox's CORP line (one for all three CORP kinds). */
const FIREFOX_CORP =
  'The resource at “{url}” was blocked due to its Cross-Origin-Resource-Policy header (or lack thereof). See https://developer.mozilla.org/docs/Web/HTTP/Cross-Origin_Resource_Policy_(CORP)#';

export type IsolationErrorKind =
  /** ORB blocked a no-cors response (JSON, HTML, XML, nosniff mismatch, ...). */
  | 'blocked-by-orb'
  /** `Cross-Origin-Resource-Policy: same-origin` on a cross-origin no-cors load. */
  | 'corp-not-same-origin'
  /** `Cross-Origin-Resource-Policy: same-site` on a cross-site no-cors load. */
  | 'corp-not-same-site'
  /** The page's COEP `require-corp` (or `credentialless` with credentials) and no CORP header. */
  | 'corp-required-by-coep'
  /** `<script>` refused the MIME type (image/audio/video/text/csv). */
  | 'script-mime-type-not-executable'
  /** `<script>` refused a non-JavaScript MIME type under `nosniff`. */
  | 'script-mime-type-nosniff';

export const ISOLATION_ERROR_KINDS: ReadonlySet<string> = new Set<IsolationErrorKind>([
  'blocked-by-orb',
  'corp-not-same-origin',
  'corp-not-same-site',
  'corp-required-by-coep',
  'script-mime-type-not-executable',
  'script-mime-type-nosniff',
]);

export function isIsolationErrorKind(kind: string): kind is IsolationErrorKind {
  return ISOLATION_ERROR_KINDS.has(kind);
}

const CORP_NAMES: Record<string, string> = {
  'corp-not-same-origin': 'NotSameOrigin',
  'corp-not-same-site': 'NotSameSite',
  'corp-required-by-coep': 'NotSameOriginAfterDefaultedToSameOriginByCoep',
};

/** The console line of an isolation refusal (`hint` is the MIME type for the script kinds), and whether one is printed. */
export function isolationMessage(
  d: Pick<CorsErrorDetails, 'kind' | 'url' | 'hint'>,
  browser: BrowserName,
): { message: string; logged: boolean } {
  const mime = d.hint ?? '';
  const ff = browser === 'firefox';
  switch (d.kind as IsolationErrorKind) {
    case 'blocked-by-orb':
      // Neither browser prints a console line; Chromium names it in DevTools' network panel.
      return {
        message: `Opaque Response Blocking refused the no-cors response from ${d.url}${mime ? ` (MIME type ${mime})` : ''} (net::ERR_BLOCKED_BY_ORB).`,
        logged: false,
      };
    case 'corp-not-same-origin':
    case 'corp-not-same-site':
    case 'corp-required-by-coep':
      return ff
        ? { message: FIREFOX_CORP.replace('{url}', () => d.url), logged: true }
        : {
            message: `Failed to load resource: net::ERR_BLOCKED_BY_RESPONSE.${CORP_NAMES[d.kind]}`,
            logged: true,
          };
    case 'script-mime-type-not-executable':
      return ff
        ? {
            message: `Script from “${d.url}” was blocked because of a disallowed MIME type (“${mime}”).`,
            logged: true,
          }
        : {
            message: `Refused to execute script from '${d.url}' because its MIME type ('${mime}') is not executable.`,
            logged: true,
          };
    case 'script-mime-type-nosniff':
      return ff
        ? {
            message: `The resource from “${d.url}” was blocked due to MIME type (“${mime}”) mismatch (X-Content-Type-Options: nosniff).`,
            logged: true,
          }
        : {
            message: `Refused to execute script from '${d.url}' because its MIME type ('${mime}') is not executable, and strict MIME type checking is enabled.`,
            logged: true,
          };
  }
  return { message: d.kind, logged: false };
}

/** What to change for an isolation refusal. */
export function isolationFix(d: Pick<CorsErrorDetails, 'kind' | 'url' | 'hint' | 'origin'>): string {
  switch (d.kind as IsolationErrorKind) {
    case 'blocked-by-orb':
      return `A page on ${d.origin} cannot use this response without CORS: send \`Access-Control-Allow-Origin: ${d.origin}\` and load it with CORS (fetch mode 'cors', or the crossorigin attribute); if it is a script, image or media file, serve it with its real Content-Type (text/javascript, image/*, ...) and no JSON/HTML body.`;
    case 'corp-not-same-origin':
      return `The response sends \`Cross-Origin-Resource-Policy: same-origin\`: to let ${d.origin} embed it, send \`Cross-Origin-Resource-Policy: cross-origin\` (or \`same-site\` when both are on one site), or load it with CORS.`;
    case 'corp-not-same-site':
      return `The response sends \`Cross-Origin-Resource-Policy: same-site\` and ${d.origin} is another site: send \`Cross-Origin-Resource-Policy: cross-origin\`, or load it with CORS.`;
    case 'corp-required-by-coep':
      return `The page's \`Cross-Origin-Embedder-Policy\` requires every cross-origin no-cors resource to opt in: send \`Cross-Origin-Resource-Policy: cross-origin\` on ${d.url}, or load it with the crossorigin attribute and CORS, or use \`Cross-Origin-Embedder-Policy: credentialless\` on the page.`;
    case 'script-mime-type-not-executable':
    case 'script-mime-type-nosniff':
      return `Serve the script with a JavaScript MIME type: \`Content-Type: text/javascript\`${d.hint ? ` (not ${d.hint})` : ''}.`;
  }
  return '';
}

/**
 * Every console line of an isolation refusal, as the console parser's templates (whole lines;
 * `{url}` the resource, `{hint}` the MIME type), and the lines DevTools' network panel shows for a
 * request these checks refused (Chromium names ORB only there). Data: the messages above print
 * exactly these (errors/isolation.test.ts).
 */
export const ISOLATION_TEMPLATES: readonly ConsoleTemplate[] = [
  {
    browser: 'chromium',
    form: 'line',
    text: 'Failed to load resource: net::ERR_BLOCKED_BY_RESPONSE.NotSameOrigin',
    kinds: ['corp-not-same-origin'],
  },
  {
    browser: 'chromium',
    form: 'line',
    text: 'Failed to load resource: net::ERR_BLOCKED_BY_RESPONSE.NotSameSite',
    kinds: ['corp-not-same-site'],
  },
  {
    browser: 'chromium',
    form: 'line',
    text: 'Failed to load resource: net::ERR_BLOCKED_BY_RESPONSE.NotSameOriginAfterDefaultedToSameOriginByCoep',
    kinds: ['corp-required-by-coep'],
  },
  {
    browser: 'chromium',
    form: 'line',
    text: "Refused to execute script from '{url}' because its MIME type ('{hint}') is not executable.",
    kinds: ['script-mime-type-not-executable'],
  },
  {
    browser: 'chromium',
    form: 'line',
    text: "Refused to execute script from '{url}' because its MIME type ('{hint}') is not executable, and strict MIME type checking is enabled.",
    kinds: ['script-mime-type-nosniff'],
  },
  // DevTools' network panel (a pasted request line): ORB has no console line in either browser.
  {
    browser: 'chromium',
    form: 'line',
    text: '{method} {url} net::ERR_BLOCKED_BY_ORB',
    kinds: ['blocked-by-orb'],
  },
  {
    browser: 'firefox',
    form: 'line',
    text: FIREFOX_CORP,
    kinds: ['corp-not-same-origin', 'corp-not-same-site', 'corp-required-by-coep'],
  },
  {
    browser: 'firefox',
    form: 'line',
    text: 'Script from “{url}” was blocked because of a disallowed MIME type (“{hint}”).',
    kinds: ['script-mime-type-not-executable'],
  },
  {
    browser: 'firefox',
    form: 'line',
    text: 'The resource from “{url}” was blocked due to MIME type (“{hint}”) mismatch (X-Content-Type-Options: nosniff).',
    kinds: ['script-mime-type-nosniff'],
  },
  // The engine's own description of an ORB block (logged: false).
  {
    browser: 'engine',
    form: 'line',
    text: 'Opaque Response Blocking refused the no-cors response from {url}{hint} (net::ERR_BLOCKED_BY_ORB).',
    kinds: ['blocked-by-orb'],
  },
];
