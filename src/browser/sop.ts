/**
 * The Same-Origin Policy beyond fetch: may a page on `from` do `operation` to something on `to`?
 * Each answer carries the reason and the rule it comes from. Origins are compared with
 * crossorigin/origin (scheme, host and port; `localhost` is not special).
 */
import { isSameOrigin, isSameSite, parseOrigin } from '../origin/index.js';

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

const HTML = 'https://html.spec.whatwg.org/multipage/';

/**
 * Answers one Same-Origin Policy question. Throws only on an unparsable `from`/`to` (API misuse).
 *
 * @example
 * sopAccess({ from: 'https://app.example', to: 'https://cdn.example', operation: 'canvas-read' })
 * // { allowed: false, readable: false, reason: 'the canvas is tainted ...', ... }
 */
export function sopAccess(q: SopQuestion): SopAnswer {
  const a = parseOrigin(q.from);
  const b = parseOrigin(q.to);
  const same = isSameOrigin(a, b);
  const site = isSameSite(a, b);
  const base = { sameOrigin: same, sameSite: site };
  const cors = q.crossOriginAttribute === true;
  const approved = q.corsAllowed === true;
  const answer = (
    allowed: boolean,
    sent: boolean,
    readable: boolean,
    reason: string,
    source: string,
  ): SopAnswer => ({
    allowed,
    sent,
    readable,
    ...base,
    reason,
    source,
  });
  switch (q.operation) {
    case 'read-response':
      if (same)
        return answer(
          true,
          true,
          true,
          'same origin: the response is readable',
          'https://fetch.spec.whatwg.org/#concept-filtered-response-basic',
        );
      if (approved)
        return answer(
          true,
          true,
          true,
          'cross-origin, and the CORS check passed: the body and the exposed headers are readable',
          'https://fetch.spec.whatwg.org/#concept-cors-check',
        );
      return answer(
        false,
        true,
        false,
        'cross-origin without a passing CORS check: the request may be sent, but script cannot read the response',
        'https://fetch.spec.whatwg.org/#concept-cors-check',
      );
    case 'dom-access':
      if (same)
        return answer(
          true,
          false,
          true,
          'same origin: script can reach the other document',
          `${HTML}nav-history-apis.html#crossoriginproperties-(-o-)`,
        );
      return answer(
        false,
        false,
        false,
        `cross-origin: only the cross-origin properties (location.href setter, postMessage, close, focus, frames...) are reachable; reading the DOM throws a SecurityError${site ? ' (same-site does not help)' : ''}`,
        `${HTML}nav-history-apis.html#crossoriginproperties-(-o-)`,
      );
    case 'storage':
      if (same)
        return answer(
          true,
          false,
          true,
          'same origin: the same localStorage, sessionStorage and IndexedDB',
          `${HTML}webstorage.html#dom-localstorage`,
        );
      return answer(
        false,
        false,
        false,
        "storage is keyed by origin (and partitioned by top-level site): a page cannot open another origin's storage",
        `${HTML}webstorage.html#dom-localstorage`,
      );
    case 'canvas-read':
      if (same)
        return answer(
          true,
          true,
          true,
          'same-origin image: the canvas stays origin-clean',
          `${HTML}canvas.html#security-with-canvas-elements`,
        );
      if (cors && approved)
        return answer(
          true,
          true,
          true,
          'loaded with crossorigin and the CORS check passed: the canvas stays origin-clean',
          `${HTML}canvas.html#security-with-canvas-elements`,
        );
      if (cors)
        return answer(
          false,
          true,
          false,
          'loaded with crossorigin but the CORS check failed: the image does not load at all',
          `${HTML}urls-and-fetching.html#cors-settings-attributes`,
        );
      return answer(
        false,
        true,
        false,
        'a cross-origin image without crossorigin draws, but taints the canvas: getImageData/toDataURL throw a SecurityError',
        `${HTML}canvas.html#security-with-canvas-elements`,
      );
    case 'embed-image':
    case 'embed-script':
    case 'embed-stylesheet':
    case 'embed-media': {
      const what = q.operation.slice('embed-'.length);
      if (same)
        return answer(
          true,
          true,
          true,
          `same-origin ${what}: loads and is fully readable`,
          'https://fetch.spec.whatwg.org/#concept-request-mode',
        );
      if (cors && !approved)
        return answer(
          false,
          true,
          false,
          `a ${what} requested with crossorigin fails to load when the CORS check fails`,
          `${HTML}urls-and-fetching.html#cors-settings-attributes`,
        );
      if (cors)
        return answer(
          true,
          true,
          true,
          `a ${what} requested with crossorigin and allowed by CORS loads and is readable (script errors, pixels, cssRules)`,
          `${HTML}urls-and-fetching.html#cors-settings-attributes`,
        );
      return answer(
        true,
        true,
        false,
        `embedding a cross-origin ${what} works (no-cors), but its content is not readable by script (opaque: muted errors, tainted pixels, no cssRules)`,
        'https://fetch.spec.whatwg.org/#concept-request-mode',
      );
    }
    case 'embed-iframe':
      return answer(
        true,
        true,
        same,
        same
          ? 'same-origin iframe: loads and its DOM is reachable'
          : 'a cross-origin iframe loads (unless X-Frame-Options or CSP frame-ancestors forbid it) but its DOM is not reachable',
        `${HTML}browsers.html#origin`,
      );
    case 'embed-font':
      if (same)
        return answer(
          true,
          true,
          true,
          'same-origin font: loads',
          'https://www.w3.org/TR/css-fonts-4/#font-fetching-requirements',
        );
      if (approved)
        return answer(
          true,
          true,
          true,
          'fonts are always fetched with CORS: a cross-origin font loads because the CORS check passed',
          'https://www.w3.org/TR/css-fonts-4/#font-fetching-requirements',
        );
      return answer(
        false,
        true,
        false,
        'fonts are always fetched in cors mode: a cross-origin font without Access-Control-Allow-Origin is not used',
        'https://www.w3.org/TR/css-fonts-4/#font-fetching-requirements',
      );
    case 'form-submit':
      return answer(
        true,
        true,
        same,
        same
          ? 'same origin: the form is sent and the result page is readable'
          : 'a cross-origin form POST is sent (no preflight: it is a navigation), with cookies as SameSite allows; the page cannot read the response. Protect state-changing endpoints against CSRF',
        `${HTML}form-control-infrastructure.html#form-submission-algorithm`,
      );
    case 'post-message':
      return answer(
        true,
        true,
        true,
        'postMessage is always delivered across origins; the receiver must check event.origin against an allowlist, and the sender should name the target origin instead of "*"',
        `${HTML}web-messaging.html#dom-window-postmessage`,
      );
    case 'document-domain':
      if (same)
        return answer(
          true,
          false,
          true,
          'already same origin: document.domain is not needed',
          `${HTML}browsers.html#relaxing-the-same-origin-restriction`,
        );
      return answer(
        false,
        false,
        false,
        site
          ? 'document.domain is deprecated; with origin-keyed agent clusters (the default in Chromium since 115) its setter has no effect, so same-site pages stay cross-origin. Use postMessage'
          : 'document.domain can only relax to a shared registrable domain, and these origins are not same-site',
        `${HTML}browsers.html#relaxing-the-same-origin-restriction`,
      );
    default:
      throw new TypeError(
        `sopAccess: unknown operation ${JSON.stringify((q as { operation: unknown }).operation)}`,
      );
  }
}
