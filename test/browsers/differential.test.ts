/**
 * The differential test: every case of every 'cors-exchange' table in test/fixtures plus the
 * seeded generated cases, run in real Chromium and real Firefox and through the engine's
 * `createBrowserFetch` with the matching profile, against the same loopback servers. Any
 * disagreement (see harness/compare.ts for the fields) fails the browser's test; every one is
 * printed with the case and both sides, and written to test-artifacts/differential-<browser>.txt.
 *
 * The two browsers run at the same time, each on its own servers; cases run sequentially in one
 * page per browser. A missing browser fails under CI=true and is skipped (with the reason) elsewhere.
 */
import { mkdirSync, writeFileSync } from 'node:fs';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { beforeAll, describe, expect, it } from 'vitest';
import { loadTables } from '../fixtures/schema.js';
import { DEFAULT_COUNT, DEFAULT_SEED, generateCases } from './generate.js';
import { browserSuitePolicy } from './harness/available.js';
import { ChromiumRunner } from './harness/chromium.js';
import { type CaseComparison, compareCase, formatDisagreement } from './harness/compare.js';
import { type EngineObservation, runEngineCases } from './harness/engine.js';
import { FirefoxRunner } from './harness/firefox.js';
import { CaseServers } from './harness/servers.js';
import type { BrowserName, HarnessCase, Observation } from './harness/types.js';

const here = dirname(fileURLToPath(import.meta.url));
const artifacts = join(here, '..', '..', 'test-artifacts');

const fixtureCases: HarnessCase[] = loadTables('cors-exchange').flatMap((t) =>
  t.cases.map((c) => ({ ...c, id: `${t.table}--${c.id}` })),
);
// CROSSORIGIN_SEED / CROSSORIGIN_COUNT explore other generated sets (CI uses the defaults).
const SEED = Number(process.env.CROSSORIGIN_SEED ?? DEFAULT_SEED);
const COUNT = Number(process.env.CROSSORIGIN_COUNT ?? DEFAULT_COUNT);
const generated = generateCases(SEED, COUNT);
const ALL: HarnessCase[] = [...fixtureCases, ...generated];
const isFixture = new Set(fixtureCases.map((c) => c.id));

const BROWSERS: BrowserName[] = ['chromium', 'firefox'];
const policies = Object.fromEntries(BROWSERS.map((b) => [b, browserSuitePolicy(b)])) as Record<
  BrowserName,
  ReturnType<typeof browserSuitePolicy>
>;

interface BrowserResult {
  version: string;
  comparisons: CaseComparison[];
  disagreements: string[];
  summary: string;
}

const results = new Map<BrowserName, BrowserResult>();

async function runBrowser(browser: BrowserName): Promise<BrowserResult> {
  const servers = await CaseServers.start();
  try {
    const runner =
      browser === 'chromium'
        ? await ChromiumRunner.launch({ servers, progressEvery: 200 })
        : await FirefoxRunner.launch({ servers, progressEvery: 200 });
    let observed: Observation[];
    try {
      observed = await runner.runCases(ALL);
    } finally {
      await runner.close();
    }
    // The engine follows the profile of the release that ran (Chromium 150 and 156 differ).
    const engine: EngineObservation[] = await runEngineCases(browser, servers, ALL, {
      version: runner.version,
    });
    const comparisons = observed.map((o, i) =>
      compareCase(o, engine[i] as EngineObservation, ALL[i]?.request.initiator === 'XMLHttpRequest'),
    );
    const disagreements: string[] = [];
    comparisons.forEach((cmp, i) => {
      if (cmp.agree) return;
      const local = servers.register(ALL[i] as HarnessCase);
      disagreements.push(formatDisagreement(local, cmp, engine[i]));
    });
    const count = (ids: (id: string) => boolean) => {
      const set = comparisons.filter((c) => ids(c.id));
      return `${set.filter((c) => c.agree).length}/${set.length}`;
    };
    const notes = comparisons.filter((c) => c.notes.length > 0).length;
    // Firefox: how many logged engine messages appear verbatim among Firefox's console lines.
    let ffLogged = 0;
    let ffFound = 0;
    if (browser === 'firefox') {
      observed.forEach((o, i) => {
        const e = engine[i] as EngineObservation;
        const runs: [
          Observation | Observation['repeats'][number],
          EngineObservation | EngineObservation['repeats'][number],
        ][] = [[o, e], ...o.repeats.map((r, k) => [r, e.repeats[k] ?? e] as [typeof r, typeof e])];
        for (const [b, en] of runs) {
          const msg = en.console[0];
          if (msg === undefined) continue;
          ffLogged++;
          if (b.console.includes(msg)) ffFound++;
        }
      });
    }
    const summary =
      `[differential] ${browser} ${runner.version}: ${count(() => true)} cases agree ` +
      `(fixtures ${count((id) => isFixture.has(id))}, generated ${count((id) => !isFixture.has(id))}; ` +
      `seed ${SEED}); ${notes} cases with reported-only differences (rejection text, cookies` +
      `${browser === 'firefox' ? ', Firefox console text' : ''})` +
      (browser === 'firefox'
        ? `; Firefox console: ${ffFound}/${ffLogged} engine messages found verbatim`
        : '');
    const noteLines = comparisons
      .filter((c) => c.notes.length > 0)
      .map(
        (c) =>
          `~ ${c.id}\n${c.notes.map((n) => `  run ${n.run} ${n.field}:\n    - ${browser}: ${JSON.stringify(n.browser)}\n    + engine:   ${JSON.stringify(n.engine)}`).join('\n')}`,
      );
    mkdirSync(artifacts, { recursive: true });
    writeFileSync(
      join(artifacts, `differential-${browser}.txt`),
      `${summary}\n\n# Disagreements\n\n${disagreements.join('\n\n')}\n\n# Reported-only differences\n\n${noteLines.join('\n')}\n`,
    );
    process.stdout.write(`${summary}\n`);
    for (const d of disagreements) process.stdout.write(`${d}\n`);
    return { version: runner.version, comparisons, disagreements, summary };
  } finally {
    await servers.close();
  }
}

beforeAll(async () => {
  const runnable = BROWSERS.filter((b) => policies[b].run);
  const settled = await Promise.allSettled(runnable.map(async (b) => results.set(b, await runBrowser(b))));
  for (const s of settled) if (s.status === 'rejected') throw s.reason;
}, 900_000);

for (const browser of BROWSERS) {
  const policy = policies[browser];
  const title = policy.run ? `real ${browser} vs engine` : `real ${browser} vs engine (${policy.reason})`;
  describe.runIf(policy.run || policy.fail)(title, () => {
    it('ran every case', () => {
      if (!policy.run) throw new Error(`CI=true and ${policy.reason}`);
      const r = results.get(browser);
      expect(r, `${browser} did not run`).toBeDefined();
      expect(r?.comparisons.length).toBe(ALL.length);
    });
    it('agrees with the engine on every case', () => {
      if (!policy.run) throw new Error(`CI=true and ${policy.reason}`);
      const r = results.get(browser);
      if (!r) throw new Error(`${browser} did not run`);
      const shown = r.disagreements.slice(0, 15).join('\n\n');
      const more = r.disagreements.length > 15 ? `\n\n... and ${r.disagreements.length - 15} more` : '';
      expect(
        r.disagreements.length,
        `${r.summary}\n(all in test-artifacts/differential-${browser}.txt)\n\n${shown}${more}`,
      ).toBe(0);
    });
  });
}
