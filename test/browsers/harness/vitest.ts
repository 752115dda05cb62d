/**
 * vitest glue for the availability policy: `describeBrowser('chromium', (get) => { ... })` runs the
 * body with one launched runner (launched in beforeAll, closed in afterAll); with the browser
 * missing it fails under CI=true and is skipped, with the reason printed, elsewhere.
 */
import { afterAll, beforeAll, describe } from 'vitest';
import { browserSuitePolicy } from './available.js';
import { ChromiumRunner } from './chromium.js';
import { FirefoxRunner } from './firefox.js';
import type { CaseServers } from './servers.js';
import type { BrowserName, BrowserRunner, RunnerOptions } from './types.js';

export function describeBrowser(
  browser: BrowserName,
  body: (runner: () => BrowserRunner) => void,
  options: RunnerOptions & { servers?: () => CaseServers } = {},
): void {
  const policy = browserSuitePolicy(browser);
  const title = policy.run ? `real ${browser}` : `real ${browser} (${policy.reason})`;
  describe.runIf(policy.run || policy.fail)(title, () => {
    let runner: BrowserRunner | undefined;
    beforeAll(async () => {
      if (!policy.run) throw new Error(`CI=true and ${policy.reason}`);
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
