/**
 * CSP `upgrade-insecure-requests`, in real Chromium and Firefox and through `createBrowserFetch`
 * with the page's context: http and https pages whose policy has the directive load fetch, XHR,
 * image and script URLs on http: (`api.test`, `127.0.0.1`, `localhost`; directly and through a
 * redirect to http:), compared load by load: what the page could do, the scheme the resource was
 * finally served over, and Chromium's console lines.
 */
import { afterAll, beforeAll, expect, it } from 'vitest';
import type { BrowserName } from '../harness/types.js';
import { describeWithBrowser } from '../harness/vitest.js';
import { type ContextBrowser, launchContextBrowser } from './_browsers.js';
import type { LoadKind } from './_page-script.js';
import { compareRuns, runInBrowser, runInEngine } from './_run.js';
import { ContextServers } from './_servers.js';
import type { ContextLoad, ContextPage, Endpoint } from './generate.js';

const KINDS: readonly LoadKind[] = ['fetch', 'xhr', 'img', 'script'];
const TARGETS: readonly Endpoint[] = [
  { scheme: 'http', host: 'api.test', role: 'api' },
  { scheme: 'http', host: '127.0.0.1', role: 'api' },
  { scheme: 'http', host: 'localhost', role: 'api' },
];
const VIA: Endpoint = { scheme: 'https', host: 'other.test', role: 'other' };

function pages(): ContextPage[] {
  const out: ContextPage[] = [];
  for (const scheme of ['http', 'https'] as const)
    for (const csp of [
      ['upgrade-insecure-requests'],
      ['upgrade-insecure-requests; connect-src https:; img-src https:; script-src https:'],
    ]) {
      const id = `uir${out.length}`;
      const loads: ContextLoad[] = [];
      for (const target of TARGETS)
        for (const kind of KINDS) {
          loads.push({ id: `${id}l${loads.length}`, kind, target: { ...target, dir: 'r' } });
          loads.push({ id: `${id}l${loads.length}`, kind, target: { ...target, dir: 'r' }, via: VIA });
        }
      out.push({ id, page: { scheme, host: 'app.test', role: 'app' }, csp, reportOnly: [], loads });
    }
  return out;
}

const PAGES = pages();
const CASES = PAGES.reduce((n, p) => n + p.loads.length, 0);

for (const name of ['chromium', 'firefox'] as BrowserName[]) {
  describeWithBrowser(name, `real ${name}: CSP upgrade-insecure-requests`, () => {
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

    it(`${CASES} loads agree with the engine (${name} profile)`, async () => {
      const seen = await runInBrowser(browser as ContextBrowser, servers, PAGES);
      const engine = await runInEngine(name, servers, PAGES, browser?.version);
      const diffs = compareRuns(name, PAGES, seen, engine);
      const upgraded = [...seen.values()].filter((r) => r.outcome === 'ok' && r.served === 'https').length;
      console.log(
        `[uir] ${name}: ${CASES - new Set(diffs.map((d) => d.id)).size}/${CASES} agree; served over https ${upgraded}`,
      );
      expect(diffs, JSON.stringify(diffs.slice(0, 8), null, 1)).toEqual([]);
      expect(upgraded).toBeGreaterThan(CASES / 4);
    }, 180_000);
  });
}
