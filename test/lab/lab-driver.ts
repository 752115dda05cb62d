/**
 * Shared by the lab's browser tests: build the page with Vite, drive it (Playwright or puppeteer
 * behind one small interface), and the expected outcome of every scenario in the library.
 */
import path from 'node:path';
import { build } from 'vite';
import type { Outcome } from '../../src/lab/types.js';

export const ROOT = path.resolve(import.meta.dirname, '../..');
export const ARTIFACTS = path.join(ROOT, 'test-artifacts');

/** Builds lab/ into a private folder under test-artifacts (never the package's dist). */
export async function buildLabPage(name: string): Promise<string> {
  const outDir = path.join(ARTIFACTS, `lab-page-${name}`);
  await build({
    configFile: path.join(ROOT, 'lab/vite.config.ts'),
    root: path.join(ROOT, 'lab'),
    logLevel: 'error',
    build: { outDir, emptyOutDir: true },
  });
  return outDir;
}

/** What the tests need from a page, whichever library drives it. */
export interface PageLike {
  click(selector: string): Promise<void>;
  evaluate<T>(fn: () => T): Promise<T>;
  waitForRunEnd(timeoutMs: number): Promise<void>;
}

export interface RunRecord {
  engine: 'page' | 'server';
  scenario: string | null;
  caseId: string;
  run: string;
  real: Outcome[];
  realWire: { server: string; preflight: boolean; method: string }[];
  prediction: {
    profile: string;
    attempts: { outcome: Outcome; console: string; fix: string; errorKind?: string }[];
    wire: { server: string; preflight: boolean; method: string }[];
  };
  differences: { attempt: number; field: string; browser: string; engine: string }[];
}

/** Clicks a scenario, runs it, and returns what the page recorded. */
export async function runScenario(page: PageLike, id: string): Promise<RunRecord> {
  // On a narrow screen the library folds away after each choice: unfold it, as a person would.
  await page.evaluate(() => {
    const d = document.getElementById('library') as HTMLDetailsElement | null;
    if (d) d.open = true;
  });
  await page.click(`[data-scenario="${id}"]`);
  await page.click('#run');
  await page.waitForRunEnd(30_000);
  const state = await page.evaluate(() => document.getElementById('results')?.dataset.state ?? '');
  if (state !== 'done') {
    const status = await page.evaluate(() => document.getElementById('status')?.textContent ?? '');
    throw new Error(`scenario ${id} did not finish: ${state}: ${status}`);
  }
  const rec = await page.evaluate(() => (window as unknown as { __labLast?: unknown }).__labLast);
  return rec as RunRecord;
}

export interface Expected {
  results: string[];
  /** Preflights the servers received over the run. */
  preflights: number;
  type?: string;
  readable?: { has: string[]; hasNot: string[] };
  errorKind?: string;
  /** The page refused before sending: the servers received nothing. */
  nothingSent?: boolean;
}

/** The outcome every scenario must have in a real browser (and so in the engine). */
export const EXPECTED: Record<string, Expected> = {
  'no-acao': { results: ['blocked'], preflights: 0, errorKind: 'missing-allow-origin-header' },
  wildcard: { results: ['allowed'], preflights: 0, type: 'cors' },
  'wildcard-credentials': { results: ['blocked'], preflights: 0, errorKind: 'wildcard-origin-not-allowed' },
  'json-post': { results: ['allowed'], preflights: 1, type: 'cors' },
  'put-authorization': { results: ['allowed'], preflights: 1, type: 'cors' },
  'put-authorization-refused': { results: ['blocked'], preflights: 1 },
  'preflight-404': {
    results: ['blocked'],
    preflights: 1,
    errorKind: 'preflight-missing-allow-origin-header',
  },
  'preflight-500': { results: ['blocked'], preflights: 1, errorKind: 'preflight-invalid-status' },
  'max-age': { results: ['allowed', 'allowed'], preflights: 1, type: 'cors' },
  'exposed-headers': {
    results: ['allowed'],
    preflights: 0,
    readable: { has: ['content-type', 'x-request-id'], hasNot: ['x-internal-build'] },
  },
  'echo-no-vary': { results: ['allowed'], preflights: 0 },
  'redirect-null': { results: ['blocked'], preflights: 0, errorKind: 'missing-allow-origin-header' },
  'no-cors': { results: ['allowed'], preflights: 0, type: 'opaque' },
  'canvas-tainted': { results: ['tainted'], preflights: 0 },
  'canvas-cors': { results: ['readable'], preflights: 0 },
  'csrf-form': { results: ['accepted'], preflights: 0 },
  'csrf-guard': { results: ['refused'], preflights: 0 },
  'postmessage-nocheck': { results: ['accepted'], preflights: 0 },
  'postmessage-check': { results: ['ignored'], preflights: 0 },
  proxy: { results: ['allowed'], preflights: 0, type: 'cors' },
  'lowercase-patch': { results: ['blocked'], preflights: 1 },
  // The spec says the wildcard does not cover Authorization; Chromium 156 and Firefox ESR 153 allow it.
  'allow-headers-star-authorization': { results: ['allowed'], preflights: 1, type: 'cors' },
  // Beyond CORS: the element's error event (ORB, CORP, COEP), the popup severed (COOP).
  'orb-json-script': { results: ['error'], preflights: 0, errorKind: 'blocked-by-orb' },
  'corp-same-origin-image': { results: ['error'], preflights: 0, errorKind: 'corp-not-same-origin' },
  'coep-corp-less-image': { results: ['error'], preflights: 0, errorKind: 'corp-required-by-coep' },
  'coop-severs-opener': { results: ['severed'], preflights: 0 },
  // The page refuses: mixed content (loopback is trustworthy) and the page's CSP.
  'mixed-content-loopback': { results: ['allowed'], preflights: 0, type: 'cors' },
  'mixed-content-image-upgrade': { results: ['tainted'], preflights: 0 },
  'csp-connect-src-self': {
    results: ['blocked'],
    preflights: 0,
    nothingSent: true,
    errorKind: 'csp-blocked',
  },
  'csp-default-src-fallback': {
    results: ['blocked'],
    preflights: 0,
    nothingSent: true,
    errorKind: 'csp-blocked',
  },
  'csp-connect-src-api': { results: ['allowed'], preflights: 0, type: 'cors' },
};

/** Checks one scenario's record against its expectation; returns the problems (empty: fine). */
export function checkExpected(id: string, rec: RunRecord): string[] {
  const e = EXPECTED[id];
  if (!e) return [`no expectation for scenario ${id}`];
  const problems: string[] = [];
  const results = rec.real.map((o) => o.result);
  if (results.join() !== e.results.join()) problems.push(`results ${results.join()} != ${e.results.join()}`);
  const pre = rec.realWire.filter((w) => w.preflight).length;
  if (pre !== e.preflights) problems.push(`${pre} preflights received, expected ${e.preflights}`);
  if (e.type && rec.real[0]?.type !== e.type) problems.push(`type ${rec.real[0]?.type} != ${e.type}`);
  for (const name of e.readable?.has ?? [])
    if (!rec.real[0]?.readableHeaders?.includes(name)) problems.push(`${name} not readable`);
  for (const name of e.readable?.hasNot ?? [])
    if (rec.real[0]?.readableHeaders?.includes(name)) problems.push(`${name} readable`);
  if (e.nothingSent && rec.realWire.length > 0)
    problems.push(`${rec.realWire.length} requests reached the servers`);
  if (e.errorKind && rec.prediction.attempts[0]?.errorKind !== e.errorKind)
    problems.push(`engine error kind ${rec.prediction.attempts[0]?.errorKind} != ${e.errorKind}`);
  return problems;
}
