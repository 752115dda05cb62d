/**
 * Header syntax: names, values, normalization, list splitting and list-of-token parsing.
 * https://fetch.spec.whatwg.org/#terminology-headers
 */
import { isHttpTabOrSpace, isHttpWhitespace, isTchar, isToken } from './bytes.js';

/**
 * A header name is a byte sequence that matches the `field-name` token production (RFC 9110:
 * `token`).
 * https://fetch.spec.whatwg.org/#header-name
 */
export function isHeaderName(name: string): boolean {
  return isToken(name);
}

/**
 * A header value is a byte sequence that has no leading or trailing HTTP tab or space bytes and
 * contains no 0x00 (NUL) or HTTP newline bytes. The empty string is a header value. A code unit
 * above 0xFF is not a byte, so a string holding one is not a header value.
 * https://fetch.spec.whatwg.org/#header-value
 */
export function isHeaderValue(value: string): boolean {
  const n = value.length;
  if (n === 0) return true;
  // 1. Has no leading or trailing HTTP tab or space bytes.
  if (isHttpTabOrSpace(value.charCodeAt(0)) || isHttpTabOrSpace(value.charCodeAt(n - 1))) return false;
  // 2. Contains no 0x00 (NUL) or HTTP newline bytes (and, being bytes, nothing above 0xFF).
  for (let i = 0; i < n; i++) {
    const c = value.charCodeAt(i);
    if (c === 0x00 || c === 0x0a || c === 0x0d || c > 0xff) return false;
  }
  return true;
}

/**
 * To normalize a byte sequence potentialValue, remove any leading and trailing HTTP whitespace
 * bytes (0x09, 0x0A, 0x0D, 0x20) from it.
 * https://fetch.spec.whatwg.org/#concept-header-value-normalize
 */
export function normalizeHeaderValue(potentialValue: string): string {
  let start = 0;
  let end = potentialValue.length;
  while (start < end && isHttpWhitespace(potentialValue.charCodeAt(start))) start++;
  while (end > start && isHttpWhitespace(potentialValue.charCodeAt(end - 1))) end--;
  return start === 0 && end === potentialValue.length ? potentialValue : potentialValue.slice(start, end);
}

/** The result of collecting an HTTP quoted string: the string and the position just past it. */
export interface CollectedQuotedString {
  value: string;
  /** The position variable after the algorithm ran (an index into the input). */
  position: number;
}

/**
 * Collect an HTTP quoted string from `input`, starting at `position` (which must point at a U+0022
 * `"`; otherwise the spec's assertion fails and this returns null). With `extractValue` the
 * unescaped contents are returned; without it, the raw code points from the opening quote to the
 * position, inclusive (quotes and backslashes kept).
 * https://fetch.spec.whatwg.org/#collect-an-http-quoted-string
 */
export function collectAnHttpQuotedString(
  input: string,
  position: number,
  extractValue = false,
): CollectedQuotedString | null {
  // 1. Let positionStart be position.
  const positionStart = position;
  // 2. Let value be the empty string.
  let value = '';
  // 3. Assert: the code point at position within input is U+0022 (").
  if (input.charCodeAt(position) !== 0x22) return null;
  // 4. Advance position by 1.
  let pos = position + 1;
  // 5. While true:
  while (true) {
    // 5.1. Append the code points that are not U+0022 (") or U+005C (\) to value.
    const runStart = pos;
    while (pos < input.length) {
      const c = input.charCodeAt(pos);
      if (c === 0x22 || c === 0x5c) break;
      pos++;
    }
    if (extractValue) value += input.slice(runStart, pos);
    // 5.2. If position is past the end of input, then break.
    if (pos >= input.length) break;
    // 5.3. Let quoteOrBackslash be the code point at position within input.
    const quoteOrBackslash = input.charCodeAt(pos);
    // 5.4. Advance position by 1.
    pos++;
    // 5.5. If quoteOrBackslash is U+005C (\), then:
    if (quoteOrBackslash === 0x5c) {
      // 5.5.1. If position is past the end of input, then append U+005C (\) to value and break.
      if (pos >= input.length) {
        if (extractValue) value += '\\';
        break;
      }
      // 5.5.2. Append the code point at position within input to value.
      if (extractValue) value += input[pos];
      // 5.5.3. Advance position by 1.
      pos++;
    } else {
      // 5.6. Otherwise: assert quoteOrBackslash is U+0022 ("), and break.
      break;
    }
  }
  // 6. If extract-value is true, then return value.
  if (extractValue) return { value, position: pos };
  // 7. Return the code points from positionStart to position, inclusive, within input.
  return { value: input.slice(positionStart, pos), position: pos };
}

/**
 * Get, decode, and split a header value: split a (combined) header value on commas that are not
 * inside an HTTP quoted string, trimming HTTP tab or space around each item. Quoted strings are kept
 * verbatim (quotes included). Empty items are kept (`nosniff,` gives `["nosniff", ""]`). A null value
 * (the header is absent) gives null, as "get, decode, and split" of a name does.
 * https://fetch.spec.whatwg.org/#header-value-get-decode-and-split
 */
export function getDecodeAndSplit(value: string | null): string[] | null {
  if (value === null) return null;
  // 1. Let input be the result of isomorphic decoding value (already a byte string here).
  const input = value;
  // 2. Let position be a position variable for input, initially pointing at the start of input.
  let position = 0;
  // 3. Let values be a list of strings, initially « ».
  const values: string[] = [];
  // 4. Let temporaryValue be the empty string.
  let temporaryValue = '';
  // 5. While true:
  while (true) {
    // 5.1. Append the code points that are not U+0022 (") or U+002C (,) to temporaryValue.
    const runStart = position;
    while (position < input.length) {
      const c = input.charCodeAt(position);
      if (c === 0x22 || c === 0x2c) break;
      position++;
    }
    temporaryValue += input.slice(runStart, position);
    // 5.2. If position is not past the end of input and the code point at position is U+0022 ("):
    if (position < input.length && input.charCodeAt(position) === 0x22) {
      // 5.2.1. Append the result of collecting an HTTP quoted string to temporaryValue.
      const quoted = collectAnHttpQuotedString(input, position);
      // (Never null: position points at a quote.)
      if (quoted !== null) {
        temporaryValue += quoted.value;
        position = quoted.position;
      }
      // 5.2.2. If position is not past the end of input, then continue.
      if (position < input.length) continue;
    }
    // 5.3. Remove all HTTP tab or space from the start and end of temporaryValue.
    let s = 0;
    let e = temporaryValue.length;
    while (s < e && isHttpTabOrSpace(temporaryValue.charCodeAt(s))) s++;
    while (e > s && isHttpTabOrSpace(temporaryValue.charCodeAt(e - 1))) e--;
    // 5.4. Append temporaryValue to values.
    values.push(temporaryValue.slice(s, e));
    // 5.5. Set temporaryValue to the empty string.
    temporaryValue = '';
    // 5.6. If position is past the end of input, then return values.
    if (position >= input.length) return values;
    // 5.7. Assert: the code point at position within input is U+002C (,).
    // 5.8. Advance position by 1.
    position++;
  }
}

/** Which ABNF the list elements follow: `#method` (Allow-Methods) or `#field-name` (Allow-Headers). */
export type HeaderListGrammar = 'method' | 'field-name';

/**
 * Why a list-of-tokens header was refused: an element is not a token, or (bounded parsing only)
 * the combined value or the number of elements is over the limit.
 */
export type HeaderListFailureReason = 'not-token' | 'too-long' | 'too-many-elements';

export type HeaderListValues =
  | { ok: true; values: string[] }
  | { ok: false; reason: HeaderListFailureReason; detail: string };

/** Bounds for parsing a list header that an untrusted peer controls. */
export interface HeaderListLimits {
  /**
   * Most code units in all lines together, counting one separator between lines (as if the lines
   * were combined). Checked line by line before each line is scanned.
   */
  maxTotalLength?: number;
  /** Most non-empty elements. */
  maxElements?: number;
}

/**
 * Limits used by {@link extractHeaderListValuesBounded} when none are given: far above what a
 * browser sends (it lists each CORS-unsafe header name once), far below what hurts a server.
 */
export const DEFAULT_HEADER_LIST_LIMITS: Readonly<Required<HeaderListLimits>> = Object.freeze({
  maxTotalLength: 8192,
  maxElements: 128,
});

function describe(element: string): string {
  return JSON.stringify(element.length > 64 ? `${element.slice(0, 64)}…` : element);
}

/**
 * Extract header list values for a header whose ABNF is `#method` or `#field-name`
 * (`Access-Control-Allow-Methods`, `Access-Control-Allow-Headers`, and the request's
 * `Access-Control-Request-Headers`). `lines` are the header's values, one per header line, as
 * received (null or empty: the header is absent). Per RFC 9110's #rule, empty elements and optional
 * whitespace (tab or space) around commas are allowed and dropped; any other element that is not a
 * token makes the whole header a failure. `*` is a token. Values keep their case.
 *
 * `limits` (optional) bounds time and memory for untrusted input; without it the parse is
 * unbounded, as the spec is. See {@link extractHeaderListValuesBounded} for the secure default.
 * https://fetch.spec.whatwg.org/#extract-header-list-values
 * https://fetch.spec.whatwg.org/#http-new-header-syntax
 */
export function extractHeaderListValues(
  lines: readonly string[] | null,
  grammar: HeaderListGrammar,
  limits?: HeaderListLimits,
): HeaderListValues | null {
  // 1. If list does not contain name, then return null.
  if (lines === null || lines.length === 0) return null;
  // 2. (The ABNF is a list, so several lines are allowed.)
  const maxTotalLength = limits?.maxTotalLength ?? Number.POSITIVE_INFINITY;
  const maxElements = limits?.maxElements ?? Number.POSITIVE_INFINITY;
  const what = grammar === 'method' ? 'method' : 'header name';
  // 3. Let values be an empty list.
  const values: string[] = [];
  let total = 0;
  // 4. For each header header list contains whose name is name:
  for (let li = 0; li < lines.length; li++) {
    const line = lines[li] as string;
    total += line.length + (li > 0 ? 1 : 0);
    if (total > maxTotalLength) {
      return {
        ok: false,
        reason: 'too-long',
        detail: `the ${what} list is longer than ${maxTotalLength} characters`,
      };
    }
    // 4.1. Let extract be the result of extracting header values from header: parse the line per
    //      `#element = [ element ] *( OWS "," OWS [ element ] )`.
    let start = 0;
    for (let i = 0; i <= line.length; i++) {
      if (i < line.length && line.charCodeAt(i) !== 0x2c) continue;
      let s = start;
      let e = i;
      while (s < e && isHttpTabOrSpace(line.charCodeAt(s))) s++;
      while (e > s && isHttpTabOrSpace(line.charCodeAt(e - 1))) e--;
      start = i + 1;
      if (s === e) continue; // an empty list element: allowed, not a value
      for (let k = s; k < e; k++) {
        if (!isTchar(line.charCodeAt(k))) {
          // 4.2. If extract is failure, then return failure.
          return {
            ok: false,
            reason: 'not-token',
            detail: `element ${describe(line.slice(s, e))} is not a valid ${what} (not a token)`,
          };
        }
      }
      if (values.length >= maxElements) {
        return {
          ok: false,
          reason: 'too-many-elements',
          detail: `the ${what} list has more than ${maxElements} elements`,
        };
      }
      // 4.3. Append each value in extract, in order, to values.
      values.push(line.slice(s, e));
    }
  }
  // 5. Return values.
  return { ok: true, values };
}

/**
 * {@link extractHeaderListValues} with limits always on (default
 * {@link DEFAULT_HEADER_LIST_LIMITS}): for a server reading a peer's `Access-Control-Request-Headers`
 * in bounded time and memory. Work is O(maxTotalLength + lines scanned).
 */
export function extractHeaderListValuesBounded(
  lines: readonly string[] | null,
  grammar: HeaderListGrammar,
  limits: HeaderListLimits = DEFAULT_HEADER_LIST_LIMITS,
): HeaderListValues | null {
  return extractHeaderListValues(lines, grammar, {
    maxTotalLength: limits.maxTotalLength ?? DEFAULT_HEADER_LIST_LIMITS.maxTotalLength,
    maxElements: limits.maxElements ?? DEFAULT_HEADER_LIST_LIMITS.maxElements,
  });
}
