/**
 * "Apply the fix, rerun the real browser", beyond the lab's own-page fetch scenarios (those are
 * test/cli/explain-lab-fixes.test.ts): every other scenario of the library (images, scripts,
 * popups, forms, messages, and fetches from a page of their own, CSP and mixed content) runs in
 * the real browser through the lab page (the case in the URL fragment, as a user shares it). When
 * the browser refuses it, the fix the engine proposes for that browser (the lab's prediction) must
 * name the change listed here; the change is applied to the case's server or page setup, as data,
 * and the same real browser must then succeed. A scenario whose refusal is the lesson is listed
 * with the reason and must stay refused; one that is not refused must stay so. A scenario missing
 * from the plan fails the test: none is skipped silently.
 */

import { type Browser, chromium } from 'playwright-core';
import puppeteer, { type Browser as FirefoxBrowser } from 'puppeteer-core';
import { afterAll, beforeAll, expect, it } from 'vitest';
import { SCENARIOS } from '../../lab/src/scenarios.js';
import { type RunningLab, startLab } from '../../src/lab/server.js';
import type { LabCase } from '../../src/lab/types.js';
import { browserPath } from '../browsers/harness/available.js';
import { CHROMIUM_BASE_ARGS, CHROMIUM_LOOPBACK_ONLY } from '../browsers/harness/chromium.js';
import { FIREFOX_PREFS, FIREFOX_WINDOW } from '../browsers/harness/firefox.js';
import { CHROMIUM_TLS_ARGS } from '../browsers/harness/tls.js';
import { describeWithBrowser } from '../browsers/harness/vitest.js';
import { buildLabPage, type RunRecord } from '../lab/lab-driver.js';

type Plan =
  /** Refused: the engine's fix must match `names`; `apply` makes that change; then `success`. */
  | {
      type: 'fix';
      refused: string;
      names: RegExp;
      apply: (c: LabCase, fix: string) => LabCase;
      success: string;
    }
  /** Refused, and the refusal is the lesson: it must stay so. */
  | { type: 'lesson'; refused: string; reason: string; also?: Also }
  /** Not refused in the browser (the result the page gets). */
  | { type: 'not-refused'; result: string; reason: string; also?: Also };

/**
 * Where the engine still proposes a fix for a lesson (the attack that lands, the popup that must
 * talk back), it is applied too and must give `result` in the same browser.
 */
interface Also {
  names: RegExp;
  apply: (c: LabCase) => LabCase;
  result: string;
}

const CORP_CROSS_ORIGIN: [string, string] = ['Cross-Origin-Resource-Policy', 'cross-origin'];

/** Replaces (or adds) a header of a raw policy's actual answer. */
function withHeader(c: LabCase, header: [string, string]): LabCase {
  const p = c.server.policy;
  if (p.type !== 'raw') throw new Error('a raw policy was expected');
  const headers = p.actual.headers.filter(([n]) => n.toLowerCase() !== header[0].toLowerCase());
  return {
    ...c,
    server: { ...c.server, policy: { ...p, actual: { ...p.actual, headers: [...headers, header] } } },
  };
}

/** The CSP fix as data: "add <origin> to `<directive>`" (or to "a `<directive>` directive"). */
function allowInCsp(c: LabCase, fix: string): LabCase {
  const m = /add (\S+) to (?:a )?`([a-z-]+)`/.exec(fix);
  if (!m || !c.server.page?.csp) throw new Error(`no CSP change in the fix: ${fix}`);
  const [, origin, directive] = m as unknown as [string, string, string];
  const parts = c.server.page.csp.split(';').map((d) => d.trim());
  const i = parts.findIndex((d) => d.split(' ')[0] === directive);
  if (i >= 0) parts[i] = `${parts[i]} ${origin}`;
  else parts.push(`${directive} ${origin}`);
  return { ...c, server: { ...c.server, page: { ...c.server.page, csp: parts.join('; ') } } };
}

/** Every scenario not covered by test/cli/explain-lab-fixes.test.ts. */
const PLAN: Record<string, Plan> = {
  'canvas-tainted': {
    type: 'fix',
    refused: 'tainted',
    names: /crossorigin="anonymous".*Access-Control-Allow-Origin/,
    apply: (c) => ({
      ...c,
      crossOriginAttribute: true,
      server: { ...c.server, policy: { type: 'crossorigin', options: { origins: ['{app}'] } } },
    }),
    success: 'readable',
  },
  'orb-json-script': {
    type: 'fix',
    refused: 'error',
    // The fix's first clause: answer with Access-Control-Allow-Origin and read it with CORS (fetch).
    // Its other clause (a real JavaScript Content-Type and no JSON body) does not fit a JSON API:
    // Chromium 156 still refuses text/javascript with this JSON body (error event); Firefox loads it.
    names: /send `Access-Control-Allow-Origin: \S+` and load it with CORS \(fetch mode 'cors'/,
    apply: (c) => ({
      ...c,
      kind: 'fetch',
      request: { ...c.request, mode: 'cors', credentials: 'same-origin' },
      server: { ...c.server, policy: { type: 'crossorigin', options: { origins: ['{app}'] } } },
    }),
    success: 'allowed',
  },
  'corp-same-origin-image': {
    type: 'fix',
    refused: 'error',
    names: /Cross-Origin-Resource-Policy: cross-origin/,
    apply: (c) => withHeader(c, CORP_CROSS_ORIGIN),
    // Loaded (no crossorigin attribute, so drawn but not readable: the image is there).
    success: 'tainted',
  },
  'coep-corp-less-image': {
    type: 'fix',
    refused: 'error',
    names: /Cross-Origin-Resource-Policy: cross-origin/,
    apply: (c) => withHeader(c, CORP_CROSS_ORIGIN),
    success: 'tainted',
  },
  'csp-connect-src-self': {
    type: 'fix',
    refused: 'blocked',
    names: /Content-Security-Policy.*add \S+ to/,
    apply: allowInCsp,
    success: 'allowed',
  },
  'csp-default-src-fallback': {
    type: 'fix',
    refused: 'blocked',
    names: /Content-Security-Policy.*add \S+ to/,
    apply: allowInCsp,
    success: 'allowed',
  },
  'coop-severs-opener': {
    type: 'lesson',
    refused: 'severed',
    reason: 'COOP same-origin severing a cross-origin opener is the isolation COOP exists for',
    also: {
      names: /Cross-Origin-Opener-Policy: same-origin \(send unsafe-none there\)/,
      apply: (c) => ({ ...c, server: { ...c.server, popupCoop: 'unsafe-none' } }),
      result: 'connected',
    },
  },
  'csrf-guard': {
    type: 'lesson',
    refused: 'refused',
    reason: "crossorigin/csrf refusing the attacker's cross-site form POST is the protection being taught",
  },
  'postmessage-check': {
    type: 'lesson',
    refused: 'ignored',
    reason: 'the listener ignoring a message from an untrusted origin is the origin check being taught',
  },
  'canvas-cors': { type: 'not-refused', result: 'readable', reason: 'crossorigin + CORS: the cure' },
  'csrf-form': {
    type: 'not-refused',
    result: 'accepted',
    reason: 'the CSRF attack lands (the guard is csrf-guard)',
    also: {
      names: /createCsrfGuard/,
      apply: (c) => ({ ...c, server: { ...c.server, csrf: true } }),
      result: 'refused',
    },
  },
  'postmessage-nocheck': {
    type: 'not-refused',
    result: 'accepted',
    reason: 'no origin check (the fix is postmessage-check)',
    also: {
      names: /if \(event\.origin !== '\S+'\) return;/,
      apply: (c) => ({ ...c, checkOrigin: true }),
      result: 'ignored',
    },
  },
  'mixed-content-loopback': {
    type: 'not-refused',
    result: 'allowed',
    reason: '127.0.0.1 is potentially trustworthy',
  },
  'mixed-content-image-upgrade': {
    type: 'not-refused',
    result: 'tainted',
    reason: 'the image loads (over http: on an IP address); no crossorigin, so not readable',
  },
  'csp-connect-src-api': { type: 'not-refused', result: 'allowed', reason: 'connect-src names the API' },
};

/** The scenarios test/cli/explain-lab-fixes.test.ts covers: fetch() from the lab's own page. */
const SIBLING = SCENARIOS.filter((s) => s.labCase.kind === 'fetch' && !s.labCase.server.page).map(
  (s) => s.id,
);

it('every scenario of the library is either planned here or covered by explain-lab-fixes', () => {
  const all = SCENARIOS.map((s) => s.id).sort();
  expect([...SIBLING, ...Object.keys(PLAN)].sort()).toEqual(all);
});

/** What the tests need of a page. */
interface Driver {
  open(url: string): Promise<void>;
  click(selector: string): Promise<void>;
  /** Waits until the run is over; returns the page's record of it. */
  record(): Promise<RunRecord>;
}

/** Opens the lab on the case (URL fragment), runs it, returns the record. */
async function runCase(lab: RunningLab, d: Driver, c: LabCase): Promise<RunRecord> {
  await d.open(`${lab.url}#case=${Buffer.from(JSON.stringify(c)).toString('base64url')}`);
  await d.click('#run');
  return d.record();
}

/** A lesson's fix, applied: the engine's fix names it and the browser then gives `also.result`. */
async function applyAlso(
  lab: RunningLab,
  d: Driver,
  browser: string,
  id: string,
  rec: RunRecord,
  also: Also,
) {
  const fix = rec.prediction.attempts[0]?.fix ?? '';
  if (!also.names.test(fix)) return [`${id}: the engine's fix does not name ${also.names}: ${fix}`];
  const scenario = SCENARIOS.find((s) => s.id === id);
  if (!scenario) return [`${id}: no such scenario`];
  const after = (await runCase(lab, d, also.apply(scenario.labCase))).real[0]?.result;
  return after === also.result ? [] : [`${id}: after the fix "${fix}", ${browser} gave ${after}`];
}

async function applyPlans(lab: RunningLab, d: Driver, browser: string) {
  const problems: string[] = [];
  const tally = { fixed: [] as string[], lesson: [] as string[], notRefused: [] as string[] };
  for (const s of SCENARIOS) {
    const plan = PLAN[s.id];
    if (!plan) continue;
    const rec = await runCase(lab, d, s.labCase);
    const got = rec.real[0]?.result;
    if (plan.type === 'not-refused' || plan.type === 'lesson') {
      const want = plan.type === 'lesson' ? plan.refused : plan.result;
      if (got !== want) problems.push(`${s.id}: ${browser} gave ${got}, expected ${want}`);
      else (plan.type === 'lesson' ? tally.lesson : tally.notRefused).push(s.id);
      if (plan.also) problems.push(...(await applyAlso(lab, d, browser, s.id, rec, plan.also)));
      continue;
    }
    if (got !== plan.refused) {
      problems.push(`${s.id}: ${browser} gave ${got}, expected the refusal ${plan.refused}`);
      continue;
    }
    const fix = rec.prediction.attempts[0]?.fix ?? '';
    if (!plan.names.test(fix)) {
      problems.push(`${s.id}: the engine's fix does not name the change ${plan.names}: ${fix}`);
      continue;
    }
    const again = await runCase(lab, d, plan.apply(s.labCase, fix));
    const after = again.real[0]?.result;
    if (after !== plan.success) problems.push(`${s.id}: after the fix "${fix}", ${browser} gave ${after}`);
    else tally.fixed.push(s.id);
  }
  console.log(
    `${browser}: ${tally.fixed.length} refused and fixed as told (${tally.fixed.join(', ')}); ${tally.lesson.length} refused as the lesson (${tally.lesson.join(', ')}); ${tally.notRefused.length} not refused (${tally.notRefused.join(', ')}); ${SIBLING.length} own-page fetch scenarios in explain-lab-fixes`,
  );
  return { problems, tally };
}

const RUN_DONE = () => ['done', 'error'].includes(document.getElementById('results')?.dataset.state ?? '');
const LAST = () => ({
  state: document.getElementById('results')?.dataset.state ?? '',
  status: document.getElementById('status')?.textContent ?? '',
  last: (window as unknown as { __labLast?: unknown }).__labLast,
});

function check(r: Awaited<ReturnType<typeof applyPlans>>): void {
  expect(r.problems).toEqual([]);
  const count = (t: Plan['type']) => Object.values(PLAN).filter((p) => p.type === t).length;
  expect(r.tally.fixed.length).toBe(count('fix'));
  expect(r.tally.lesson.length).toBe(count('lesson'));
  expect(r.tally.notRefused.length).toBe(count('not-refused'));
}

async function recordOf(get: () => Promise<ReturnType<typeof LAST>>): Promise<RunRecord> {
  const r = await get();
  if (r.state !== 'done') throw new Error(`the run did not finish: ${r.state}: ${r.status}`);
  return r.last as RunRecord;
}

describeWithBrowser('chromium', 'lab fixes beyond fetch, in real Chromium', () => {
  let lab: RunningLab;
  let browser: Browser;
  beforeAll(async () => {
    lab = await startLab({ assetsDir: await buildLabPage('fixes-chromium'), version: 'test' });
    browser = await chromium.launch({
      executablePath: browserPath('chromium'),
      headless: true,
      args: [...CHROMIUM_BASE_ARGS, CHROMIUM_LOOPBACK_ONLY, ...CHROMIUM_TLS_ARGS],
    });
  }, 120_000);
  afterAll(async () => {
    await browser?.close().catch(() => {});
    await lab?.close();
  });

  it('every refused scenario, fixed as the engine says, succeeds in Chromium', {
    timeout: 240_000,
  }, async () => {
    const page = await browser.newPage({ viewport: { width: 1280, height: 900 } });
    const d: Driver = {
      open: async (url) => {
        await page.goto('about:blank');
        await page.goto(url);
        await page.waitForSelector('body[data-ready="true"]');
      },
      click: (s) => page.click(s),
      record: async () => {
        await page.waitForFunction(RUN_DONE, null, { timeout: 30_000 });
        return recordOf(() => page.evaluate(LAST));
      },
    };
    check(await applyPlans(lab, d, 'chromium'));
  });
});

describeWithBrowser('firefox', 'lab fixes beyond fetch, in real Firefox', () => {
  let lab: RunningLab;
  let browser: FirefoxBrowser;
  beforeAll(async () => {
    lab = await startLab({ assetsDir: await buildLabPage('fixes-firefox'), version: 'test' });
    browser = await puppeteer.launch({
      browser: 'firefox',
      executablePath: browserPath('firefox'),
      headless: true,
      acceptInsecureCerts: true,
      extraPrefsFirefox: FIREFOX_PREFS,
      ...FIREFOX_WINDOW,
      timeout: 60_000,
      protocolTimeout: 60_000,
    });
  }, 120_000);
  afterAll(async () => {
    await browser?.close().catch(() => {});
    await lab?.close();
  });

  it('every refused scenario, fixed as the engine says, succeeds in Firefox', {
    timeout: 240_000,
  }, async () => {
    const page = await browser.newPage();
    const d: Driver = {
      open: async (url) => {
        await page.goto('about:blank');
        await page.goto(url);
        await page.waitForSelector('body[data-ready="true"]');
      },
      click: (s) => page.click(s),
      record: async () => {
        await page.waitForFunction(RUN_DONE, { timeout: 30_000 });
        return recordOf(() => page.evaluate(LAST));
      },
    };
    check(await applyPlans(lab, d, 'firefox'));
  });
});
