/**
 * The lab in real Firefox ESR (Debian's /usr/bin/firefox-esr through puppeteer-core, WebDriver
 * BiDi, with the harness's offline prefs): every scenario of the library runs and the real outcome
 * equals the engine's prediction (firefox profile, detected from the user agent) and the expected
 * outcome. Without Firefox the suite fails under CI=true and is skipped (reason printed) elsewhere.
 */
import puppeteer, { type Browser, type Page } from 'puppeteer-core';
import { afterAll, beforeAll, expect, it } from 'vitest';
import { SCENARIOS } from '../../lab/src/scenarios.js';
import { releaseOf } from '../../src/browser/index.js';
import { type RunningLab, startLab } from '../../src/lab/server.js';
import { browserPath } from '../browsers/harness/available.js';
import { FIREFOX_PREFS, FIREFOX_WINDOW } from '../browsers/harness/firefox.js';
import { describeWithBrowser } from '../browsers/harness/vitest.js';
import { buildLabPage, checkExpected, type PageLike, runScenario } from './lab-driver.js';

describeWithBrowser('firefox', 'the lab in real Firefox', () => {
  let lab: RunningLab;
  let browser: Browser;
  let page: Page;
  let driver: PageLike;

  beforeAll(async () => {
    const assetsDir = await buildLabPage('firefox');
    lab = await startLab({ assetsDir, version: 'test' });
    browser = await puppeteer.launch({
      browser: 'firefox',
      executablePath: browserPath('firefox'),
      headless: true,
      // The lab's https twin has a self-signed certificate (made at start).
      acceptInsecureCerts: true,
      extraPrefsFirefox: FIREFOX_PREFS,
      ...FIREFOX_WINDOW,
      timeout: 60_000,
      protocolTimeout: 60_000,
    });
    page = await browser.newPage();
    await page.goto(lab.url);
    await page.waitForSelector('body[data-ready="true"]');
    driver = {
      click: (s) => page.click(s),
      evaluate: (fn) => page.evaluate(fn),
      waitForRunEnd: async (ms) => {
        await page.waitForFunction(
          () => ['done', 'error'].includes(document.getElementById('results')?.dataset.state ?? ''),
          { timeout: ms },
        );
      },
    };
    // A fresh Firefox does not serve its first few preflights from the preflight cache (see
    // test/browsers/README.md, "Artefacts worked around"): warm it up as the harness does, with
    // preflighted runs (bounded) until a max-age run is answered from the cache.
    for (let i = 0; i < 8; i++) {
      const rec = await runScenario(driver, 'max-age');
      if (rec.realWire.filter((w) => w.preflight).length === 1) break;
    }
  });

  afterAll(async () => {
    await browser?.close().catch(() => {});
    await lab?.close();
  });

  for (const s of SCENARIOS) {
    it(`scenario ${s.id}: Firefox and the engine agree, with the expected outcome`, async () => {
      const rec = await runScenario(driver, s.id);
      // The lab follows the profile of the release running it (detected from its User-Agent).
      expect(rec.prediction.profile).toBe(`firefox@${releaseOf(await browser.version())}`);
      expect(rec.engine).toBe('page');
      expect(rec.differences).toEqual([]);
      expect(checkExpected(s.id, rec)).toEqual([]);
    });
  }
});
