/**
 * The lab page: a scenario library, an editor for the request and the server, and a Run that makes
 * the real request from this page and asks for the engine's prediction, then shows both side by
 * side with their differences. This file starts the page; the parts:
 *
 * - state.ts: the lab's origins, the detected profile, the chosen scenario;
 * - editor.ts: the case editor; library.ts: the scenario list and the URL fragment;
 * - run.ts: Run and "Run every scenario"; real-run.ts: what the page does in this browser;
 * - render.ts and diagram.ts: the result; dom.ts: small DOM helpers.
 */
import type { LabInfo } from '../../src/lab/types.js';
import { $, copyText, h } from './dom.js';
import { buildEditor, readEditor, showOrigins } from './editor.js';
import { buildLibrary, choose, fromFragment, setFragment } from './library.js';
import { matchPaste } from './paste.js';
import { runAll, runCase } from './run.js';
import { lab, narrow } from './state.js';
import './style.css';

function shareCase(button: HTMLButtonElement): void {
  const { labCase } = readEditor();
  if (!labCase) return;
  setFragment(labCase);
  void copyText(location.href, button, 'Link copied');
}

function wirePasteBox(): void {
  $('paste-form').addEventListener('submit', (e) => {
    e.preventDefault();
    const m = matchPaste($<HTMLTextAreaElement>('paste').value);
    $('paste-result').textContent = m.ok ? `${m.said} Opened "${m.scenario.title}" and ran it.` : m.message;
    if (!m.ok) return;
    choose(m.scenario);
    void runCase();
  });
}

/** Asks the lab server for its origins and shows them. */
async function loadInfo(): Promise<void> {
  try {
    lab.info = (await (await fetch('/__lab/info', { cache: 'no-store' })).json()) as LabInfo;
  } catch {
    $('status').textContent = 'The lab server does not answer: start it with npm start or crossorigin lab.';
  }
  const { info } = lab;
  const names: [string, string][] = [
    ['app page (this page)', info.app],
    ['lab API', info.api],
    ['other site', info.other],
  ];
  $('origins').replaceChildren(...names.flatMap(([k, v]) => [h('dt', {}, k), h('dd', {}, h('code', {}, v))]));
  showOrigins(info.api, info.other);
}

async function start(): Promise<void> {
  const sel = $<HTMLSelectElement>('profile');
  sel.append(
    h('option', { value: 'auto' }, `detected: ${lab.detected}`),
    ...['chromium', 'firefox', 'webkit', 'spec'].map((p) => h('option', { value: p }, p)),
  );
  buildLibrary();
  buildEditor({ run: () => void runCase(), share: shareCase });
  if (narrow.matches) ($('library') as HTMLDetailsElement).open = false;
  $('run-all').addEventListener('click', () => void runAll());
  wirePasteBox();
  await loadInfo();
  fromFragment();
  window.addEventListener('hashchange', fromFragment);
  document.body.dataset.ready = 'true';
}

void start();
