/**
 * The exchange as a sequence diagram: three lanes (the page, the lab API or proxy, the other site),
 * one arrow per request and per answer, each answer with its headers on the wire.
 */
import type { EngineAttempt, LabHeader, LabKind, Outcome, WireEntry } from '../../src/lab/types.js';
import { h } from './dom.js';

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

export function diagram(
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
