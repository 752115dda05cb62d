/**
 * Request-header classes of the Fetch Standard: CORS-safelisted, CORS-unsafe names, no-CORS
 * safelisted, privileged, non-wildcard and forbidden.
 * https://fetch.spec.whatwg.org/#terminology-headers
 *
 * Names and values are byte strings (see bytes.ts). Values are expected as they sit in a header
 * list, i.e. already normalized; nothing here trims them.
 */
import { byteLowercase, isByteCaseInsensitiveMatch } from './bytes.js';
import { type RequestHeaderRules, SPEC_REQUEST_HEADER_RULES } from './header-rules.js';
import { getDecodeAndSplit } from './headers.js';
import { isForbiddenMethod } from './methods.js';
import { parseMimeType } from './mime.js';
import { compareDecimal, parseSingleRangeHeaderValueDetailed } from './range.js';

/**
 * Why a header is not a CORS-safelisted request-header:
 * - `name`: the name is not `accept`, `accept-language`, `content-language`, `content-type` or `range`;
 * - `value-too-long`: the value is longer than 128 bytes;
 * - `value-unsafe-byte`: `accept` or `content-type` holds a CORS-unsafe request-header byte;
 * - `language-chars`: `accept-language` or `content-language` holds a byte outside `0-9A-Za-z *,-.;=`;
 * - `mime-unparsable`: `content-type` does not parse as a MIME type;
 * - `mime-essence`: its essence is not `application/x-www-form-urlencoded`, `multipart/form-data`
 *   or `text/plain`;
 * - `range-form`: `range` is not a single `bytes=` range (several ranges, whitespace, other unit);
 * - `range-order`: `range` start is greater than its end (`bytes=5-1`);
 * - `range-suffix`: `range` has no start (`bytes=-500`), which browsers never send and the spec
 *   does not safelist;
 * - `range-overflow` (with `rules.rangeMax`): a range number past the browser's integer type;
 * - `client-hint-value` (with `rules.extraSafelisted`): a header a browser still safelists, with a
 *   value outside the form it accepts.
 */
export type SafelistFailure =
  | 'name'
  | 'value-unsafe-byte'
  | 'value-too-long'
  | 'language-chars'
  | 'mime-unparsable'
  | 'mime-essence'
  | 'range-form'
  | 'range-order'
  | 'range-suffix'
  | 'range-overflow'
  | 'client-hint-value';

/** CORS-unsafe request-header bytes, by byte value (0-255). */
const UNSAFE_BYTE = new Uint8Array(256);
for (let b = 0; b < 0x20; b++) if (b !== 0x09) UNSAFE_BYTE[b] = 1;
for (const c of '"():<>?@[\\]{}\u007f') UNSAFE_BYTE[c.charCodeAt(0)] = 1;

/**
 * A CORS-unsafe request-header byte: less than 0x20 and not 0x09 HT; or 0x22 ("), 0x28 ((), 0x29
 * ()), 0x3A (:), 0x3C (<), 0x3E (>), 0x3F (?), 0x40 (@), 0x5B ([), 0x5C (\), 0x5D (]), 0x7B ({),
 * 0x7D (}), or 0x7F DEL. A code unit above 0xFF is not a byte and counts as unsafe.
 * https://fetch.spec.whatwg.org/#cors-unsafe-request-header-byte
 */
export function isCorsUnsafeRequestHeaderByte(code: number): boolean {
  return !(Number.isInteger(code) && code >= 0 && code <= 0xff) || UNSAFE_BYTE[code] === 1;
}

function hasHighByte(value: string): boolean {
  for (let i = 0; i < value.length; i++) if (value.charCodeAt(i) >= 0x80) return true;
  return false;
}

function hasCorsUnsafeRequestHeaderByte(value: string): boolean {
  for (let i = 0; i < value.length; i++) {
    const c = value.charCodeAt(i);
    if (c > 0xff || UNSAFE_BYTE[c] === 1) return true;
  }
  return false;
}

/** Bytes allowed in `accept-language` / `content-language`: 0-9 A-Z a-z SP * , - . ; = */
const LANGUAGE_BYTE = new Uint8Array(128);
for (const c of '0123456789ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz *,-.;=') {
  LANGUAGE_BYTE[c.charCodeAt(0)] = 1;
}

const SAFELISTED_CONTENT_TYPE_ESSENCES: ReadonlySet<string> = new Set([
  'application/x-www-form-urlencoded',
  'multipart/form-data',
  'text/plain',
]);

/** The longest value a CORS-safelisted request-header may have, in bytes. */
export const CORS_SAFELISTED_VALUE_MAX_LENGTH = 128;
/** The most bytes all CORS-safelisted request-header values of a request may have together. */
export const CORS_SAFELISTED_TOTAL_MAX_LENGTH = 1024;

/**
 * Whether (name, value) is a CORS-safelisted request-header, and if not, why.
 * Returns null when it is safelisted.
 *
 * Departure (reason only): the name is checked before step 1's length rule so that an unknown
 * name reports `name` rather than `value-too-long`; the yes/no answer is the spec's.
 *
 * `rules` carries a browser's departures (see {@link RequestHeaderRules}); the default is the spec.
 * https://fetch.spec.whatwg.org/#cors-safelisted-request-header
 */
export function corsSafelistedRequestHeaderFailure(
  name: string,
  value: string,
  rules: RequestHeaderRules = SPEC_REQUEST_HEADER_RULES,
): SafelistFailure | null {
  // 2. Byte-lowercase name and switch on the result (name part first; see above).
  const lower = byteLowercase(name);
  // rules.extraSafelisted: headers a browser still safelists, each with its value form.
  const clientHint = rules.extraSafelisted.size === 0 ? undefined : rules.extraSafelisted.get(lower);
  if (clientHint !== undefined) {
    if (value.length > CORS_SAFELISTED_VALUE_MAX_LENGTH) return 'value-too-long';
    return clientHint(value) ? null : 'client-hint-value';
  }
  if (
    lower !== 'accept' &&
    lower !== 'accept-language' &&
    lower !== 'content-language' &&
    lower !== 'content-type' &&
    lower !== 'range'
  ) {
    // Otherwise: return false.
    return 'name';
  }
  // 1. If value's length is greater than 128, then return false.
  if (value.length > CORS_SAFELISTED_VALUE_MAX_LENGTH) return 'value-too-long';
  switch (lower) {
    case 'accept':
      // `accept`: if value contains a CORS-unsafe request-header byte, then return false.
      if (hasCorsUnsafeRequestHeaderByte(value)) return 'value-unsafe-byte';
      // rules.highBytesUnsafe: bytes 0x80-0xFF count as unsafe too.
      if (rules.highBytesUnsafe && hasHighByte(value)) return 'value-unsafe-byte';
      break;
    case 'accept-language':
    case 'content-language':
      // `accept-language`, `content-language`: if value contains a byte that is not 0-9, A-Z, a-z,
      // 0x20 (SP), 0x2A (*), 0x2C (,), 0x2D (-), 0x2E (.), 0x3B (;), or 0x3D (=), return false.
      for (let i = 0; i < value.length; i++) {
        const c = value.charCodeAt(i);
        if (c >= 128 || LANGUAGE_BYTE[c] !== 1) return 'language-chars';
      }
      break;
    case 'content-type': {
      // `content-type` 1. If value contains a CORS-unsafe request-header byte, then return false.
      if (hasCorsUnsafeRequestHeaderByte(value)) return 'value-unsafe-byte';
      // rules.highBytesUnsafe: bytes 0x80-0xFF count as unsafe too.
      if (rules.highBytesUnsafe && hasHighByte(value)) return 'value-unsafe-byte';
      // 2. Let mimeType be the result of parsing the result of isomorphic decoding value.
      const mimeType = parseMimeType(value);
      // 3. If mimeType is failure, then return false.
      if (mimeType === null) return 'mime-unparsable';
      // 4. If mimeType's essence is not one of the three, then return false.
      if (!SAFELISTED_CONTENT_TYPE_ESSENCES.has(mimeType.essence)) return 'mime-essence';
      break;
    }
    default: {
      // `range` 1. Let rangeValue be the result of parsing a single range header value given value
      //    and false.
      const rangeValue = parseSingleRangeHeaderValueDetailed(value, false, rules.rangeUnitCaseInsensitive);
      // 2. If rangeValue is failure, then return false.
      if (rangeValue === 'form') return 'range-form';
      if (rangeValue === 'order') return 'range-order';
      // 3. If rangeValue[0] is null, then return false.
      if (rangeValue.start === null) return 'range-suffix';
      // rules.rangeMax: the numbers must fit the browser's integer type.
      const max = rules.rangeMax;
      if (max !== null) {
        const digits = value.slice(6).split('-');
        if (digits.some((d) => d !== '' && compareDecimal(d, max) > 0)) return 'range-overflow';
      }
    }
  }
  // 3. Return true.
  return null;
}

/**
 * Whether (name, value) is a CORS-safelisted request-header.
 * https://fetch.spec.whatwg.org/#cors-safelisted-request-header
 */
export function isCorsSafelistedRequestHeader(
  name: string,
  value: string,
  rules: RequestHeaderRules = SPEC_REQUEST_HEADER_RULES,
): boolean {
  return corsSafelistedRequestHeaderFailure(name, value, rules) === null;
}

/**
 * A CORS non-wildcard request-header name is a byte-case-insensitive match for `Authorization`:
 * `Access-Control-Allow-Headers: *` does not cover it.
 * https://fetch.spec.whatwg.org/#cors-non-wildcard-request-header-name
 */
export function isCorsNonWildcardRequestHeaderName(name: string): boolean {
  return isByteCaseInsensitiveMatch(name, 'authorization');
}

/**
 * A privileged no-CORS request-header name is a byte-case-insensitive match for `Range`.
 * https://fetch.spec.whatwg.org/#privileged-no-cors-request-header-name
 */
export function isPrivilegedNoCorsRequestHeaderName(name: string): boolean {
  return isByteCaseInsensitiveMatch(name, 'range');
}

/** The no-CORS-safelisted request-header names, lower-case. */
export const NO_CORS_SAFELISTED_REQUEST_HEADER_NAMES: ReadonlySet<string> = new Set([
  'accept',
  'accept-language',
  'content-language',
  'content-type',
]);

/**
 * A no-CORS-safelisted request-header name is a byte-case-insensitive match for `Accept`,
 * `Accept-Language`, `Content-Language`, or `Content-Type`.
 * https://fetch.spec.whatwg.org/#no-cors-safelisted-request-header-name
 */
export function isNoCorsSafelistedRequestHeaderName(name: string): boolean {
  return name.length <= 16 && NO_CORS_SAFELISTED_REQUEST_HEADER_NAMES.has(byteLowercase(name));
}

/**
 * Whether (name, value) is a no-CORS-safelisted request-header.
 * https://fetch.spec.whatwg.org/#no-cors-safelisted-request-header
 */
export function isNoCorsSafelistedRequestHeader(
  name: string,
  value: string,
  rules: RequestHeaderRules = SPEC_REQUEST_HEADER_RULES,
): boolean {
  // 1. If name is not a no-CORS-safelisted request-header name, then return false.
  if (!isNoCorsSafelistedRequestHeaderName(name)) return false;
  // 2. Return whether (name, value) is a CORS-safelisted request-header.
  return isCorsSafelistedRequestHeader(name, value, rules);
}

/** The names that make a request header forbidden whatever its value, lower-case. */
export const FORBIDDEN_REQUEST_HEADER_NAMES: ReadonlySet<string> = new Set([
  'accept-charset',
  'accept-encoding',
  'access-control-request-headers',
  'access-control-request-method',
  'connection',
  'content-length',
  'cookie',
  'cookie2',
  'date',
  'dnt',
  'expect',
  'host',
  'keep-alive',
  'origin',
  'referer',
  'set-cookie',
  'te',
  'trailer',
  'transfer-encoding',
  'upgrade',
  'via',
]);

/** The method-override header names whose value is checked for a forbidden method, lower-case. */
export const METHOD_OVERRIDE_HEADER_NAMES: ReadonlySet<string> = new Set([
  'x-http-method',
  'x-http-method-override',
  'x-method-override',
]);

/**
 * Whether (name, value) is a forbidden request-header: one the user agent keeps control of and
 * script may not set (a `Request` drops it silently). To ask about a name alone, pass an empty
 * value. `rules.extraForbiddenNames` adds the names a browser still forbids.
 * https://fetch.spec.whatwg.org/#forbidden-request-header
 */
export function isForbiddenRequestHeader(
  name: string,
  value: string,
  rules: RequestHeaderRules = SPEC_REQUEST_HEADER_RULES,
): boolean {
  const lower = byteLowercase(name);
  // 1. If name is a byte-case-insensitive match for one of the listed names, then return true.
  if (FORBIDDEN_REQUEST_HEADER_NAMES.has(lower)) return true;
  // rules.extraForbiddenNames: names a browser still forbids.
  if (rules.extraForbiddenNames.size > 0 && rules.extraForbiddenNames.has(lower)) return true;
  // 2. If name when byte-lowercased starts with `proxy-` or `sec-`, then return true.
  if (lower.startsWith('proxy-') || lower.startsWith('sec-')) return true;
  // 3. If name is a byte-case-insensitive match for `X-HTTP-Method`, `X-HTTP-Method-Override`, or
  //    `X-Method-Override`, then:
  if (METHOD_OVERRIDE_HEADER_NAMES.has(lower)) {
    // 3.1. Let parsedValues be the result of getting, decoding, and splitting value.
    const parsedValues = getDecodeAndSplit(value) ?? [];
    // 3.2. For each method of parsedValues: if the isomorphic encoding of method is a forbidden
    //      method, then return true.
    for (const method of parsedValues) if (isForbiddenMethod(method)) return true;
  }
  // 4. Return false.
  return false;
}

/**
 * A forbidden response-header name is a byte-case-insensitive match for `Set-Cookie` or
 * `Set-Cookie2`.
 * https://fetch.spec.whatwg.org/#forbidden-response-header-name
 */
export function isForbiddenResponseHeaderName(name: string): boolean {
  return isByteCaseInsensitiveMatch(name, 'set-cookie') || isByteCaseInsensitiveMatch(name, 'set-cookie2');
}
