/**
 * The lab's data shapes, shared by the lab server (src/lab) and the page (lab/src, type-only
 * imports). A case is plain JSON so it fits in a URL fragment. Strings may hold the placeholders
 * `{app}`, `{api}` and `{other}` (the three origins of this lab run) and, in raw response headers,
 * `{origin}` (the request's `Origin` header, echoed).
 */

export type LabHeader = [name: string, value: string];

/** Who receives the request: the lab API, the other (attacker / third-party) origin, or the proxy. */
export type LabTarget = 'api' | 'other' | 'proxy';

export type LabBodyType = 'none' | 'json' | 'text' | 'form';

/**
 * What the page does in the real browser: `fetch()`, an `<img>` drawn on a canvas, a form POST or
 * a postMessage from the other site's page, a classic `<script src>`, or `window.open()` of a popup.
 */
export type LabKind = 'fetch' | 'image' | 'form' | 'message' | 'script' | 'popup';

/**
 * How the page that makes the request is served, when not as the lab's own page: the case then
 * runs in a frame (the "scene", `/scene.html`) served with these response headers, over https
 * (the lab's https twin of the app origin, a self-signed certificate) when `https` is set.
 */
export interface LabPage {
  /** Serve the page over https (a secure context on a non-loopback-exempt scheme; mixed content applies). */
  https?: boolean;
  /** Its `Content-Security-Policy` header (placeholders `{app}` `{api}` `{other}` replaced). */
  csp?: string;
  /** Its `Cross-Origin-Embedder-Policy` header. (COOP is a popup's matter: see `popupCoop`.) */
  coep?: string;
}

export interface LabRequest {
  target: LabTarget;
  /** Path below the case, e.g. `data` or `start` (the redirecting path). */
  path: string;
  method: string;
  headers: LabHeader[];
  body: LabBodyType;
  credentials: 'omit' | 'same-origin' | 'include';
  mode: 'cors' | 'no-cors' | 'same-origin';
  /** How many times the same request is made in one run (2 shows the preflight cache). 1..3. */
  repeat: number;
}

/** A raw answer: status and header lines, exactly as written. */
export interface RawAnswer {
  status: number;
  headers: LabHeader[];
}

/** How the lab API (and the other origin) answer a case. */
export type LabPolicy =
  /** No CORS at all: the application answers every request (an OPTIONS preflight gets a 404). */
  | { type: 'none' }
  /** `createCorsPolicy(options)` from crossorigin/server, through crossorigin/node. */
  | { type: 'crossorigin'; options: Record<string, unknown> }
  /** Headers written by hand: one answer for preflights, one for every other request. */
  | { type: 'raw'; preflight: RawAnswer; actual: RawAnswer };

export interface LabServerSetup {
  policy: LabPolicy;
  /** The API answers `start` with this redirect to the other origin's `final`. */
  redirect?: { status: 301 | 302 | 303 | 307 | 308; to: 'other' | 'api' } | null;
  /** Put crossorigin/csrf's guard (origin: the app) in front of the API. */
  csrf?: boolean;
  /**
   * How the page that makes the request is served (kinds fetch, image, script). Default: the lab's
   * own page, with no CSP or COEP.
   */
  page?: LabPage;
  /** kind `popup`: the `Cross-Origin-Opener-Policy` of the popup's page (at the request's URL). */
  popupCoop?: string;
}

export interface LabCase {
  kind: LabKind;
  request: LabRequest;
  server: LabServerSetup;
  /** kind `image`: whether the <img> has `crossorigin="anonymous"`. */
  crossOriginAttribute?: boolean;
  /** kind `message`: whether the app's message listener checks `event.origin`. */
  checkOrigin?: boolean;
}

/** One request as a lab server received it, and what it answered. */
export interface WireEntry {
  server: 'api' | 'other' | 'proxy';
  method: string;
  path: string;
  /** OPTIONS with Origin and Access-Control-Request-Method. */
  preflight: boolean;
  headers: LabHeader[];
  response: RawAnswer | null;
}

/** What one attempt ended as, seen from the page. */
export interface Outcome {
  /**
   * fetch: allowed/blocked; image: readable/tainted/error; form: accepted/refused; message:
   * accepted/ignored; script: load/error; popup: connected/severed.
   */
  result: string;
  status?: number;
  type?: string;
  /** Lower-case names script can read, sorted. */
  readableHeaders?: string[];
  /** message: the event's origin. */
  eventOrigin?: string;
  /** The rejection's message (fetch), as the page sees it. */
  error?: string;
}

/** One step of the engine's exchange, for the diagram. */
export interface EngineStep {
  type: 'preflight' | 'preflight-answer' | 'cache-hit' | 'actual' | 'answer' | 'redirect' | 'blocked';
  url?: string;
  method?: string;
  status?: number;
  headers?: LabHeader[];
  note?: string;
}

export interface EngineAttempt {
  outcome: Outcome;
  steps: EngineStep[];
  /** The console text the browser prints when it blocks (empty when allowed). */
  console: string;
  explanation: string;
  fix: string;
  /** The fix with the snippets the CLI prints (crossorigin/server, cors, nginx) and its policy. */
  fixDetail?: import('../browser/index.js').Fix;
  /** When the evidence does not decide the cause: the candidates and how to tell them apart. */
  candidates?: import('../browser/index.js').Candidate[];
  errorKind?: string;
}

export interface Prediction {
  profile: string;
  attempts: EngineAttempt[];
  /** The requests the engine's own run made, as the servers recorded them. */
  wire: WireEntry[];
}

export interface LabInfo {
  app: string;
  api: string;
  other: string;
  /** The app origin's https twin (same handler, self-signed certificate), when the lab serves one. */
  appHttps?: string;
  /** Why the lab serves no https twin (when it does not). */
  httpsProblem?: string;
  version: string;
}
