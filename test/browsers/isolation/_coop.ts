/**
 * COOP in the page: the opener opens popups (all at once), then reports, per popup, what
 * `window.open` returned, whether the handle reads `closed`, and whether a message arrived.
 * The popups report through a beacon (see _servers.ts) whether they saw `window.opener`.
 */

export interface PopupSpec {
  id: string;
  url: string;
}

export interface PopupSeen {
  /** `window.open` returned a Window (not null). */
  handle: boolean;
  /** The handle's `closed` after the popup loaded (true when the browsing context group was switched). */
  closed: boolean | null;
  /** A message from the popup reached the opener. */
  message: boolean;
}

const OPENER_MAIN = `async (popups, waitMs) => {
  const got = new Set();
  window.addEventListener('message', (e) => { if (typeof e.data === 'string') got.add(e.data.slice(6)); });
  const handles = popups.map((p) => window.open(p.url, '_blank'));
  await new Promise((r) => setTimeout(r, waitMs));
  const out = popups.map((p, k) => {
    const h = handles[k];
    let closed = null;
    try { closed = h ? h.closed : null; } catch (e) { closed = null; }
    return { handle: !!h, closed, message: got.has(p.id) };
  });
  for (const h of handles) { try { if (h && !h.closed) h.close(); } catch (e) {} }
  return out;
}`;

export function openerExpression(popups: PopupSpec[], waitMs = 2500): string {
  return `(${OPENER_MAIN})(${JSON.stringify(popups)}, ${waitMs})`;
}
