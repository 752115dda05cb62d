/**
 * Byte-level helpers the Fetch Standard builds on (Infra and Fetch "HTTP" definitions).
 *
 * Strings here are *byte strings*: the isomorphic decoding of the bytes on the wire, one code unit
 * per byte (what node:http and the Fetch `Headers` object hand out). A code unit above 0xFF is not a
 * byte; every predicate treats it as failing whatever byte class it asks about.
 */

/**
 * An HTTP tab or space: U+0009 TAB or U+0020 SPACE (also the HTTP tab or space bytes).
 * https://fetch.spec.whatwg.org/#http-tab-or-space
 */
export function isHttpTabOrSpace(code: number): boolean {
  return code === 0x09 || code === 0x20;
}

/**
 * An HTTP newline byte: 0x0A (LF) or 0x0D (CR).
 * https://fetch.spec.whatwg.org/#http-newline-byte
 */
export function isHttpNewlineByte(code: number): boolean {
  return code === 0x0a || code === 0x0d;
}

/**
 * HTTP whitespace: U+000A LF, U+000D CR, or an HTTP tab or space (also the HTTP whitespace bytes).
 * https://fetch.spec.whatwg.org/#http-whitespace
 */
export function isHttpWhitespace(code: number): boolean {
  return code === 0x20 || code === 0x09 || code === 0x0a || code === 0x0d;
}

/** Whether every code unit of `value` is a byte (<= 0xFF): the string is an isomorphic decoding. */
export function isByteString(value: string): boolean {
  for (let i = 0; i < value.length; i++) {
    if (value.charCodeAt(i) > 0xff) return false;
  }
  return true;
}

const UPPER = /[A-Z]/;
const UPPER_RUNS = /[A-Z]+/g;
const LOWER = /[a-z]/;
const LOWER_RUNS = /[a-z]+/g;

/**
 * Byte-lowercase: only 0x41-0x5A (A-Z) change. Unlike `String#toLowerCase`, non-ASCII code units
 * (e.g. U+212A KELVIN SIGN, which `toLowerCase` turns into `k`) are left alone.
 * https://infra.spec.whatwg.org/#byte-lowercase
 */
export function byteLowercase(value: string): string {
  return UPPER.test(value) ? value.replace(UPPER_RUNS, (run) => run.toLowerCase()) : value;
}

/**
 * Byte-uppercase: only 0x61-0x7A (a-z) change.
 * https://infra.spec.whatwg.org/#byte-uppercase
 */
export function byteUppercase(value: string): string {
  return LOWER.test(value) ? value.replace(LOWER_RUNS, (run) => run.toUpperCase()) : value;
}

/**
 * Byte-case-insensitive comparison: exact, except that A-Z also match a-z.
 * https://infra.spec.whatwg.org/#byte-case-insensitive
 */
export function isByteCaseInsensitiveMatch(a: string, b: string): boolean {
  if (a.length !== b.length) return false;
  for (let i = 0; i < a.length; i++) {
    let x = a.charCodeAt(i);
    let y = b.charCodeAt(i);
    if (x === y) continue;
    if (x >= 0x41 && x <= 0x5a) x += 0x20;
    if (y >= 0x41 && y <= 0x5a) y += 0x20;
    if (x !== y) return false;
  }
  return true;
}

/** RFC 9110 tchar, indexed by code unit (0-127); anything above 127 is not a tchar. */
const TCHAR = new Uint8Array(128);
for (const c of "!#$%&'*+-.^_`|~0123456789ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz") {
  TCHAR[c.charCodeAt(0)] = 1;
}

/** Whether the code unit is an RFC 9110 `tchar`. https://www.rfc-editor.org/rfc/rfc9110#name-tokens */
export function isTchar(code: number): boolean {
  return code < 128 && TCHAR[code] === 1;
}

/**
 * Whether `value` is an RFC 9110 `token` (`1*tchar`): non-empty, every code unit a tchar.
 * https://www.rfc-editor.org/rfc/rfc9110#name-tokens
 */
export function isToken(value: string): boolean {
  if (value.length === 0) return false;
  for (let i = 0; i < value.length; i++) {
    const c = value.charCodeAt(i);
    if (c >= 128 || TCHAR[c] !== 1) return false;
  }
  return true;
}
