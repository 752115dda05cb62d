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
// Page context: mixed content, CSP, Local Network Access (context), COEP/COOP values (isolation).
export { CONTEXT_PROFILES, type ContextProfile } from './context-profile.js';
export { corsCheck, getHeader, headerLines } from './cors-check.js';
export { type CspViolation, cspRequestCheck } from './csp.js';
export type { CspPolicy } from './csp-parse.js';
export {
  type ContextError,
  type ContextErrorKind,
  type CorsError,
  type CorsErrorDetails,
  type CorsErrorKind,
  chromiumMessage,
  firefoxMessage,
  makeCorsError,
  rejectionMessage,
} from './errors/index.js';
export { exposedHeaderNames } from './expose.js';
export { type ContextDestination, type MixedContentVerdict, mixedContentVerdict } from './mixed-content.js';
export { type PageCheckRequest, type PageCheckResult, pageContextCheck } from './page-checks.js';
export {
  createPageContext,
  type EmbedderPolicyValue,
  type OpenerPolicyValue,
  type PageContext,
  type PageContextInit,
} from './page-context.js';
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
