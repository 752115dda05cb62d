/**
 * The result: a verdict (agree, or a table of differences with a bug report to copy) and the two
 * sides, the real browser's and the engine's, each with its outcomes, its exchange and, for the
 * engine, the console line, the cause and the fix.
 */
import type { Difference } from '../../src/lab/shared.js';
import type { EngineAttempt, LabCase, LabKind, Outcome, Prediction, WireEntry } from '../../src/lab/types.js';
import { diagram } from './diagram.js';
import { $, copyText, h } from './dom.js';
import { lab } from './state.js';

function outcomeBadge(o: Outcome): HTMLElement {
  const good = ['allowed', 'readable', 'ignored', 'refused'].includes(o.result);
  const warn = o.result === 'allowed' && o.type === 'opaque';
  return h('span', { class: `badge ${warn ? 'warn' : good ? 'good' : 'bad'}` }, o.result);
}

function outcomeDetails(o: Outcome): HTMLElement {
  const dl = h('dl', { class: 'facts' });
  const add = (k: string, v: string | undefined) => {
    if (v === undefined || v === '') return;
    dl.append(h('dt', {}, k), h('dd', {}, v));
  };
  add('status', o.status === undefined ? undefined : String(o.status));
  add('response type', o.type);
  add('readable headers', o.readableHeaders ? o.readableHeaders.join(', ') || '(none)' : undefined);
  add('event.origin', o.eventOrigin);
  add('error', o.error);
  return dl;
}

/** The engine's explanation of each attempt: console line, why, candidate causes, fix and snippets. */
function engineNotes(engine: readonly EngineAttempt[]): HTMLElement[] {
  const out: HTMLElement[] = [];
  engine.forEach((a, i) => {
    const prefix = engine.length > 1 ? `Attempt ${i + 1}: ` : '';
    if (a.console)
      out.push(h('h4', {}, `${prefix}Console message`), h('pre', { class: 'console' }, a.console));
    if (a.explanation) out.push(h('h4', {}, `${prefix}Why`), h('p', {}, a.explanation));
    if (a.candidates?.length) {
      out.push(
        h('h4', {}, `${prefix}Possible causes, and how to tell them apart`),
        h(
          'ol',
          { class: 'candidates' },
          ...a.candidates.map((c) => h('li', {}, c.cause, h('br'), h('span', { class: 'hint' }, c.tell))),
        ),
      );
    }
    if (a.fix) out.push(h('h4', {}, `${prefix}Fix`), h('p', { class: 'fix' }, a.fix));
    // The same snippets `crossorigin check` prints.
    for (const [name, code] of Object.entries(a.fixDetail?.snippets ?? {})) {
      out.push(
        h(
          'details',
          { class: 'snippet' },
          h('summary', {}, name === 'cors' ? 'cors package (Express)' : name),
          h('pre', {}, code),
        ),
      );
    }
  });
  return out;
}

function side(
  title: string,
  outcomes: readonly Outcome[],
  wire: readonly WireEntry[],
  engine: EngineAttempt[] | null,
  cls: string,
  kind: LabKind,
): HTMLElement {
  const sec = h('section', { class: `side ${cls}`, 'aria-label': title }, h('h3', {}, title));
  outcomes.forEach((o, i) => {
    sec.append(
      h(
        'div',
        { class: 'attempt' },
        h('p', { class: 'attempt-title' }, outcomes.length > 1 ? `Attempt ${i + 1}: ` : '', outcomeBadge(o)),
        outcomeDetails(o),
      ),
    );
  });
  sec.append(h('h4', {}, 'Exchange'), diagram(wire, engine, kind, outcomes));
  if (engine) {
    sec.append(...engineNotes(engine));
  } else if (outcomes.some((o) => o.result === 'blocked' || o.result === 'error')) {
    sec.append(
      h(
        'p',
        { class: 'hint' },
        'Your browser printed its own message in the developer console (pages cannot read it); the engine shows the text it predicts.',
      ),
    );
  }
  return sec;
}

function bugReport(
  c: LabCase,
  real: Outcome[],
  realWire: WireEntry[],
  p: Prediction,
  diffs: Difference[],
): string {
  return [
    '### crossorigin lab: the browser and the engine disagree',
    '',
    `- Case: ${location.href}`,
    `- Browser: ${navigator.userAgent}`,
    `- Engine profile: ${p.profile}; crossorigin ${lab.info.version || '(version unknown)'}`,
    '',
    '| attempt | field | browser | engine |',
    '|---|---|---|---|',
    ...diffs.map((d) => `| ${d.attempt || 'run'} | ${d.field} | ${d.browser} | ${d.engine} |`),
    '',
    '<details><summary>Case and results (JSON)</summary>',
    '',
    '```json',
    JSON.stringify({ case: c, browser: { outcomes: real, wire: realWire }, engine: p }, null, 1),
    '```',
    '</details>',
  ].join('\n');
}

/** The mismatch box: what differs, attempt by attempt, and a button that copies a bug report. */
function mismatch(c: LabCase, real: Outcome[], realWire: WireEntry[], p: Prediction, diffs: Difference[]) {
  const copy = h('button', { type: 'button', id: 'copy-report' }, 'Copy bug report');
  copy.addEventListener(
    'click',
    () => void copyText(bugReport(c, real, realWire, p, diffs), copy, 'Report copied'),
  );
  const th = (text: string) => h('th', { scope: 'col' }, text);
  return h(
    'div',
    { class: 'mismatch' },
    h(
      'p',
      {},
      h('strong', {}, '✗ Mismatch: '),
      `the engine (${p.profile} profile) predicted something else.`,
    ),
    h(
      'table',
      {},
      h('caption', {}, 'Differences'),
      h('thead', {}, h('tr', {}, th('attempt'), th('field'), th('your browser'), th('engine'))),
      h(
        'tbody',
        {},
        ...diffs.map((d) =>
          h(
            'tr',
            {},
            h('td', {}, String(d.attempt || 'run')),
            h('td', {}, d.field),
            h('td', {}, d.browser),
            h('td', {}, d.engine),
          ),
        ),
      ),
    ),
    copy,
  );
}

/** Shows a finished run: the verdict, then the browser's side beside the engine's. */
export function render(
  c: LabCase,
  real: Outcome[],
  realWire: WireEntry[],
  p: Prediction,
  diffs: Difference[],
): void {
  $('verdict').replaceChildren(
    diffs.length === 0
      ? h('p', { class: 'agree' }, `✓ Your browser and the engine (${p.profile} profile) agree.`)
      : mismatch(c, real, realWire, p, diffs),
  );
  const browserName =
    navigator.userAgent.match(/(Firefox|Chrome|Chromium|Safari)\/[\d.]+/)?.[0] ?? 'your browser';
  $('sides').replaceChildren(
    side(
      `Your browser (${browserName})`,
      real,
      realWire,
      null,
      diffs.length ? 'real differs' : 'real',
      c.kind,
    ),
    side(
      `Engine (${p.profile} profile)`,
      p.attempts.map((a) => a.outcome),
      p.wire,
      p.attempts,
      diffs.length ? 'engine differs' : 'engine',
      c.kind,
    ),
  );
}
