/**
 * The Same-Origin Policy beyond fetch: may a page on `from` do `operation` to something on `to`?
 * Each answer carries the reason and the rule it comes from. Origins are compared with
 * crossorigin/origin (scheme, host and port; `localhost` is not special). The answers are one
 * table (sop-rules.ts): a list of rows per operation, the first whose condition holds answers.
 */
import { isSameOrigin, isSameSite, parseOrigin } from '../origin/index.js';
import { SOP_RULES, type SopFacts } from './sop-rules.js';

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
  | 'document-domain';

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
