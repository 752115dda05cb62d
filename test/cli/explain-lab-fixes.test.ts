/**
 * "Apply the fix, rerun the real browser", for the lab's library: every fetch scenario whose page
 * is the lab's own runs in the real browser against the lab server; when the browser blocks it, the
 * fix the engine proposes (diagnose(), the lab's prediction for that browser's profile) is applied
 * to the server, as its crossorigin/server policy, and the same request runs again in the same
 * real browser, which must now let the page read the answer. Scenarios whose fix is on the page
 * side (or that are not blocked) are listed and checked too, so none is skipped silently.
 */
import { afterAll, beforeAll, expect, it } from 'vitest';
import { SCENARIOS } from '../../lab/src/scenarios.js';
import { predict } from '../../src/lab/predict.js';
import { type RunningLab, startLab } from '../../src/lab/server.js';
import { caseUrl, requestBody } from '../../src/lab/shared.js';
import type { LabCase, Outcome } from '../../src/lab/types.js';
import type { ChromiumRunner } from '../browsers/harness/chromium.js';
import type { FirefoxRunner } from '../browsers/harness/firefox.js';
import { describeBrowser } from '../browsers/harness/vitest.js';

/** The fetch scenarios a server-side fix can apply to (the lab's own page, no page of their own). */
const FETCH = SCENARIOS.filter((s) => s.labCase.kind === 'fetch' && !s.labCase.server.page);

let lab: RunningLab;
beforeAll(async () => {
  lab = await startLab({ version: 'test' });
});
afterAll(() => lab?.close());

let counter = 0;
/** Registers the case's server setup with the lab under a new id; returns the id. */
async function setup(labCase: LabCase): Promise<string> {
  const id = `fix-${process.pid}-${++counter}`;
  const res = await fetch(`${lab.origins.app}/__lab/setup/${id}`, {
    method: 'PUT',
    headers: { 'content-type': 'application/json' },
    body: JSON.stringify(labCase.server),
  });
  expect(res.status, await res.clone().text()).toBeLessThan(300);
  return id;
}

interface Evaluator {
  goto(url: string): Promise<unknown>;
  evaluate(expression: string): Promise<unknown>;
}

/** What the real browser's page (on the lab's app origin) gets for the case's request. */
async function realRun(page: Evaluator, labCase: LabCase, id: string, run: string): Promise<Outcome> {
  const r = labCase.request;
  const url = caseUrl(lab.origins, r, id, run);
  const body = requestBody(r.body);
  const init = {
    method: r.method,
    headers: r.headers,
    credentials: r.credentials,
    mode: r.mode,
    ...(typeof body === 'string' ? { body } : {}),
  };
  const form = body instanceof URLSearchParams ? body.toString() : null;
  return (await page.evaluate(`(async () => {
    const init = ${JSON.stringify(init)};
    if (${JSON.stringify(form)} !== null) init.body = new URLSearchParams(${JSON.stringify(form)});
    try {
      const res = await fetch(${JSON.stringify(url)}, init);
      await res.arrayBuffer().catch(() => undefined);
      return { result: 'allowed', status: res.status, type: res.type };
    } catch (e) {
      return { result: 'blocked', error: e.name + ': ' + e.message };
    }
  })()`)) as Outcome;
}

/** A page-side fix's request change, as the lab case's fields (a URL back to its target and path). */
function pageChange(change: { method?: string; url?: string } | undefined): Partial<LabCase['request']> {
  if (!change) return {};
  const out: Partial<LabCase['request']> = change.method ? { method: change.method } : {};
  if (change.url) {
    const u = new URL(change.url);
    const target = u.origin === new URL(lab.origins.other).origin ? 'other' : 'api';
    out.target = target;
    out.path = u.pathname.split('/').slice(4).join('/');
  }
  return out;
}

/** Runs every FETCH scenario, fixes the blocked ones, reruns; returns the problems and the tally. */
async function applyFixes(page: Evaluator, profile: 'chromium' | 'firefox') {
  await page.goto(`${lab.origins.app}/__lab/info`);
  const problems: string[] = [];
  const fixed: string[] = [];
  const notBlocked: string[] = [];
  const pageSide: string[] = [];
  const pageChanged: string[] = [];
  for (const s of FETCH) {
    const id = await setup(s.labCase);
    const before = await realRun(page, s.labCase, id, 'r1');
    if (before.result !== 'blocked') {
      notBlocked.push(s.id);
      continue;
    }
    const prediction = await predict({ origins: lab.origins, id, run: 'p1', profile, labCase: s.labCase });
    const attempt = prediction.attempts.at(-1);
    if (attempt?.outcome.result !== 'blocked') {
      problems.push(`${s.id}: ${profile} blocked it, the engine predicted ${attempt?.outcome.result}`);
      continue;
    }
    const fix = attempt.fixDetail;
    // Applied as given: the policy to the server, and a page-side change to the page's request.
    if (!fix?.policy && !fix?.request) {
      pageSide.push(s.id);
      continue;
    }
    const after: LabCase = {
      ...s.labCase,
      request: { ...s.labCase.request, ...pageChange(fix.request) },
      server: {
        ...s.labCase.server,
        ...(fix.policy ? { policy: { type: 'crossorigin', options: { ...fix.policy } } } : {}),
      },
    };
    if (fix.request) pageChanged.push(s.id);
    const again = await realRun(page, after, await setup(after), 'r2');
    if (again.result !== 'allowed')
      problems.push(`${s.id}: after the fix ${JSON.stringify(fix.policy)}, ${profile} still ${again.error}`);
    else fixed.push(s.id);
  }
  return { problems, fixed, notBlocked, pageSide, pageChanged };
}

function report(browser: string, r: Awaited<ReturnType<typeof applyFixes>>): void {
  console.log(
    `${browser}: ${r.fixed.length} blocked, fixed as told and then allowed (${r.fixed.join(', ')}); the page's request changed for ${r.pageChanged.join(', ')}; ${r.notBlocked.length} not blocked (${r.notBlocked.join(', ')}); no structured fix: ${r.pageSide.join(', ') || 'none'}`,
  );
}

describeBrowser('chromium', (get) => {
  it('every blocked lab fetch scenario, fixed as the engine says, passes in Chromium', {
    timeout: 240_000,
  }, async () => {
    const runner = get() as ChromiumRunner;
    const r = await applyFixes(runner.page, 'chromium');
    report('chromium', r);
    expect(r.problems).toEqual([]);
    expect(r.pageSide).toEqual([]);
    expect(r.pageChanged).toEqual(['redirect-null', 'lowercase-patch']);
    // Every scenario the browser blocked was fixed as told (7 of the library's 16 today).
    expect(r.fixed.length + r.notBlocked.length).toBe(FETCH.length);
    expect(r.fixed.length).toBeGreaterThanOrEqual(7);
  });
});

describeBrowser('firefox', (get) => {
  it('every blocked lab fetch scenario, fixed as the engine says, passes in Firefox', {
    timeout: 240_000,
  }, async () => {
    const runner = get() as FirefoxRunner;
    const r = await applyFixes(runner.page, 'firefox');
    report('firefox', r);
    expect(r.problems).toEqual([]);
    expect(r.pageSide).toEqual([]);
    expect(r.pageChanged).toEqual(['redirect-null', 'lowercase-patch']);
    // Every scenario the browser blocked was fixed as told (7 of the library's 16 today).
    expect(r.fixed.length + r.notBlocked.length).toBe(FETCH.length);
    expect(r.fixed.length).toBeGreaterThanOrEqual(7);
  });
});
