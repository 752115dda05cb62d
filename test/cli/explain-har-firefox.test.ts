/**
 * HAR files from real Firefox ESR: Firefox's own HAR builder (har-builder.js, read from the
 * installed omni.ja) over the network events Firefox reported through WebDriver BiDi, for the same
 * scenarios as the Chromium HAR suite (explain-har.test.ts); then `explain`: every cross-origin
 * exchange is re-judged by the engine, and its verdict and kind must be what Firefox did and said.
 */
import { mkdirSync, writeFileSync } from 'node:fs';
import path from 'node:path';
import { expect, it } from 'vitest';
import { parseConsoleMessage } from '../../src/browser/index.js';
import { runExplain } from '../../src/cli/explain.js';
import { REPRESENTATIVE } from '../browsers/cases/representative.js';
import { loadFirefoxDevtools } from '../browsers/har/firefox-devtools.js';
import { buildFirefoxHar, recordFirefoxNetwork } from '../browsers/har/firefox-har.js';
import type { FirefoxRunner } from '../browsers/harness/firefox.js';
import { describeBrowser } from '../browsers/harness/vitest.js';
import { HAR_SCENARIOS } from './har-scenarios.js';

const CASES = REPRESENTATIVE.filter((c) => HAR_SCENARIOS.includes(c.id));
const OUT = path.resolve(import.meta.dirname, '../../test-artifacts/har');

describeBrowser('firefox', (get) => {
  it(`a HAR of ${HAR_SCENARIOS.length} scenarios (Firefox's HAR builder): each exchange re-judged as Firefox judged it`, {
    timeout: 180_000,
  }, async () => {
    expect(CASES).toHaveLength(HAR_SCENARIOS.length);
    const runner = get() as FirefoxRunner;
    const devtools = await loadFirefoxDevtools();
    const rec = recordFirefoxNetwork(runner.page);
    const observed = await runner.runCases(CASES);
    rec.stop();
    const items = rec.items().filter((i) => i.url.includes('/c/'));
    const har = await buildFirefoxHar(devtools, items, `${runner.origin}/`);
    // Every request Firefox reported is in the HAR (the builder drops an entry it fails on).
    expect(har.log.entries).toHaveLength(items.length);
    expect(har.log.creator.name).toBe('Firefox');
    mkdirSync(OUT, { recursive: true });
    writeFileSync(path.join(OUT, 'firefox.har'), JSON.stringify(har, null, 2));
    // What Firefox's HAR is not: no DevTools `_error` / `_resourceType` (Chromium's fields).
    expect(JSON.stringify(har)).not.toMatch(/"_error"|"_resourceType"/);

    const r = await runExplain(JSON.stringify(har), {});
    expect(r.input).toBe('har');
    expect(r.browser).toBe('firefox');
    const problems: string[] = [];
    let judged = 0;
    for (const [i, c] of CASES.entries()) {
      const real = observed[i]!;
      expect(real.id).toBe(c.id);
      const mine = r.items.filter((x) => x.url?.includes(`/c/${c.id}/`));
      const last = mine.at(-1);
      if (!last) {
        problems.push(`${c.id}: no exchange in the HAR`);
        continue;
      }
      const verdict = real.outcome === 'allowed' ? 'allowed' : 'blocked';
      if (last.verdict !== verdict) {
        problems.push(`${c.id}: ${last.verdict}, Firefox ${verdict} (${JSON.stringify(last.notes)})`);
        continue;
      }
      if (real.outcome !== 'allowed') {
        const line = real.console.find((l) => l.startsWith('Cross-Origin Request Blocked'));
        const said = line ? parseConsoleMessage(line) : null;
        const ours = [last.error?.kind, ...(last.error?.alternatives ?? [])];
        if (!ours.some((k) => k !== undefined && said?.kinds.includes(k as never)))
          problems.push(`${c.id}: ${ours.join(' or ')}, Firefox said ${said?.kinds.join(' or ')}: ${line}`);
        if ((last.fix?.text.length ?? 0) <= 20) problems.push(`${c.id}: no fix`);
      }
      judged++;
    }
    expect(problems).toEqual([]);
    // Firefox merged the two Access-Control-Allow-Origin lines: both readings are named.
    const two = r.items.find((x) => x.url?.includes('/c/acao-two-lines/'));
    expect(two?.error?.alternatives).toEqual(['multiple-allow-origin-values']);
    expect(two?.diagnosis?.candidates).toHaveLength(2);
    // The request behind a failed preflight is recorded without an answer (status 0).
    const entries = har.log.entries as {
      request: { method: string; url: string };
      response: { status: number };
    }[];
    const put = entries.find(
      (e) => e.request.method === 'PUT' && e.request.url.includes('/c/preflight-404/'),
    );
    expect(put?.response.status).toBe(0);
    expect(judged).toBe(HAR_SCENARIOS.length);
  });
});
