/**
 * Run: the case's server setup is sent to the lab API, the page makes the real request in this
 * browser, the engine predicts the same case (in this page, or in the lab server), and the two are
 * compared and shown. "Run every scenario" does that for the whole library.
 */
import { predict } from '../../src/lab/predict.js';
import { caseUrl, compareRuns, type Difference } from '../../src/lab/shared.js';
import type { LabCase, Outcome, Prediction, WireEntry } from '../../src/lab/types.js';
import { $, h, sleep } from './dom.js';
import { readEditor } from './editor.js';
import { choose, setFragment } from './library.js';
import {
  getWire,
  realFetch,
  realForm,
  realImage,
  realInScene,
  realMessage,
  realPopup,
  realScript,
} from './real-run.js';
import { render } from './render.js';
import { SCENARIOS } from './scenarios.js';
import { lab } from './state.js';

export interface LabRunRecord {
  /** Where the engine ran: bundled in this page, or in the lab server. */
  engine: 'page' | 'server';
  scenario: string | null;
  caseId: string;
  run: string;
  labCase: LabCase;
  real: Outcome[];
  realWire: WireEntry[];
  prediction: Prediction;
  differences: Difference[];
}

declare global {
  interface Window {
    __labLast?: LabRunRecord;
  }
}

let runCounter = 0;

function showProblems(title: string, problems: readonly string[]): void {
  const box = $('problems');
  box.replaceChildren(h('p', {}, title), h('ul', {}, ...problems.map((p) => h('li', {}, p))));
  box.hidden = false;
}

/** The profile chosen in the header ("auto": the one detected for this browser). */
function chosenProfile(): string {
  const choice = $<HTMLSelectElement>('profile').value;
  return choice === 'auto' ? lab.detected : choice;
}

function engineWhere(): 'page' | 'server' {
  return $<HTMLSelectElement>('engine-where').value === 'server' ? 'server' : 'page';
}

/** Sends the case's server setup to the lab API; false (problems shown) when it is refused. */
async function putSetup(caseId: string, labCase: LabCase): Promise<boolean> {
  const put = await fetch(`/__lab/setup/${caseId}`, {
    method: 'PUT',
    headers: { 'content-type': 'application/json' },
    body: JSON.stringify(labCase.server),
  });
  if (put.ok) return true;
  const answer = (await put.json()) as { problems?: string[] };
  showProblems('The lab API refused this server setup:', answer.problems ?? ['unknown problem']);
  return false;
}

/** What this browser does with the case (in the scene frame when the case has a page of its own). */
function realRun(labCase: LabCase, url: string, caseId: string, run: string): Promise<Outcome[]> {
  if (labCase.server.page) return realInScene(labCase, url, caseId);
  switch (labCase.kind) {
    case 'image':
      return realImage(labCase, url);
    case 'form':
      return realForm(url, caseId, run);
    case 'message':
      return realMessage(labCase);
    case 'script':
      return realScript(url);
    case 'popup':
      return realPopup(url);
    default:
      return realFetch(labCase, url);
  }
}

/** The engine's prediction of the same case, with the requests its own run made. */
async function enginePrediction(labCase: LabCase, caseId: string, run: string): Promise<Prediction> {
  const profile = chosenProfile();
  if (engineWhere() === 'server') {
    const res = await fetch('/__lab/predict', {
      method: 'POST',
      headers: { 'content-type': 'application/json' },
      body: JSON.stringify({ id: caseId, run, profile, case: labCase }),
    });
    return (await res.json()) as Prediction;
  }
  // The engine in this page: crossorigin/browser bundled, its requests tunnelled through the lab.
  const engineRun = `${run}-engine`;
  const { info: origins, transport } = lab;
  const prediction = await predict({ origins, id: caseId, run: engineRun, profile, labCase, transport });
  await sleep(50);
  prediction.wire = await getWire(caseId, engineRun);
  return prediction;
}

/** Runs the case in this browser and in the engine; one record, also left on `window.__labLast`. */
async function runBoth(labCase: LabCase, caseId: string, run: string): Promise<LabRunRecord> {
  const url = caseUrl(lab.info, labCase.request, caseId, run);
  const real = await realRun(labCase, url, caseId, run);
  await sleep(50);
  const realWire = await getWire(caseId, run);
  const prediction = await enginePrediction(labCase, caseId, run);
  const differences = compareRuns(real, realWire, prediction.attempts, prediction.wire);
  const record: LabRunRecord = {
    engine: engineWhere(),
    scenario: lab.current?.id ?? null,
    caseId,
    run,
    labCase,
    real,
    realWire,
    prediction,
    differences,
  };
  window.__labLast = record;
  return record;
}

/** Runs the case in the editor and shows the result; null when it could not run. */
export async function runCase(): Promise<LabRunRecord | null> {
  const results = $('results');
  const status = $('status');
  const { labCase, problems } = readEditor();
  $('problems').hidden = true;
  if (!labCase) {
    showProblems('Fix the case first:', problems);
    return null;
  }
  setFragment(labCase);
  const runButton = $<HTMLButtonElement>('run');
  runButton.disabled = true;
  results.dataset.state = 'running';
  status.textContent = 'Running in your browser, then in the engine…';
  $('verdict').replaceChildren();
  $('sides').replaceChildren();
  try {
    runCounter++;
    const caseId = `${(lab.current?.id ?? 'custom').slice(0, 30)}-${Math.random().toString(36).slice(2, 10)}`;
    if (!(await putSetup(caseId, labCase))) {
      results.dataset.state = 'error';
      status.textContent = 'The server setup has problems.';
      return null;
    }
    const record = await runBoth(labCase, caseId, `b${runCounter}`);
    const { real, realWire, prediction, differences } = record;
    render(labCase, real, realWire, prediction, differences);
    results.dataset.state = 'done';
    // The result in view (and focus for keyboard and screen-reader users).
    results.tabIndex = -1;
    results.scrollIntoView({ block: 'start' }); // instant: a smooth scroll still running would move the next click's target
    results.focus({ preventScroll: true });
    status.textContent =
      differences.length === 0
        ? `Done: your browser and the engine (${prediction.profile}) agree.`
        : `Done: ${differences.length} difference${differences.length === 1 ? '' : 's'} between your browser and the engine.`;
    return record;
  } catch (e) {
    results.dataset.state = 'error';
    status.textContent = `The run failed: ${(e as Error).message}. Is the lab server still running?`;
    return null;
  } finally {
    runButton.disabled = false;
  }
}

/** Runs the whole library in this browser and lists where it and the engine disagree. */
export async function runAll(): Promise<void> {
  const button = $<HTMLButtonElement>('run-all');
  const summary = $('run-all-summary');
  button.disabled = true;
  summary.dataset.state = 'running';
  const rows: HTMLElement[] = [];
  let agree = 0;
  let i = 0;
  for (const s of SCENARIOS) {
    i++;
    summary.textContent = `Running ${i} of ${SCENARIOS.length}: ${s.title}`;
    choose(s);
    const rec = await runCase();
    const ok = rec !== null && rec.differences.length === 0;
    if (ok) agree++;
    const link = h('a', { href: `#scenario=${s.id}` }, s.title);
    rows.push(
      h(
        'li',
        { class: ok ? 'ok' : 'differs' },
        ok ? '✓ ' : '✗ ',
        link,
        ok ? '' : rec ? `: ${rec.differences.map((d) => d.field).join(', ')}` : ': did not run',
      ),
    );
  }
  summary.replaceChildren(
    h(
      'p',
      {},
      h('strong', {}, `${agree} of ${SCENARIOS.length} agree`),
      ` (engine: ${$<HTMLSelectElement>('profile').value === 'auto' ? lab.detected : $<HTMLSelectElement>('profile').value} profile)`,
    ),
    h('ul', { class: 'run-all-list' }, ...rows),
  );
  summary.dataset.state = 'done';
  summary.dataset.agree = String(agree);
  button.disabled = false;
}
