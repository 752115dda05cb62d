/**
 * The Same-Origin Policy beyond fetch: may a page on `from` do `operation` to something on `to`?
 * Each answer carries the reason and the rule it comes from. Origins are compared with
 * crossorigin/origin (scheme, host and port; `localhost` is not special). The answers are one
 * table (sop-rules.ts): a list of rows per operation, the first whose condition holds answers.
 */
import {
  isPotentiallyTrustworthyOrigin,
  isSameOrigin,
  isSameSite,
  type Origin,
  parseOrigin,
} from '../origin/index.js';
import { coopRequiresBrowsingContextGroupSwitch, parseOpenerPolicy } from './isolation/index.js';
import { getProfile } from './releases.js';
import { SOP_RULES, type SopFacts } from './sop-rules.js';
import type { BrowserName } from './types.js';

const NO_POPUP = { severed: false, openerPolicy: 'unsafe-none', popupPolicy: 'unsafe-none' } as const;

/**
 * The popup facts: each page's opener policy (obtained as HTML does: only on a secure context, a
 * known token, per browser) and whether the popup's navigation switched browsing context groups.
 * https://html.spec.whatwg.org/multipage/browsers.html#check-browsing-context-group-switch-coop-value
 */
function openerFacts(q: SopQuestion, from: Origin, to: Origin) {
  const profile = getProfile(q.browser ?? 'chromium').isolation;
  const openerPolicy = parseOpenerPolicy(q.fromCoop, isPotentiallyTrustworthyOrigin(from), profile);
  const popupPolicy = parseOpenerPolicy(q.toCoop, isPotentiallyTrustworthyOrigin(to), profile);
  const severed = coopRequiresBrowsingContextGroupSwitch({
    openerOrigin: q.from,
    openerPolicy,
    popupOrigin: q.to,
    popupPolicy,
  });
  return { severed, openerPolicy, popupPolicy };
}

export type SopOperation =
  /** Read a fetch()/XMLHttpRequest response body and headers. */
  | 'read-response'
  /** Script the DOM of another window or iframe (`frame.contentDocument`, `win.document`). */
  | 'dom-access'
  /** Read or write the other origin's localStorage, sessionStorage or IndexedDB. */
  | 'storage'
  /** Read pixels (`getImageData`, `toDataURL`) of a canvas that drew an image from `to`. */
  | 'canvas-read'
  | 'embed-image'
  | 'embed-script'
  | 'embed-stylesheet'
  | 'embed-media'
  | 'embed-iframe'
  | 'embed-font'
  /** Submit a `<form>` to `to` (the request is sent; the response is not readable by `from`). */
  | 'form-submit'
  /** `otherWindow.postMessage(...)` to a window on `to`. */
  | 'post-message'
  /** Relax the SOP by setting `document.domain` on both pages. */
  | 'document-domain'
  /**
   * A popup `from` opened with `window.open(to)`: the popup's `window.opener` and the opener's
   * handle on the popup (`closed`, `location`, `focus()`), under both pages' COOP.
   */
  | 'opener-access'
  /** The popup on `to` calls `window.opener.postMessage(...)` to its opener on `from`. */
  | 'post-message-to-opener'
  /** The opener on `from` calls `popup.postMessage(...)` on the popup it opened on `to`. */
  | 'post-message-to-popup';

/** The operations COOP decides: a popup `from` opened on `to`. */
const OPENER_OPERATIONS: ReadonlySet<SopOperation> = new Set([
  'opener-access',
  'post-message-to-opener',
  'post-message-to-popup',
]);

export interface SopQuestion {
  /** The page's origin or URL. */
  from: string;
  /** The other resource's or window's origin or URL. */
  to: string;
  operation: SopOperation;
  /** For `canvas-read`, `embed-*` and `read-response`: whether the element/request uses CORS (`crossorigin` attribute). */
  crossOriginAttribute?: boolean;
  /** Whether the server answered with a passing CORS check (`Access-Control-Allow-Origin` for `from`). */
  corsAllowed?: boolean;
  /** For the opener operations: the `Cross-Origin-Opener-Policy` header of the page on `from` (the opener). */
  fromCoop?: string;
  /** For the opener operations: the `Cross-Origin-Opener-Policy` header of the popup's page on `to`. */
  toCoop?: string;
  /**
   * Whose COOP rules (the opener operations): Firefox ESR 153 does not know `noopener-allow-popups`.
   * Default `chromium`.
   */
  browser?: BrowserName;
}

export interface SopAnswer {
  /** Whether the page can do it (for embedding: whether the resource loads and works). */
  allowed: boolean;
  /** For requests: whether the request reaches the server at all. */
  sent: boolean;
  /** Whether the page can read the result (response bytes, pixels, DOM). */
  readable: boolean;
  sameOrigin: boolean;
  sameSite: boolean;
  reason: string;
  /** The rule, as a link. */
  source: string;
}

/**
 * Answers one Same-Origin Policy question. Throws only on an unparsable `from`/`to` or an unknown
 * operation (API misuse).
 *
 * @example
 * sopAccess({ from: 'https://app.example', to: 'https://cdn.example', operation: 'canvas-read' })
 * // { allowed: false, readable: false, reason: 'the canvas is tainted ...', ... }
 */
export function sopAccess(q: SopQuestion): SopAnswer {
  const rows = Object.hasOwn(SOP_RULES, q.operation) ? SOP_RULES[q.operation] : undefined;
  if (rows === undefined)
    throw new TypeError(
      `sopAccess: unknown operation ${JSON.stringify((q as { operation: unknown }).operation)}`,
    );
  const a = parseOrigin(q.from);
  const b = parseOrigin(q.to);
  const facts: SopFacts = {
    same: isSameOrigin(a, b),
    site: isSameSite(a, b),
    cors: q.crossOriginAttribute === true,
    approved: q.corsAllowed === true,
    what: q.operation.startsWith('embed-') ? q.operation.slice('embed-'.length) : q.operation,
    ...(OPENER_OPERATIONS.has(q.operation) ? openerFacts(q, a, b) : NO_POPUP),
  };
  const row = rows.find((r) => r.when === undefined || r.when(facts)) as (typeof rows)[number];
  return {
    allowed: row.allowed,
    sent: row.sent,
    readable: row.readable,
    sameOrigin: facts.same,
    sameSite: facts.site,
    reason: typeof row.reason === 'string' ? row.reason : row.reason(facts),
    source: row.source,
  };
}
