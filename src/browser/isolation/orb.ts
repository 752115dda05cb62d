/**
 * Opaque Response Blocking (ORB): whether a `no-cors` cross-origin response reaches the page.
 * Two shapes, chosen by the profile: the standard's (the ORB explainer upstreamed to Fetch by
 * PR #1442; Firefox implements it, with one departure) and Chromium's ("ORB v0.1", CORB's
 * confirmation sniffing kept). What the page then sees is in ./outcome.ts.
 */
import type { ParsedMimeType } from '../../_fetch/index.js';
import type { HeaderList } from '../types.js';
import {
  determineNosniff,
  extractMimeType,
  isHtmlMimeType,
  isJavaScriptMimeType,
  isJsonMimeType,
  isXmlMimeType,
} from './_mime.js';
import {
  hasJsonSecurityPrefix,
  isImagePattern,
  isMediaPattern,
  SNIFF_WINDOW,
  sniffsAsHtml,
  sniffsAsJson,
  sniffsAsXml,
} from './_sniff.js';
import type { IsolationProfile } from './profile.js';

/** A response as ORB sees it. */
export interface OpaqueResponse {
  status: number;
  headers: HeaderList;
  /** The body (bytes, or a latin1/ASCII string). The spec's JavaScript check reads all of it. */
  body: Uint8Array | string;
}

export type OrbAllowReason =
  | 'safelisted-mime-type'
  | 'no-mime-type'
  | 'image'
  | 'media'
  | 'javascript'
  | 'not-sniffed-as-data';

export type OrbBlockReason =
  | 'never-sniffed'
  | 'nosniff'
  | 'partial-response'
  | 'sniffed-html'
  | 'sniffed-xml'
  | 'sniffed-json'
  | 'json-security-prefix'
  | 'not-ok-status'
  | 'media-mime-type'
  | 'text-csv'
  | 'not-javascript';

export type OrbVerdict =
  | { allowed: true; reason: OrbAllowReason }
  | { allowed: false; reason: OrbBlockReason; mimeType: string | null };

/** Bodies larger than this are not parsed as JavaScript (treated as not JavaScript: blocked). */
export const MAX_JAVASCRIPT_CHECK = 1 << 20;

function bytesOf(body: Uint8Array | string, max: number): Uint8Array {
  if (typeof body !== 'string') return body.subarray(0, max);
  const n = Math.min(body.length, max);
  const out = new Uint8Array(n);
  for (let i = 0; i < n; i++) out[i] = body.charCodeAt(i) & 0xff;
  return out;
}

/** https://whatpr.org/fetch/1442.html#opaque-response-blocklisted-mime-type (HTML, JSON, XML but SVG). */
export function isOpaqueBlocklistedMimeType(m: ParsedMimeType): boolean {
  return isHtmlMimeType(m) || isJsonMimeType(m) || (isXmlMimeType(m) && m.essence !== 'image/svg+xml');
}

/** https://whatpr.org/fetch/1442.html#opaque-response-safelisted-mime-type */
export function isOpaqueSafelistedMimeType(m: ParsedMimeType): boolean {
  return isJavaScriptMimeType(m) || m.essence === 'text/css' || m.essence === 'image/svg+xml';
}

/** MIME types ORB blocks without sniffing (the CORB list kept by Chromium and Fetch PR #1442). */
const NEVER_SNIFFED = new Set([
  'application/gzip',
  'application/msexcel',
  'application/mspowerpoint',
  'application/msword',
  'application/msword-template',
  'application/pdf',
  'application/vnd.ces-quickpoint',
  'application/vnd.ces-quicksheet',
  'application/vnd.ces-quickword',
  'application/vnd.ms-excel',
  'application/vnd.ms-excel.sheet.macroenabled.12',
  'application/vnd.ms-powerpoint',
  'application/vnd.ms-powerpoint.presentation.macroenabled.12',
  'application/vnd.ms-word',
  'application/vnd.ms-word.document.12',
  'application/vnd.ms-word.document.macroenabled.12',
  'application/vnd.msword',
  'application/vnd.openxmlformats-officedocument.presentationml.presentation',
  'application/vnd.openxmlformats-officedocument.presentationml.template',
  'application/vnd.openxmlformats-officedocument.spreadsheetml.sheet',
  'application/vnd.openxmlformats-officedocument.spreadsheetml.template',
  'application/vnd.openxmlformats-officedocument.wordprocessingml.document',
  'application/vnd.openxmlformats-officedocument.wordprocessingml.template',
  'application/vnd.presentation-openxml',
  'application/vnd.presentation-openxmlm',
  'application/vnd.spreadsheet-openxml',
  'application/vnd.wordprocessing-openxml',
  'application/x-gzip',
  'application/x-protobuf',
  'application/x-protobuffer',
  'application/zip',
  'audio/mpegurl',
  'multipart/byteranges',
  'multipart/signed',
  'text/event-stream',
  'text/csv',
  'text/vtt',
]);

/** https://whatpr.org/fetch/1442.html#opaque-response-blocklisted-never-sniffed-mime-type */
export function isOpaqueBlocklistedNeverSniffedMimeType(m: ParsedMimeType): boolean {
  return NEVER_SNIFFED.has(m.essence);
}

function blocked(reason: OrbBlockReason, m: ParsedMimeType | null): OrbVerdict {
  return { allowed: false, reason, mimeType: m ? m.essence : null };
}

/**
 * The JavaScript check of the standard's last steps: the body parses as a classic script and does
 * not parse as JSON. Compiling is done with `Function` (parsed, never called).
 */
export function parsesAsJavaScriptNotJson(text: string): boolean {
  if (text.length > MAX_JAVASCRIPT_CHECK) return false;
  try {
    JSON.parse(text);
    return false;
  } catch {
    // not JSON: go on
  }
  try {
    new Function(text);
    return true;
  } catch {
    return false;
  }
}

/**
 * Opaque-response blocking as specified (Firefox: `orbNosniffTextPlain` off).
 * https://whatpr.org/fetch/1442.html#orb-algorithm and https://github.com/annevk/orb
 */
export function opaqueResponseBlockingSpec(r: OpaqueResponse, profile: IsolationProfile): OrbVerdict {
  // 1. Let mimeType be the result of extracting a MIME type from response's header list.
  const m = extractMimeType(r.headers);
  // 2. Let nosniff be the result of determining nosniff given response's header list.
  const nosniff = determineNosniff(r.headers);
  // 3. If mimeType is not failure, then:
  if (m !== null) {
    // 3.1. If mimeType is an opaque-response-safelisted MIME type, then return true.
    if (isOpaqueSafelistedMimeType(m)) return { allowed: true, reason: 'safelisted-mime-type' };
    // 3.2. If mimeType is an opaque-response-blocklisted-never-sniffed MIME type, then return false.
    if (isOpaqueBlocklistedNeverSniffedMimeType(m)) return blocked('never-sniffed', m);
    // 3.3. If mimeType is opaque-response-blocklisted and response's status is 206, return false.
    if (isOpaqueBlocklistedMimeType(m) && r.status === 206) return blocked('partial-response', m);
    // 3.4. If nosniff and mimeType is opaque-response-blocklisted or `text/plain`, return false.
    //      (firefox: text/plain is left to the later steps, so an image body still passes)
    const textPlain = profile.orbNosniffTextPlain && m.essence === 'text/plain';
    if (nosniff && (isOpaqueBlocklistedMimeType(m) || textPlain)) return blocked('nosniff', m);
  }
  // 4. (The media requesters set: range requests of media elements are not modelled.)
  // 5. Let bytes be the first 1024 bytes of the body.
  const bytes = bytesOf(r.body, SNIFF_WINDOW);
  // 6. If the image type pattern matching algorithm given bytes does not return undefined, return true.
  if (isImagePattern(bytes)) return { allowed: true, reason: 'image' };
  // 7. If the audio or video type pattern matching algorithm does not return undefined, return true.
  if (isMediaPattern(bytes)) return { allowed: true, reason: 'media' };
  // 8. If nosniff is true, then return false.
  if (nosniff) return blocked('nosniff', m);
  // 9. If response's status is not an ok status, then return false.
  if (r.status < 200 || r.status > 299) return blocked('not-ok-status', m);
  // 10. If mimeType is failure, then return true.
  if (m === null) return { allowed: true, reason: 'no-mime-type' };
  // 11. If mimeType's essence starts with "audio/", "image/", or "video/", then return false.
  if (m.type === 'audio' || m.type === 'image' || m.type === 'video') return blocked('media-mime-type', m);
  // 12. If mimeType's essence is "text/csv", then return false.
  if (m.essence === 'text/csv') return blocked('text-csv', m);
  // 13-14. If the body parses as JavaScript and does not parse as JSON, return true; else false.
  const text = typeof r.body === 'string' ? r.body : new TextDecoder().decode(r.body);
  return parsesAsJavaScriptNotJson(text)
    ? { allowed: true, reason: 'javascript' }
    : blocked('not-javascript', m);
}

/**
 * Chromium 156's ORB (services/network/orb, "v0.1"): departs from the standard where observed.
 * chromium: JavaScript MIME types are sniffed too; audio and video MIME types pass; no JavaScript
 * parse; a response without a MIME type passes even with nosniff (the script element refuses it);
 * a 206 answer is not blocked for being partial.
 */
export function opaqueResponseBlockingChromium(r: OpaqueResponse): OrbVerdict {
  const m = extractMimeType(r.headers);
  const nosniff = determineNosniff(r.headers);
  // A response without a parsable MIME type passes.
  if (m === null) return { allowed: true, reason: 'no-mime-type' };
  // CSS and SVG pass, and so do audio and video types (media range requests).
  if (m.essence === 'text/css' || m.essence === 'image/svg+xml' || m.type === 'audio' || m.type === 'video') {
    return { allowed: true, reason: 'safelisted-mime-type' };
  }
  // Never-sniffed types (PDF, CSV, zip, Office documents, ...) are blocked outright.
  if (isOpaqueBlocklistedNeverSniffedMimeType(m)) return blocked('never-sniffed', m);
  const blocklisted = isOpaqueBlocklistedMimeType(m);
  // nosniff with an HTML, JSON, XML or text/plain type blocks before any sniffing.
  if (nosniff && (blocklisted || m.essence === 'text/plain')) return blocked('nosniff', m);
  // chromium: a 206 answer is not blocked for being partial (observed: text/html 206 with a
  // script body that sniffs as nothing reaches a <script>); the confirmation sniffing still runs.
  // Confirmation sniffing (CORB's): HTML, XML, JSON objects, JSON security prefixes.
  const bytes = bytesOf(r.body, SNIFF_WINDOW);
  if (hasJsonSecurityPrefix(bytes)) return blocked('json-security-prefix', m);
  if (sniffsAsHtml(bytes)) return blocked('sniffed-html', m);
  if (sniffsAsXml(bytes)) return blocked('sniffed-xml', m);
  if (sniffsAsJson(bytes)) return blocked('sniffed-json', m);
  if (isImagePattern(bytes)) return { allowed: true, reason: 'image' };
  return { allowed: true, reason: 'not-sniffed-as-data' };
}

/** ORB for the profile: is this opaque response allowed through to the page? */
export function opaqueResponseBlocking(r: OpaqueResponse, profile: IsolationProfile): OrbVerdict {
  return profile.orb === 'chromium'
    ? opaqueResponseBlockingChromium(r)
    : opaqueResponseBlockingSpec(r, profile);
}
