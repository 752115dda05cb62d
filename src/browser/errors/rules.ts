/** For each kind: the rule broken, in one sentence, with the spec section (or browser source) that says so. Data table. */
import { CONTEXT_RULES } from './context.js';
import type { CorsErrorKind } from './kinds.js';

const FETCH = 'https://fetch.spec.whatwg.org/';
const CORS_CHECK = {
  text: "CORS check: the response must carry Access-Control-Allow-Origin equal to the request's Origin (or `*` without credentials), one value, and with credentials Access-Control-Allow-Credentials: true.",
  source: `${FETCH}#cors-check`,
};
const PREFLIGHT = {
  text: 'CORS-preflight fetch: the OPTIONS answer must have an ok status (2xx), pass the CORS check, and list the method and every non-safelisted header.',
  source: `${FETCH}#cors-preflight-fetch`,
};
const REDIRECT = {
  text: 'HTTP-redirect fetch: a redirect is followed only to an http(s) URL without credentials, at most 20 times, as the redirect mode allows.',
  source: `${FETCH}#http-redirect-fetch`,
};

const RULES: Partial<Record<CorsErrorKind, { text: string; source: string }>> = {
  'disallowed-by-mode': {
    text: "Main fetch: a request with mode 'same-origin' to another origin is a network error.",
    source: `${FETCH}#main-fetch`,
  },
  'unsupported-scheme': {
    text: 'Scheme fetch: only http(s) (and a few local schemes) can be fetched.',
    source: `${FETCH}#scheme-fetch`,
  },
  'forbidden-method': {
    text: 'The Request constructor throws for CONNECT, TRACE and TRACK (forbidden methods).',
    source: `${FETCH}#forbidden-method`,
  },
  'method-unsupported-in-no-cors': {
    text: "In mode 'no-cors' only CORS-safelisted methods (GET, HEAD, POST) are allowed.",
    source: `${FETCH}#dom-request`,
  },
  'no-cors-redirect-mode': {
    text: "In mode 'no-cors' the redirect mode must be 'follow'.",
    source: `${FETCH}#dom-request`,
  },
  'preflight-invalid-status': PREFLIGHT,
  'preflight-disallowed-redirect': {
    text: 'CORS-preflight fetch: a preflight answer must not be a redirect (it is not followed).',
    source: `${FETCH}#cors-preflight-fetch`,
  },
  'invalid-allow-methods-preflight-response': PREFLIGHT,
  'invalid-allow-headers-preflight-response': PREFLIGHT,
  'method-disallowed-by-preflight-response': PREFLIGHT,
  'header-disallowed-by-preflight-response': PREFLIGHT,
  'redirect-contains-credentials': REDIRECT,
  'redirect-to-url-with-credentials': REDIRECT,
  'redirect-mode-error': REDIRECT,
  'redirect-to-non-http-scheme': REDIRECT,
  'invalid-redirect-location': REDIRECT,
  'too-many-redirects': REDIRECT,
  'redirect-with-stream-body': REDIRECT,
  'network-error': {
    text: 'No response arrived (connection refused, DNS, TLS), or Firefox reports the actual request after a failed preflight.',
    source: `${FETCH}#concept-network-error`,
  },
  // The page's own refusals (mixed content, CSP, Local Network Access): ./context.ts.
  ...CONTEXT_RULES,
};

/** The rule a kind breaks (the CORS check for the Access-Control-Allow-* kinds). */
export function ruleFor(kind: CorsErrorKind | null): { text: string; source: string } {
  if (kind === null)
    return {
      text: 'The browser names the reason in a separate console line.',
      source: `${FETCH}#http-cors-protocol`,
    };
  if (kind.startsWith('preflight-') && !RULES[kind])
    return { ...CORS_CHECK, text: `On the preflight answer too. ${CORS_CHECK.text}` };
  return RULES[kind] ?? CORS_CHECK;
}
