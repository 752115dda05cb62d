/**
 * Mixed content and CSP, generated cases (generate.ts) in real Chromium and Firefox over http and
 * https (the test certificate, harness/tls.ts) and through the engine (`createBrowserFetch` with the
 * page's context), compared load by load: what the page could do, the scheme the resource was
 * finally served over (upgrades), and Chromium's console lines. Every disagreement is printed.
 *
 * A missing browser fails under CI=true and is skipped (with the reason) elsewhere (the harness's
 * availability policy).
 */
import { afterAll, beforeAll, expect, it } from 'vitest';
import type { BrowserName } from '../harness/types.js';
import { describeWithBrowser } from '../harness/vitest.js';
import { type ContextBrowser, launchContextBrowser } from './_browsers.js';
import { compareRuns, type LoadResult, runInBrowser, runInEngine } from './_run.js';
import { ContextServers } from './_servers.js';
import { CONTEXT_SEED, generateContextPages, loadUrl } from './generate.js';

// CONTEXT_SEED=<n> / CONTEXT_PAGES=<n> run another seed or more pages (exploration); CI runs the default.
const SEED = process.env.CONTEXT_SEED ? Number(process.env.CONTEXT_SEED) : CONTEXT_SEED;
const PAGES = generateContextPages(SEED, process.env.CONTEXT_PAGES ? Number(process.env.CONTEXT_PAGES) : 50);
const CASES = PAGES.reduce((n, p) => n + p.loads.length, 0);

/** How many loads fell in each interesting class: each must be non-zero for the run to mean something. */
function classes(pages: typeof PAGES, seen: Map<string, LoadResult>): Record<string, number> {
  const c = { ok: 0, blocked: 0, upgraded: 0, cspLine: 0, mixedLine: 0 };
  for (const p of pages) {
    for (const l of p.loads) {
      const r = seen.get(l.id) as LoadResult;
      if (r.outcome === 'ok') c.ok++;
      else c.blocked++;
      const firstHttp = loadUrl(l).startsWith('http:') && !l.via;
      if (r.outcome === 'ok' && firstHttp && r.served === 'https') c.upgraded++;
      if (
        r.console.some((x) => x.includes('Content Security Policy') || x.includes('Content-Security-Policy'))
      )
        c.cspLine++;
      if (r.console.some((x) => x.startsWith('Mixed Content'))) c.mixedLine++;
    }
  }
  return c;
}

for (const name of ['chromium', 'firefox'] as BrowserName[]) {
  describeWithBrowser(name, `real ${name}: page context (mixed content, CSP)`, () => {
    let servers: ContextServers;
    let browser: ContextBrowser | undefined;
    beforeAll(async () => {
      servers = await ContextServers.start();
      browser = await launchContextBrowser(name);
    }, 90_000);
    afterAll(async () => {
      await browser?.close();
      await servers?.close();
    });

    it(`${CASES} generated loads agree with the engine (${name} profile, seed ${SEED})`, async () => {
      expect(CASES).toBeGreaterThanOrEqual(150);
      const seen = await runInBrowser(browser as ContextBrowser, servers, PAGES);
      const engine = await runInEngine(name, servers, PAGES, browser?.version);
      const diffs = compareRuns(name, PAGES, seen, engine);
      expect(diffs, JSON.stringify(diffs.slice(0, 5), null, 1)).toEqual([]);
      // Not vacuous: loads allowed, blocked and upgraded, and both mechanisms' lines seen.
      const c = classes(PAGES, seen);
      expect(c.ok).toBeGreaterThan(20);
      expect(c.blocked).toBeGreaterThan(20);
      expect(c.upgraded, JSON.stringify(c)).toBeGreaterThan(1);
      expect(c.cspLine).toBeGreaterThan(20);
      // Firefox's mixed-content lines do not reach WebDriver BiDi's log here (verdicts only).
      if (name === 'chromium') expect(c.mixedLine).toBeGreaterThan(10);
    }, 240_000);
  });
}
