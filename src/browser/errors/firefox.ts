/**
 * Firefox's console text for a CORS failure: the `CORS*` strings of
 * dom/locales/en-US/chrome/security/security.properties (read from Firefox ESR 153's omni.ja),
 * chosen as netwerk/protocol/http/nsCORSListenerProxy.cpp chooses them.
 */
import { describeUnlogged } from './chromium.js';
import type { CorsErrorDetails } from './kinds.js';

const PREFIX =
  'Cross-Origin Request Blocked: The Same Origin Policy disallows reading the remote resource at ';

/**
 * The text after "(Reason: " of Firefox's CORS line for `d`, or null when Firefox words the kind
 * otherwise (or prints nothing). Data: one security.properties string per case.
 */
function corsReason(d: CorsErrorDetails): string | null {
  const status = d.status === undefined ? '' : String(d.status);
  switch (d.kind) {
    case 'missing-allow-origin-header':
    case 'preflight-missing-allow-origin-header':
      // CORSMissingAllowOrigin2
      return `CORS header ‘Access-Control-Allow-Origin’ missing). Status code: ${status}.`;
    case 'multiple-allow-origin-values':
    case 'preflight-multiple-allow-origin-values':
      // CORSMultipleAllowOriginNotAllowed
      return 'Multiple CORS header ‘Access-Control-Allow-Origin’ not allowed).';
    case 'allow-origin-mismatch':
    case 'preflight-allow-origin-mismatch':
    case 'invalid-allow-origin-value':
    case 'preflight-invalid-allow-origin-value':
      // CORSAllowOriginNotMatchingOrigin
      return `CORS header ‘Access-Control-Allow-Origin’ does not match ‘${d.hint ?? ''}’).`;
    case 'invalid-allow-credentials':
    case 'preflight-invalid-allow-credentials':
      // CORSMissingAllowCredentials
      return 'expected ‘true’ in CORS header ‘Access-Control-Allow-Credentials’).';
    case 'preflight-invalid-status':
      // CORSPreflightDidNotSucceed3
      return `CORS preflight response did not succeed). Status code: ${status}.`;
    case 'preflight-disallowed-redirect':
      // CORSExternalRedirectNotAllowed
      return 'CORS request external redirect not allowed).';
    case 'invalid-allow-methods-preflight-response':
      // CORSInvalidAllowMethod
      return `invalid token ‘${d.hint ?? ''}’ in CORS header ‘Access-Control-Allow-Methods’).`;
    case 'invalid-allow-headers-preflight-response':
      // CORSInvalidAllowHeader
      return `invalid token ‘${d.hint ?? ''}’ in CORS header ‘Access-Control-Allow-Headers’).`;
    case 'method-disallowed-by-preflight-response':
      // CORSMethodNotFound
      return 'Did not find method in CORS header ‘Access-Control-Allow-Methods’).';
    case 'header-disallowed-by-preflight-response':
      // CORSMissingAllowHeaderFromPreflight2
      return `header ‘${d.hint ?? ''}’ is not allowed according to header ‘Access-Control-Allow-Headers’ from CORS preflight response).`;
    case 'redirect-contains-credentials':
      // CORSDidNotSucceed2, with no status (observed in ESR 153)
      return 'CORS request did not succeed). Status code: (null).';
    case 'unsupported-scheme':
      // CORSRequestNotHttp
      return 'CORS request not http).';
    default:
      return null;
  }
}

/** Firefox's console line, and whether Firefox prints one for this kind. */
export function firefoxMessage(d: CorsErrorDetails): { message: string; logged: boolean } {
  const reason = corsReason(d);
  if (reason !== null) return { message: `${PREFIX}${d.url}. (Reason: ${reason}`, logged: true };
  switch (d.kind) {
    case 'wildcard-origin-not-allowed':
    case 'preflight-wildcard-origin-not-allowed':
      // CORSNotSupportingCredentials (the only string that quotes the URL)
      return {
        message: `${PREFIX}‘${d.url}’. (Reason: Credential is not supported if the CORS header ‘Access-Control-Allow-Origin’ is ‘*’).`,
        logged: true,
      };
    case 'disallowed-by-mode':
      // the security manager's CheckLoadURI refusal (observed in ESR 153)
      return {
        message: `Security Error: Content at ${d.origin}/ may not load data from ${d.url}.`,
        logged: true,
      };
    case 'method-unsupported-in-no-cors':
    case 'forbidden-method':
      return { message: `Window.fetch: Invalid request method ${d.method}.`, logged: false };
    default:
      return { message: describeUnlogged(d), logged: false };
  }
}
