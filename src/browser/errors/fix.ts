/**
 * For each kind, what to change: the header and the exact value the server must send on which
 * response, or what the page must change. Concrete values come from the request itself.
 */
import { contextFix, isContextErrorKind } from './context.js';
import { isIsolationErrorKind, isolationFix } from './isolation.js';
import type { CorsErrorDetails } from './kinds.js';

/** The method, or undefined when the evidence did not name it (a console line: "<METHOD>"). */
function known(method: string): string | undefined {
  return method.startsWith('<') ? undefined : method;
}

function on(d: CorsErrorDetails, preflight: boolean): string {
  if (preflight) return `the preflight (OPTIONS ${d.url}) response`;
  // A console line that does not name the method leaves it unknown ("<METHOD>").
  return d.method.startsWith('<') ? `the response from ${d.url}` : `the response to ${d.method} ${d.url}`;
}

// Kinds whose usual fix is "send this origin in Access-Control-Allow-Origin".
const NULL_ORIGIN_KINDS = new Set<string>([
  'missing-allow-origin-header',
  'preflight-missing-allow-origin-header',
  'wildcard-origin-not-allowed',
  'preflight-wildcard-origin-not-allowed',
  'multiple-allow-origin-values',
  'preflight-multiple-allow-origin-values',
  'invalid-allow-origin-value',
  'preflight-invalid-allow-origin-value',
  'allow-origin-mismatch',
  'preflight-allow-origin-mismatch',
]);

// The request's origin is `null`: a redirect crossed origins (tainting it), or the page is
// sandboxed or a data:/file: document. Never advise `Access-Control-Allow-Origin: null`: every
// sandboxed iframe and data: page on the web sends `null` too.
function nullOriginFix(creds: boolean): string {
  const base =
    "The request's Origin is `null` (a redirect crossed origins, or the page is sandboxed or a data:/file: document). Do not answer `Access-Control-Allow-Origin: null`: any sandboxed iframe or data: page sends `null` too and could then read the response. Instead have the page request the final URL directly (no cross-origin redirect), or redirect within one origin.";
  return creds
    ? base
    : `${base} For a public resource read without credentials, \`Access-Control-Allow-Origin: *\` also works.`;
}

export function fixFor(d: CorsErrorDetails): string {
  const origin = d.requestOrigin;
  const creds = d.credentials === 'include';
  const preflight = d.kind.startsWith('preflight-');
  const allowOrigin = creds
    ? `\`Access-Control-Allow-Origin: ${origin}\` and \`Access-Control-Allow-Credentials: true\``
    : `\`Access-Control-Allow-Origin: ${origin}\` (or \`*\` if the request carries no credentials, fetch()'s default)`;
  if (origin === 'null' && NULL_ORIGIN_KINDS.has(d.kind)) return nullOriginFix(creds);
  // Not CORS: the page's context (mixed content, CSP, Local Network Access) and isolation
  // (CORP, ORB, script MIME types) have their own fixes, next to their console lines.
  if (isContextErrorKind(d.kind)) return contextFix(d);
  if (isIsolationErrorKind(d.kind)) return isolationFix(d);
  switch (d.kind) {
    case 'missing-allow-origin-header':
    case 'preflight-missing-allow-origin-header':
      return `Send ${allowOrigin} on ${on(d, preflight)}.${preflight ? ' A preflight answer must carry it too, whatever its status.' : ''}`;
    case 'wildcard-origin-not-allowed':
    case 'preflight-wildcard-origin-not-allowed':
      return `With credentials, \`*\` is refused. Keep an allowlist (here \`${origin}\`) and on ${on(d, preflight)} send \`Access-Control-Allow-Origin\` with the request's Origin only when it is on the list, with \`Access-Control-Allow-Credentials: true\` and \`Vary: Origin\` (never echo every Origin); or make the request with credentials: 'omit'.`;
    case 'multiple-allow-origin-values':
    case 'preflight-multiple-allow-origin-values':
      return `Send exactly one origin in one \`Access-Control-Allow-Origin\` line: \`Access-Control-Allow-Origin: ${origin}\` on ${on(d, preflight)} (choose the value by matching the request's Origin against your allowlist; a proxy or framework may be adding a second line).`;
    case 'invalid-allow-origin-value':
    case 'preflight-invalid-allow-origin-value':
    case 'allow-origin-mismatch':
    case 'preflight-allow-origin-mismatch':
      return `Send \`Access-Control-Allow-Origin: ${origin}\` exactly (scheme, host and port, no path or trailing slash) on ${on(d, preflight)}; it is compared byte for byte with the request's Origin.`;
    case 'invalid-allow-credentials':
    case 'preflight-invalid-allow-credentials':
      return `Send \`Access-Control-Allow-Credentials: true\` (lower-case, exactly) on ${on(d, preflight)}, or make the request without credentials.`;
    case 'preflight-invalid-status':
      return `Answer the preflight (OPTIONS ${d.url}) with a 2xx status (204 is usual)${d.status !== undefined ? ` instead of ${d.status}` : ''}: route OPTIONS to the CORS handler before authentication and 404 handling.`;
    case 'preflight-disallowed-redirect':
      return `Answer the preflight (OPTIONS ${d.url}) directly with a 2xx status, not a redirect; or make the page request the final URL.`;
    case 'invalid-allow-methods-preflight-response':
      return `Send \`Access-Control-Allow-Methods\` as a comma-separated list of method tokens, e.g. \`Access-Control-Allow-Methods: ${known(d.method) ?? 'PUT, DELETE'}\`${d.hint ? ` (\`${d.hint}\` is not a token)` : ''}.`;
    case 'invalid-allow-headers-preflight-response':
      return `Send \`Access-Control-Allow-Headers\` as a comma-separated list of header names${d.hint ? ` (\`${d.hint}\` is not a token)` : ''}.`;
    case 'method-disallowed-by-preflight-response':
      return `Add ${(d.hint ?? known(d.method)) ? `\`${d.hint ?? d.method}\`` : "the page's method (the console line does not name it)"} to \`Access-Control-Allow-Methods\` on the preflight response, in exactly this case (methods other than DELETE, GET, HEAD, OPTIONS, POST and PUT are not upper-cased by the browser).`;
    case 'header-disallowed-by-preflight-response':
      return `Add \`${d.hint ?? ''}\` to \`Access-Control-Allow-Headers\` on the preflight response${creds ? ' (`*` does not count with credentials)' : ''}.`;
    case 'redirect-contains-credentials':
      return 'Do not redirect a cross-origin request to a URL with a user name or password; remove the credentials from the Location.';
    case 'disallowed-by-mode':
      return `The page asked for mode 'same-origin' but ${d.url} is on another origin: use mode 'cors' (and have the server send CORS headers) or request a same-origin URL.`;
    case 'unsupported-scheme':
      return 'Use an http: or https: URL.';
    case 'no-cors-redirect-mode':
      return "In mode 'no-cors' the redirect mode must be 'follow': drop redirect: 'error' or 'manual', or use mode 'cors'.";
    case 'method-unsupported-in-no-cors':
      return `In mode 'no-cors' only GET, HEAD and POST are allowed: use mode 'cors' for ${d.method}.`;
    case 'forbidden-method':
      return `${d.method} cannot be sent from a page at all.`;
    case 'redirect-to-url-with-credentials':
      return 'Do not redirect to a URL with a user name or password (Chromium refuses it even on the same origin); remove them from the Location.';
    case 'redirect-mode-error':
      return "The page set redirect: 'error': request the final URL, or use redirect: 'follow'.";
    case 'redirect-to-non-http-scheme':
      return 'Redirect only to http: or https: URLs.';
    case 'invalid-redirect-location':
      return 'Send a Location header that is a valid URL.';
    case 'too-many-redirects':
      return 'Break the redirect loop (at most 20 redirects are followed).';
    case 'redirect-with-stream-body':
      return 'A ReadableStream body cannot be sent again: answer with 303, or send a replayable body.';
    default:
      return 'Check that the server is reachable from the page.';
  }
}
