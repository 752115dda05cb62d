/**
 * What the page sees when it loads a cross-origin resource without CORS (`fetch(url, {mode:
 * 'no-cors'})`, `<script src>`, `<img src>`), with the page's embedder policy: the request's
 * credentials, the CORP check (HTTP fetch), ORB (main fetch), then the element's own checks (HTML's
 * classic-script MIME checks, image decoding), and the console lines the browser prints.
 */

import { isSameOrigin, parseOrigin } from '../../origin/index.js';
import { type IsolationErrorKind, isolationMessage } from '../errors/index.js';
import type { BrowserName, CredentialsMode, Initiator } from '../types.js';
import { determineNosniff, extractMimeType, isJavaScriptMimeType } from './_mime.js';
import { isImagePattern } from './_sniff.js';
import { credentialsUnderEmbedderPolicy, type EmbedderPolicyValue } from './coep.js';
import { type CorpResult, crossOriginResourcePolicyCheck } from './corp.js';
import { type OpaqueResponse, type OrbVerdict, opaqueResponseBlocking } from './orb.js';
import type { IsolationProfile } from './profile.js';

export type NoCorsLoader = 'fetch' | 'script' | 'img';

export interface NoCorsLoad {
  /** The page's URL (its origin is the request's origin). */
  pageUrl: string;
  /** The page's embedder policy value (already parsed; see parseEmbedderPolicy). */
  embedderPolicy: EmbedderPolicyValue;
  url: string;
  loader: NoCorsLoader;
  /** fetch(): the credentials mode asked for (default `include`; elements use `include`). */
  credentials?: CredentialsMode;
  response: OpaqueResponse & { statusText?: string };
}

/** The page's view: `network-error` (fetch rejects), `opaque` (fetch resolves), `error`/`load` (element events); `executed` for a script that ran. */
export type PageView = 'network-error' | 'opaque' | 'opaque-empty' | 'error' | 'load' | 'executed';

export type BlockedBy = 'corp' | 'orb' | 'script-mime' | 'status' | 'decode' | null;

export interface NoCorsOutcome {
  view: PageView;
  blockedBy: BlockedBy;
  /** Whether cookies went out with the request. */
  credentialsSent: boolean;
  corp: CorpResult | null;
  orb: OrbVerdict | null;
  /** The console lines the browser prints, in order. */
  console: string[];
}

const REASONS: Record<number, string> = {
  400: 'Bad Request',
  401: 'Unauthorized',
  403: 'Forbidden',
  404: 'Not Found',
  410: 'Gone',
  500: 'Internal Server Error',
  502: 'Bad Gateway',
  503: 'Service Unavailable',
};

/**
 * Chromium's console line for a subresource answered with a status that is not ok, printed when
 * the answer reaches the page (also as an empty opaque response), not for a network error.
 */
export function failedToLoadResourceLine(status: number, text?: string): string {
  return `Failed to load resource: the server responded with a status of ${status} (${text ?? REASONS[status] ?? ''})`;
}

/**
 * What a page gets when ORB blocks: a network error, except for `fetch()` in a profile whose
 * `orbBlockedFetch` is `empty-opaque` (Chromium and Firefox resolve with an empty opaque response).
 */
export function orbBlockIsNetworkError(initiator: Initiator, profile: IsolationProfile): boolean {
  return initiator !== 'fetch' || profile.orbBlockedFetch === 'network-error';
}

/** The error kind of a CORP refusal. */
export function corpErrorKind(c: CorpResult & { blocked: true }): IsolationErrorKind {
  if (c.byCoep) return 'corp-required-by-coep';
  return c.reason === 'same-site' ? 'corp-not-same-site' : 'corp-not-same-origin';
}

/**
 * HTML's classic-script MIME checks (fetch a classic script; Fetch's "should response to request be
 * blocked due to its MIME type" and "due to nosniff"): the refusal's kind and MIME type, or null.
 */
export function scriptMimeRefusal(r: OpaqueResponse): { kind: IsolationErrorKind; mimeType: string } | null {
  const m = extractMimeType(r.headers);
  const mimeType = m ? m.essence : '';
  // Blocked due to nosniff: destination script, nosniff, and not a JavaScript MIME type.
  if (determineNosniff(r.headers) && (m === null || !isJavaScriptMimeType(m))) {
    return { kind: 'script-mime-type-nosniff', mimeType };
  }
  // Blocked due to its MIME type: audio/*, image/*, video/*, text/csv.
  if (m && (m.type === 'audio' || m.type === 'image' || m.type === 'video' || m.essence === 'text/csv')) {
    return { kind: 'script-mime-type-not-executable', mimeType };
  }
  return null;
}

/** The error kind behind an outcome (`status` and `decode` are not refusals: null). */
export function isolationErrorKind(out: NoCorsOutcome, r: OpaqueResponse): IsolationErrorKind | null {
  if (out.blockedBy === 'corp' && out.corp?.blocked) return corpErrorKind(out.corp);
  if (out.blockedBy === 'orb') return 'blocked-by-orb';
  if (out.blockedBy === 'script-mime') return scriptMimeRefusal(r)?.kind ?? null;
  return null;
}

/** Runs one `no-cors` load through the model: what the page sees and what the console shows. */
export function noCorsLoad(load: NoCorsLoad, browser: BrowserName, profile: IsolationProfile): NoCorsOutcome {
  const r = load.response;
  const sameOrigin = isSameOrigin(parseOrigin(load.pageUrl), parseOrigin(load.url));
  const credentials = credentialsUnderEmbedderPolicy(
    load.embedderPolicy,
    'no-cors',
    load.credentials ?? 'include',
    load.pageUrl,
    load.url,
  );
  const credentialsSent = credentials === 'include' || (credentials === 'same-origin' && sameOrigin);
  const ok = r.status >= 200 && r.status <= 299;
  const out: NoCorsOutcome = {
    view: 'load',
    blockedBy: null,
    credentialsSent,
    corp: null,
    orb: null,
    console: [],
  };
  const failed = (blockedBy: BlockedBy): NoCorsOutcome => {
    out.blockedBy = blockedBy;
    out.view = load.loader === 'fetch' ? 'network-error' : 'error';
    return out;
  };
  if (!sameOrigin) {
    // HTTP fetch: the cross-origin resource policy check on an opaque-tainted response.
    out.corp = crossOriginResourcePolicyCheck(
      {
        origin: load.pageUrl,
        url: load.url,
        headers: r.headers,
        embedderPolicy: load.embedderPolicy,
        includesCredentials: credentialsSent,
      },
      profile,
    );
    if (out.corp.blocked) {
      out.console.push(isolationMessage({ kind: corpErrorKind(out.corp), url: load.url }, browser).message);
      return failed('corp');
    }
    // Main fetch: opaque-response blocking.
    out.orb = opaqueResponseBlocking(r, profile);
    if (!out.orb.allowed) {
      if (load.loader === 'fetch') {
        if (!ok && browser !== 'firefox') out.console.push(failedToLoadResourceLine(r.status, r.statusText));
        if (profile.orbBlockedFetch === 'network-error') return failed('orb');
        out.blockedBy = 'orb';
        out.view = 'opaque-empty';
        return out;
      }
      return failed('orb');
    }
  }
  if (!ok && browser !== 'firefox') out.console.push(failedToLoadResourceLine(r.status, r.statusText));
  if (load.loader === 'fetch') {
    out.view = sameOrigin ? 'load' : 'opaque';
    return out;
  }
  if (load.loader === 'script') {
    const refusal = scriptMimeRefusal(r);
    if (refusal) {
      out.console.push(
        isolationMessage({ kind: refusal.kind, url: load.url, hint: refusal.mimeType }, browser).message,
      );
    }
    if (!ok) return failed('status');
    if (refusal) return failed('script-mime');
    out.view = 'executed';
    return out;
  }
  const bytes =
    typeof r.body === 'string' ? Uint8Array.from(r.body.slice(0, 16), (c) => c.charCodeAt(0)) : r.body;
  // Decoding: raster formats are sniffed; chromium: `image/svg+xml` is decoded as SVG only.
  const svgOnly = profile.imageSvgOnlyForSvgType && extractMimeType(r.headers)?.essence === 'image/svg+xml';
  if (svgOnly || !isImagePattern(bytes)) return failed('decode');
  out.view = 'load';
  return out;
}
