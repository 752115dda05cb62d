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
  type BrowserFetchResponseEvent,
  type BrowserRequestInit,
  createBrowserFetch,
  expectCorsAllowed,
} from './browser-fetch.js';
export { type Classification, type ClassifyResult, classify, type PreflightReason } from './classify.js';
// The page a request comes from (mixed content, CSP, Local Network Access; COEP/COOP for isolation).
export { CONTEXT_PROFILES, type ContextProfile } from './context-profile.js';
export { corsCheck, getHeader, headerLines } from './cors-check.js';
export { type CspViolation, cspRequestCheck } from './csp.js';
export type { CspPolicy } from './csp-parse.js';
// HAR re-judging runs the engine, so it is not part of errors/index (no cycle).
export { type HarEntry, type HarExchange, type HarParse, judgeHar, parseHar } from './errors/har.js';
// The one place that explains a refusal (owned by the explain area, src/browser/errors/).
export {
  allowlistSnippet,
  type Candidate,
  CONTEXT_TEMPLATES,
  type ConsoleExplanation,
  type ContextDetails,
  type ContextErrorKind,
  type CopiedParse,
  type CopiedRequest,
  type CorsError,
  type CorsErrorDetails,
  type CorsErrorKind,
  chromiumMessage,
  type Diagnosis,
  describePreflightReason,
  diagnose,
  explainConsoleText,
  explainLine,
  type Fix,
  firefoxMessage,
  isContextErrorKind,
  type LineExplanation,
  makeCorsError,
  type Observation,
  type ObservedAnswer,
  PAGE_KINDS,
  type ParsedConsole,
  type ParsedLine,
  type PolicyConfigShape,
  type PolicyShape,
  parseConsole,
  parseConsoleMessage,
  parseCopiedFetch,
  parseCurl,
  policyConfigFor,
  REFUSAL_HEADER,
  rejectionMessage,
  ruleFor,
  type Snippets,
  snippetsFor,
  TEMPLATES as CONSOLE_TEMPLATES,
  whatWasSent,
} from './errors/index.js';
export { exposedHeaderNames } from './expose.js';
export * from './isolation/index.js';
export { type AddressSpace, addressSpaceOfHost, localNetworkAccessCheck } from './local-network.js';
export { type ContextDestination, type MixedContentVerdict, mixedContentVerdict } from './mixed-content.js';
export {
  type PageCheckRequest,
  type PageCheckResult,
  type PageRefusal,
  pageContextCheck,
} from './page-checks.js';
export { createPageContext, type PageContext, type PageContextInit } from './page-context.js';
export {
  checkPreflightResponse,
  type PreflightCacheEntry,
  type PreflightCheckResult,
  type PreflightRequest,
  parseMaxAge,
  preflightRequest,
} from './preflight.js';
export { PreflightCache, type PreflightCacheOptions } from './preflight-cache.js';
export { type BrowserProfile, PROFILES } from './profiles.js';
export { isRedirectStatus, type RedirectStep, redirectStep } from './redirect.js';
export {
  getProfile,
  OLDER_RELEASES,
  profileForRelease,
  type ReleaseChanges,
  releaseOf,
} from './releases.js';
export { isNormalizedRequest, type NormalizeResult, normalizeRequest } from './request.js';
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
