/**
 * crossorigin's private Fetch Standard primitives, shared by the browser engine and the server
 * policy (and the CSRF guard and proxy). One function per spec definition, each with its link.
 * Failures are values (null, false, or a typed reason); nothing here throws on bad input.
 *
 * Strings are byte strings: the isomorphic decoding of header bytes, one code unit per byte, as
 * node:http and the Fetch `Headers` object give them.
 * https://fetch.spec.whatwg.org/
 */
export {
  byteLowercase,
  byteUppercase,
  isByteCaseInsensitiveMatch,
  isByteString,
  isHttpNewlineByte,
  isHttpTabOrSpace,
  isHttpWhitespace,
  isTchar,
  isToken,
} from './bytes.js';
export { type RequestHeaderRules, SPEC_REQUEST_HEADER_RULES } from './header-rules.js';
export {
  type CollectedQuotedString,
  collectAnHttpQuotedString,
  DEFAULT_HEADER_LIST_LIMITS,
  extractHeaderListValues,
  extractHeaderListValuesBounded,
  getDecodeAndSplit,
  type HeaderListFailureReason,
  type HeaderListGrammar,
  type HeaderListLimits,
  type HeaderListValues,
  isHeaderName,
  isHeaderValue,
  normalizeHeaderValue,
} from './headers.js';
export {
  CORS_SAFELISTED_METHODS,
  FORBIDDEN_METHODS,
  isCorsSafelistedMethod,
  isForbiddenMethod,
  isMethod,
  NORMALIZED_METHODS,
  normalizeMethod,
} from './methods.js';
export { type ParsedMimeType, parseMimeType } from './mime.js';
export {
  parseSingleRangeHeaderValue,
  parseSingleRangeHeaderValueDetailed,
  type SingleRange,
} from './range.js';
export {
  CORS_SAFELISTED_TOTAL_MAX_LENGTH,
  CORS_SAFELISTED_VALUE_MAX_LENGTH,
  corsSafelistedRequestHeaderFailure,
  FORBIDDEN_REQUEST_HEADER_NAMES,
  isCorsNonWildcardRequestHeaderName,
  isCorsSafelistedRequestHeader,
  isCorsUnsafeRequestHeaderByte,
  isForbiddenRequestHeader,
  isForbiddenResponseHeaderName,
  isNoCorsSafelistedRequestHeader,
  isNoCorsSafelistedRequestHeaderName,
  isPrivilegedNoCorsRequestHeaderName,
  METHOD_OVERRIDE_HEADER_NAMES,
  NO_CORS_SAFELISTED_REQUEST_HEADER_NAMES,
  type SafelistFailure,
} from './request-headers.js';
export {
  CORS_SAFELISTED_RESPONSE_HEADER_NAMES,
  isCorsSafelistedResponseHeaderName,
} from './response-headers.js';
export {
  type CorsUnsafeRequestHeaderNames,
  convertHeaderNamesToSortedLowercaseSet,
  corsUnsafeRequestHeaderNames,
  corsUnsafeRequestHeaderNamesDetailed,
} from './unsafe-names.js';
