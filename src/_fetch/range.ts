/**
 * The single byte-range form of `Range` that the CORS safelist accepts.
 */
import { isByteCaseInsensitiveMatch, isHttpTabOrSpace } from './bytes.js';

/**
 * A parsed single range: start and end offsets, either (not both) may be null. The numbers are the
 * decimal digits as written; above 2^53 they lose precision, but `start <= end` is checked exactly
 * on the digits.
 */
export interface SingleRange {
  start: number | null;
  end: number | null;
}

function isAsciiDigit(code: number): boolean {
  return code >= 0x30 && code <= 0x39;
}

/** Compares two non-empty decimal digit strings exactly (no precision loss): <0, 0 or >0. */
export function compareDecimal(a: string, b: string): number {
  let i = 0;
  while (i < a.length - 1 && a.charCodeAt(i) === 0x30) i++;
  let j = 0;
  while (j < b.length - 1 && b.charCodeAt(j) === 0x30) j++;
  const x = a.slice(i);
  const y = b.slice(j);
  if (x.length !== y.length) return x.length - y.length;
  return x < y ? -1 : x > y ? 1 : 0;
}

/**
 * Parse a single range header value: `bytes=N-`, `bytes=N-M` (N <= M) or `bytes=-M`. `bytes` is
 * matched case-sensitively; multiple ranges, other units and (unless `allowWhitespace`) any
 * whitespace are failures (null).
 * https://fetch.spec.whatwg.org/#simple-range-header-value
 */
export function parseSingleRangeHeaderValue(value: string, allowWhitespace: boolean): SingleRange | null {
  const result = parseSingleRangeHeaderValueDetailed(value, allowWhitespace);
  return typeof result === 'string' ? null : result;
}

/**
 * {@link parseSingleRangeHeaderValue} that says why it failed: `'form'` (not the single-range
 * syntax) or `'order'` (step 18: start greater than end).
 */
export function parseSingleRangeHeaderValueDetailed(
  value: string,
  allowWhitespace: boolean,
  unitCaseInsensitive = false,
): SingleRange | 'form' | 'order' {
  // 1. Let data be the isomorphic decoding of value.
  const data = value;
  // 2. If data does not start with "bytes", then return failure. (unitCaseInsensitive: Chromium 150
  //    matched the unit in any case, observed: `Bytes=0-` and `BYTES=0-1` were not preflighted.)
  const unit = data.slice(0, 5);
  if (unit !== 'bytes' && !(unitCaseInsensitive && isByteCaseInsensitiveMatch(unit, 'bytes'))) return 'form';
  // 3. Let position be a position variable for data, initially pointing at the 5th code point.
  let position = 5;
  const skipTabOrSpace = (): void => {
    while (position < data.length && isHttpTabOrSpace(data.charCodeAt(position))) position++;
  };
  const collectDigits = (): string => {
    const from = position;
    while (position < data.length && isAsciiDigit(data.charCodeAt(position))) position++;
    return data.slice(from, position);
  };
  // 4. If allowWhitespace is true, collect a sequence of code points that are HTTP tab or space.
  if (allowWhitespace) skipTabOrSpace();
  // 5. If the code point at position within data is not U+003D (=), then return failure.
  if (data.charCodeAt(position) !== 0x3d) return 'form';
  // 6. Advance position by 1.
  position++;
  // 7. If allowWhitespace is true, collect a sequence of code points that are HTTP tab or space.
  if (allowWhitespace) skipTabOrSpace();
  // 8. Let rangeStart be the result of collecting a sequence of code points that are ASCII digits.
  const rangeStart = collectDigits();
  // 9. Let rangeStartValue be rangeStart as a decimal number, if not empty; otherwise null.
  const rangeStartValue = rangeStart === '' ? null : Number(rangeStart);
  // 10. If allowWhitespace is true, collect a sequence of code points that are HTTP tab or space.
  if (allowWhitespace) skipTabOrSpace();
  // 11. If the code point at position within data is not U+002D (-), then return failure.
  if (data.charCodeAt(position) !== 0x2d) return 'form';
  // 12. Advance position by 1.
  position++;
  // 13. If allowWhitespace is true, collect a sequence of code points that are HTTP tab or space.
  if (allowWhitespace) skipTabOrSpace();
  // 14. Let rangeEnd be the result of collecting a sequence of code points that are ASCII digits.
  const rangeEnd = collectDigits();
  // 15. Let rangeEndValue be rangeEnd as a decimal number, if not empty; otherwise null.
  const rangeEndValue = rangeEnd === '' ? null : Number(rangeEnd);
  // 16. If position is not past the end of data, then return failure.
  if (position < data.length) return 'form';
  // 17. If rangeEndValue and rangeStartValue are null, then return failure.
  if (rangeStartValue === null && rangeEndValue === null) return 'form';
  // 18. If both are numbers and rangeStartValue is greater than rangeEndValue, then return failure.
  if (rangeStartValue !== null && rangeEndValue !== null && compareDecimal(rangeStart, rangeEnd) > 0) {
    return 'order';
  }
  // 19. Return (rangeStartValue, rangeEndValue).
  return { start: rangeStartValue, end: rangeEndValue };
}
