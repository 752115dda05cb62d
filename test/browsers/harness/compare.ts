/**
 * Compares what a real browser did with what the engine did for the same case, field by field,
 * and formats disagreements for people.
 *
 * Compared (a difference in any is a disagreement): the preflights that reached the server (their
 * Access-Control-Request-Method and -Headers, in order: so whether one was sent, and how many),
 * the Origin, Sec-Fetch-* and Content-Type of every request that reached the server (Content-Type
 * reported only for Firefox, see SENT_HEADERS), whether the actual request reached the server, the outcome (allowed / blocked / opaque), the
 * status and readable header names of an allowed response, and, for Chromium, the console lines
 * (every line but Chromium's companion "Failed to load resource: ..." equals the engine's
 * CorsError message when the engine says Chromium logs it, and there is none otherwise). Every run
 * of a repeated case is compared.
 *
 * Reported but not judged (`notes`): the rejection's name and message, whether a cookie went out,
 * and for Firefox whether the engine's message is among Firefox's console lines.
 */
import type { EngineObservation, EngineRunObservation } from './engine.js';
import type { LocalCase } from './servers.js';
import type { BrowserName, Observation, RunObservation } from './types.js';

export interface FieldDiff {
  run: number;
  field: string;
  browser: unknown;
  engine: unknown;
}

export interface CaseComparison {
  id: string;
  browser: BrowserName;
  agree: boolean;
  diffs: FieldDiff[];
  /** Differences in fields that are reported, not judged. */
  notes: FieldDiff[];
}

/** Chromium's console lines that the engine's message must equal (the companion line dropped). */
export function chromiumCorsLines(lines: string[]): string[] {
  return lines.filter((l) => !l.startsWith('Failed to load resource:'));
}

function preflightList(o: RunObservation | EngineRunObservation): [string | null, string | null][] {
  return o.requests
    .filter((r) => r.preflight)
    .map((r) => {
      const h = (n: string) => r.headers.find(([k]) => k.toLowerCase() === n)?.[1] ?? null;
      return [h('access-control-request-method'), h('access-control-request-headers')];
    });
}

/**
 * The request headers judged on every request that reached the server (preflights, redirect hops,
 * the actual request), in order. Firefox's `Content-Type` is reported, not judged: after a POST is
 * redirected to GET (303) and redirected again, Firefox ESR 153 sends the POST's Content-Type on
 * the second GET (g284), which the engine does not model.
 */
const SENT_HEADERS = ['origin', 'sec-fetch-mode', 'sec-fetch-site', 'sec-fetch-dest'] as const;

function sentList(o: RunObservation | EngineRunObservation, names: readonly string[]): string[] {
  return o.requests.map((r) => {
    const h = (n: string) => r.headers.find(([k]) => k.toLowerCase() === n)?.[1] ?? null;
    const shown = names.map((n) => `${n}=${h(n) ?? '-'}`).join(' ');
    return `${r.preflight ? 'preflight' : r.method} ${shown}`;
  });
}

const same = (a: unknown, b: unknown) => JSON.stringify(a) === JSON.stringify(b);

function compareRun(
  browser: BrowserName,
  run: number,
  b: RunObservation,
  e: EngineRunObservation,
  xhr: boolean,
) {
  const diffs: FieldDiff[] = [];
  const notes: FieldDiff[] = [];
  const check = (into: FieldDiff[], field: string, bv: unknown, ev: unknown) => {
    if (!same(bv, ev)) into.push({ run, field, browser: bv, engine: ev });
  };
  check(diffs, 'preflights [ACRM, ACRH]', preflightList(b), preflightList(e));
  check(diffs, 'actualSent', b.actualSent, e.actualSent);
  const judged = browser === 'firefox' ? SENT_HEADERS : [...SENT_HEADERS, 'content-type'];
  check(diffs, 'request headers sent', sentList(b, judged), sentList(e, judged));
  if (browser === 'firefox')
    check(notes, 'content-type sent', sentList(b, ['content-type']), sentList(e, ['content-type']));
  check(diffs, 'outcome', b.outcome, e.outcome);
  if (b.outcome === 'allowed' && e.outcome === 'allowed') {
    check(diffs, 'status', b.status, e.status);
    check(diffs, 'readableHeaders', b.readableHeaders, e.readableHeaders);
  }
  if (browser === 'chromium') check(diffs, 'console', chromiumCorsLines(b.console), e.console);
  else {
    const msg = e.console[0];
    if (msg !== undefined && !b.console.includes(msg))
      notes.push({ run, field: 'console', browser: b.console, engine: msg });
    if (msg === undefined && e.cause && b.console.length > 0)
      notes.push({ run, field: 'console (engine: not logged)', browser: b.console, engine: e.cause.message });
  }
  check(notes, 'cookieSent', b.cookieSent, e.cookieSent);
  // An XHR fails with an error event, the engine with a rejection: nothing to compare.
  if (!xhr && (b.outcome === 'blocked' || e.outcome === 'blocked')) check(notes, 'error', b.error, e.error);
  return { diffs, notes };
}

/** `xhr`: the case's initiator is XMLHttpRequest (its error event is not compared with a rejection). */
export function compareCase(b: Observation, e: EngineObservation, xhr = false): CaseComparison {
  if (b.id !== e.id) throw new Error(`compareCase: ${b.id} vs ${e.id}`);
  const diffs: FieldDiff[] = [];
  const notes: FieldDiff[] = [];
  const bRuns: RunObservation[] = [b, ...b.repeats];
  const eRuns: EngineRunObservation[] = [e, ...e.repeats];
  for (let i = 0; i < Math.max(bRuns.length, eRuns.length); i++) {
    const br = bRuns[i];
    const er = eRuns[i];
    if (!br || !er) {
      diffs.push({ run: i + 1, field: 'runs', browser: bRuns.length, engine: eRuns.length });
      break;
    }
    const r = compareRun(b.browser, i + 1, br, er, xhr);
    diffs.push(...r.diffs);
    notes.push(...r.notes);
  }
  return { id: b.id, browser: b.browser, agree: diffs.length === 0, diffs, notes };
}

function show(v: unknown): string {
  if (typeof v === 'string') return v;
  return JSON.stringify(v);
}

/** A readable account of one disagreement: the case, then each field, browser then engine. */
export function formatDisagreement(c: LocalCase, cmp: CaseComparison, e?: EngineObservation): string {
  const r = c.request;
  const lines = [
    `✗ ${cmp.browser} ${cmp.id}: ${c.description}`,
    `  request: ${r.initiator === 'XMLHttpRequest' ? 'XHR ' : ''}${r.method} ${r.url} from ${r.origin}` +
      ` mode=${r.mode ?? 'cors'} credentials=${r.credentials ?? 'same-origin'} redirect=${r.redirect ?? 'follow'}` +
      (r.body && r.body !== 'none' ? ` body=${r.body}` : '') +
      (r.headers?.length ? ` headers=${show(r.headers)}` : '') +
      (c.repeat && c.repeat > 1 ? ` repeat=${c.repeat}` : ''),
  ];
  if (c.server.preflight) {
    const p = c.server.preflight;
    lines.push(`  preflight answer: ${p.status} ${show(p.headers)}${p.location ? ` -> ${p.location}` : ''}`);
  } else lines.push('  preflight answer: (none configured: 404)');
  lines.push(
    `  actual answer: ${c.server.actual.status} ${show(c.server.actual.headers)}${c.server.actual.location ? ` -> ${c.server.actual.location}` : ''}`,
  );
  for (const [path, h] of Object.entries(c.server.hops ?? {})) {
    lines.push(`  hop ${path}: ${h.status} ${show(h.headers)}${h.location ? ` -> ${h.location}` : ''}`);
  }
  for (const d of cmp.diffs) {
    lines.push(`  run ${d.run} ${d.field}:`);
    lines.push(`    - ${cmp.browser}: ${show(d.browser)}`);
    lines.push(`    + engine:   ${show(d.engine)}`);
  }
  if (e?.cause) lines.push(`  engine CorsError: kind=${e.cause.kind} logged=${e.cause.logged}`);
  return lines.join('\n');
}
