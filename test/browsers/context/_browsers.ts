/**
 * Chromium and Firefox for the page-context suites: the harness's flags and prefs, plus acceptance
 * of the test certificate (tls.ts). One browser and one page per suite; `visit` navigates and runs
 * one batch of loads, and returns the console lines logged meanwhile.
 */
import { chromium, type Browser as PwBrowser, type Page as PwPage } from 'playwright-core';
import puppeteer, { type Browser as PpBrowser, type Page as PpPage } from 'puppeteer-core';
import { browserPath } from '../harness/available.js';
import { CHROMIUM_ARGS } from '../harness/chromium.js';
import { FIREFOX_OFFLINE_PREFS } from '../harness/firefox.js';
import { CHROMIUM_TLS_ARGS } from '../harness/tls.js';
import type { BrowserName } from '../harness/types.js';
import { batchExpression, type LoadOutcome, type PageLoad } from './_page-script.js';

export interface Visit {
  outcomes: Record<string, LoadOutcome | 'timeout'>;
  console: string[];
}

export interface ContextBrowser {
  readonly name: BrowserName;
  readonly version: string;
  visit(pageUrl: string, loads: PageLoad[]): Promise<Visit>;
  close(): Promise<void>;
}

const sleep = (ms: number) => new Promise<void>((r) => setTimeout(r, ms));

/** Firefox prefs: the harness's offline prefs; mixed content as shipped (display content upgraded). */
export const CONTEXT_FIREFOX_PREFS: Record<string, unknown> = { ...FIREFOX_OFFLINE_PREFS };

/** More switches for one suite: Chromium arguments, Firefox prefs (set, or removed to get Firefox's default). */
export interface LaunchExtras {
  args?: string[];
  prefs?: Record<string, unknown>;
  defaultPrefs?: string[];
}

function firefoxPrefs(extras: LaunchExtras): Record<string, unknown> {
  const prefs: Record<string, unknown> = { ...CONTEXT_FIREFOX_PREFS, ...(extras.prefs ?? {}) };
  for (const k of extras.defaultPrefs ?? []) delete prefs[k];
  return prefs;
}

export async function launchContextBrowser(
  name: BrowserName,
  extras: LaunchExtras = {},
): Promise<ContextBrowser> {
  if (name === 'chromium') {
    const b: PwBrowser = await chromium.launch({
      executablePath: browserPath('chromium'),
      headless: true,
      args: [...CHROMIUM_ARGS, ...CHROMIUM_TLS_ARGS, ...(extras.args ?? [])],
      timeout: 60_000,
    });
    const context = await b.newContext({ ignoreHTTPSErrors: true });
    const page: PwPage = await context.newPage();
    const log: string[] = [];
    page.on('console', (m) => log.push(m.text()));
    return {
      name,
      version: b.version(),
      async visit(url, loads) {
        await page.goto(url, { waitUntil: 'load' });
        log.length = 0;
        const outcomes = (await page.evaluate(batchExpression(loads))) as Visit['outcomes'];
        await sleep(150);
        return { outcomes, console: log.splice(0) };
      },
      async close() {
        await b.close().catch(() => {});
      },
    };
  }
  const b: PpBrowser = await puppeteer.launch({
    browser: 'firefox',
    executablePath: browserPath('firefox'),
    headless: true,
    acceptInsecureCerts: true,
    extraPrefsFirefox: firefoxPrefs(extras),
    timeout: 60_000,
    protocolTimeout: 60_000,
  });
  const page: PpPage = await b.newPage();
  const log: string[] = [];
  page.on('console', (m) => log.push(m.text()));
  page.on('pageerror', (e) => log.push(e instanceof Error ? e.message : String(e)));
  return {
    name,
    version: await b.version(),
    async visit(url, loads) {
      await page.goto(url, { waitUntil: 'load' });
      log.length = 0;
      const outcomes = (await page.evaluate(batchExpression(loads))) as Visit['outcomes'];
      await sleep(150);
      return { outcomes, console: log.splice(0) };
    },
    async close() {
      await b.close().catch(() => {});
    },
  };
}
