/**
 * The case editor: one control per field of a lab case (the request the page makes, how its page
 * and the lab's servers answer), filled from a case and read back into one, with the problems that
 * stop a run. The controls themselves are in ./editor-fields.ts.
 */
import type { LabCase, LabHeader, LabKind, LabPage, LabPolicy, LabServerSetup } from '../../src/lab/types.js';
import { $, h } from './dom.js';
import { controls as c, fieldRow, requestFields, serverFields } from './editor-fields.js';
import { lab } from './state.js';

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

function show(id: string, on: boolean): void {
  const row = document.querySelector<HTMLElement>(`[data-field="${id}"]`);
  if (row) row.hidden = !on;
}

function showFields(): void {
  const k = c.kind.value as LabKind;
  for (const f of requestFields) show(f.id, f.only === undefined || f.only.includes(k));
  const p = c.policyType.value;
  show('policy-options', p === 'crossorigin');
  for (const id of ['preflight-status', 'preflight-headers', 'actual-status', 'actual-headers'])
    show(id, p === 'raw');
  show('redirect', k === 'fetch');
  show('csrf', k === 'form');
  show('popup-coop', k === 'popup');
}

export function fillEditor(lc: LabCase): void {
  const r = lc.request;
  c.kind.value = lc.kind;
  c.target.value = r.target;
  c.path.value = r.path;
  c.method.value = r.method;
  c.headers.value = headerText(r.headers);
  c.body.value = r.body;
  c.credentials.value = r.credentials;
  c.mode.value = r.mode;
  c.repeat.value = String(r.repeat);
  c.crossOriginAttr.checked = lc.crossOriginAttribute === true;
  c.checkOrigin.checked = lc.checkOrigin === true;
  const p = lc.server.policy;
  c.policyType.value = p.type;
  c.options.value = p.type === 'crossorigin' ? JSON.stringify(p.options) : '{"origins":["{app}"]}';
  const raw = p.type === 'raw' ? p : null;
  c.preStatus.value = String(raw?.preflight.status ?? 204);
  c.preHeaders.value = headerText(raw?.preflight.headers ?? [['Access-Control-Allow-Origin', '{origin}']]);
  c.actStatus.value = String(raw?.actual.status ?? 200);
  c.actHeaders.value = headerText(raw?.actual.headers ?? [['Access-Control-Allow-Origin', '{origin}']]);
  const redirect = lc.server.redirect;
  c.redirect.value = redirect ? `${redirect.status}-${redirect.to}` : '';
  c.csrf.checked = lc.server.csrf === true;
  const page = lc.server.page;
  c.pageHttps.checked = page?.https === true;
  c.pageCsp.value = page?.csp ?? '';
  c.pageCoep.value = page?.coep ?? '';
  c.popupCoop.value = lc.server.popupCoop ?? '';
  showFields();
}

function readPolicy(problems: string[]): LabPolicy {
  if (c.policyType.value === 'crossorigin') {
    try {
      const parsed = JSON.parse(c.options.value) as unknown;
      if (parsed !== null && typeof parsed === 'object' && !Array.isArray(parsed))
        return { type: 'crossorigin', options: parsed as Record<string, unknown> };
      problems.push('createCorsPolicy options must be a JSON object');
    } catch (e) {
      problems.push(`createCorsPolicy options are not valid JSON: ${(e as Error).message}`);
    }
  } else if (c.policyType.value === 'raw') {
    return {
      type: 'raw',
      preflight: {
        status: Number(c.preStatus.value),
        headers: parseHeaderText(c.preHeaders.value, 'Preflight headers', problems),
      },
      actual: {
        status: Number(c.actStatus.value),
        headers: parseHeaderText(c.actHeaders.value, 'Response headers', problems),
      },
    };
  }
  return { type: 'none' };
}

/** The page's own setup (kinds fetch, image, script), in the key order scenarios are written in. */
function readPage(k: LabKind): LabPage | null {
  if (k !== 'fetch' && k !== 'image' && k !== 'script') return null;
  const page: LabPage = {
    ...(c.pageHttps.checked ? { https: true } : {}),
    ...(c.pageCsp.value.trim() ? { csp: c.pageCsp.value.trim() } : {}),
    ...(c.pageCoep.value ? { coep: c.pageCoep.value } : {}),
  };
  return Object.keys(page).length ? page : null;
}

function readServer(k: LabKind, problems: string[]): LabServerSetup {
  const [rs, rt] = c.redirect.value.split('-');
  const page = readPage(k);
  return {
    policy: readPolicy(problems),
    ...(rs && k === 'fetch'
      ? { redirect: { status: Number(rs) as 307, to: rt === 'api' ? 'api' : 'other' } }
      : {}),
    ...(k === 'form' ? { csrf: c.csrf.checked } : {}),
    ...(page ? { page } : {}),
    ...(k === 'popup' && c.popupCoop.value ? { popupCoop: c.popupCoop.value } : {}),
  };
}

export function readEditor(): { labCase: LabCase | null; problems: string[] } {
  const problems: string[] = [];
  const k = c.kind.value as LabKind;
  const n = Math.trunc(Number(c.repeat.value));
  const labCase: LabCase = {
    kind: k,
    request: {
      target: c.target.value as LabCase['request']['target'],
      path: c.path.value.trim() || 'data',
      method: c.method.value.trim() || 'GET',
      headers: parseHeaderText(c.headers.value, 'Request headers', problems),
      body: c.body.value as LabCase['request']['body'],
      credentials: c.credentials.value as LabCase['request']['credentials'],
      mode: c.mode.value as LabCase['request']['mode'],
      repeat: n >= 1 && n <= 3 ? n : 1,
    },
    server: readServer(k, problems),
    ...(k === 'image' ? { crossOriginAttribute: c.crossOriginAttr.checked } : {}),
    ...(k === 'message' ? { checkOrigin: c.checkOrigin.checked } : {}),
  };
  return { labCase: problems.length ? null : labCase, problems };
}

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
  c.kind.addEventListener('change', showFields);
  c.policyType.addEventListener('change', showFields);
  form.addEventListener('submit', (e) => {
    e.preventDefault();
    actions.run();
  });
  share.addEventListener('click', () => actions.share(share));
}

/** Puts the lab's origins into the target choices. */
export function showOrigins(api: string, other: string): void {
  for (const o of c.target.options) {
    o.textContent = o.textContent.replace('{api}', api).replace('{other}', other);
  }
}
