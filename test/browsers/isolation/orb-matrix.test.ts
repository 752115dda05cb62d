/**
 * Opaque-response blocking through `createBrowserFetch`, against real Chromium 156: every
 * Content-Type of the generator × every body kind × nosniff × status (200; 206 and 404 without
 * nosniff), as a cross-origin `fetch(url, { mode: 'no-cors' })`. The page sees an opaque response
 * either way, so the verdict is read where Chromium shows it: the request of a blocked answer is
 * reported failed with `net::ERR_ABORTED` (the body of the empty response it substitutes is
 * cancelled), the engine's with an `orb-emptied` event (an empty body is reported aborted whatever
 * the verdict, so there only the page's view counts). Firefox reports nothing for an ORB block,
 * so its ORB is judged through `<script>` and `<img>` loads in differential.test.ts.
 */
import { afterAll, beforeAll, expect, it } from 'vitest';
import { describeBrowser } from '../harness/vitest.js';
import { BODY_KINDS } from './_bodies.js';
import { isolationPage } from './_drive.js';
import { EnginePages } from './_engine.js';
import { browserSeen, describeCase, type Seen } from './_run.js';
import { IsolationServers } from './_servers.js';
import { CONTENT_TYPES, type IsolationCase } from './generate.js';

function matrix(): IsolationCase[] {
  const out: IsolationCase[] = [];
  let n = 0;
  for (const contentType of CONTENT_TYPES)
    for (const body of BODY_KINDS)
      for (const [status, nosniff] of [
        [200, false],
        [200, true],
        [206, false],
        [404, false],
      ] as const) {
        out.push({
          id: `orbm-${n++}`,
          family: 'orb',
          pageScheme: 'http',
          coep: 'none',
          where: 'cross-site',
          loader: 'fetch',
          status,
          contentType,
          nosniff,
          corp: null,
          body,
          mode: 'no-cors',
          credentials: 'omit',
        });
      }
  return out;
}

const CASES = matrix();

describeBrowser('chromium', (runner) => {
  let servers: IsolationServers;
  let seen: Map<string, Seen>;
  beforeAll(async () => {
    servers = await IsolationServers.start();
    seen = await browserSeen(isolationPage(runner()), servers, CASES);
  }, 360_000);
  afterAll(async () => {
    await servers?.close();
  });

  it(`ORB's verdict on ${CASES.length} no-cors fetch() answers matches createBrowserFetch's`, async () => {
    const engine = await EnginePages.open('chromium');
    const mine = new Map<string, Seen>();
    try {
      for (const c of CASES) mine.set(c.id, await engine.seen(servers, c));
    } finally {
      await engine.close();
    }
    // An empty body is reported aborted whatever ORB decided (text/css and no type too): the
    // network error tells nothing there, only what the page sees does.
    const differs = (c: IsolationCase, b: Seen, e: Seen) =>
      b.view !== e.view ||
      (c.body !== 'empty' && b.failure !== e.failure) ||
      JSON.stringify(b.console) !== JSON.stringify(e.console);
    // Chromium reports a blocked request (requestfailed) after the load, asynchronously; on a
    // loaded machine the report once came after the harness stopped waiting, and the block read as
    // "not blocked" (orbm-379, 2026-12-04). So the cases that differ are observed once more, a few
    // at a time, and that second observation is the browser's answer (logged below).
    const again = CASES.filter((c) => differs(c, seen.get(c.id) as Seen, mine.get(c.id) as Seen));
    if (again.length > 0 && again.length <= 50) {
      const second = await browserSeen(isolationPage(runner()), servers, again);
      for (const [id, v] of second) seen.set(id, v);
    }
    const diffs: string[] = [];
    let blocked = 0;
    for (const c of CASES) {
      const b = seen.get(c.id) as Seen;
      const e = mine.get(c.id) as Seen;
      if (e.failure === 'net::ERR_ABORTED' && c.body !== 'empty') blocked++;
      if (differs(c, b, e))
        diffs.push(`${describeCase(c)}\n  browser: ${JSON.stringify(b)}\n  engine:  ${JSON.stringify(e)}`);
    }
    process.stdout.write(
      `[isolation] chromium ORB matrix: ${CASES.length - diffs.length}/${CASES.length} agree through createBrowserFetch (${blocked} blocked; ${again.length} observed twice)\n`,
    );
    expect(diffs, diffs.join('\n')).toEqual([]);
    // Not vacuous: a good share of the answers is blocked, and a good share is not.
    expect(blocked).toBeGreaterThan(CASES.length / 5);
    expect(blocked).toBeLessThan((CASES.length * 4) / 5);
  }, 360_000);
});
