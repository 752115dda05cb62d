/**
 * Builds the `CorsError` value for a failure: the kind, the console text of the chosen browser,
 * and the fix. WebKit and the spec profile use Chromium's wording (WebKit's own is not modelled).
 */
import type { BrowserName } from '../types.js';
import { chromiumMessage } from './chromium.js';
import { firefoxMessage } from './firefox.js';
import { fixFor } from './fix.js';
import type { CorsError, CorsErrorDetails } from './kinds.js';

export { chromiumMessage, chromiumResourceKind } from './chromium.js';
export * from './context.js';
export { firefoxMessage } from './firefox.js';
export { fixFor } from './fix.js';
export type { CorsError, CorsErrorDetails, CorsErrorKind } from './kinds.js';
export { PREFLIGHT_TWIN } from './kinds.js';

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
