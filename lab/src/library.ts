/**
 * The scenario library and the URL fragment: choosing a scenario fills the editor, and the case in
 * the editor lives in the fragment (`#scenario=id`, or `#case=` base64url JSON) so it can be shared.
 */
import type { LabCase } from '../../src/lab/types.js';
import { $, h } from './dom.js';
import { fillEditor } from './editor.js';
import { findScenario, SCENARIOS, type Scenario } from './scenarios.js';
import { lab, narrow } from './state.js';

export function buildLibrary(): void {
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

export function choose(s: Scenario | null, custom?: LabCase): void {
  lab.current = s;
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

export function setFragment(c: LabCase): void {
  const current = lab.current;
  const same = current && JSON.stringify(current.labCase) === JSON.stringify(c);
  const hash = same && current ? `#scenario=${current.id}` : `#case=${b64encode(JSON.stringify(c))}`;
  if (location.hash !== hash) history.replaceState(null, '', hash);
}

export function fromFragment(): void {
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
