/**
 * Builds the `CorsError` value for a failure: the kind, the console text of the chosen browser,
 * and the fix. WebKit and the spec profile use Chromium's wording (WebKit's own is not modelled).
 */
import type { BrowserName } from '../types.js';
import { chromiumMessage } from './chromium.js';
import { contextFix, contextMessage, isContextErrorKind } from './context.js';
import { firefoxMessage } from './firefox.js';
import { fixFor } from './fix.js';
import { isIsolationErrorKind, isolationFix, isolationMessage } from './isolation.js';
import type { CorsError, CorsErrorDetails } from './kinds.js';

export { chromiumMessage, chromiumResourceKind } from './chromium.js';
export {
  CONTEXT_ERROR_KINDS,
  CONTEXT_TEMPLATES,
  type ContextDetails,
  type ContextErrorKind,
  contextFix,
  contextMessage,
  isContextErrorKind,
} from './context.js';
export {
  type Candidate,
  type Diagnosis,
  diagnose,
  type Fix,
  type Observation,
  type ObservedAnswer,
  PAGE_KINDS,
  REFUSAL_HEADER,
  whatWasSent,
} from './diagnose.js';
export { firefoxMessage } from './firefox.js';
export { fixFor } from './fix.js';
export {
  ISOLATION_TEMPLATES,
  type IsolationErrorKind,
  isIsolationErrorKind,
  isolationFix,
  isolationMessage,
} from './isolation.js';
export type { CorsError, CorsErrorDetails, CorsErrorKind } from './kinds.js';
export { PREFLIGHT_TWIN } from './kinds.js';
export { describePreflightReason } from './reasons.js';
export {
  allowlistSnippet,
  type PolicyConfigShape,
  type PolicyShape,
  policyConfigFor,
  type Snippets,
  snippetsFor,
} from './snippets.js';

const PREFLIGHT_KINDS = new Set([
  'preflight-invalid-status',
  'preflight-disallowed-redirect',
  'invalid-allow-methods-preflight-response',
  'invalid-allow-headers-preflight-response',
  'method-disallowed-by-preflight-response',
  'header-disallowed-by-preflight-response',
]);

/** Makes the error value for `details` as `browser` reports it. */
export function makeCorsError(details: CorsErrorDetails, browser: BrowserName): CorsError {
  if (isIsolationErrorKind(details.kind))
    return makeBeyondCorsError(details, browser, isolationMessage, isolationFix);
  if (isContextErrorKind(details.kind))
    return makeBeyondCorsError(details, browser, contextMessage, contextFix);
  const { message, logged } = browser === 'firefox' ? firefoxMessage(details) : chromiumMessage(details);
  return {
    ...details,
    name: 'CorsError',
    browser,
    message,
    logged,
    fix: fixFor(details),
    preflight: details.kind.startsWith('preflight-') || PREFLIGHT_KINDS.has(details.kind),
  };
}

/**
 * A refusal beyond CORS (./isolation.ts: CORP, COEP, ORB; ./context.ts: the page's mixed content,
 * CSP, Local Network Access): its own line and fix; never a preflight's.
 */
function makeBeyondCorsError(
  details: CorsErrorDetails,
  browser: BrowserName,
  line: (d: CorsErrorDetails, b: BrowserName) => { message: string; logged: boolean },
  fix: (d: CorsErrorDetails) => string,
): CorsError {
  const { message, logged } = line(details, browser);
  return { ...details, name: 'CorsError', browser, message, logged, fix: fix(details), preflight: false };
}

/** The TypeError message a rejected fetch() carries in each browser. */
export function rejectionMessage(browser: BrowserName): string {
  switch (browser) {
    case 'firefox':
      return 'NetworkError when attempting to fetch resource.';
    case 'webkit':
      return 'Load failed';
    default:
      return 'Failed to fetch';
  }
}
export { type ConsoleBrowser, type ConsoleTemplate, TEMPLATES } from './console-templates.js';
export {
  type CopiedParse,
  type CopiedRequest,
  parseCopiedFetch,
  parseCurl,
  shellWords,
} from './copied-request.js';
export {
  type ConsoleExplanation,
  explainConsoleText,
  explainLine,
  type LineExplanation,
} from './explain-console.js';
export {
  type NetworkLine,
  type ParsedConsole,
  type ParsedLine,
  parseConsole,
  parseConsoleMessage,
  type UnknownLine,
} from './parse-console.js';
export { ruleFor } from './rules.js';
