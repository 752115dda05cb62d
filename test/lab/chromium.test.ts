/**
 * The lab in real Chromium (Debian's /usr/bin/chromium through playwright-core): every scenario of
 * the library runs, the real outcome equals the engine's prediction (chromium profile) and the
 * expected outcome; Chromium's console line equals the engine's; the page is keyboard and
 * screen-reader friendly; cases round-trip through the URL fragment; a mismatch is highlighted and
 * copied as a bug report; screenshots at 1280 and 390 px are written to test-artifacts/.
 * Without Chromium the suite fails under CI=true and is skipped (with the reason printed) elsewhere.
 */
import { mkdirSync } from 'node:fs';
import path from 'node:path';
import { type Browser, type BrowserContext, chromium, type Page } from 'playwright-core';
import { afterAll, beforeAll, expect, it } from 'vitest';
import { SCENARIOS } from '../../lab/src/scenarios.js';
import { releaseOf } from '../../src/browser/index.js';
import { type RunningLab, startLab } from '../../src/lab/server.js';
import { browserPath } from '../browsers/harness/available.js';
import { CHROMIUM_BASE_ARGS, CHROMIUM_LOOPBACK_ONLY } from '../browsers/harness/chromium.js';
import { CHROMIUM_TLS_ARGS } from '../browsers/harness/tls.js';
import { describeWithBrowser } from '../browsers/harness/vitest.js';
import {
  ARTIFACTS,
  buildLabPage,
  checkExpected,
  EXPECTED,
  type PageLike,
  runScenario,
} from './lab-driver.js';

// The lab's https twin has a self-signed certificate (made at start): accept it, as a user clicks through once.
const ARGS = [...CHROMIUM_BASE_ARGS, CHROMIUM_LOOPBACK_ONLY, ...CHROMIUM_TLS_ARGS];

describeWithBrowser('chromium', 'the lab in real Chromium', () => {
  let lab: RunningLab;
  let browser: Browser;
  let context: BrowserContext;
  let page: Page;
  const consoleLines: string[] = [];
  const pageErrors: string[] = [];

  const driver = (p: Page): PageLike => ({
    click: (s) => p.click(s),
    evaluate: (fn) => p.evaluate(fn),
    waitForRunEnd: async (ms) => {
      await p.waitForFunction(
        () => ['done', 'error'].includes(document.getElementById('results')?.dataset.state ?? ''),
        null,
        { timeout: ms },
      );
    },
  });

  beforeAll(async () => {
    const assetsDir = await buildLabPage('chromium');
    lab = await startLab({ assetsDir, version: 'test' });
    browser = await chromium.launch({ executablePath: browserPath('chromium'), headless: true, args: ARGS });
    context = await browser.newContext({ viewport: { width: 1280, height: 900 } });
    await context.grantPermissions(['clipboard-read', 'clipboard-write'], { origin: lab.origins.app });
    page = await context.newPage();
    page.on('console', (m) => consoleLines.push(m.text()));
    page.on('pageerror', (e) => pageErrors.push(e.message));
    await page.goto(lab.url);
    await page.waitForSelector('body[data-ready="true"]');
  });

  afterAll(async () => {
    await context?.close().catch(() => {});
    await browser?.close().catch(() => {});
    await lab?.close();
  });

  it('lists every scenario of the library, each with an expectation', async () => {
    const ids = await page.$$eval('[data-scenario]', (bs) =>
      bs.map((b) => (b as HTMLElement).dataset.scenario),
    );
    expect([...ids].sort()).toEqual(SCENARIOS.map((s) => s.id).sort());
    expect(Object.keys(EXPECTED).sort()).toEqual(SCENARIOS.map((s) => s.id).sort());
  });

  for (const s of SCENARIOS) {
    it(`scenario ${s.id}: Chromium and the engine agree, with the expected outcome`, async () => {
      consoleLines.length = 0;
      const rec = await runScenario(driver(page), s.id);
      // The lab follows the profile of the release running it (detected from its User-Agent).
      expect(rec.prediction.profile).toBe(`chromium@${releaseOf(browser.version())}`);
      expect(rec.engine).toBe('page');
      expect(rec.differences).toEqual([]);
      expect(checkExpected(s.id, rec)).toEqual([]);
      // The page says so, visibly.
      await expect(page.locator('#verdict .agree').count()).resolves.toBe(1);
      // Chromium's console line is the one the engine predicted (the engine's run has its own URL),
      // for what the page itself loads (fetch, and the CORP/COEP lines of an image or a script).
      for (const a of rec.prediction.attempts) {
        if (!a.console || !['fetch', 'image', 'script'].includes(s.labCase.kind)) continue;
        const predicted = a.console.replaceAll(`/${rec.run}-engine/`, `/${rec.run}/`);
        await expect.poll(() => consoleLines, { timeout: 3000 }).toContain(predicted);
      }
    });
  }

  it('"Run every scenario", with the engine in the lab server (Node), reports that all agree', {
    timeout: 120_000,
  }, async () => {
    await page.selectOption('#engine-where', 'server');
    await page.click('#run-all');
    await page.waitForFunction(
      () => document.getElementById('run-all-summary')?.dataset.state === 'done',
      null,
      {
        timeout: 110_000,
      },
    );
    const agree = await page.$eval('#run-all-summary', (e) => (e as HTMLElement).dataset.agree);
    expect(
      await page.evaluate(() => (window as unknown as { __labLast: { engine: string } }).__labLast.engine),
    ).toBe('server');
    expect(Number(agree)).toBe(SCENARIOS.length);
    expect(await page.textContent('#run-all-summary')).toContain(
      `${SCENARIOS.length} of ${SCENARIOS.length} agree`,
    );
    await expect(page.locator('.run-all-list li.differs').count()).resolves.toBe(0);
    await page.selectOption('#engine-where', 'page');
  });

  it('raised no page errors while running the library', () => {
    expect(pageErrors).toEqual([]);
  });

  it('round-trips an edited case through the URL fragment', async () => {
    await page.click('[data-scenario="put-authorization"]');
    await page.fill('#method', 'DELETE');
    await page.click('#share');
    const url = page.url();
    expect(url).toMatch(/#case=/);
    const other = await context.newPage();
    await other.goto(url);
    await other.waitForSelector('body[data-ready="true"]');
    expect(await other.inputValue('#method')).toBe('DELETE');
    expect(await other.textContent('#editor-title')).toBe('Custom case');
    expect(await other.inputValue('#headers')).toContain('Authorization: Bearer lab-token');
    await other.goto(`${lab.url}#scenario=max-age`);
    await other.waitForFunction(() =>
      (document.getElementById('editor-title')?.textContent ?? '').includes('Max-Age'),
    );
    expect(await other.inputValue('#repeat')).toBe('2');
    await other.close();
  });

  it('highlights a mismatch and copies it as a bug report (engine told to follow the spec profile)', async () => {
    // Chromium lets Access-Control-Allow-Headers: * cover Authorization; the Fetch Standard does not.
    await page.click('[data-scenario="put-authorization"]');
    await page.selectOption('#policy-type', 'raw');
    await page.fill('#preflight-status', '204');
    await page.fill(
      '#preflight-headers',
      'Access-Control-Allow-Origin: {origin}\nAccess-Control-Allow-Methods: PUT\nAccess-Control-Allow-Headers: *',
    );
    await page.fill('#actual-headers', 'Access-Control-Allow-Origin: {origin}');
    await page.selectOption('#profile', 'spec');
    await page.click('#run');
    await driver(page).waitForRunEnd(30_000);
    const rec = (await page.evaluate(() => (window as unknown as { __labLast: unknown }).__labLast)) as {
      real: { result: string }[];
      differences: { field: string; browser: string; engine: string }[];
    };
    expect(rec.real[0]?.result).toBe('allowed');
    expect(rec.differences.some((d) => d.field === 'result' && d.engine === 'blocked')).toBe(true);
    await expect(page.locator('.mismatch').isVisible()).resolves.toBe(true);
    await expect(page.locator('.side.differs').count()).resolves.toBe(2);
    await page.click('#copy-report');
    const report = await page.evaluate(() => navigator.clipboard.readText());
    expect(report).toContain('the browser and the engine disagree');
    expect(report).toContain('| 1 | result | allowed | blocked |');
    expect(report).toContain('#case=');
    await page.screenshot({ path: path.join(ARTIFACTS, 'lab-mismatch-1280.png'), fullPage: true });
    await page.selectOption('#profile', 'auto');
  });

  it('labels every control, and the keyboard reaches the library, the editor and Run in order', async () => {
    const unlabeled = await page.$$eval('input, select, textarea', (els) =>
      els
        .filter((e) => !(e as HTMLInputElement).labels?.length && !e.getAttribute('aria-label'))
        .map((e) => e.id || e.outerHTML.slice(0, 60)),
    );
    expect(unlabeled).toEqual([]);
    await page.goto(`${lab.url}#scenario=wildcard`);
    await page.reload();
    await page.waitForSelector('body[data-ready="true"]');
    const order: string[] = [];
    for (let i = 0; i < 60; i++) {
      await page.keyboard.press('Tab');
      order.push(
        await page.evaluate(() => {
          const a = document.activeElement as HTMLElement | null;
          return a?.id || a?.dataset.scenario || a?.tagName || '';
        }),
      );
    }
    const at = (x: string) => order.indexOf(x);
    expect(at('profile')).toBeGreaterThanOrEqual(0);
    expect(at('no-acao')).toBeGreaterThan(at('profile'));
    expect(at('kind')).toBeGreaterThan(at('proxy'));
    expect(at('run')).toBeGreaterThan(at('kind'));
    // Enter on a focused scenario chooses it and moves focus to the case heading; Enter on Run runs it.
    await page.focus('[data-scenario="no-acao"]');
    await page.keyboard.press('Enter');
    expect(await page.evaluate(() => document.activeElement?.id)).toBe('editor-title');
    await page.focus('#run');
    await page.keyboard.press('Enter');
    await driver(page).waitForRunEnd(30_000);
    expect(await page.textContent('#status')).toContain('agree');
  });

  it('has landmarks, ordered headings, and text contrast of at least 4.5:1 (WCAG AA)', async () => {
    await runScenario(driver(page), 'preflight-500');
    await page.selectOption('#profile', 'spec');
    await runScenario(driver(page), 'allow-headers-star-authorization');
    await page.selectOption('#profile', 'auto');
    const report = await page.evaluate(() => {
      const parse = (c: string): [number, number, number, number] => {
        const m = c.match(/[\d.]+/g)?.map(Number) ?? [0, 0, 0, 1];
        return [m[0] ?? 0, m[1] ?? 0, m[2] ?? 0, m[3] ?? 1];
      };
      const lum = ([r, g, b]: number[]) => {
        const f = (v: number) => {
          const x = v / 255;
          return x <= 0.03928 ? x / 12.92 : ((x + 0.055) / 1.055) ** 2.4;
        };
        return 0.2126 * f(r ?? 0) + 0.7152 * f(g ?? 0) + 0.0722 * f(b ?? 0);
      };
      const background = (el: Element | null): number[] => {
        for (let e = el; e; e = e.parentElement) {
          const c = parse(getComputedStyle(e).backgroundColor);
          if (c[3] > 0) return c;
        }
        return [255, 255, 255, 1];
      };
      const low: string[] = [];
      let checked = 0;
      const walker = document.createTreeWalker(document.body, NodeFilter.SHOW_TEXT);
      for (let n = walker.nextNode(); n; n = walker.nextNode()) {
        const el = n.parentElement;
        if (
          !el ||
          !n.textContent?.trim() ||
          el.closest('[hidden], .stage, .skip, details:not([open]) > :not(summary)')
        )
          continue;
        if (el.getClientRects().length === 0) continue;
        const fg = parse(getComputedStyle(el).color);
        const l1 = lum(fg);
        const l2 = lum(background(el));
        const ratio = (Math.max(l1, l2) + 0.05) / (Math.min(l1, l2) + 0.05);
        checked++;
        if (ratio < 4.5)
          low.push(`${ratio.toFixed(2)} ${el.tagName}.${el.className}: ${n.textContent.trim().slice(0, 40)}`);
      }
      const headings = [...document.querySelectorAll('h1, h2, h3, h4')].map((h) => Number(h.tagName[1]));
      const jumps = headings.filter((lv, i) => i > 0 && lv > (headings[i - 1] ?? 1) + 1);
      return {
        low,
        checked,
        jumps,
        h1: document.querySelectorAll('h1').length,
        lang: document.documentElement.lang,
        landmarks: ['header', 'nav', 'main', 'footer'].filter((t) => document.querySelector(t)),
      };
    });
    expect(report.checked).toBeGreaterThan(100);
    expect(report.low).toEqual([]);
    expect(report.jumps).toEqual([]);
    expect(report.h1).toBe(1);
    expect(report.lang).toBe('en');
    expect(report.landmarks).toEqual(['header', 'nav', 'main', 'footer']);
  });

  it('writes screenshots at 1280 and 390 px, with nothing wider than the viewport', async () => {
    mkdirSync(ARTIFACTS, { recursive: true });
    for (const [width, height, name] of [
      [1280, 900, 'desktop-1280'],
      [390, 844, 'narrow-390'],
    ] as const) {
      await page.setViewportSize({ width, height });
      await runScenario(driver(page), 'redirect-null');
      await page.evaluate((w) => {
        for (const d of document.querySelectorAll('.results details')) (d as HTMLDetailsElement).open = true;
        // As a person sees it on a phone: the library folded after choosing.
        (document.getElementById('library') as HTMLDetailsElement).open = w > 760;
      }, width);
      const overflow = await page.evaluate(() => document.documentElement.scrollWidth - window.innerWidth);
      expect(overflow).toBeLessThanOrEqual(0);
      await page.screenshot({ path: path.join(ARTIFACTS, `lab-${name}.png`), fullPage: true });
      // Slices of the full page, each the size of a screen, to look at closely.
      const total = await page.evaluate(() => document.documentElement.scrollHeight);
      for (let y = 0, i = 0; y < total && i < 12; y += height, i++) {
        await page.screenshot({
          path: path.join(ARTIFACTS, `lab-${name}-part${i}.png`),
          fullPage: true,
          clip: { x: 0, y, width, height: Math.min(height, total - y) },
        });
      }
      await runScenario(driver(page), 'max-age');
      await page.screenshot({ path: path.join(ARTIFACTS, `lab-${name}-max-age.png`), fullPage: true });
    }
    await page.setViewportSize({ width: 1280, height: 900 });
  });
});
