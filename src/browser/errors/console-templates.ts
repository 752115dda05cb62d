/**
 * Every console line we know, as a template: Chromium 156 (cors_error_string.cc and the lines
 * observed in test/browsers/observed/chromium.json), Firefox ESR 153 (security.properties, observed
 * in firefox.json, plus two older strings people still paste), WebKit (the strings of
 * CrossOriginAccessControl.cpp, CrossOriginPreflightResultCache.cpp and the loaders, as Safari
 * prints them), and the engine's own descriptions of failures no browser logs. Placeholders:
 * {url} {initial} {origin} {hint} {status} {method} {resource}. Data table: no logic here.
 */
import type { CorsErrorKind } from './kinds.js';

export type ConsoleBrowser = 'chromium' | 'firefox' | 'webkit' | 'engine';

export interface ConsoleTemplate {
  browser: ConsoleBrowser;
  /** The text after the browser's common prefix (Chromium's "Access to … blocked by CORS policy: ", Firefox's "Cross-Origin Request Blocked: … (Reason: "). */
  text: string;
  /** Candidate kinds, most likely first (a browser's one wording can stand for several kinds). */
  kinds: CorsErrorKind[];
  /** 'chromium-cors' and 'firefox-cors' templates follow their browser's prefix; 'line' ones are whole lines. */
  form: 'chromium-cors' | 'firefox-cors' | 'line';
}

const ACAO_KINDS: CorsErrorKind[] = ['allow-origin-mismatch', 'invalid-allow-origin-value'];

export const TEMPLATES: readonly ConsoleTemplate[] = [
  // Chromium: the reason after "has been blocked by CORS policy: " (and the preflight prefix).
  {
    browser: 'chromium',
    form: 'chromium-cors',
    text: "No 'Access-Control-Allow-Origin' header is present on the requested resource.",
    kinds: ['missing-allow-origin-header'],
  },
  {
    browser: 'chromium',
    form: 'chromium-cors',
    text: "The value of the 'Access-Control-Allow-Origin' header in the response must not be the wildcard '*' when the request's credentials mode is 'include'.",
    kinds: ['wildcard-origin-not-allowed'],
  },
  {
    browser: 'chromium',
    form: 'chromium-cors',
    text: "The 'Access-Control-Allow-Origin' header contains multiple values '{hint}', but only one is allowed.",
    kinds: ['multiple-allow-origin-values'],
  },
  {
    browser: 'chromium',
    form: 'chromium-cors',
    text: "The 'Access-Control-Allow-Origin' header contains the invalid value '{hint}'.",
    kinds: ['invalid-allow-origin-value'],
  },
  {
    browser: 'chromium',
    form: 'chromium-cors',
    text: "The 'Access-Control-Allow-Origin' header has a value '{hint}' that is not equal to the supplied origin.",
    kinds: ['allow-origin-mismatch'],
  },
  {
    browser: 'chromium',
    form: 'chromium-cors',
    text: "The value of the 'Access-Control-Allow-Credentials' header in the response is '{hint}' which must be 'true' when the request's credentials mode is 'include'.",
    kinds: ['invalid-allow-credentials'],
  },
  {
    browser: 'chromium',
    form: 'chromium-cors',
    text: 'It does not have HTTP ok status.',
    kinds: ['preflight-invalid-status'],
  },
  {
    browser: 'chromium',
    form: 'chromium-cors',
    text: 'Redirect is not allowed for a preflight request.',
    kinds: ['preflight-disallowed-redirect'],
  },
  {
    browser: 'chromium',
    form: 'chromium-cors',
    text: 'Cannot parse Access-Control-Allow-Methods response header field in preflight response.',
    kinds: ['invalid-allow-methods-preflight-response'],
  },
  {
    browser: 'chromium',
    form: 'chromium-cors',
    text: 'Cannot parse Access-Control-Allow-Headers response header field in preflight response.',
    kinds: ['invalid-allow-headers-preflight-response'],
  },
  {
    browser: 'chromium',
    form: 'chromium-cors',
    text: 'Method {hint} is not allowed by Access-Control-Allow-Methods in preflight response.',
    kinds: ['method-disallowed-by-preflight-response'],
  },
  {
    browser: 'chromium',
    form: 'chromium-cors',
    text: 'Request header field {hint} is not allowed by Access-Control-Allow-Headers in preflight response.',
    kinds: ['header-disallowed-by-preflight-response'],
  },
  {
    browser: 'chromium',
    form: 'chromium-cors',
    text: "Redirect location '{hint}' contains a username and password, which is disallowed for cross-origin requests.",
    kinds: ['redirect-contains-credentials'],
  },
  // Chromium: whole lines.
  {
    browser: 'chromium',
    form: 'line',
    text: 'Fetch API cannot load {url}. Request mode is "same-origin" but the URL\'s origin is not same as the request origin {origin}.',
    kinds: ['disallowed-by-mode'],
  },
  {
    browser: 'chromium',
    form: 'line',
    text: 'Unsafe attempt to load URL {url} from frame with URL {origin}/. Domains, protocols and ports must match.',
    kinds: ['disallowed-by-mode'],
  },
  {
    browser: 'chromium',
    form: 'line',
    text: 'Fetch API cannot load {url}. Request mode is "no-cors" but the redirect mode is not "follow".',
    kinds: ['no-cors-redirect-mode'],
  },
  {
    browser: 'chromium',
    form: 'line',
    text: 'Fetch API cannot load {url}. URL scheme "{hint}" is not supported.',
    kinds: ['unsupported-scheme'],
  },
  {
    browser: 'chromium',
    form: 'line',
    text: "Failed to execute 'fetch' on 'Window': '{method}' is unsupported in no-cors mode.",
    kinds: ['method-unsupported-in-no-cors'],
  },
  {
    browser: 'chromium',
    form: 'line',
    text: "Failed to execute 'fetch' on 'Window': '{method}' HTTP method is unsupported.",
    kinds: ['forbidden-method'],
  },
  // Firefox: the reason after "(Reason: ".
  {
    browser: 'firefox',
    form: 'firefox-cors',
    text: 'CORS header ‘Access-Control-Allow-Origin’ missing). Status code: {status}.',
    kinds: ['missing-allow-origin-header', 'preflight-missing-allow-origin-header'],
  },
  {
    browser: 'firefox',
    form: 'firefox-cors',
    text: 'CORS header ‘Access-Control-Allow-Origin’ missing).',
    kinds: ['missing-allow-origin-header', 'preflight-missing-allow-origin-header'],
  },
  {
    browser: 'firefox',
    form: 'firefox-cors',
    text: 'Multiple CORS header ‘Access-Control-Allow-Origin’ not allowed).',
    kinds: ['multiple-allow-origin-values', 'preflight-multiple-allow-origin-values'],
  },
  {
    browser: 'firefox',
    form: 'firefox-cors',
    text: 'CORS header ‘Access-Control-Allow-Origin’ does not match ‘{hint}’).',
    kinds: [...ACAO_KINDS, 'preflight-allow-origin-mismatch', 'preflight-invalid-allow-origin-value'],
  },
  {
    browser: 'firefox',
    form: 'firefox-cors',
    text: 'Credential is not supported if the CORS header ‘Access-Control-Allow-Origin’ is ‘*’).',
    kinds: ['wildcard-origin-not-allowed', 'preflight-wildcard-origin-not-allowed'],
  },
  {
    browser: 'firefox',
    form: 'firefox-cors',
    text: 'expected ‘true’ in CORS header ‘Access-Control-Allow-Credentials’).',
    kinds: ['invalid-allow-credentials', 'preflight-invalid-allow-credentials'],
  },
  {
    browser: 'firefox',
    form: 'firefox-cors',
    text: 'CORS preflight response did not succeed). Status code: {status}.',
    kinds: ['preflight-invalid-status'],
  },
  {
    browser: 'firefox',
    form: 'firefox-cors',
    text: 'CORS preflight channel did not succeed).',
    kinds: ['preflight-invalid-status', 'preflight-disallowed-redirect'],
  },
  {
    browser: 'firefox',
    form: 'firefox-cors',
    text: 'CORS request external redirect not allowed).',
    kinds: ['preflight-disallowed-redirect'],
  },
  {
    browser: 'firefox',
    form: 'firefox-cors',
    text: 'invalid token ‘{hint}’ in CORS header ‘Access-Control-Allow-Methods’).',
    kinds: ['invalid-allow-methods-preflight-response'],
  },
  {
    browser: 'firefox',
    form: 'firefox-cors',
    text: 'invalid token ‘{hint}’ in CORS header ‘Access-Control-Allow-Headers’).',
    kinds: ['invalid-allow-headers-preflight-response'],
  },
  {
    browser: 'firefox',
    form: 'firefox-cors',
    text: 'Did not find method in CORS header ‘Access-Control-Allow-Methods’).',
    kinds: ['method-disallowed-by-preflight-response'],
  },
  {
    browser: 'firefox',
    form: 'firefox-cors',
    text: 'header ‘{hint}’ is not allowed according to header ‘Access-Control-Allow-Headers’ from CORS preflight response).',
    kinds: ['header-disallowed-by-preflight-response'],
  },
  {
    browser: 'firefox',
    form: 'firefox-cors',
    text: 'missing token ‘{hint}’ in CORS header ‘Access-Control-Allow-Headers’ from CORS preflight channel).',
    kinds: ['header-disallowed-by-preflight-response'],
  },
  {
    browser: 'firefox',
    form: 'firefox-cors',
    text: 'CORS request did not succeed). Status code: {status}.',
    kinds: ['network-error', 'redirect-contains-credentials'],
  },
  {
    browser: 'firefox',
    form: 'firefox-cors',
    text: 'CORS request did not succeed).',
    kinds: ['network-error', 'redirect-contains-credentials'],
  },
  {
    browser: 'firefox',
    form: 'firefox-cors',
    text: 'CORS request not http).',
    kinds: ['unsupported-scheme'],
  },
  // Firefox: whole lines.
  {
    browser: 'firefox',
    form: 'line',
    text: 'Security Error: Content at {origin}/ may not load data from {url}.',
    kinds: ['disallowed-by-mode'],
  },
  {
    browser: 'firefox',
    form: 'line',
    text: 'Window.fetch: Invalid request method {method}.',
    kinds: ['forbidden-method', 'method-unsupported-in-no-cors'],
  },
  // WebKit (Safari): whole lines, after an optional "[Error] " and "Failed to load resource: ".
  {
    browser: 'webkit',
    form: 'line',
    text: 'Origin {origin} is not allowed by Access-Control-Allow-Origin. Status code: {status}',
    kinds: ['missing-allow-origin-header', ...ACAO_KINDS, 'preflight-missing-allow-origin-header'],
  },
  {
    browser: 'webkit',
    form: 'line',
    text: 'Origin {origin} is not allowed by Access-Control-Allow-Origin.',
    kinds: ['missing-allow-origin-header', ...ACAO_KINDS, 'preflight-missing-allow-origin-header'],
  },
  {
    browser: 'webkit',
    form: 'line',
    text: 'Cannot use wildcard in Access-Control-Allow-Origin when credentials flag is true.',
    kinds: ['wildcard-origin-not-allowed', 'preflight-wildcard-origin-not-allowed'],
  },
  {
    browser: 'webkit',
    form: 'line',
    text: 'Access-Control-Allow-Origin cannot contain more than one origin.',
    kinds: ['multiple-allow-origin-values', 'preflight-multiple-allow-origin-values'],
  },
  {
    browser: 'webkit',
    form: 'line',
    text: 'Credentials flag is true, but Access-Control-Allow-Credentials is not "true".',
    kinds: ['invalid-allow-credentials', 'preflight-invalid-allow-credentials'],
  },
  {
    browser: 'webkit',
    form: 'line',
    text: 'Preflight response is not successful. Status code: {status}',
    kinds: ['preflight-invalid-status'],
  },
  {
    browser: 'webkit',
    form: 'line',
    text: 'Method {hint} is not allowed by Access-Control-Allow-Methods.',
    kinds: ['method-disallowed-by-preflight-response'],
  },
  {
    browser: 'webkit',
    form: 'line',
    text: 'Request header field {hint} is not allowed by Access-Control-Allow-Headers.',
    kinds: ['header-disallowed-by-preflight-response'],
  },
  {
    browser: 'webkit',
    form: 'line',
    text: '{resource} cannot load {url} due to access control checks.',
    kinds: [],
  },
  {
    browser: 'webkit',
    form: 'line',
    text: 'Cross-origin redirection to {url} denied by Cross-Origin Resource Sharing policy: {hint}',
    kinds: [],
  },
  // The engine's own descriptions (failures the browsers do not log).
  {
    browser: 'engine',
    form: 'line',
    text: "The request to '{url}' was redirected, but its redirect mode is 'error'.",
    kinds: ['redirect-mode-error'],
  },
  {
    browser: 'engine',
    form: 'line',
    text: "The request to '{initial}' was redirected to '{hint}', which is not an HTTP(S) URL.",
    kinds: ['redirect-to-non-http-scheme'],
  },
  {
    browser: 'engine',
    form: 'line',
    text: "The redirect from '{url}' has a Location that is not a valid URL: '{hint}'.",
    kinds: ['invalid-redirect-location'],
  },
  {
    browser: 'engine',
    form: 'line',
    text: "The request to '{initial}' was redirected more than 20 times.",
    kinds: ['too-many-redirects'],
  },
  {
    browser: 'engine',
    form: 'line',
    text: "The request to '{url}' has a ReadableStream body and cannot be replayed on a {status} redirect.",
    kinds: ['redirect-with-stream-body'],
  },
  {
    browser: 'engine',
    form: 'line',
    text: "The request to '{url}' was redirected to a URL with a user name or password ('{hint}'), which Chromium refuses.",
    kinds: ['redirect-to-url-with-credentials'],
  },
  {
    browser: 'engine',
    form: 'line',
    text: "Redirect location '{hint}' contains a username and password, which is disallowed for cross-origin requests.",
    kinds: ['redirect-contains-credentials'],
  },
  {
    browser: 'engine',
    form: 'line',
    text: "The request to '{url}' failed before a response arrived: {hint}.",
    kinds: ['network-error'],
  },
  {
    browser: 'engine',
    form: 'line',
    text: "The request to '{url}' failed before a response arrived.",
    kinds: ['network-error'],
  },
  {
    browser: 'engine',
    form: 'line',
    text: "The request to '{url}' is cross-origin but its mode is 'same-origin'.",
    kinds: ['disallowed-by-mode'],
  },
  {
    browser: 'engine',
    form: 'line',
    text: "The request to '{url}' has mode 'no-cors', which needs redirect mode 'follow'.",
    kinds: ['no-cors-redirect-mode'],
  },
];
