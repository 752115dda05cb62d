/** For each kind: the rule broken, in one sentence, with the spec section (or browser source) that says so. Data table. */
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

const MIXED = 'https://w3c.github.io/webappsec-mixed-content/';
const CSP = 'https://w3c.github.io/webappsec-csp/';
const LNA = 'https://wicg.github.io/local-network-access/';

/** Kinds that are not CORS at all: the page's context and cross-origin isolation. */
const BEYOND_CORS: Partial<Record<CorsErrorKind, { text: string; source: string }>> = {
  'mixed-content-blocked': {
    text: 'Mixed Content: an https: page may not fetch an http: URL unless its host is potentially trustworthy (localhost, 127.0.0.1); the browser blocks it before sending.',
    source: `${MIXED}#should-block-fetch`,
  },
  'csp-blocked': {
    text: "Content Security Policy: the page's policy does not list the URL in the directive for this kind of request (or in default-src); the browser blocks it before sending.",
    source: `${CSP}#should-block-request`,
  },
  'local-network-insecure-context': {
    text: 'Local Network Access (Chromium): a page that is not a secure context may not reach a more private address space (loopback, local network).',
    source: `${LNA}#integration-fetch`,
  },
  'local-network-permission-denied': {
    text: "Local Network Access (Chromium): a public page reaches a more private address space only with the user's permission.",
    source: `${LNA}#integration-fetch`,
  },
  'blocked-by-orb': {
    text: 'Opaque Response Blocking: a no-cors response that is JSON, HTML, XML or otherwise not an image, media file, script or stylesheet is withheld from the page.',
    source: `${FETCH}#main-fetch`,
  },
  'corp-not-same-origin': {
    text: 'Cross-Origin-Resource-Policy: same-origin: the response may be embedded (no-cors) only by pages of its own origin.',
    source: `${FETCH}#cross-origin-resource-policy-check`,
  },
  'corp-not-same-site': {
    text: 'Cross-Origin-Resource-Policy: same-site: the response may be embedded (no-cors) only by pages of its own site.',
    source: `${FETCH}#cross-origin-resource-policy-check`,
  },
  'corp-required-by-coep': {
    text: 'Cross-Origin-Embedder-Policy: require-corp: every cross-origin no-cors resource of the page must opt in with Cross-Origin-Resource-Policy (or be loaded with CORS).',
    source: `${FETCH}#cross-origin-resource-policy-internal-check`,
  },
  'script-mime-type-not-executable': {
    text: 'A classic script is refused when its MIME type is an image, audio, video or text/csv type.',
    source: `${FETCH}#should-response-to-request-be-blocked-due-to-mime-type?`,
  },
  'script-mime-type-nosniff': {
    text: 'X-Content-Type-Options: nosniff: a script whose MIME type is not a JavaScript MIME type is refused.',
    source: `${FETCH}#should-response-to-request-be-blocked-due-to-nosniff?`,
  },
};

/** The kinds whose rule is not the CORS protocol (their cause is their rule). */
export const RULES_BEYOND_CORS: ReadonlySet<string> = new Set(Object.keys(BEYOND_CORS));

const RULES: Partial<Record<CorsErrorKind, { text: string; source: string }>> = {
  ...BEYOND_CORS,
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
