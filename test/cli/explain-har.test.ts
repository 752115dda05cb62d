/**
 * HAR files captured from real Chromium (DevTools protocol network events, test/cli/har-capture.ts)
 * for representative scenarios, then `explain`: every cross-origin exchange is re-judged by the
 * engine, and its verdict and kind must be what the browser did and said (its console line, parsed).
 */
import { mkdirSync, writeFileSync } from 'node:fs';
import path from 'node:path';
import { expect, it } from 'vitest';
import { parseConsoleMessage } from '../../src/browser/index.js';
import { runExplain } from '../../src/cli/explain.js';
import { REPRESENTATIVE } from '../browsers/cases/representative.js';
import type { ChromiumRunner } from '../browsers/harness/chromium.js';
import { describeBrowser } from '../browsers/harness/vitest.js';
import { recordHar } from './har-capture.js';
import { HAR_SCENARIOS } from './har-scenarios.js';

const IDS = HAR_SCENARIOS;
const CASES = REPRESENTATIVE.filter((c) => IDS.includes(c.id));
const OUT = path.resolve(import.meta.dirname, '../../test-artifacts/har');

describeBrowser('chromium', (get) => {
  it(`a HAR of ${IDS.length} scenarios: each exchange re-judged as the browser judged it`, {
    timeout: 120_000,
  }, async () => {
    expect(CASES).toHaveLength(IDS.length);
    const runner = get() as ChromiumRunner;
    const cdp = await runner.page.context().newCDPSession(runner.page);
    await cdp.send('Network.enable');
    const rec = recordHar(cdp);
    const observed = await runner.runCases(CASES);
    await cdp.detach();
    const har = rec.har();
    mkdirSync(OUT, { recursive: true });
    writeFileSync(path.join(OUT, 'chromium.har'), JSON.stringify(har, null, 2));

    const r = await runExplain(JSON.stringify(har), { browser: 'chromium' });
    expect(r.input).toBe('har');
    let judged = 0;
    for (const [i, c] of CASES.entries()) {
      const real = observed[i]!;
      expect(real.id).toBe(c.id);
      const mine = r.items.filter((x) => x.url?.includes(`/c/${c.id}/`));
      expect(mine.length, `${c.id}: exchanges in the HAR`).toBeGreaterThan(0);
      const last = mine.at(-1)!;
      expect(last.verdict, `${c.id}: ${JSON.stringify(last.notes)}`).toBe(
        real.outcome === 'allowed' ? 'allowed' : 'blocked',
      );
      if (real.outcome !== 'allowed') {
        const line = real.console.find((l) => l.startsWith('Access to') || l.startsWith('Fetch API'));
        const said = line ? parseConsoleMessage(line) : null;
        expect(said?.kinds, `${c.id}: ${line}`).toContain(last.error?.kind);
        expect(last.fix?.text.length ?? 0).toBeGreaterThan(20);
      }
      judged++;
    }
    expect(judged).toBe(IDS.length);
  });
});
