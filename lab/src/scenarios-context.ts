/**
 * Lab scenarios for the page's own refusals (context engineer): mixed content and the page's
 * Content Security Policy. Same format as scenarios.ts, plus `page`: how the app page is served
 * (over https with the lab's self-signed certificate, src/lab/https.ts; and its CSP header), and
 * `observed`: what Chromium 156 and Firefox ESR 153 did with the same setup
 * (test/browsers/context/). The explain engineer wires them into the lab.
 *
 * Wiring needed in the lab server: serve the app page for a case with `page.csp` as its
 * `Content-Security-Policy` header, and over `serveHttpsTwin(appServer)` when `page.https`; the
 * engine side is `createBrowserFetch({ page: createPageContext({ url: <app page URL>, csp }) })`.
 */
import type { LabCase, LabRequest } from '../../src/lab/types.js';
import type { Scenario } from './scenarios.js';

export interface ContextLabCase extends LabCase {
  page?: {
    /** Serve the app page over https (a secure context; mixed content applies). */
    https?: boolean;
    /** The app page's Content-Security-Policy header value (`{api}` etc. replaced by the origins). */
    csp?: string;
  };
}

export interface ContextScenario extends Omit<Scenario, 'labCase'> {
  labCase: ContextLabCase;
  /** What the real browsers did (the page's verdict, and Chromium's console line). */
  observed: { chromium: string; firefox: string };
}

const GET: LabRequest = {
  target: 'api',
  path: 'data',
  method: 'GET',
  headers: [],
  body: 'none',
  credentials: 'same-origin',
  mode: 'cors',
  repeat: 1,
};
const OPEN = { policy: { type: 'crossorigin' as const, options: { origins: '*' } } };

export const CONTEXT_SCENARIOS: readonly ContextScenario[] = [
  {
    id: 'mixed-content-loopback',
    group: 'The page refuses',
    title: 'https page fetching http://127.0.0.1',
    lesson:
      'Mixed content blocks fetch() from an https page to http: URLs, but not to potentially trustworthy hosts: 127.0.0.1, [::1] and localhost count as secure. The same fetch to http://api.example would be blocked before anything is sent.',
    labCase: { kind: 'fetch', request: GET, server: OPEN, page: { https: true } },
    observed: {
      chromium: 'allowed (no Mixed Content line)',
      firefox: 'allowed',
    },
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
      server: OPEN,
      page: { https: true },
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
    labCase: { kind: 'fetch', request: GET, server: OPEN, page: { csp: "connect-src 'self'" } },
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
    labCase: { kind: 'fetch', request: GET, server: OPEN, page: { csp: "default-src 'self'" } },
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
    labCase: { kind: 'fetch', request: GET, server: OPEN, page: { csp: "connect-src 'self' {api}" } },
    observed: { chromium: 'allowed', firefox: 'allowed' },
  },
];
