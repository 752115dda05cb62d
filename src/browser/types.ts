/**
 * The request and response shapes of the browser engine. A page's request is described once
 * (`BrowserRequest`), normalized once (`normalizeRequest`), and every algorithm reads the
 * normalized form. Responses are raw: the status and the header lines exactly as the server sent
 * them, so that the engine sees what a browser's network stack sees.
 */
import type { Origin } from '../origin/index.js';

/** The browser whose behaviour the engine follows. `spec` is the Fetch Standard as written. */
export type BrowserName = 'chromium' | 'firefox' | 'webkit' | 'spec';

/** Header lines in order: `[name, value]`. A name may repeat (one entry per line). */
export type HeaderList = readonly (readonly [name: string, value: string])[];

export type RequestMode = 'cors' | 'no-cors' | 'same-origin';
export type CredentialsMode = 'omit' | 'same-origin' | 'include';
export type RedirectMode = 'follow' | 'error' | 'manual';
/** What kind of body the request has: a ReadableStream body forces a preflight. */
export type BodyKind = 'none' | 'string' | 'form' | 'blob' | 'stream';
/**
 * Who started the request. Chromium names it in the console text ("Access to fetch at",
 * "Access to XMLHttpRequest at", "Access to image at", "Access to CSS stylesheet at", ...).
 */
export type Initiator =
  | 'fetch'
  | 'XMLHttpRequest'
  | 'script'
  | 'image'
  | 'font'
  | 'stylesheet'
  | 'media'
  | 'other';

/** A request as a page on `origin` makes it. */
export interface BrowserRequest {
  /** Absolute URL of the resource (relative URLs are resolved against `origin`). */
  url: string;
  /** The page's origin, e.g. `https://app.example` (serialized). */
  origin: string;
  /** As given to `fetch()`: normalized here (`get` -> `GET`, but `patch` stays `patch`). Default `GET`. */
  method?: string;
  headers?: HeaderList | Readonly<Record<string, string>>;
  /** Default `cors` (fetch's default). */
  mode?: RequestMode;
  /** Default `same-origin`. */
  credentials?: CredentialsMode;
  /** Default `follow`. */
  redirect?: RedirectMode;
  /** Default `none`. */
  body?: BodyKind;
  /**
   * The body's own type (`text/plain;charset=UTF-8` for a string, `multipart/form-data; boundary=...`
   * for FormData, a Blob's type...): added as `Content-Type` when the headers have none, as
   * `new Request()` adds it. Default: none.
   */
  bodyType?: string;
  /** Default `fetch`. */
  initiator?: Initiator;
  /**
   * The URLs already fetched for this request, first one first, when the request is being
   * redirected (the redirect step fills it). The last one is the current URL; when given, `url`
   * must equal it. Used for the redirect-tainted origin and for messages ("redirected from").
   */
  urlList?: readonly string[];
}

/** A response as the network gave it: status and raw header lines (names in any case). */
export interface ResponseView {
  status: number;
  headers: HeaderList;
}

/** How a response may be read by the page (the Fetch Standard's response tainting). */
export type ResponseTainting = 'basic' | 'cors' | 'opaque';

/** A request normalized once: parsed URLs and origins, lower-case header names, defaults filled. */
export interface NormalizedRequest {
  readonly url: URL;
  /** Every URL fetched so far, the current one last. */
  readonly urlList: readonly URL[];
  readonly origin: Origin;
  /** The page origin serialized (what Chromium prints as "from origin"). */
  readonly originSerialized: string;
  readonly method: string;
  /** Header list after the Headers object's rules: lower-case names, combined values, no forbidden names. */
  readonly headers: readonly (readonly [string, string])[];
  /** The request-header rules that apply (safelisted values, forbidden names): the profile's. */
  readonly headerRules: import('../_fetch/index.js').RequestHeaderRules;
  /** The CORS-unsafe request-header names of the first request of the chain (before any redirect). */
  readonly initialUnsafeHeaders: readonly string[];
  /** Names the Headers object dropped silently (forbidden request headers; in no-cors, not safelisted). */
  readonly droppedHeaders: readonly string[];
  readonly mode: RequestMode;
  readonly credentials: CredentialsMode;
  readonly redirect: RedirectMode;
  readonly body: BodyKind;
  readonly initiator: Initiator;
}
