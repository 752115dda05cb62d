/**
 * `crossorigin/origin`: origins as the URL and HTML Standards define them: parse, serialize,
 * same-origin, same-site, potentially trustworthy, the `Origin` request header, and origin
 * patterns compiled into one fast matcher.
 */
export type { OriginHeaderFailure, OriginHeaderResult } from './header.js';
export { MAX_ORIGIN_HEADER_LENGTH, parseOriginHeader } from './header.js';
export type { OpaqueOrigin, Origin, TupleOrigin } from './origin.js';
export { isSameOrigin, opaqueOrigin, parseOrigin, serializeOrigin } from './origin.js';
export type {
  OriginMatcher,
  OriginPatternProblem,
  OriginPatternProblemReason,
  OriginPatternResult,
  ParsedOriginPattern,
} from './pattern.js';
export { createOriginMatcher, OriginPatternError, parseOriginPattern } from './pattern.js';
/** @internal The allocation-free serialized-origin scanner the server policy's hot path uses; not a stable API. */
export { type OriginParts, scanSerializedTupleOriginFast } from './serialized.js';
export {
  isPotentiallyTrustworthyOrigin,
  isSameSite,
  isSchemelesslySameSite,
  registrableDomain,
} from './site.js';
