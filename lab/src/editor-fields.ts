/**
 * The case editor's controls and rows: what the page does (the request, and how its own page is
 * served) and how the lab's servers answer. Each control's id is the field's id; rows are shown
 * only for the kinds they mean something for.
 */
import type { LabKind } from '../../src/lab/types.js';
import { h } from './dom.js';

export interface Field {
  id: string;
  label: string;
  control: HTMLInputElement | HTMLSelectElement | HTMLTextAreaElement;
  help?: string;
  only?: LabKind[];
}

function select(id: string, options: [string, string][]): HTMLSelectElement {
  return h('select', { id, name: id }, ...options.map(([v, t]) => h('option', { value: v }, t)));
}

function text(id: string): HTMLInputElement {
  return h('input', { id, name: id, type: 'text', spellcheck: 'false', autocomplete: 'off' });
}

function area(id: string, rows: number): HTMLTextAreaElement {
  return h('textarea', { id, name: id, rows: String(rows), spellcheck: 'false' });
}

function status(id: string): HTMLInputElement {
  return h('input', { id, name: id, type: 'number', min: '200', max: '599' });
}

function box(id: string): HTMLInputElement {
  return h('input', { id, name: id, type: 'checkbox' });
}

export const controls = {
  kind: select('kind', [
    ['fetch', 'fetch() from this page'],
    ['image', '<img> drawn on a canvas'],
    ['script', '<script src> (classic script)'],
    ['popup', 'window.open() of a popup'],
    ['form', 'form POST from the other site'],
    ['message', 'postMessage from the other site'],
  ]),
  target: select('target', [
    ['api', 'lab API ({api})'],
    ['other', 'other site ({other})'],
    ['proxy', 'proxy on the lab API, to the other site'],
  ]),
  path: text('path'),
  method: text('method'),
  headers: area('headers', 3),
  body: select('body', [
    ['none', 'none'],
    ['json', 'JSON string {"amount":100}'],
    ['text', 'text string amount=100'],
    ['form', 'URLSearchParams amount=100'],
  ]),
  credentials: select('credentials', [
    ['same-origin', 'same-origin (default)'],
    ['include', 'include'],
    ['omit', 'omit'],
  ]),
  mode: select('mode', [
    ['cors', 'cors (default)'],
    ['no-cors', 'no-cors'],
    ['same-origin', 'same-origin'],
  ]),
  repeat: h('input', { id: 'repeat', name: 'repeat', type: 'number', min: '1', max: '3', step: '1' }),
  crossOriginAttr: box('crossorigin-attr'),
  checkOrigin: box('check-origin'),
  pageHttps: box('page-https'),
  pageCsp: text('page-csp'),
  pageCoep: select('page-coep', [
    ['', 'none'],
    ['require-corp', 'require-corp'],
    ['credentialless', 'credentialless'],
  ]),
  policyType: select('policy-type', [
    ['none', 'no CORS at all'],
    ['crossorigin', 'crossorigin/server policy'],
    ['raw', 'raw response headers'],
  ]),
  options: area('policy-options', 4),
  preStatus: status('preflight-status'),
  preHeaders: area('preflight-headers', 3),
  actStatus: status('actual-status'),
  actHeaders: area('actual-headers', 3),
  redirect: select('redirect', [
    ['', 'no redirect'],
    ['307-other', '307 at "start" → other site'],
    ['302-other', '302 at "start" → other site'],
    ['307-api', '307 at "start" → lab API'],
  ]),
  csrf: box('csrf'),
  popupCoop: select('popup-coop', [
    ['', 'none'],
    ['unsafe-none', 'unsafe-none'],
    ['same-origin', 'same-origin'],
    ['same-origin-allow-popups', 'same-origin-allow-popups'],
    ['noopener-allow-popups', 'noopener-allow-popups'],
  ]),
};

const c = controls;
const PAGE_KINDS: LabKind[] = ['fetch', 'image', 'script'];

export const requestFields: Field[] = [
  { id: 'kind', label: 'What the page does', control: c.kind },
  { id: 'target', label: 'Sent to', control: c.target, only: ['fetch', 'image', 'script', 'popup', 'form'] },
  { id: 'path', label: 'Path', control: c.path, only: ['fetch', 'image', 'script', 'popup', 'form'] },
  { id: 'method', label: 'Method', control: c.method, only: ['fetch'] },
  {
    id: 'headers',
    label: 'Request headers',
    control: c.headers,
    help: 'One per line: Name: value',
    only: ['fetch'],
  },
  { id: 'body', label: 'Body', control: c.body, only: ['fetch'] },
  { id: 'credentials', label: 'credentials', control: c.credentials, only: ['fetch'] },
  { id: 'mode', label: 'mode', control: c.mode, only: ['fetch'] },
  {
    id: 'repeat',
    label: 'Times in a row',
    control: c.repeat,
    help: '2 shows the preflight cache',
    only: ['fetch'],
  },
  {
    id: 'crossorigin-attr',
    label: 'crossorigin="anonymous" on the <img>',
    control: c.crossOriginAttr,
    only: ['image'],
  },
  {
    id: 'check-origin',
    label: 'The listener checks event.origin',
    control: c.checkOrigin,
    only: ['message'],
  },
  {
    id: 'page-https',
    label: 'The page is served over https',
    control: c.pageHttps,
    help: "The lab's https twin of this page (self-signed certificate)",
    only: PAGE_KINDS,
  },
  {
    id: 'page-csp',
    label: "The page's Content-Security-Policy",
    control: c.pageCsp,
    help: 'Empty: none. Placeholders: {app} {api} {other}',
    only: PAGE_KINDS,
  },
  {
    id: 'page-coep',
    label: "The page's Cross-Origin-Embedder-Policy",
    control: c.pageCoep,
    only: PAGE_KINDS,
  },
];

export const serverFields: Field[] = [
  { id: 'policy-type', label: 'CORS', control: c.policyType },
  {
    id: 'policy-options',
    label: 'createCorsPolicy options (JSON)',
    control: c.options,
    help: 'Placeholders: {app} {api} {other}',
  },
  { id: 'preflight-status', label: 'Preflight status', control: c.preStatus },
  {
    id: 'preflight-headers',
    label: 'Preflight response headers',
    control: c.preHeaders,
    help: "{origin} echoes the request's Origin",
  },
  { id: 'actual-status', label: 'Response status', control: c.actStatus },
  { id: 'actual-headers', label: 'Response headers', control: c.actHeaders },
  { id: 'redirect', label: 'Redirect', control: c.redirect },
  { id: 'csrf', label: 'crossorigin/csrf guard in front of the API', control: c.csrf },
  { id: 'popup-coop', label: "The popup's Cross-Origin-Opener-Policy", control: c.popupCoop },
];

/** A field's row: label, control and help (a checkbox before its label). */
export function fieldRow(f: Field): HTMLElement {
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
