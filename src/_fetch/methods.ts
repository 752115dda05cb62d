/**
 * Methods: https://fetch.spec.whatwg.org/#methods
 */
import { byteUppercase, isToken } from './bytes.js';

/**
 * A method is a byte sequence that matches the `method` token production (RFC 9110: `token`).
 * https://fetch.spec.whatwg.org/#concept-method
 */
export function isMethod(method: string): boolean {
  return isToken(method);
}

/** The CORS-safelisted methods, exactly as written (the comparison is byte-case-sensitive). */
export const CORS_SAFELISTED_METHODS: ReadonlySet<string> = new Set(['GET', 'HEAD', 'POST']);

/**
 * A CORS-safelisted method is a method that is `GET`, `HEAD`, or `POST` — byte for byte, so `get`
 * is not one (normalize first when the method came from an API that normalizes).
 * https://fetch.spec.whatwg.org/#cors-safelisted-method
 */
export function isCorsSafelistedMethod(method: string): boolean {
  return CORS_SAFELISTED_METHODS.has(method);
}

/** Forbidden methods, upper-case (the comparison is byte-case-insensitive). */
export const FORBIDDEN_METHODS: ReadonlySet<string> = new Set(['CONNECT', 'TRACE', 'TRACK']);

/**
 * A forbidden method is a method that is a byte-case-insensitive match for `CONNECT`, `TRACE`, or
 * `TRACK`.
 * https://fetch.spec.whatwg.org/#forbidden-method
 */
export function isForbiddenMethod(method: string): boolean {
  // Cheap length guard before case folding: the three names are 5 or 7 bytes long.
  if (method.length !== 5 && method.length !== 7) return false;
  return FORBIDDEN_METHODS.has(byteUppercase(method));
}

/** The methods that normalization upper-cases. */
export const NORMALIZED_METHODS: ReadonlySet<string> = new Set([
  'DELETE',
  'GET',
  'HEAD',
  'OPTIONS',
  'POST',
  'PUT',
]);

/**
 * To normalize a method, if it is a byte-case-insensitive match for `DELETE`, `GET`, `HEAD`,
 * `OPTIONS`, `POST`, or `PUT`, byte-uppercase it. Anything else (`patch`, `Egg`) is returned as is.
 * https://fetch.spec.whatwg.org/#concept-method-normalize
 */
export function normalizeMethod(method: string): string {
  if (method.length < 3 || method.length > 7) return method;
  const upper = byteUppercase(method);
  return NORMALIZED_METHODS.has(upper) ? upper : method;
}
