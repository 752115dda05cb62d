/**
 * crossorigin/browser: the browser's side of CORS and the Same-Origin Policy. The Fetch
 * Standard's algorithms as pure functions (classify, preflightRequest, checkPreflightResponse,
 * corsCheck, exposedHeaderNames, PreflightCache, redirectStep), browser profiles for Chromium,
 * Firefox, WebKit and the spec, each browser's exact error text, `createBrowserFetch()`, and
 * `sopAccess()`.
 */
export {
  type BrowserFetch,
  type BrowserFetchEvent,
  type BrowserFetchOptions,
  type BrowserRequestInit,
  createBrowserFetch,
  expectCorsAllowed,
} from './browser-fetch.js';
export { type Classification, type ClassifyResult, classify, type PreflightReason } from './classify.js';
export { corsCheck, getHeader, headerLines } from './cors-check.js';
export {
  type CorsError,
  type CorsErrorDetails,
  type CorsErrorKind,
  chromiumMessage,
  firefoxMessage,
  makeCorsError,
  rejectionMessage,
} from './errors/index.js';
export { exposedHeaderNames } from './expose.js';
export * from './isolation/index.js';
export {
  checkPreflightResponse,
  type PreflightCacheEntry,
  type PreflightCheckResult,
  type PreflightRequest,
  parseMaxAge,
  preflightRequest,
} from './preflight.js';
export { PreflightCache, type PreflightCacheOptions } from './preflight-cache.js';
export { type BrowserProfile, getProfile, PROFILES } from './profiles.js';
export { isRedirectStatus, type RedirectStep, redirectStep } from './redirect.js';
export { type NormalizeResult, normalizeRequest } from './request.js';
export {
  createScriptedFetch,
  type ScriptedAnswer,
  type ScriptedRequest,
  type ScriptedServer,
} from './scripted-fetch.js';
export { type SopAnswer, type SopOperation, type SopQuestion, sopAccess } from './sop.js';
export type {
  BodyKind,
  BrowserName,
  BrowserRequest,
  CredentialsMode,
  HeaderList,
  Initiator,
  NormalizedRequest,
  RedirectMode,
  RequestMode,
  ResponseTainting,
  ResponseView,
} from './types.js';
