/**
 * Response-header names script may read on a CORS response.
 */
import { byteLowercase, isByteCaseInsensitiveMatch } from './bytes.js';
import { isForbiddenResponseHeaderName } from './request-headers.js';

/** The always-safelisted response-header names, lower-case. */
export const CORS_SAFELISTED_RESPONSE_HEADER_NAMES: ReadonlySet<string> = new Set([
  'cache-control',
  'content-language',
  'content-length',
  'content-type',
  'expires',
  'last-modified',
  'pragma',
]);

/**
 * A CORS-safelisted response-header name, given a list of header names `list` (the parsed
 * `Access-Control-Expose-Headers`): a byte-case-insensitive match for `Cache-Control`,
 * `Content-Language`, `Content-Length`, `Content-Type`, `Expires`, `Last-Modified`, `Pragma`, or any
 * item in `list` that is not a forbidden response-header name. A `*` in `list` is only the name `*`
 * here; the caller decides whether it means "all" (it does for requests without credentials).
 * https://fetch.spec.whatwg.org/#cors-safelisted-response-header-name
 */
export function isCorsSafelistedResponseHeaderName(name: string, list: readonly string[]): boolean {
  if (name.length <= 16 && CORS_SAFELISTED_RESPONSE_HEADER_NAMES.has(byteLowercase(name))) return true;
  for (const item of list) {
    if (isByteCaseInsensitiveMatch(name, item) && !isForbiddenResponseHeaderName(item)) return true;
  }
  return false;
}
