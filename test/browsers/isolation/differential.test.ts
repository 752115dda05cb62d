/**
 * The isolation differential: generated ORB, CORP and COEP cases run in real Chromium 156 and
 * Firefox ESR 153 and through the engine (src/browser/isolation). They must agree on what the page
 * could do (fetch rejected or opaque, script error / ran / threw, image loaded or not), on whether
 * cookies went out (same-origin and same-site targets), and, for Chromium, on every console line.
 */
import { afterAll, beforeAll, expect, it } from 'vitest';
import { describeBrowser } from '../harness/vitest.js';
import { isolationPage } from './_drive.js';
import { browserSeen, describeCase, engineSeen, type Seen } from './_run.js';
import { IsolationServers } from './_servers.js';
import { generateIsolationCases } from './generate.js';

// ISOLATION_SEED=<n> runs another seed (exploration); CI runs the default one.
const CASES = generateIsolationCases(
  process.env.ISOLATION_SEED ? Number(process.env.ISOLATION_SEED) : undefined,
);

for (const browser of ['chromium', 'firefox'] as const) {
  describeBrowser(
    browser,
    (runner) => {
      let servers: IsolationServers;
      let seen: Map<string, Seen>;
      beforeAll(async () => {
        servers = await IsolationServers.start({ https: true });
        seen = await browserSeen(isolationPage(runner()), servers, CASES);
      }, 120_000);
      afterAll(async () => {
        await servers?.close();
      });

      it(`runs ${CASES.length} generated cases (ORB, CORP, COEP, across schemes) and agrees with the engine on every one`, () => {
        const families = new Set(CASES.map((c) => c.family));
        expect([...families].sort()).toEqual(['coep', 'corp', 'orb', 'scheme']);
        const diffs: string[] = [];
        for (const c of CASES) {
          const b = seen.get(c.id);
          const e = engineSeen(servers, c, browser);
          if (!b) {
            diffs.push(`${describeCase(c)}: not run`);
            continue;
          }
          const sameView = b.view === e.view && b.cookie === e.cookie;
          const sameConsole =
            browser === 'firefox' || JSON.stringify(b.console) === JSON.stringify(e.console);
          if (!sameView || !sameConsole) {
            diffs.push(
              `${describeCase(c)}\n  browser: ${JSON.stringify(b)}\n  engine:  ${JSON.stringify(e)}`,
            );
          }
        }
        expect(diffs, diffs.join('\n')).toEqual([]);
        // Not vacuous: every family has loads the page could use and loads it could not.
        for (const family of families) {
          const views = CASES.filter((c) => c.family === family).map((c) => seen.get(c.id)?.view);
          expect(views.filter((v) => v === 'error').length, family).toBeGreaterThan(4);
          expect(views.filter((v) => v !== 'error').length, family).toBeGreaterThan(4);
        }
      });
    },
    { acceptTestCertificate: true },
  );
}
