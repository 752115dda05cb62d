/**
 * "Copy as cURL" and "Copy as fetch" written by the browsers' own devtools code for real requests
 * (Chromium: its bundled DevTools front-end, test/browsers/har/chromium-devtools.ts; Firefox: its
 * network monitor's curl.js and context menu from omni.ja, firefox-copies.ts), for the HAR
 * scenarios; then `explain` runs each copy as `check` does, against the same live servers, and
 * must reach the verdict the browser reached, with the kind its console line names.
 */
import { mkdirSync, writeFileSync } from 'node:fs';
import path from 'node:path';
import { getGlobalDispatcher, setGlobalDispatcher } from 'undici';
import { afterAll, beforeAll, expect, it } from 'vitest';
import { parseConsoleMessage } from '../../src/browser/index.js';
import { runExplain } from '../../src/cli/explain.js';
import { REPRESENTATIVE } from '../browsers/cases/representative.js';
import { chromiumCopies, recordCdpNetwork } from '../browsers/har/chromium-devtools.js';
import { firefoxCopies } from '../browsers/har/firefox-copies.js';
import { loadFirefoxDevtools } from '../browsers/har/firefox-devtools.js';
import { recordFirefoxNetwork } from '../browsers/har/firefox-har.js';
import type { ChromiumRunner } from '../browsers/harness/chromium.js';
import type { FirefoxRunner } from '../browsers/harness/firefox.js';
import { createLoopbackFetch } from '../browsers/harness/net.js';
import type { Observation } from '../browsers/harness/types.js';
import { describeBrowser } from '../browsers/harness/vitest.js';
import { HAR_SCENARIOS } from './har-scenarios.js';

const CASES = REPRESENTATIVE.filter((c) => HAR_SCENARIOS.includes(c.id));
const OUT = path.resolve(import.meta.dirname, '../../test-artifacts/copies');
// `explain` sends each copy as `check` does (undici's global dispatcher): *.test to 127.0.0.1.
const loopback = createLoopbackFetch();
const previous = getGlobalDispatcher();
beforeAll(() => setGlobalDispatcher(loopback.dispatcher));
afterAll(async () => {
  setGlobalDispatcher(previous);
  await loopback.close();
});

interface Copy {
  url: string;
  method: string;
  hop: number;
  texts: Record<string, string>;
}

/** Each scenario's first-hop request, its copies explained; what disagrees with the browser. */
async function judge(
  browser: 'chromium' | 'firefox',
  copies: Copy[],
  observed: Observation[],
  caveats: string[] = [],
): Promise<string[]> {
  const problems: string[] = [];
  for (const [i, c] of CASES.entries()) {
    const real = observed[i]!;
    const copy = copies.find((x) => x.url.includes(`/c/${c.id}/`) && x.method !== 'OPTIONS' && x.hop === 0);
    if (!copy) {
      problems.push(`${c.id}: no copy`);
      continue;
    }
    const verdict = real.outcome === 'allowed' ? 'allowed' : 'blocked';
    const line = real.console.find((l) => /^(Access to|Cross-Origin Request Blocked)/.test(l));
    const said = line ? parseConsoleMessage(line) : null;
    for (const [name, text] of Object.entries(copy.texts)) {
      const r = await runExplain(text, {}).catch((e: Error) => e);
      if (r instanceof Error) {
        problems.push(`${c.id} ${name}: ${r.message}`);
        continue;
      }
      if (r.browser !== browser) problems.push(`${c.id} ${name}: judged as ${r.browser}`);
      // Allowed as copied, blocked by the browser: only the page's credentials mode, which no copy
      // records, may explain it, and then the result must name the refusal with credentials.
      const caveat = r.verdict === 'allowed' && verdict === 'blocked' ? r.credentialsCaveat : undefined;
      if (caveat && c.request.credentials !== 'include')
        problems.push(`${c.id} ${name}: a credentials caveat for a request without credentials`);
      if (caveat) caveats.push(`${c.id} ${name}`);
      const kind = caveat ? caveat.kind : r.error?.kind;
      if (r.verdict !== verdict && !caveat)
        problems.push(`${c.id} ${name}: ${r.verdict}, ${browser} ${verdict}`);
      else if (verdict === 'blocked' && !said?.kinds.includes(kind as never))
        problems.push(`${c.id} ${name}: ${kind}, ${browser} said ${said?.kinds.join(' or ')}`);
    }
  }
  return problems;
}

describeBrowser('chromium', (get) => {
  it("Chromium DevTools' own copies of real requests, explained to the browser's verdicts", {
    timeout: 180_000,
  }, async () => {
    const runner = get() as ChromiumRunner;
    const cdp = await runner.page.context().newCDPSession(runner.page);
    await cdp.send('Network.enable');
    const events = recordCdpNetwork(cdp);
    const observed = await runner.runCases(CASES);
    await cdp.detach();
    const copies = (await chromiumCopies(runner.page.context(), events)).filter((x) => x.url.includes('/c/'));
    mkdirSync(OUT, { recursive: true });
    writeFileSync(path.join(OUT, 'chromium.json'), JSON.stringify(copies, null, 2));
    const caveats: string[] = [];
    const problems = await judge(
      'chromium',
      copies.map((x) => ({ ...x, texts: { curl: x.curl, 'curl (cmd)': x.curlCmd, fetch: x.fetch } })),
      observed,
      caveats,
    );
    expect(problems).toEqual([]);
    // Chromium sent no cookie cross-site (third-party cookies blocked), so its copies say
    // credentials "omit" / no -b: the two scenarios credentials decide are explained by the caveat.
    expect(caveats.sort()).toEqual([
      'acac-false curl',
      'acac-false curl (cmd)',
      'acac-false fetch',
      'wildcard-with-credentials curl',
      'wildcard-with-credentials curl (cmd)',
      'wildcard-with-credentials fetch',
    ]);
  });
});

describeBrowser('firefox', (get) => {
  it("Firefox's own copies (curl.js, the request list's Copy as Fetch) of real requests, explained to its verdicts", {
    timeout: 180_000,
  }, async () => {
    const runner = get() as FirefoxRunner;
    const devtools = await loadFirefoxDevtools();
    const rec = recordFirefoxNetwork(runner.page);
    const observed = await runner.runCases(CASES);
    rec.stop();
    const items = rec.items().filter((i) => i.url.includes('/c/'));
    const copies = await firefoxCopies(devtools, items);
    mkdirSync(OUT, { recursive: true });
    writeFileSync(path.join(OUT, 'firefox.json'), JSON.stringify(copies, null, 2));
    const problems = await judge(
      'firefox',
      copies.map((x, k) => ({
        ...x,
        hop: Number(items[k]!.id.split('#')[1]),
        texts: { curl: x.curl, 'curl (Windows)': x.curlWin, fetch: x.fetch },
      })),
      observed,
    );
    expect(problems).toEqual([]);
  });
});
