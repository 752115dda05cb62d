/**
 * Every way a browser refuses a request, one `kind` each. The CORS kinds follow Chromium's
 * `network::mojom::CorsError` names (kebab-case), so that the kind, the console text and the
 * engine's check order line up one to one. The others are Fetch failures that are not CORS errors
 * but that a page meets in the same place (mode, scheme, redirect mode, redirect limits).
 */
import type { BrowserName } from '../types.js';

export type CorsErrorKind =
  // request-time refusals (fetch() rejects before anything is sent)
  | 'disallowed-by-mode'
  | 'no-cors-redirect-mode'
  | 'unsupported-scheme'
  | 'forbidden-method'
  | 'method-unsupported-in-no-cors'
  // the CORS check of a response (actual request or a redirect hop)
  | 'missing-allow-origin-header'
  | 'wildcard-origin-not-allowed'
  | 'multiple-allow-origin-values'
  | 'invalid-allow-origin-value'
  | 'allow-origin-mismatch'
  | 'invalid-allow-credentials'
  // the CORS check of a preflight response
  | 'preflight-missing-allow-origin-header'
  | 'preflight-wildcard-origin-not-allowed'
  | 'preflight-multiple-allow-origin-values'
  | 'preflight-invalid-allow-origin-value'
  | 'preflight-allow-origin-mismatch'
  | 'preflight-invalid-allow-credentials'
  // the rest of the preflight
  | 'preflight-invalid-status'
  | 'preflight-disallowed-redirect'
  | 'invalid-allow-methods-preflight-response'
  | 'invalid-allow-headers-preflight-response'
  | 'method-disallowed-by-preflight-response'
  | 'header-disallowed-by-preflight-response'
  // redirects
  | 'redirect-contains-credentials'
  | 'redirect-to-url-with-credentials'
  | 'redirect-mode-error'
  | 'redirect-to-non-http-scheme'
  | 'invalid-redirect-location'
  | 'too-many-redirects'
  | 'redirect-with-stream-body'
  // the transport failed (connection refused, DNS, ...)
  | 'network-error'
  // not CORS: ORB, CORP/COEP, the script element's MIME checks (./isolation.ts)
  | import('./isolation.js').IsolationErrorKind
  // not CORS: mixed content, the page's CSP, Local Network Access (./context.ts)
  | import('./context.js').ContextErrorKind;

/** The CORS-check kinds and their preflight twins. */
export const PREFLIGHT_TWIN: Readonly<Partial<Record<CorsErrorKind, CorsErrorKind>>> = {
  'missing-allow-origin-header': 'preflight-missing-allow-origin-header',
  'wildcard-origin-not-allowed': 'preflight-wildcard-origin-not-allowed',
  'multiple-allow-origin-values': 'preflight-multiple-allow-origin-values',
  'invalid-allow-origin-value': 'preflight-invalid-allow-origin-value',
  'allow-origin-mismatch': 'preflight-allow-origin-mismatch',
  'invalid-allow-credentials': 'preflight-invalid-allow-credentials',
};

/** What went wrong, with enough context to print the browser's console line and a fix. */
export interface CorsErrorDetails {
  kind: CorsErrorKind;
  /** The URL being fetched when it failed (the last URL of a redirect chain). */
  url: string;
  /** The first URL of the chain (equal to `url` without redirects). */
  initialUrl: string;
  /** The page's origin, serialized. */
  origin: string;
  /** What the request sent as `Origin` (`null` after a tainting redirect). */
  requestOrigin: string;
  initiator: import('../types.js').Initiator;
  method: string;
  credentials: import('../types.js').CredentialsMode;
  /** Chromium's "failed parameter": the header value, method or header name at fault. */
  hint?: string;
  /** HTTP status of the response at fault, when there was one. */
  status?: number;
  /** Number of `Access-Control-Allow-Origin` lines (Firefox words several lines differently). */
  allowOriginLines?: number;
  /** Page-context refusals (./context.ts): the page's URL, the CSP directive, every console line. */
  context?: import('./context.js').ContextDetails;
}

/** A refusal, as a value. `message` is the browser's own console text for the chosen profile. */
export interface CorsError extends CorsErrorDetails {
  readonly name: 'CorsError';
  readonly browser: BrowserName;
  /** The console line the browser prints (byte for byte for `chromium`; Firefox's wording for `firefox`). */
  readonly message: string;
  /**
   * False when the browser prints no console line of its own for this failure (for example a
   * `redirect: 'error'` refusal in Chromium); `message` is then the engine's description.
   */
  readonly logged: boolean;
  /** What to change: the header and value the server must send, or what the page must do. */
  readonly fix: string;
  /** True when the failure came from the preflight (OPTIONS) exchange. */
  readonly preflight: boolean;
}
