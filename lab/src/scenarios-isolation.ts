/**
 * Lab scenarios beyond CORS: ORB, CORP, COEP and COOP. Same shape as ./scenarios.ts, with what
 * the lab does not have yet spelled out as optional fields of {@link IsolationLabCase} (the page's
 * own COEP/COOP headers, a `<script>` load, a popup, the body the server answers). What each one
 * did in Chromium 156 and Firefox ESR 153 is in `observed` (test/browsers/isolation runs the same
 * situations); the engine side is `noCorsLoad` / `popupRelation` from crossorigin/browser.
 *
 * Server support these need (lab server, src/lab): serve the app page with the case's
 * `page.coep` / `page.coop` headers, and on http://localhost (a secure context) so COEP and COOP
 * apply; answer `raw` cases with the `body` below (JSON text, a 1x1 PNG, JavaScript); for `popup`,
 * serve a page at `{api}` or `{app}` with `popup.coop` that reports `window.opener !== null`.
 */
import type { LabCase, LabRequest } from '../../src/lab/types.js';
import type { Scenario } from './scenarios.js';

/** A lab case with the page-context and loader fields isolation scenarios need. */
export interface IsolationLabCase extends Omit<LabCase, 'kind'> {
  kind: LabCase['kind'] | 'script' | 'popup';
  /** Response headers of the app page itself. */
  page?: { coep?: string; coop?: string };
  /** The body the API answers with. */
  body?: 'json' | 'png' | 'javascript';
  /** kind `popup`: the popup's origin and its COOP header. */
  popup?: { target: 'app' | 'api'; coop: string };
}

export interface IsolationScenario extends Omit<Scenario, 'labCase'> {
  labCase: IsolationLabCase;
  /** What the real browsers did. */
  observed: { chromium: string; firefox: string };
}

const GET: LabRequest = {
  target: 'api',
  path: 'data',
  method: 'GET',
  headers: [],
  body: 'none',
  credentials: 'include',
  mode: 'no-cors',
  repeat: 1,
};

const raw = (headers: [string, string][]) => ({
  policy: { type: 'raw' as const, preflight: { status: 404, headers: [] }, actual: { status: 200, headers } },
});

export const ISOLATION_SCENARIOS: readonly IsolationScenario[] = [
  {
    id: 'orb-json-script',
    group: 'Beyond CORS',
    title: 'ORB: JSON loaded with <script>',
    lesson:
      'A JSON API answered to a cross-origin <script> (the old JSONP trick) never reaches the page: Opaque Response Blocking sees a JSON MIME type and a JSON body and turns it into an error. No console line in either browser.',
    labCase: {
      kind: 'script',
      request: { ...GET, path: 'user.json' },
      server: raw([['Content-Type', 'application/json']]),
      body: 'json',
    },
    observed: {
      chromium: 'error event; no console line (ERR_BLOCKED_BY_ORB in DevTools only)',
      firefox: 'error event; no console line',
    },
  },
  {
    id: 'corp-same-origin-image',
    group: 'Beyond CORS',
    title: 'CORP same-origin on an image',
    lesson:
      'The image server sends Cross-Origin-Resource-Policy: same-origin, so another origin cannot even embed it: the <img> fails although no CORS is involved. The request was still sent, with cookies.',
    labCase: {
      kind: 'image',
      request: { ...GET, path: 'pixel.png' },
      server: raw([
        ['Content-Type', 'image/png'],
        ['Cross-Origin-Resource-Policy', 'same-origin'],
      ]),
      body: 'png',
      crossOriginAttribute: false,
    },
    observed: {
      chromium: 'error event; Failed to load resource: net::ERR_BLOCKED_BY_RESPONSE.NotSameOrigin',
      firefox:
        'error event; The resource at “URL” was blocked due to its Cross-Origin-Resource-Policy header (or lack thereof).',
    },
  },
  {
    id: 'coep-corp-less-image',
    group: 'Beyond CORS',
    title: 'A COEP page loading a CORP-less image',
    lesson:
      'The page sends Cross-Origin-Embedder-Policy: require-corp (to become cross-origin isolated). Every cross-origin no-cors resource must now opt in with CORP: this image sends none, so it is blocked. Sending Cross-Origin-Resource-Policy: cross-origin, loading it with crossorigin + CORS, or COEP credentialless fixes it.',
    labCase: {
      kind: 'image',
      request: { ...GET, path: 'pixel.png' },
      server: raw([['Content-Type', 'image/png']]),
      body: 'png',
      crossOriginAttribute: false,
      page: { coep: 'require-corp' },
    },
    observed: {
      chromium:
        'error event; Failed to load resource: net::ERR_BLOCKED_BY_RESPONSE.NotSameOriginAfterDefaultedToSameOriginByCoep',
      firefox: 'error event; the Cross-Origin-Resource-Policy line',
    },
  },
  {
    id: 'coop-severs-opener',
    group: 'Beyond CORS',
    title: 'COOP same-origin severs window.opener',
    lesson:
      'The app opens a popup on another origin whose page sends Cross-Origin-Opener-Policy: same-origin. The popup lands in a new browsing context group: its window.opener is null, the handle the app holds reads closed === true, and postMessage no longer reaches either side.',
    labCase: {
      kind: 'popup',
      request: { ...GET, path: 'popup' },
      server: { policy: { type: 'none' } },
      popup: { target: 'api', coop: 'same-origin' },
    },
    observed: {
      chromium: 'opener severed; handle.closed true; no message',
      firefox: 'opener severed; handle.closed true; no message',
    },
  },
];
