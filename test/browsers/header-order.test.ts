/**
 * Which header a preflight failure names when several request headers are not allowed: real
 * Chromium and Firefox against the engine's profile of each, over seeded cases
 * (header-order-cases.ts). Chromium names the first in its HTTPHeaderMap's hash order
 * (src/browser/_blink-header-map.ts), Firefox the first in sorted order (docs/browser-differences.md
 * row 31). Each disagreement is printed; the counts (and how often the sorted order or the page's
 * order would have named the same header) are printed too.
 */
import { beforeAll, expect, it } from 'vitest';
import { byteLowercase, corsUnsafeRequestHeaderNames } from '../../src/_fetch/index.js';
import { PROFILES } from '../../src/browser/profiles.js';
import { runEngineCases } from './harness/engine.js';
import type { Observation } from './harness/types.js';
import { describeBrowser } from './harness/vitest.js';
import { HEADER_ORDER_COUNT, HEADER_ORDER_SEED, headerOrderCases } from './header-order-cases.js';

const NAMED = {
  chromium: /Request header field (\S+) is not allowed by Access-Control-Allow-Headers/,
  firefox: /header ‘([^’]+)’ is not allowed according to header ‘Access-Control-Allow-Headers’/,
} as const;

// CROSSORIGIN_HEADER_ORDER_SEED / _COUNT explore other sets (CI uses the defaults).
const cases = headerOrderCases(
  Number(process.env.CROSSORIGIN_HEADER_ORDER_SEED ?? HEADER_ORDER_SEED),
  Number(process.env.CROSSORIGIN_HEADER_ORDER_COUNT ?? HEADER_ORDER_COUNT),
);

/** The names a case's preflight answer does not allow, in the page's order (for the baselines). */
function deniedInPageOrder(browser: keyof typeof NAMED, i: number): string[] {
  const c = cases[i];
  if (!c) return [];
  const headers = c.request.headers ?? [];
  const unsafe = new Set(corsUnsafeRequestHeaderNames(headers, PROFILES[browser].requestHeaders));
  const acah = c.server.preflight?.headers.find(([n]) => n === 'Access-Control-Allow-Headers')?.[1] ?? '';
  const allowed = acah.split(',').map((v) => byteLowercase(v.trim()));
  return headers.map(([n]) => byteLowercase(n)).filter((n) => unsafe.has(n) && !allowed.includes(n));
}

function named(browser: keyof typeof NAMED, lines: readonly string[]): string | null {
  for (const line of lines) {
    const m = NAMED[browser].exec(line);
    if (m) return (m[1] as string).toLowerCase();
  }
  return null;
}

for (const browser of ['chromium', 'firefox'] as const) {
  describeBrowser(
    browser,
    (runner) => {
      let browserNamed: (string | null)[] = [];
      let engineNamed: (string | null)[] = [];
      beforeAll(async () => {
        const observed: Observation[] = await runner().runCases(cases);
        const engine = await runEngineCases(browser, runner().servers, cases, { version: runner().version });
        browserNamed = observed.map((o) => named(browser, o.console));
        engineNamed = engine.map((o) => named(browser, o.console));
      }, 600_000);

      it('names a header in every case (the cases are not vacuous)', () => {
        const missing = cases.filter((_, i) => browserNamed[i] === null).map((c) => c.id);
        expect(missing).toEqual([]);
      });

      it(`names the same header as the engine's ${browser} profile`, () => {
        const denied = cases.map((_, i) => deniedInPageOrder(browser, i));
        const agree = browserNamed.filter((n, i) => n === engineNamed[i]).length;
        const sorted = browserNamed.filter((n, i) => n === [...(denied[i] ?? [])].sort()[0]).length;
        const pageOrder = browserNamed.filter((n, i) => n === denied[i]?.[0]).length;
        const several = denied.filter((d) => d.length > 1).length;
        const disagreements = cases.flatMap((c, i) =>
          browserNamed[i] === engineNamed[i]
            ? []
            : [
                `${c.id}: ${browser} named ${browserNamed[i]}, engine ${engineNamed[i]}; ${JSON.stringify(c.request.headers)}`,
              ],
        );
        console.log(
          `${browser}: ${agree}/${cases.length} cases name the same header as the engine ` +
            `(${several} with several headers not allowed; the first in sorted order: ${sorted}, in the page's order: ${pageOrder})`,
        );
        for (const d of disagreements) console.log(d);
        expect(several).toBeGreaterThan(cases.length / 2);
        expect(disagreements).toEqual([]);
      });
    },
    { progressEvery: 0 },
  );
}
