/**
 * Firefox's console text for a CORS failure: the `CORS*` strings of
 * dom/locales/en-US/chrome/security/security.properties (read from Firefox ESR 153's omni.ja),
 * chosen as netwerk/protocol/http/nsCORSListenerProxy.cpp chooses them.
 */
import { describeUnlogged } from './chromium.js';
import type { CorsErrorDetails } from './kinds.js';

const PREFIX =
  'Cross-Origin Request Blocked: The Same Origin Policy disallows reading the remote resource at ';

/** Firefox's console line, and whether Firefox prints one for this kind. */
export function firefoxMessage(d: CorsErrorDetails): { message: string; logged: boolean } {
  const at = `${PREFIX}${d.url}.`;
  const status = d.status === undefined ? '' : String(d.status);
  switch (d.kind) {
    case 'missing-allow-origin-header':
    case 'preflight-missing-allow-origin-header':
      // CORSMissingAllowOrigin2
      return {
        message: `${at} (Reason: CORS header ‘Access-Control-Allow-Origin’ missing). Status code: ${status}.`,
        logged: true,
      };
    case 'multiple-allow-origin-values':
    case 'preflight-multiple-allow-origin-values':
      // CORSMultipleAllowOriginNotAllowed
      return {
        message: `${at} (Reason: Multiple CORS header ‘Access-Control-Allow-Origin’ not allowed).`,
        logged: true,
      };
    case 'allow-origin-mismatch':
    case 'preflight-allow-origin-mismatch':
    case 'invalid-allow-origin-value':
    case 'preflight-invalid-allow-origin-value':
      // CORSAllowOriginNotMatchingOrigin
      return {
        message: `${at} (Reason: CORS header ‘Access-Control-Allow-Origin’ does not match ‘${d.hint ?? ''}’).`,
        logged: true,
      };
    case 'wildcard-origin-not-allowed':
    case 'preflight-wildcard-origin-not-allowed':
      // CORSNotSupportingCredentials (the only string that quotes the URL)
      return {
        message: `${PREFIX}‘${d.url}’. (Reason: Credential is not supported if the CORS header ‘Access-Control-Allow-Origin’ is ‘*’).`,
        logged: true,
      };
    case 'invalid-allow-credentials':
    case 'preflight-invalid-allow-credentials':
      // CORSMissingAllowCredentials
      return {
        message: `${at} (Reason: expected ‘true’ in CORS header ‘Access-Control-Allow-Credentials’).`,
        logged: true,
      };
    case 'preflight-invalid-status':
      // CORSPreflightDidNotSucceed3
      return {
        message: `${at} (Reason: CORS preflight response did not succeed). Status code: ${status}.`,
        logged: true,
      };
    case 'preflight-disallowed-redirect':
      // CORSExternalRedirectNotAllowed
      return { message: `${at} (Reason: CORS request external redirect not allowed).`, logged: true };
    case 'invalid-allow-methods-preflight-response':
      // CORSInvalidAllowMethod
      return {
        message: `${at} (Reason: invalid token ‘${d.hint ?? ''}’ in CORS header ‘Access-Control-Allow-Methods’).`,
        logged: true,
      };
    case 'invalid-allow-headers-preflight-response':
      // CORSInvalidAllowHeader
      return {
        message: `${at} (Reason: invalid token ‘${d.hint ?? ''}’ in CORS header ‘Access-Control-Allow-Headers’).`,
        logged: true,
      };
    case 'method-disallowed-by-preflight-response':
      // CORSMethodNotFound
      return {
        message: `${at} (Reason: Did not find method in CORS header ‘Access-Control-Allow-Methods’).`,
        logged: true,
      };
    case 'header-disallowed-by-preflight-response':
      // CORSMissingAllowHeaderFromPreflight2
      return {
        message: `${at} (Reason: header ‘${d.hint ?? ''}’ is not allowed according to header ‘Access-Control-Allow-Headers’ from CORS preflight response).`,
        logged: true,
      };
    case 'redirect-contains-credentials':
      // CORSDidNotSucceed2, with no status (observed in ESR 153)
      return { message: `${at} (Reason: CORS request did not succeed). Status code: (null).`, logged: true };
    case 'disallowed-by-mode':
      // the security manager's CheckLoadURI refusal (observed in ESR 153)
      return {
        message: `Security Error: Content at ${d.origin}/ may not load data from ${d.url}.`,
        logged: true,
      };
    case 'unsupported-scheme':
      // CORSRequestNotHttp
      return { message: `${at} (Reason: CORS request not http).`, logged: true };
    case 'method-unsupported-in-no-cors':
      return { message: `Window.fetch: Invalid request method ${d.method}.`, logged: false };
    case 'forbidden-method':
      return { message: `Window.fetch: Invalid request method ${d.method}.`, logged: false };
    default:
      return { message: describeUnlogged(d), logged: false };
  }
}
