/**
 * The Same-Origin Policy as a table: for each operation, rows in order; the first row whose `when`
 * holds for the question answers it (the last row of each operation has no `when`). To model a new
 * operation, add its name to `SopOperation` (sop.ts) and its rows here.
 */
import type { SopOperation } from './sop.js';

/** What a row's condition and reason may read about the question. */
export interface SopFacts {
  /** `from` and `to` are same origin. */
  same: boolean;
  /** `from` and `to` are same site. */
  site: boolean;
  /** The element or request uses CORS (`crossorigin` attribute). */
  cors: boolean;
  /** The server's answer passed the CORS check. */
  approved: boolean;
  /** The operation's object: `image` for `embed-image`, else the operation's name. */
  what: string;
  /** Opener operations: the popup landed in a new browsing context group (COOP). */
  severed: boolean;
  /** Opener operations: the opener's and the popup's opener policies in force. */
  openerPolicy: string;
  popupPolicy: string;
}

export interface SopRow {
  /** When this row answers (absent: always). */
  when?: (f: SopFacts) => boolean;
  allowed: boolean;
  sent: boolean;
  readable: boolean;
  reason: string | ((f: SopFacts) => string);
  /** The rule, as a link. */
  source: string;
}

const HTML = 'https://html.spec.whatwg.org/multipage/';
const same = (f: SopFacts) => f.same;
const CORS_CHECK = 'https://fetch.spec.whatwg.org/#concept-cors-check';
const CROSS_ORIGIN_PROPERTIES = `${HTML}nav-history-apis.html#crossoriginproperties-(-o-)`;
const STORAGE = `${HTML}webstorage.html#dom-localstorage`;
const CANVAS = `${HTML}canvas.html#security-with-canvas-elements`;
const CORS_SETTINGS = `${HTML}urls-and-fetching.html#cors-settings-attributes`;
const REQUEST_MODE = 'https://fetch.spec.whatwg.org/#concept-request-mode';
const FONTS = 'https://www.w3.org/TR/css-fonts-4/#font-fetching-requirements';
const DOCUMENT_DOMAIN = `${HTML}browsers.html#relaxing-the-same-origin-restriction`;
const FORM = `${HTML}form-control-infrastructure.html#form-submission-algorithm`;
const COOP_SWITCH = `${HTML}browsers.html#check-browsing-context-group-switch-coop-value`;
const POST_MESSAGE = `${HTML}web-messaging.html#dom-window-postmessage`;

/** Why a popup was severed (or not), in the words of the two policies. */
const coopWhy = (f: SopFacts) =>
  `opener COOP ${f.openerPolicy}, popup COOP ${f.popupPolicy}${f.same ? ' (same origin)' : ' (cross-origin)'}`;

/** The row every opener operation starts with: COOP put the popup in a new browsing context group. */
const SEVERED = (effect: string): SopRow => ({
  when: (f) => f.severed,
  allowed: false,
  sent: false,
  readable: false,
  reason: (f) =>
    `${coopWhy(f)}: the popup opened in a new browsing context group, so ${effect}. To keep the link, use COOP same-origin-allow-popups on the opener and unsafe-none (or no COOP) on the popup, or the same COOP on two same-origin pages`,
  source: COOP_SWITCH,
});

/** The opener operations, decided by both pages' Cross-Origin-Opener-Policy. */
const OPENER_RULES = {
  'opener-access': [
    SEVERED("window.opener is null in the popup and the opener's handle reads closed === true"),
    {
      when: same,
      allowed: true,
      sent: false,
      readable: true,
      reason: (f: SopFacts) =>
        `${coopWhy(f)}: same browsing context group and same origin: window.opener and the handle give full access`,
      source: COOP_SWITCH,
    },
    {
      allowed: true,
      sent: false,
      readable: false,
      reason: (f: SopFacts) =>
        `${coopWhy(f)}: the popup keeps window.opener, but it is cross-origin: only the cross-origin properties (location, postMessage, close, focus) are reachable`,
      source: CROSS_ORIGIN_PROPERTIES,
    },
  ],
  'post-message-to-opener': [
    SEVERED('window.opener is null and the popup cannot post a message to its opener'),
    {
      allowed: true,
      sent: true,
      readable: true,
      reason: (f: SopFacts) =>
        `${coopWhy(f)}: window.opener.postMessage reaches the opener; it must check event.origin`,
      source: POST_MESSAGE,
    },
  ],
  'post-message-to-popup': [
    SEVERED("the opener's handle is closed and its postMessage goes nowhere"),
    {
      allowed: true,
      sent: true,
      readable: true,
      reason: (f: SopFacts) =>
        `${coopWhy(f)}: popup.postMessage reaches the popup; name the popup's origin as targetOrigin`,
      source: POST_MESSAGE,
    },
  ],
} satisfies Record<string, readonly SopRow[]>;

/** `<img>`, `<script>`, `<link rel=stylesheet>`, `<video>`/`<audio>`: no-cors unless `crossorigin`. */
const EMBED: readonly SopRow[] = [
  {
    when: same,
    allowed: true,
    sent: true,
    readable: true,
    reason: (f) => `same-origin ${f.what}: loads and is fully readable`,
    source: REQUEST_MODE,
  },
  {
    when: (f) => f.cors && !f.approved,
    allowed: false,
    sent: true,
    readable: false,
    reason: (f) => `a ${f.what} requested with crossorigin fails to load when the CORS check fails`,
    source: CORS_SETTINGS,
  },
  {
    when: (f) => f.cors,
    allowed: true,
    sent: true,
    readable: true,
    reason: (f) =>
      `a ${f.what} requested with crossorigin and allowed by CORS loads and is readable (script errors, pixels, cssRules)`,
    source: CORS_SETTINGS,
  },
  {
    allowed: true,
    sent: true,
    readable: false,
    reason: (f) =>
      `embedding a cross-origin ${f.what} works (no-cors), but its content is not readable by script (opaque: muted errors, tainted pixels, no cssRules)`,
    source: REQUEST_MODE,
  },
];

export const SOP_RULES: Readonly<Record<SopOperation, readonly SopRow[]>> = {
  ...OPENER_RULES,
  'read-response': [
    {
      when: same,
      allowed: true,
      sent: true,
      readable: true,
      reason: 'same origin: the response is readable',
      source: 'https://fetch.spec.whatwg.org/#concept-filtered-response-basic',
    },
    {
      when: (f) => f.approved,
      allowed: true,
      sent: true,
      readable: true,
      reason: 'cross-origin, and the CORS check passed: the body and the exposed headers are readable',
      source: CORS_CHECK,
    },
    {
      allowed: false,
      sent: true,
      readable: false,
      reason:
        'cross-origin without a passing CORS check: the request may be sent, but script cannot read the response',
      source: CORS_CHECK,
    },
  ],
  'dom-access': [
    {
      when: same,
      allowed: true,
      sent: false,
      readable: true,
      reason: 'same origin: script can reach the other document',
      source: CROSS_ORIGIN_PROPERTIES,
    },
    {
      allowed: false,
      sent: false,
      readable: false,
      reason: (f) =>
        `cross-origin: only the cross-origin properties (location.href setter, postMessage, close, focus, frames...) are reachable; reading the DOM throws a SecurityError${f.site ? ' (same-site does not help)' : ''}`,
      source: CROSS_ORIGIN_PROPERTIES,
    },
  ],
  storage: [
    {
      when: same,
      allowed: true,
      sent: false,
      readable: true,
      reason: 'same origin: the same localStorage, sessionStorage and IndexedDB',
      source: STORAGE,
    },
    {
      allowed: false,
      sent: false,
      readable: false,
      reason:
        "storage is keyed by origin (and partitioned by top-level site): a page cannot open another origin's storage",
      source: STORAGE,
    },
  ],
  'canvas-read': [
    {
      when: same,
      allowed: true,
      sent: true,
      readable: true,
      reason: 'same-origin image: the canvas stays origin-clean',
      source: CANVAS,
    },
    {
      when: (f) => f.cors && f.approved,
      allowed: true,
      sent: true,
      readable: true,
      reason: 'loaded with crossorigin and the CORS check passed: the canvas stays origin-clean',
      source: CANVAS,
    },
    {
      when: (f) => f.cors,
      allowed: false,
      sent: true,
      readable: false,
      reason: 'loaded with crossorigin but the CORS check failed: the image does not load at all',
      source: CORS_SETTINGS,
    },
    {
      allowed: false,
      sent: true,
      readable: false,
      reason:
        'a cross-origin image without crossorigin draws, but taints the canvas: getImageData/toDataURL throw a SecurityError',
      source: CANVAS,
    },
  ],
  'embed-image': EMBED,
  'embed-script': EMBED,
  'embed-stylesheet': EMBED,
  'embed-media': EMBED,
  'embed-iframe': [
    {
      when: same,
      allowed: true,
      sent: true,
      readable: true,
      reason: 'same-origin iframe: loads and its DOM is reachable',
      source: `${HTML}browsers.html#origin`,
    },
    {
      allowed: true,
      sent: true,
      readable: false,
      reason:
        'a cross-origin iframe loads (unless X-Frame-Options or CSP frame-ancestors forbid it) but its DOM is not reachable',
      source: `${HTML}browsers.html#origin`,
    },
  ],
  'embed-font': [
    {
      when: same,
      allowed: true,
      sent: true,
      readable: true,
      reason: 'same-origin font: loads',
      source: FONTS,
    },
    {
      when: (f) => f.approved,
      allowed: true,
      sent: true,
      readable: true,
      reason: 'fonts are always fetched with CORS: a cross-origin font loads because the CORS check passed',
      source: FONTS,
    },
    {
      allowed: false,
      sent: true,
      readable: false,
      reason:
        'fonts are always fetched in cors mode: a cross-origin font without Access-Control-Allow-Origin is not used',
      source: FONTS,
    },
  ],
  'form-submit': [
    {
      when: same,
      allowed: true,
      sent: true,
      readable: true,
      reason: 'same origin: the form is sent and the result page is readable',
      source: FORM,
    },
    {
      allowed: true,
      sent: true,
      readable: false,
      reason:
        'a cross-origin form POST is sent (no preflight: it is a navigation), with cookies as SameSite allows; the page cannot read the response. Protect state-changing endpoints against CSRF',
      source: FORM,
    },
  ],
  'post-message': [
    {
      allowed: true,
      sent: true,
      readable: true,
      reason:
        'postMessage is always delivered across origins; the receiver must check event.origin against an allowlist, and the sender should name the target origin instead of "*"',
      source: `${HTML}web-messaging.html#dom-window-postmessage`,
    },
  ],
  'document-domain': [
    {
      when: same,
      allowed: true,
      sent: false,
      readable: true,
      reason: 'already same origin: document.domain is not needed',
      source: DOCUMENT_DOMAIN,
    },
    {
      when: (f) => f.site,
      allowed: false,
      sent: false,
      readable: false,
      reason:
        'document.domain is deprecated; with origin-keyed agent clusters (the default in Chromium since 115) its setter has no effect, so same-site pages stay cross-origin. Use postMessage',
      source: DOCUMENT_DOMAIN,
    },
    {
      allowed: false,
      sent: false,
      readable: false,
      reason:
        'document.domain can only relax to a shared registrable domain, and these origins are not same-site',
      source: DOCUMENT_DOMAIN,
    },
  ],
};
