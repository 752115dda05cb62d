/** Fetch's "extract a MIME type" and "determine nosniff", over a plain header list. */
import { type ParsedMimeType, parseMimeType } from '../../_fetch/index.js';
import type { HeaderList } from '../types.js';

/** The values of `name` (case-insensitive), in order. */
export function getAll(headers: HeaderList, name: string): string[] {
  const out: string[] = [];
  for (const [n, v] of headers) if (n.toLowerCase() === name) out.push(v);
  return out;
}

/** Splits a header value on commas outside quoted strings, trimming HTTP whitespace. */
function splitList(value: string): string[] {
  const out: string[] = [];
  let cur = '';
  let quoted = false;
  for (let i = 0; i < value.length; i++) {
    const c = value[i] as string;
    if (c === '"') quoted = !quoted;
    else if (c === '\\' && quoted && i + 1 < value.length) {
      cur += c + (value[++i] as string);
      continue;
    }
    if (c === ',' && !quoted) {
      out.push(cur.trim());
      cur = '';
    } else cur += c;
  }
  out.push(cur.trim());
  return out;
}

/**
 * Extract a MIME type: the last `Content-Type` value that parses (and is not `*\/*`), or null
 * (failure). https://fetch.spec.whatwg.org/#concept-header-extract-mime-type
 */
export function extractMimeType(headers: HeaderList): ParsedMimeType | null {
  // 1-3. Let mimeType be failure; values be getting, decoding and splitting `Content-Type`.
  const values = getAll(headers, 'content-type');
  // 4. If values is null, return failure.
  if (values.length === 0) return null;
  let mimeType: ParsedMimeType | null = null;
  // 5. For each value of values:
  for (const value of splitList(values.join(', '))) {
    // 5.1-5.2. Let temporaryMimeType be the result of parsing value; skip failure and */*.
    const temporary = parseMimeType(value);
    if (temporary === null || temporary.essence === '*/*') continue;
    // 5.3. Set mimeType to temporaryMimeType (charset bookkeeping does not matter to ORB).
    mimeType = temporary;
  }
  // 6-7. If mimeType is null, return failure; return mimeType.
  return mimeType;
}

/**
 * Determine nosniff: the first `X-Content-Type-Options` list value is `nosniff`.
 * https://fetch.spec.whatwg.org/#determine-nosniff
 */
export function determineNosniff(headers: HeaderList): boolean {
  const values = getAll(headers, 'x-content-type-options');
  if (values.length === 0) return false;
  const first = splitList(values.join(', '))[0] ?? '';
  return first.toLowerCase() === 'nosniff';
}

const JS_ESSENCES = new Set([
  'application/ecmascript',
  'application/javascript',
  'application/x-ecmascript',
  'application/x-javascript',
  'text/ecmascript',
  'text/javascript',
  'text/javascript1.0',
  'text/javascript1.1',
  'text/javascript1.2',
  'text/javascript1.3',
  'text/javascript1.4',
  'text/javascript1.5',
  'text/jscript',
  'text/livescript',
  'text/x-ecmascript',
  'text/x-javascript',
]);

/** https://mimesniff.spec.whatwg.org/#javascript-mime-type */
export function isJavaScriptMimeType(m: ParsedMimeType): boolean {
  return JS_ESSENCES.has(m.essence);
}

/** https://mimesniff.spec.whatwg.org/#html-mime-type */
export function isHtmlMimeType(m: ParsedMimeType): boolean {
  return m.essence === 'text/html';
}

/** https://mimesniff.spec.whatwg.org/#json-mime-type */
export function isJsonMimeType(m: ParsedMimeType): boolean {
  return m.subtype.endsWith('+json') || m.essence === 'application/json' || m.essence === 'text/json';
}

/** https://mimesniff.spec.whatwg.org/#xml-mime-type */
export function isXmlMimeType(m: ParsedMimeType): boolean {
  return m.subtype.endsWith('+xml') || m.essence === 'text/xml' || m.essence === 'application/xml';
}
