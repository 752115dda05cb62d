/** The lab page's small DOM helpers: an element builder, a lookup by id, copy to clipboard, sleep. */

export type Child = Node | string | null | undefined | false;

/** `document.createElement` with attributes (`class`, booleans as presence) and children. */
export function h<K extends keyof HTMLElementTagNameMap>(
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

export const $ = <T extends HTMLElement>(id: string): T => document.getElementById(id) as T;

export function sleep(ms: number): Promise<void> {
  return new Promise((r) => setTimeout(r, ms));
}

/** Copies `text` (clipboard API, else a hidden textarea) and says so on the button for 2 s. */
export async function copyText(text: string, button: HTMLButtonElement, done: string): Promise<void> {
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
