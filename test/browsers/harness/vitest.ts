/**
 * vitest glue for the availability policy: `describeWithBrowser(browser, title, body)` around any
 * suite that needs a browser, and `describeBrowser('chromium', (get) => { ... })`, which runs the
 * body with one launched runner (launched in beforeAll, closed in afterAll); with the browser
 * missing it fails under CI=true and is skipped, with the reason printed, elsewhere.
 */
import { afterAll, beforeAll, describe } from 'vitest';
import { browserSuitePolicy } from './available.js';
import { ChromiumRunner } from './chromium.js';
import { FirefoxRunner } from './firefox.js';
import type { CaseServers } from './servers.js';
import type { BrowserName, BrowserRunner, RunnerOptions } from './types.js';

/**
 * The availability policy around a suite that drives `browser` itself (its own page, servers or
 * launch options): with the browser present the body runs; missing, the suite fails under CI=true
 * (its beforeAll throws) and is skipped, with the reason printed, elsewhere.
 */
export function describeWithBrowser(browser: BrowserName, title: string, body: () => void): void {
  const policy = browserSuitePolicy(browser);
  describe.runIf(policy.run || policy.fail)(policy.run ? title : `${title} (${policy.reason})`, () => {
    beforeAll(() => {
      if (!policy.run) throw new Error(`CI=true and ${policy.reason}`);
    });
    body();
  });
}

export function describeBrowser(
  browser: BrowserName,
  body: (runner: () => BrowserRunner) => void,
  options: RunnerOptions & { servers?: () => CaseServers } = {},
): void {
  describeWithBrowser(browser, `real ${browser}`, () => {
    let runner: BrowserRunner | undefined;
    beforeAll(async () => {
      const { servers, ...rest } = options;
      const opts = { ...rest, ...(servers ? { servers: servers() } : {}) };
      runner = browser === 'chromium' ? await ChromiumRunner.launch(opts) : await FirefoxRunner.launch(opts);
    });
    afterAll(async () => {
      await runner?.close();
    });
    body(() => {
      if (!runner) throw new Error(`${browser} runner not launched`);
      return runner;
    });
  });
}
