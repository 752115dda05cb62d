/**
 * Whether a browser binary is here, and the policy for suites that need one: when it is missing the
 * suite FAILS under `CI=true` and is otherwise skipped with the reason printed (never a silent pass).
 */
import { accessSync, constants } from 'node:fs';
import { CHROMIUM_PATH_DEFAULT, FIREFOX_PATH_DEFAULT } from './paths.js';
import type { BrowserName } from './types.js';

export interface Availability {
  browser: BrowserName;
  ok: boolean;
  path: string;
  /** Why not, when not. */
  reason: string | null;
}

export function browserPath(browser: BrowserName): string {
  return browser === 'chromium'
    ? (process.env.CHROMIUM_PATH ?? CHROMIUM_PATH_DEFAULT)
    : (process.env.FIREFOX_PATH ?? FIREFOX_PATH_DEFAULT);
}

export function browserAvailable(browser: BrowserName): Availability {
  const path = browserPath(browser);
  try {
    accessSync(path, constants.X_OK);
    return { browser, ok: true, path, reason: null };
  } catch {
    return {
      browser,
      ok: false,
      path,
      reason: `${browser} not found at ${path} (install Debian's ${browser === 'chromium' ? 'chromium' : 'firefox-esr'} package, or set ${browser === 'chromium' ? 'CHROMIUM_PATH' : 'FIREFOX_PATH'})`,
    };
  }
}

export type SuitePolicy = { run: true } | { run: false; fail: boolean; reason: string };

/**
 * What a browser suite must do: run; or, with the browser missing, fail (CI) or skip (elsewhere).
 * The skip reason is printed here so a skip is never silent.
 */
export function browserSuitePolicy(browser: BrowserName, env: NodeJS.ProcessEnv = process.env): SuitePolicy {
  const a = browserAvailable(browser);
  if (a.ok) return { run: true };
  const fail = env.CI === 'true';
  const reason = a.reason ?? `${browser} missing`;
  if (!fail) process.stderr.write(`[crossorigin browser tests] SKIPPING ${browser} suite: ${reason}\n`);
  return { run: false, fail, reason };
}
