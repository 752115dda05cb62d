/**
 * Lab scenarios beyond CORS: Opaque Response Blocking, Cross-Origin-Resource-Policy,
 * Cross-Origin-Embedder-Policy and Cross-Origin-Opener-Policy. A COEP page is the scene frame
 * served with the case's `page.coep`; a popup is served with the case's `popupCoop`. What each did
 * in Chromium 156 and Firefox ESR 153 is in `observed` (test/lab runs every scenario in both and
 * compares with the engine; test/browsers/isolation covers the mechanisms case by case).
 */
import type { LabRequest } from '../../src/lab/types.js';
import { GET, type Scenario } from './scenario.js';

/** An element's load: no-cors, with credentials. */
const LOAD: LabRequest = { ...GET, credentials: 'include', mode: 'no-cors' };

const raw = (headers: [string, string][]) => ({
  type: 'raw' as const,
  preflight: { status: 404, headers: [] },
  actual: { status: 200, headers },
});

export const ISOLATION_SCENARIOS: readonly Scenario[] = [
  {
    id: 'orb-json-script',
    group: 'Beyond CORS',
    title: 'ORB: JSON loaded with <script>',
    lesson:
      'A JSON API answered to a cross-origin <script> (the old JSONP trick) never reaches the page: Opaque Response Blocking sees a JSON MIME type and a JSON body and turns it into an error. No console line in either browser.',
    labCase: {
      kind: 'script',
      request: { ...LOAD, path: 'user.json' },
      server: { policy: raw([['Content-Type', 'application/json']]) },
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
      request: { ...LOAD, path: 'pixel.png' },
      server: {
        policy: raw([
          ['Content-Type', 'image/png'],
          ['Cross-Origin-Resource-Policy', 'same-origin'],
        ]),
      },
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
      request: { ...LOAD, path: 'pixel.png' },
      server: { policy: raw([['Content-Type', 'image/png']]), page: { coep: 'require-corp' } },
      crossOriginAttribute: false,
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
      request: { ...LOAD, path: 'popup' },
      server: { policy: { type: 'none' }, popupCoop: 'same-origin' },
    },
    observed: {
      chromium: 'opener severed; handle.closed true; no message',
      firefox: 'opener severed; handle.closed true; no message',
    },
  },
];
