/**
 * Chromium's console text for a CORS failure, byte for byte as Chromium 156 prints it.
 * Source: third_party/blink/renderer/platform/loader/cors/cors_error_string.cc (GetErrorString),
 * checked against the real Chromium 156 console (see docs/browser-differences.md). Where 156
 * differs from older sources, 156 wins: no "set the request's mode to 'no-cors'" sentence after a
 * missing header, and " Have the server send the header with a valid value." after the three
 * Access-Control-Allow-Origin value errors, for fetch() only.
 */
import type { Initiator } from '../types.js';
import type { CorsErrorDetails, CorsErrorKind } from './kinds.js';

const XHR_CREDENTIALS =
  ' The credentials mode of requests initiated by the XMLHttpRequest is controlled by the withCredentials attribute.';
const VALID_VALUE = ' Have the server send the header with a valid value.';

/**
 * The resource kind Chromium names: `Resource::ResourceTypeToString`, lower-cased when its second
 * letter is lower case ("Image" -> "image", but "CSS stylesheet" and "XMLHttpRequest" stay).
 */
export function chromiumResourceKind(initiator: Initiator): string {
  switch (initiator) {
    case 'fetch':
      return 'fetch';
    case 'XMLHttpRequest':
      return 'XMLHttpRequest';
    case 'image':
      return 'image';
    case 'script':
      return 'script';
    case 'font':
      return 'font';
    case 'stylesheet':
      return 'CSS stylesheet';
    case 'media':
      return 'media';
    default:
      return 'other';
  }
}

const PREFLIGHT_PREFIXED: ReadonlySet<CorsErrorKind> = new Set<CorsErrorKind>([
  'preflight-missing-allow-origin-header',
  'preflight-wildcard-origin-not-allowed',
  'preflight-multiple-allow-origin-values',
  'preflight-invalid-allow-origin-value',
  'preflight-allow-origin-mismatch',
  'preflight-invalid-allow-credentials',
  'preflight-invalid-status',
  'preflight-disallowed-redirect',
]);

/** The reason part (after "blocked by CORS policy: "), or null when the kind has no CORS line. */
function reason(d: CorsErrorDetails): string | null {
  const hint = d.hint ?? '';
  const isFetch = d.initiator === 'fetch';
  const isXhr = d.initiator === 'XMLHttpRequest';
  switch (d.kind) {
    case 'missing-allow-origin-header':
    case 'preflight-missing-allow-origin-header':
      return "No 'Access-Control-Allow-Origin' header is present on the requested resource.";
    case 'wildcard-origin-not-allowed':
    case 'preflight-wildcard-origin-not-allowed':
      return `The value of the 'Access-Control-Allow-Origin' header in the response must not be the wildcard '*' when the request's credentials mode is 'include'.${isXhr ? XHR_CREDENTIALS : ''}`;
    case 'multiple-allow-origin-values':
    case 'preflight-multiple-allow-origin-values':
      return `The 'Access-Control-Allow-Origin' header contains multiple values '${hint}', but only one is allowed.${isFetch ? VALID_VALUE : ''}`;
    case 'invalid-allow-origin-value':
    case 'preflight-invalid-allow-origin-value':
      return `The 'Access-Control-Allow-Origin' header contains the invalid value '${hint}'.${isFetch ? VALID_VALUE : ''}`;
    case 'allow-origin-mismatch':
    case 'preflight-allow-origin-mismatch':
      return `The 'Access-Control-Allow-Origin' header has a value '${hint}' that is not equal to the supplied origin.${isFetch ? VALID_VALUE : ''}`;
    case 'invalid-allow-credentials':
    case 'preflight-invalid-allow-credentials':
      return `The value of the 'Access-Control-Allow-Credentials' header in the response is '${hint}' which must be 'true' when the request's credentials mode is 'include'.${isXhr ? XHR_CREDENTIALS : ''}`;
    case 'preflight-invalid-status':
      return 'It does not have HTTP ok status.';
    case 'preflight-disallowed-redirect':
      return 'Redirect is not allowed for a preflight request.';
    case 'invalid-allow-methods-preflight-response':
      return 'Cannot parse Access-Control-Allow-Methods response header field in preflight response.';
    case 'invalid-allow-headers-preflight-response':
      return 'Cannot parse Access-Control-Allow-Headers response header field in preflight response.';
    case 'method-disallowed-by-preflight-response':
      return `Method ${hint} is not allowed by Access-Control-Allow-Methods in preflight response.`;
    case 'header-disallowed-by-preflight-response':
      return `Request header field ${hint} is not allowed by Access-Control-Allow-Headers in preflight response.`;
    case 'redirect-contains-credentials':
      // Chromium 156 prints an empty location here (its failed parameter is not filled in).
      return "Redirect location '' contains a username and password, which is disallowed for cross-origin requests.";
    default:
      return null;
  }
}

/** Chromium's console line, and whether Chromium prints one at all for this kind. */
export function chromiumMessage(d: CorsErrorDetails): { message: string; logged: boolean } {
  switch (d.kind) {
    case 'disallowed-by-mode':
      // After a redirect Chromium reports it as a frame load (observed, with the trailing newline).
      if (d.initialUrl !== d.url) {
        return {
          message: `Unsafe attempt to load URL ${d.url} from frame with URL ${d.origin}/. Domains, protocols and ports must match.\n`,
          logged: true,
        };
      }
      return {
        message: `Fetch API cannot load ${d.url}. Request mode is "same-origin" but the URL's origin is not same as the request origin ${d.origin}.`,
        logged: true,
      };
    case 'no-cors-redirect-mode':
      return {
        message: `Fetch API cannot load ${d.url}. Request mode is "no-cors" but the redirect mode is not "follow".`,
        logged: true,
      };
    case 'unsupported-scheme':
      return {
        message: `Fetch API cannot load ${d.url}. URL scheme "${schemeOf(d.url)}" is not supported.`,
        logged: true,
      };
    case 'method-unsupported-in-no-cors':
      return {
        message: `Failed to execute 'fetch' on 'Window': '${d.method}' is unsupported in no-cors mode.`,
        logged: false,
      };
    case 'forbidden-method':
      return {
        message: `Failed to execute 'fetch' on 'Window': '${d.method}' HTTP method is unsupported.`,
        logged: false,
      };
    default:
      break;
  }
  const r = reason(d);
  if (r === null) return { message: describeUnlogged(d), logged: false };
  let message = `Access to ${chromiumResourceKind(d.initiator)} at '${d.url}' `;
  if (d.initialUrl !== d.url) message += `(redirected from '${d.initialUrl}') `;
  message += `from origin '${d.origin}' has been blocked by CORS policy: `;
  if (PREFLIGHT_PREFIXED.has(d.kind))
    message += "Response to preflight request doesn't pass access control check: ";
  return { message: message + r, logged: true };
}

function schemeOf(url: string): string {
  const i = url.indexOf(':');
  return i > 0 ? url.slice(0, i) : url;
}

/** A plain description for failures the browser does not explain in the console. */
export function describeUnlogged(d: CorsErrorDetails): string {
  switch (d.kind) {
    case 'redirect-mode-error':
      return `The request to '${d.url}' was redirected, but its redirect mode is 'error'.`;
    case 'redirect-to-non-http-scheme':
      return `The request to '${d.initialUrl}' was redirected to '${d.hint ?? ''}', which is not an HTTP(S) URL.`;
    case 'invalid-redirect-location':
      return `The redirect from '${d.url}' has a Location that is not a valid URL: '${d.hint ?? ''}'.`;
    case 'too-many-redirects':
      return `The request to '${d.initialUrl}' was redirected more than 20 times.`;
    case 'redirect-with-stream-body':
      return `The request to '${d.url}' has a ReadableStream body and cannot be replayed on a ${d.status ?? ''} redirect.`;
    case 'redirect-contains-credentials':
      return `Redirect location '${d.hint ?? ''}' contains a username and password, which is disallowed for cross-origin requests.`;
    case 'redirect-to-url-with-credentials':
      return `The request to '${d.url}' was redirected to a URL with a user name or password ('${d.hint ?? ''}'), which Chromium refuses.`;
    case 'network-error':
      return `The request to '${d.url}' failed before a response arrived${d.hint ? `: ${d.hint}` : ''}.`;
    case 'disallowed-by-mode':
      return `The request to '${d.url}' is cross-origin but its mode is 'same-origin'.`;
    case 'no-cors-redirect-mode':
      return `The request to '${d.url}' has mode 'no-cors', which needs redirect mode 'follow'.`;
    default:
      return `The request to '${d.url}' was blocked (${d.kind}).`;
  }
}
