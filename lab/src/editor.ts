/**
 * The case editor: one control per field of a lab case (the request the page makes, how the lab
 * API answers), filled from a case and read back into one, with the problems that stop a run.
 */
import type { LabCase, LabHeader, LabKind, LabPolicy } from '../../src/lab/types.js';
import { $, h } from './dom.js';
import { lab } from './state.js';

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

export function headerText(list: readonly LabHeader[]): string {
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

export function fillEditor(c: LabCase): void {
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

export function readEditor(): { labCase: LabCase | null; problems: string[] } {
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
/** The heading says when the editor no longer holds the chosen scenario. */
function markEdited(): void {
  const current = lab.current;
  if (!current) return;
  const { labCase } = readEditor();
  const edited = !labCase || JSON.stringify(labCase) !== JSON.stringify(current.labCase);
  $('editor-title').textContent = edited ? `${current.title} (edited)` : current.title;
}

/** Builds the form; Run submits it, the share button copies a link to the case. */
export function buildEditor(actions: { run(): void; share(button: HTMLButtonElement): void }): void {
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
    actions.run();
  });
  share.addEventListener('click', () => actions.share(share));
}

/** Puts the lab's origins into the target choices. */
export function showOrigins(api: string, other: string): void {
  for (const o of target.options) {
    o.textContent = o.textContent.replace('{api}', api).replace('{other}', other);
  }
}
