/**
 * The real-browser harness: loopback servers for 'cors-exchange' cases, Chromium (playwright-core)
 * and Firefox (puppeteer-core over WebDriver BiDi) runners, the availability policy and a loopback
 * fetch for the engine, the engine runner and the comparison. See README.md.
 */
export {
  type Availability,
  browserAvailable,
  browserPath,
  browserSuitePolicy,
  type SuitePolicy,
} from './available.js';
export {
  CHROMIUM_ARGS,
  CHROMIUM_BASE_ARGS,
  CHROMIUM_LOOPBACK_ONLY,
  ChromiumRunner,
  type LaunchOptions,
} from './chromium.js';
export {
  type CaseComparison,
  chromiumCorsLines,
  compareCase,
  type FieldDiff,
  formatDisagreement,
} from './compare.js';
export {
  browserCookieJar,
  type EngineObservation,
  type EngineRunObservation,
  pageInit,
  runEngineCases,
} from './engine.js';
export {
  FIREFOX_COOKIE_PREFS,
  FIREFOX_OFFLINE_PREFS,
  FIREFOX_PREFS,
  type FirefoxLaunchOptions,
  FirefoxRunner,
} from './firefox.js';
export { createLoopbackFetch, type LoopbackFetch, loopbackLookup } from './net.js';
export {
  BLANK_PAGE,
  CaseServers,
  type CookieSpec,
  DEFAULT_COOKIES,
  type LocalCase,
  localizeCase,
  localizeUrl,
  localizeValue,
  NO_CORS_PREFLIGHT_ANSWER,
  type Ports,
  ROLES,
  roleOfUrl,
} from './servers.js';
export type * from './types.js';

import { ChromiumRunner } from './chromium.js';
import { FirefoxRunner } from './firefox.js';
import type { CaseServers } from './servers.js';
import type { BrowserName, BrowserRunner, RunnerOptions } from './types.js';

/** Launches one browser's runner on the given servers (or its own). */
export function launchBrowser(
  browser: BrowserName,
  options: RunnerOptions & { servers?: CaseServers } = {},
): Promise<BrowserRunner> {
  return browser === 'chromium' ? ChromiumRunner.launch(options) : FirefoxRunner.launch(options);
}
