/**
 * Lab scenarios for the page's own refusals: mixed content and the page's Content Security Policy.
 * The page is the scene frame, served with the case's `page.csp` and, for `page.https`, over the
 * lab's https twin of the app origin (src/lab/https.ts, a self-signed certificate). `observed`: what
 * Chromium 156 and Firefox ESR 153 did with the same setup (test/browsers/context/).
 */
import { GET, type Scenario } from './scenario.js';

const OPEN = { type: 'crossorigin' as const, options: { origins: '*' } };

export const CONTEXT_SCENARIOS: readonly Scenario[] = [
  {
    id: 'mixed-content-loopback',
    group: 'The page refuses',
    title: 'https page fetching http://127.0.0.1',
    lesson:
      'Mixed content blocks fetch() from an https page to http: URLs, but not to potentially trustworthy hosts: 127.0.0.1, [::1] and localhost count as secure. The same fetch to http://api.example would be blocked before anything is sent.',
    labCase: { kind: 'fetch', request: GET, server: { policy: OPEN, page: { https: true } } },
    observed: { chromium: 'allowed (no Mixed Content line)', firefox: 'allowed' },
  },
  {
    id: 'mixed-content-image-upgrade',
    group: 'The page refuses',
    title: 'https page loading an http: image',
    lesson:
      'Images, audio and video are not blocked but upgraded to https: (same host and port). On an IP address or localhost Chromium leaves them on http: and says why in the console.',
    labCase: {
      kind: 'image',
      request: { ...GET, path: 'pixel.png', mode: 'no-cors' },
      server: { policy: OPEN, page: { https: true } },
      crossOriginAttribute: false,
    },
    observed: {
      chromium:
        "loaded over http: \"Mixed Content: The page at '...' was loaded over HTTPS, but requested an insecure element 'http://127.0.0.1:.../pixel.png'. This request was not upgraded to HTTPS because its URL's host is an IP address.\"",
      firefox: 'loaded over http:',
    },
  },
  {
    id: 'csp-connect-src-self',
    group: 'The page refuses',
    title: "CSP connect-src 'self'",
    lesson:
      "The page's own Content-Security-Policy forbids the request before it is sent: the API's CORS headers never matter. Add the API's origin to connect-src.",
    labCase: { kind: 'fetch', request: GET, server: { policy: OPEN, page: { csp: "connect-src 'self'" } } },
    observed: {
      chromium:
        'blocked: "Connecting to \'http://127.0.0.1:.../data\' violates the following Content Security Policy directive: \\"connect-src \'self\'\\". The action has been blocked."',
      firefox:
        'blocked (Content-Security-Policy: The page’s settings blocked the loading of a resource (connect-src) ...)',
    },
  },
  {
    id: 'csp-default-src-fallback',
    group: 'The page refuses',
    title: "CSP default-src 'self' (no connect-src)",
    lesson: "Without connect-src, default-src decides; Chromium's line says that it was used as a fallback.",
    labCase: { kind: 'fetch', request: GET, server: { policy: OPEN, page: { csp: "default-src 'self'" } } },
    observed: {
      chromium:
        "blocked: \"... directive: \\\"default-src 'self'\\\". Note that 'connect-src' was not explicitly set, so 'default-src' is used as a fallback. The action has been blocked.\"",
      firefox: 'blocked',
    },
  },
  {
    id: 'csp-connect-src-api',
    group: 'The page refuses',
    title: 'CSP connect-src naming the API',
    lesson: 'With the API origin in connect-src the request goes out, and CORS decides as usual.',
    labCase: {
      kind: 'fetch',
      request: GET,
      server: { policy: OPEN, page: { csp: "connect-src 'self' {api}" } },
    },
    observed: { chromium: 'allowed', firefox: 'allowed' },
  },
];
