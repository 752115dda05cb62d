/**
 * The lab page: a scenario library, an editor for the request and the server, and a Run that makes
 * the real request from this page and asks the lab server for the engine's prediction, then shows
 * both side by side with their differences.
 */

import { predict } from '../../src/lab/predict.js';
import {
  caseUrl,
  compareRuns,
  type Difference,
  profileForUserAgent,
  requestBody,
} from '../../src/lab/shared.js';
import type {
  EngineAttempt,
  LabCase,
  LabHeader,
  LabInfo,
  LabKind,
  LabPolicy,
  Outcome,
  Prediction,
  WireEntry,
} from '../../src/lab/types.js';
import { matchPaste } from './paste.js';
import { findScenario, SCENARIOS, type Scenario } from './scenarios.js';
import { tunnelFetch } from './tunnel.js';
import './style.css';

type Child = Node | string | null | undefined | false;

function h<K extends keyof HTMLElementTagNameMap>(
  tag: K,
  attrs: Record<string, string | boolean | undefined> = {},
  ...children: Child[]
): HTMLElementTagNameMap[K] {
  const el = document.createElement(tag);
  for (const [k, v] of Object.entries(attrs)) {
    if (v === undefined || v === false) continue;
    if (k === 'class') el.className = String(v);
    else el.setAttribute(k, v === true ? '' : v);
  }
  for (const c of children) if (c !== null && c !== undefined && c !== false) el.append(c);
  return el;
}

const $ = <T extends HTMLElement>(id: string): T => document.getElementById(id) as T;

let info: LabInfo = { app: location.origin, api: '', other: '', version: '' };
const detected = profileForUserAgent(navigator.userAgent);
let current: Scenario | null = null;
let runCounter = 0;
const transport = tunnelFetch();
/** One column: the library folds away once a scenario is chosen. */
const narrow = window.matchMedia('(max-width: 760px)');

// ---------------------------------------------------------------- the editor

interface Field {
  id: string;
  label: string;
  control: HTMLInputElement | HTMLSelectElement | HTMLTextAreaElement;
  help?: string;
  only?: LabKind[];
}

function select(id: string, options: [string, string][]): HTMLSelectElement {
  return h('select', { id, name: id }, ...options.map(([v, t]) => h('option', { value: v }, t)));
}

const kind = select('kind', [
  ['fetch', 'fetch() from this page'],
  ['image', '<img> drawn on a canvas'],
  ['form', 'form POST from the other site'],
  ['message', 'postMessage from the other site'],
]);
const target = select('target', [
  ['api', 'lab API ({api})'],
  ['other', 'other site ({other})'],
  ['proxy', 'proxy on the lab API, to the other site'],
]);
const pathInput = h('input', {
  id: 'path',
  name: 'path',
  type: 'text',
  spellcheck: 'false',
  autocomplete: 'off',
});
const method = h('input', {
  id: 'method',
  name: 'method',
  type: 'text',
  spellcheck: 'false',
  autocomplete: 'off',
});
const headers = h('textarea', { id: 'headers', name: 'headers', rows: '3', spellcheck: 'false' });
const body = select('body', [
  ['none', 'none'],
  ['json', 'JSON string {"amount":100}'],
  ['text', 'text string amount=100'],
  ['form', 'URLSearchParams amount=100'],
]);
const credentials = select('credentials', [
  ['same-origin', 'same-origin (default)'],
  ['include', 'include'],
  ['omit', 'omit'],
]);
const mode = select('mode', [
  ['cors', 'cors (default)'],
  ['no-cors', 'no-cors'],
  ['same-origin', 'same-origin'],
]);
const repeat = h('input', { id: 'repeat', name: 'repeat', type: 'number', min: '1', max: '3', step: '1' });
const crossOriginAttr = h('input', { id: 'crossorigin-attr', name: 'crossorigin-attr', type: 'checkbox' });
const checkOrigin = h('input', { id: 'check-origin', name: 'check-origin', type: 'checkbox' });

const policyType = select('policy-type', [
  ['none', 'no CORS at all'],
  ['crossorigin', 'crossorigin/server policy'],
  ['raw', 'raw response headers'],
]);
const options = h('textarea', {
  id: 'policy-options',
  name: 'policy-options',
  rows: '4',
  spellcheck: 'false',
});
const preStatus = h('input', {
  id: 'preflight-status',
  name: 'preflight-status',
  type: 'number',
  min: '200',
  max: '599',
});
const preHeaders = h('textarea', {
  id: 'preflight-headers',
  name: 'preflight-headers',
  rows: '3',
  spellcheck: 'false',
});
const actStatus = h('input', {
  id: 'actual-status',
  name: 'actual-status',
  type: 'number',
  min: '200',
  max: '599',
});
const actHeaders = h('textarea', {
  id: 'actual-headers',
  name: 'actual-headers',
  rows: '3',
  spellcheck: 'false',
});
const redirect = select('redirect', [
  ['', 'no redirect'],
  ['307-other', '307 at "start" → other site'],
  ['302-other', '302 at "start" → other site'],
  ['307-api', '307 at "start" → lab API'],
]);
const csrf = h('input', { id: 'csrf', name: 'csrf', type: 'checkbox' });

const requestFields: Field[] = [
  { id: 'kind', label: 'What the page does', control: kind },
  { id: 'target', label: 'Sent to', control: target, only: ['fetch', 'image', 'form'] },
  { id: 'path', label: 'Path', control: pathInput, only: ['fetch', 'image', 'form'] },
  { id: 'method', label: 'Method', control: method, only: ['fetch'] },
  {
    id: 'headers',
    label: 'Request headers',
    control: headers,
    help: 'One per line: Name: value',
    only: ['fetch'],
  },
  { id: 'body', label: 'Body', control: body, only: ['fetch'] },
  { id: 'credentials', label: 'credentials', control: credentials, only: ['fetch'] },
  { id: 'mode', label: 'mode', control: mode, only: ['fetch'] },
  {
    id: 'repeat',
    label: 'Times in a row',
    control: repeat,
    help: '2 shows the preflight cache',
    only: ['fetch'],
  },
  {
    id: 'crossorigin-attr',
    label: 'crossorigin="anonymous" on the <img>',
    control: crossOriginAttr,
    only: ['image'],
  },
  { id: 'check-origin', label: 'The listener checks event.origin', control: checkOrigin, only: ['message'] },
];
const serverFields: Field[] = [
  { id: 'policy-type', label: 'CORS', control: policyType },
  {
    id: 'policy-options',
    label: 'createCorsPolicy options (JSON)',
    control: options,
    help: 'Placeholders: {app} {api} {other}',
  },
  { id: 'preflight-status', label: 'Preflight status', control: preStatus },
  {
    id: 'preflight-headers',
    label: 'Preflight response headers',
    control: preHeaders,
    help: "{origin} echoes the request's Origin",
  },
  { id: 'actual-status', label: 'Response status', control: actStatus },
  { id: 'actual-headers', label: 'Response headers', control: actHeaders },
  { id: 'redirect', label: 'Redirect', control: redirect },
  { id: 'csrf', label: 'crossorigin/csrf guard in front of the API', control: csrf },
];

function fieldRow(f: Field): HTMLElement {
  const isBox = f.control instanceof HTMLInputElement && f.control.type === 'checkbox';
  const helpId = f.help ? `${f.id}-help` : undefined;
  if (helpId) f.control.setAttribute('aria-describedby', helpId);
  const label = h('label', { for: f.id }, f.label);
  const help = f.help ? h('span', { class: 'help', id: helpId }, f.help) : null;
  return h(
    'div',
    { class: isBox ? 'row box' : 'row', 'data-field': f.id },
    ...(isBox ? [f.control, label, help] : [label, f.control, help]),
  );
}

function headerText(list: readonly LabHeader[]): string {
  return list.map(([n, v]) => `${n}: ${v}`).join('\n');
}

function parseHeaderText(text: string, where: string, problems: string[]): LabHeader[] {
  const out: LabHeader[] = [];
  for (const line of text.split('\n')) {
    if (line.trim() === '') continue;
    const i = line.indexOf(':');
    if (i <= 0) {
      problems.push(`${where}: "${line}" is not "Name: value"`);
      continue;
    }
    out.push([line.slice(0, i).trim(), line.slice(i + 1).trim()]);
  }
  return out;
}

function showFields(): void {
  const k = kind.value as LabKind;
  for (const f of requestFields) {
    const row = document.querySelector<HTMLElement>(`[data-field="${f.id}"]`);
    if (row) row.hidden = f.only !== undefined && !f.only.includes(k);
  }
  const p = policyType.value;
  const show = (id: string, on: boolean) => {
    const row = document.querySelector<HTMLElement>(`[data-field="${id}"]`);
    if (row) row.hidden = !on;
  };
  show('policy-options', p === 'crossorigin');
  for (const id of ['preflight-status', 'preflight-headers', 'actual-status', 'actual-headers'])
    show(id, p === 'raw');
  show('redirect', k === 'fetch');
  show('csrf', k === 'form');
}

function fillEditor(c: LabCase): void {
  kind.value = c.kind;
  target.value = c.request.target;
  pathInput.value = c.request.path;
  method.value = c.request.method;
  headers.value = headerText(c.request.headers);
  body.value = c.request.body;
  credentials.value = c.request.credentials;
  mode.value = c.request.mode;
  repeat.value = String(c.request.repeat);
  crossOriginAttr.checked = c.crossOriginAttribute === true;
  checkOrigin.checked = c.checkOrigin === true;
  const p = c.server.policy;
  policyType.value = p.type;
  options.value = p.type === 'crossorigin' ? JSON.stringify(p.options) : '{"origins":["{app}"]}';
  const raw = p.type === 'raw' ? p : null;
  preStatus.value = String(raw?.preflight.status ?? 204);
  preHeaders.value = headerText(raw?.preflight.headers ?? [['Access-Control-Allow-Origin', '{origin}']]);
  actStatus.value = String(raw?.actual.status ?? 200);
  actHeaders.value = headerText(raw?.actual.headers ?? [['Access-Control-Allow-Origin', '{origin}']]);
  const r = c.server.redirect;
  redirect.value = r ? `${r.status}-${r.to}` : '';
  csrf.checked = c.server.csrf === true;
  showFields();
}

function readEditor(): { labCase: LabCase | null; problems: string[] } {
  const problems: string[] = [];
  const k = kind.value as LabKind;
  let policy: LabPolicy = { type: 'none' };
  if (policyType.value === 'crossorigin') {
    try {
      const parsed = JSON.parse(options.value) as unknown;
      if (parsed === null || typeof parsed !== 'object' || Array.isArray(parsed))
        problems.push('createCorsPolicy options must be a JSON object');
      else policy = { type: 'crossorigin', options: parsed as Record<string, unknown> };
    } catch (e) {
      problems.push(`createCorsPolicy options are not valid JSON: ${(e as Error).message}`);
    }
  } else if (policyType.value === 'raw') {
    policy = {
      type: 'raw',
      preflight: {
        status: Number(preStatus.value),
        headers: parseHeaderText(preHeaders.value, 'Preflight headers', problems),
      },
      actual: {
        status: Number(actStatus.value),
        headers: parseHeaderText(actHeaders.value, 'Response headers', problems),
      },
    };
  }
  const [rs, rt] = redirect.value.split('-');
  const n = Math.trunc(Number(repeat.value));
  const labCase: LabCase = {
    kind: k,
    request: {
      target: target.value as LabCase['request']['target'],
      path: pathInput.value.trim() || 'data',
      method: method.value.trim() || 'GET',
      headers: parseHeaderText(headers.value, 'Request headers', problems),
      body: body.value as LabCase['request']['body'],
      credentials: credentials.value as LabCase['request']['credentials'],
      mode: mode.value as LabCase['request']['mode'],
      repeat: n >= 1 && n <= 3 ? n : 1,
    },
    server: {
      policy,
      ...(rs && k === 'fetch'
        ? { redirect: { status: Number(rs) as 307, to: rt === 'api' ? 'api' : 'other' } }
        : {}),
      ...(k === 'form' ? { csrf: csrf.checked } : {}),
    },
    ...(k === 'image' ? { crossOriginAttribute: crossOriginAttr.checked } : {}),
    ...(k === 'message' ? { checkOrigin: checkOrigin.checked } : {}),
  };
  return { labCase: problems.length ? null : labCase, problems };
}

/** The heading says when the editor no longer holds the chosen scenario. */
function markEdited(): void {
  if (!current) return;
  const { labCase } = readEditor();
  const edited = !labCase || JSON.stringify(labCase) !== JSON.stringify(current.labCase);
  $('editor-title').textContent = edited ? `${current.title} (edited)` : current.title;
}

function buildEditor(): void {
  const form = $<HTMLFormElement>('editor');
  const run = h('button', { type: 'submit', class: 'run', id: 'run' }, 'Run');
  const share = h('button', { type: 'button', id: 'share' }, 'Copy link to this case');
  form.append(
    h('fieldset', {}, h('legend', {}, 'Request (the page)'), ...requestFields.map(fieldRow)),
    h(
      'fieldset',
      {},
      h('legend', {}, 'Server (the lab API and the other site)'),
      ...serverFields.map(fieldRow),
    ),
    h('div', { class: 'actions' }, run, share),
  );
  form.addEventListener('input', markEdited);
  form.addEventListener('change', markEdited);
  kind.addEventListener('change', showFields);
  policyType.addEventListener('change', showFields);
  form.addEventListener('submit', (e) => {
    e.preventDefault();
    void runCase();
  });
  share.addEventListener('click', () => {
    const { labCase } = readEditor();
    if (!labCase) return;
    setFragment(labCase);
    void copyText(location.href, share, 'Link copied');
  });
}

// ---------------------------------------------------------------- library, fragment

function buildLibrary(): void {
  const groups = new Map<string, Scenario[]>();
  for (const s of SCENARIOS) groups.set(s.group, [...(groups.get(s.group) ?? []), s]);
  const root = $('scenarios');
  for (const [group, list] of groups) {
    const gid = `group-${group.replace(/\W+/g, '-').toLowerCase()}`;
    root.append(
      h('h3', { id: gid }, group),
      h(
        'ul',
        { 'aria-labelledby': gid },
        ...list.map((s) => {
          const b = h('button', { type: 'button', 'data-scenario': s.id }, s.title);
          b.addEventListener('click', () => {
            choose(s);
            if (narrow.matches) ($('library') as HTMLDetailsElement).open = false;
            $('editor-title').focus();
          });
          return h('li', {}, b);
        }),
      ),
    );
  }
}

function choose(s: Scenario | null, custom?: LabCase): void {
  current = s;
  for (const b of document.querySelectorAll<HTMLButtonElement>('[data-scenario]')) {
    if (b.dataset.scenario === s?.id) b.setAttribute('aria-current', 'true');
    else b.removeAttribute('aria-current');
  }
  $('editor-title').textContent = s ? s.title : 'Custom case';
  $('lesson').textContent = s ? s.lesson : 'A case from a shared link or your own edits.';
  fillEditor(custom ?? (s as Scenario).labCase);
  setFragment(custom ?? (s as Scenario).labCase);
}

function b64encode(text: string): string {
  const bytes = new TextEncoder().encode(text);
  let bin = '';
  for (const b of bytes) bin += String.fromCharCode(b);
  return btoa(bin).replaceAll('+', '-').replaceAll('/', '_').replace(/=+$/, '');
}

function b64decode(text: string): string {
  const bin = atob(text.replaceAll('-', '+').replaceAll('_', '/'));
  return new TextDecoder().decode(Uint8Array.from(bin, (c) => c.charCodeAt(0)));
}

function setFragment(c: LabCase): void {
  const same = current && JSON.stringify(current.labCase) === JSON.stringify(c);
  const hash = same && current ? `#scenario=${current.id}` : `#case=${b64encode(JSON.stringify(c))}`;
  if (location.hash !== hash) history.replaceState(null, '', hash);
}

function fromFragment(): void {
  const params = new URLSearchParams(location.hash.slice(1));
  const sid = params.get('scenario');
  const enc = params.get('case');
  if (enc) {
    try {
      const c = JSON.parse(b64decode(enc)) as LabCase;
      if (c && typeof c === 'object' && c.request && c.server) {
        const match = SCENARIOS.find((s) => JSON.stringify(s.labCase) === JSON.stringify(c));
        choose(match ?? null, c);
        return;
      }
    } catch {
      // not a case: fall through to the first scenario
    }
  }
  choose((sid && findScenario(sid)) || (SCENARIOS[0] as Scenario));
}

// ---------------------------------------------------------------- the real run

function sleep(ms: number): Promise<void> {
  return new Promise((r) => setTimeout(r, ms));
}

async function realFetch(c: LabCase, url: string): Promise<Outcome[]> {
  const out: Outcome[] = [];
  for (let i = 0; i < c.request.repeat; i++) {
    const b = requestBody(c.request.body);
    try {
      const res = await fetch(url, {
        method: c.request.method,
        headers: c.request.headers,
        ...(b !== undefined ? { body: b } : {}),
        credentials: c.request.credentials,
        mode: c.request.mode,
      });
      await res.arrayBuffer().catch(() => undefined);
      out.push({
        result: 'allowed',
        status: res.status,
        type: res.type,
        readableHeaders: [...res.headers.keys()].sort(),
      });
    } catch (e) {
      out.push({ result: 'blocked', error: `${(e as Error).name}: ${(e as Error).message}` });
    }
  }
  return out;
}

async function realImage(c: LabCase, url: string): Promise<Outcome[]> {
  const img = new Image();
  if (c.crossOriginAttribute) img.crossOrigin = 'anonymous';
  img.alt = '';
  const loaded = await new Promise<boolean>((resolve) => {
    img.onload = () => resolve(true);
    img.onerror = () => resolve(false);
    img.src = url;
  });
  if (!loaded) return [{ result: 'error' }];
  const canvas = h('canvas', { width: '4', height: '4', 'aria-hidden': 'true' });
  $('stage').replaceChildren(canvas);
  const ctx = canvas.getContext('2d');
  if (!ctx) return [{ result: 'error', error: 'no 2d context' }];
  ctx.drawImage(img, 0, 0);
  try {
    ctx.getImageData(0, 0, 1, 1);
    return [{ result: 'readable' }];
  } catch (e) {
    return [{ result: 'tainted', error: `${(e as Error).name}: ${(e as Error).message}` }];
  }
}

function attackerFrame(spec: unknown): HTMLIFrameElement {
  const frame = h('iframe', {
    title: 'The other site (attacker) page',
    tabindex: '-1',
    src: `${info.other}/attacker.html#${encodeURIComponent(JSON.stringify(spec))}`,
  });
  $('stage').replaceChildren(frame);
  return frame;
}

async function realForm(url: string, id: string, run: string): Promise<Outcome[]> {
  attackerFrame({ action: 'form', url, fields: { amount: '100', to: 'attacker' } });
  for (let i = 0; i < 100; i++) {
    await sleep(100);
    const wire = await getWire(id, run);
    const hit = wire.find((w) => w.server === 'api' && w.response !== null);
    if (hit?.response) {
      return [{ result: hit.response.status === 403 ? 'refused' : 'accepted', status: hit.response.status }];
    }
  }
  return [{ result: 'not received' }];
}

async function realMessage(c: LabCase): Promise<Outcome[]> {
  let frame: HTMLIFrameElement | null = null;
  const got = new Promise<Outcome>((resolve) => {
    const timer = setTimeout(() => resolve({ result: 'no message' }), 10_000);
    const listener = (event: MessageEvent) => {
      if (!frame || event.source !== frame.contentWindow) return;
      window.removeEventListener('message', listener);
      clearTimeout(timer);
      // The app's listener, as written with or without the check.
      const accepted = !c.checkOrigin || event.origin === info.api;
      resolve({ result: accepted ? 'accepted' : 'ignored', eventOrigin: event.origin });
    };
    window.addEventListener('message', listener);
  });
  frame = attackerFrame({ action: 'message', data: { action: 'transfer', amount: 100 } });
  return [await got];
}

async function getWire(id: string, run: string): Promise<WireEntry[]> {
  const res = await fetch(`/__lab/log/${id}/${run}`, { cache: 'no-store' });
  return (await res.json()) as WireEntry[];
}

// ---------------------------------------------------------------- rendering

function lane(server: WireEntry['server'] | 'page'): number {
  return server === 'page' ? 1 : server === 'other' ? 3 : 2;
}

function arrow(
  from: number,
  to: number,
  label: string,
  cls: string,
  detail?: HTMLElement | null,
): HTMLElement {
  const lo = Math.min(from, to);
  const hi = Math.max(from, to);
  const dir = to > from ? 'ltr' : 'rtl';
  const names = ['', 'page', 'API', 'other site'];
  const text = `${names[from]} to ${names[to]}: ${label}`;
  const line = h(
    'div',
    { class: `arrow ${dir} ${cls}`, style: `grid-column:${lo} / ${hi + 1}` } as Record<string, string>,
    h('span', { class: 'label' }, label),
  );
  return h('li', { class: 'step', 'aria-label': text }, h('div', { class: 'lanes' }, line), detail ?? null);
}

function note(text: string, cls = ''): HTMLElement {
  return h('li', { class: `step note ${cls}` }, h('p', {}, text));
}

function headerList(title: string, list: readonly LabHeader[]): HTMLElement {
  return h(
    'div',
    { class: 'hdrs' },
    h('p', { class: 'hdrs-title' }, title),
    h('pre', {}, list.map(([n, v]) => `${n}: ${v}`).join('\n') || '(none)'),
  );
}

function diagram(
  wire: readonly WireEntry[],
  extra: EngineAttempt[] | null,
  kind: LabKind,
  outcomes: readonly Outcome[],
): HTMLElement {
  const viaProxy = wire.some((w) => w.server === 'proxy');
  const ol = h('ol', { class: 'seq' });
  ol.append(
    h(
      'li',
      { class: 'lane-heads', 'aria-hidden': 'true' },
      h('span', {}, 'Page'),
      h('span', {}, viaProxy ? 'API / proxy' : 'Lab API'),
      h('span', {}, kind === 'form' || kind === 'message' ? 'Other site (attacker)' : 'Other site'),
    ),
  );
  // A proxied exchange answers the page after its upstream exchange: hold the proxy's answer.
  let held: HTMLElement[] = [];
  const flush = () => {
    ol.append(...held);
    held = [];
  };
  for (const w of wire) {
    if (w.server !== 'other' || !viaProxy) flush();
    // The form is submitted by the attacker's page (the other site), not by the app page.
    const from = kind === 'form' ? 3 : w.server === 'other' && viaProxy ? 2 : 1;
    const to = lane(w.server);
    const label = `${w.preflight ? 'OPTIONS (preflight)' : w.method} ${w.path.replace(/^\/(proxy\/)?c\/[^/]+\/[^/]+/, '…')}`;
    const details = h(
      'details',
      {},
      h(
        'summary',
        {},
        `headers on the wire (${w.server === 'proxy' ? 'proxy' : w.server === 'api' ? 'lab API' : 'other site'})`,
      ),
      headerList('request', w.headers),
      headerList(`response ${w.response?.status ?? ''}`, w.response?.headers ?? []),
    );
    ol.append(arrow(from, to, label, w.preflight ? 'pre' : 'act'));
    const answer: HTMLElement[] = [];
    if (w.response) {
      const loc = w.response.headers.find(([n]) => n.toLowerCase() === 'location');
      answer.push(arrow(to, from, `${w.response.status}${loc ? ` → ${loc[1]}` : ''}`, 'ans', details));
    } else {
      answer.push(h('li', { class: 'step' }, details));
    }
    if (w.server === 'proxy') held.push(...answer);
    else ol.append(...answer);
  }
  flush();
  if (kind === 'message') {
    const origin = outcomes[0]?.eventOrigin;
    ol.append(arrow(3, 1, `postMessage(data, '*')${origin ? `: event.origin ${origin}` : ''}`, 'act'));
  }
  if (extra) {
    extra.forEach((a, i) => {
      for (const s of a.steps) {
        if (s.type === 'cache-hit')
          ol.append(note(`Attempt ${i + 1}: ${s.note ?? 'answered from a cache'}`, 'cache'));
        if (s.type === 'redirect' && s.note) ol.append(note(`Attempt ${i + 1}: ${s.note}`));
      }
    });
  }
  if (wire.length === 0 && kind !== 'message') ol.append(note('Nothing reached the servers.'));
  return ol;
}

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
    engine.forEach((a, i) => {
      const prefix = engine.length > 1 ? `Attempt ${i + 1}: ` : '';
      if (a.console)
        sec.append(h('h4', {}, `${prefix}Console message`), h('pre', { class: 'console' }, a.console));
      if (a.explanation) sec.append(h('h4', {}, `${prefix}Why`), h('p', {}, a.explanation));
      if (a.candidates?.length) {
        sec.append(
          h('h4', {}, `${prefix}Possible causes, and how to tell them apart`),
          h(
            'ol',
            { class: 'candidates' },
            ...a.candidates.map((c) => h('li', {}, c.cause, h('br'), h('span', { class: 'hint' }, c.tell))),
          ),
        );
      }
      if (a.fix) sec.append(h('h4', {}, `${prefix}Fix`), h('p', { class: 'fix' }, a.fix));
      // The same snippets `crossorigin check` prints.
      for (const [name, code] of Object.entries(a.fixDetail?.snippets ?? {})) {
        sec.append(
          h(
            'details',
            { class: 'snippet' },
            h('summary', {}, name === 'cors' ? 'cors package (Express)' : name),
            h('pre', {}, code),
          ),
        );
      }
    });
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
    `- Engine profile: ${p.profile}; crossorigin ${info.version || '(version unknown)'}`,
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

async function copyText(text: string, button: HTMLButtonElement, done: string): Promise<void> {
  const old = button.textContent;
  try {
    await navigator.clipboard.writeText(text);
  } catch {
    const area = h('textarea', { 'aria-label': 'Text to copy', readonly: true });
    area.value = text;
    document.body.append(area);
    area.select();
    document.execCommand('copy');
    area.remove();
  }
  button.textContent = done;
  setTimeout(() => {
    button.textContent = old;
  }, 2000);
}

// ---------------------------------------------------------------- Run

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

async function runCase(): Promise<LabRunRecord | null> {
  const results = $('results');
  const status = $('status');
  const problemsBox = $('problems');
  const { labCase, problems } = readEditor();
  problemsBox.hidden = true;
  if (!labCase) {
    problemsBox.replaceChildren(
      h('p', {}, 'Fix the case first:'),
      h('ul', {}, ...problems.map((p) => h('li', {}, p))),
    );
    problemsBox.hidden = false;
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
    const slug = (current?.id ?? 'custom').slice(0, 30);
    const caseId = `${slug}-${Math.random().toString(36).slice(2, 10)}`;
    const run = `b${runCounter}`;
    const put = await fetch(`/__lab/setup/${caseId}`, {
      method: 'PUT',
      headers: { 'content-type': 'application/json' },
      body: JSON.stringify(labCase.server),
    });
    if (!put.ok) {
      const answer = (await put.json()) as { problems?: string[] };
      problemsBox.replaceChildren(
        h('p', {}, 'The lab API refused this server setup:'),
        h('ul', {}, ...(answer.problems ?? ['unknown problem']).map((p) => h('li', {}, p))),
      );
      problemsBox.hidden = false;
      results.dataset.state = 'error';
      status.textContent = 'The server setup has problems.';
      return null;
    }
    const url = caseUrl(info, labCase.request, caseId, run);
    const real =
      labCase.kind === 'image'
        ? await realImage(labCase, url)
        : labCase.kind === 'form'
          ? await realForm(url, caseId, run)
          : labCase.kind === 'message'
            ? await realMessage(labCase)
            : await realFetch(labCase, url);
    await sleep(50);
    const realWire = await getWire(caseId, run);
    const profileChoice = $<HTMLSelectElement>('profile').value;
    const profile = profileChoice === 'auto' ? detected : profileChoice;
    const engineRun = `${run}-engine`;
    let prediction: Prediction;
    if ($<HTMLSelectElement>('engine-where').value === 'server') {
      const pres = await fetch('/__lab/predict', {
        method: 'POST',
        headers: { 'content-type': 'application/json' },
        body: JSON.stringify({ id: caseId, run, profile, case: labCase }),
      });
      prediction = (await pres.json()) as Prediction;
    } else {
      // The engine in this page: crossorigin/browser bundled, its requests tunnelled through the lab.
      prediction = await predict({ origins: info, id: caseId, run: engineRun, profile, labCase, transport });
      await sleep(50);
      prediction.wire = await getWire(caseId, engineRun);
    }
    const differences = compareRuns(real, realWire, prediction.attempts, prediction.wire);
    const record: LabRunRecord = {
      engine: $<HTMLSelectElement>('engine-where').value === 'server' ? 'server' : 'page',
      scenario: current?.id ?? null,
      caseId,
      run,
      labCase,
      real,
      realWire,
      prediction,
      differences,
    };
    window.__labLast = record;
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
async function runAll(): Promise<void> {
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
      ` (engine: ${$<HTMLSelectElement>('profile').value === 'auto' ? detected : $<HTMLSelectElement>('profile').value} profile)`,
    ),
    h('ul', { class: 'run-all-list' }, ...rows),
  );
  summary.dataset.state = 'done';
  summary.dataset.agree = String(agree);
  button.disabled = false;
}

function render(
  c: LabCase,
  real: Outcome[],
  realWire: WireEntry[],
  p: Prediction,
  diffs: Difference[],
): void {
  const verdict = $('verdict');
  if (diffs.length === 0) {
    verdict.replaceChildren(
      h('p', { class: 'agree' }, `✓ Your browser and the engine (${p.profile} profile) agree.`),
    );
  } else {
    const copy = h('button', { type: 'button', id: 'copy-report' }, 'Copy bug report');
    copy.addEventListener(
      'click',
      () => void copyText(bugReport(c, real, realWire, p, diffs), copy, 'Report copied'),
    );
    verdict.replaceChildren(
      h(
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
          h(
            'thead',
            {},
            h(
              'tr',
              {},
              h('th', { scope: 'col' }, 'attempt'),
              h('th', { scope: 'col' }, 'field'),
              h('th', { scope: 'col' }, 'your browser'),
              h('th', { scope: 'col' }, 'engine'),
            ),
          ),
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
      ),
    );
  }
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

// ---------------------------------------------------------------- start

async function start(): Promise<void> {
  const sel = $<HTMLSelectElement>('profile');
  sel.append(
    h('option', { value: 'auto' }, `detected: ${detected}`),
    ...['chromium', 'firefox', 'webkit', 'spec'].map((p) => h('option', { value: p }, p)),
  );
  buildLibrary();
  buildEditor();
  if (narrow.matches) ($('library') as HTMLDetailsElement).open = false;
  $('run-all').addEventListener('click', () => void runAll());
  $('paste-form').addEventListener('submit', (e) => {
    e.preventDefault();
    const m = matchPaste($<HTMLTextAreaElement>('paste').value);
    $('paste-result').textContent = m.ok ? `${m.said} Opened "${m.scenario.title}" and ran it.` : m.message;
    if (!m.ok) return;
    choose(m.scenario);
    void runCase();
  });
  try {
    info = (await (await fetch('/__lab/info', { cache: 'no-store' })).json()) as LabInfo;
  } catch {
    $('status').textContent = 'The lab server does not answer: start it with npm start or crossorigin lab.';
  }
  const names: [string, string][] = [
    ['app page (this page)', info.app],
    ['lab API', info.api],
    ['other site', info.other],
  ];
  $('origins').replaceChildren(...names.flatMap(([k, v]) => [h('dt', {}, k), h('dd', {}, h('code', {}, v))]));
  for (const o of target.options) {
    o.textContent = o.textContent.replace('{api}', info.api).replace('{other}', info.other);
  }
  fromFragment();
  window.addEventListener('hashchange', fromFragment);
  document.body.dataset.ready = 'true';
}

void start();
