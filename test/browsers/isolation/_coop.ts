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

/** Opens every popup at once; the handles and received messages stay on `window.__coop`. */
const OPEN_MAIN = `(popups) => {
  const got = new Set();
  window.addEventListener('message', (e) => { if (typeof e.data === 'string') got.add(e.data.slice(6)); });
  window.__coop = { got, handles: popups.map((p) => window.open(p.url, '_blank')) };
  return popups.length;
}`;

/** Reads each popup's handle and whether its message arrived, then closes the popups. */
const READ_MAIN = `(popups) => {
  const { got, handles } = window.__coop;
  const out = popups.map((p, k) => {
    const h = handles[k];
    let closed = null;
    try { closed = h ? h.closed : null; } catch (e) { closed = null; }
    return { handle: !!h, closed, message: got.has(p.id) };
  });
  for (const h of handles) { try { if (h && !h.closed) h.close(); } catch (e) {} }
  return out;
}`;

export function openExpression(popups: PopupSpec[]): string {
  return `(${OPEN_MAIN})(${JSON.stringify(popups.map(({ id, url }) => ({ id, url })))})`;
}

export function readExpression(popups: PopupSpec[]): string {
  return `(${READ_MAIN})(${JSON.stringify(popups.map(({ id, url }) => ({ id, url })))})`;
}

/**
 * Opens the popups, waits until every popup has reported (its beacon reached `beacons`, bounded by
 * `maxMs`), lets messages settle, and reads what the opener sees.
 */
export async function runPopups(
  page: { evaluate<T>(expression: string): Promise<T> },
  beacons: ReadonlyMap<string, string>,
  popups: PopupSpec[],
  maxMs = 20_000,
): Promise<PopupSeen[]> {
  await page.evaluate<number>(openExpression(popups));
  const deadline = Date.now() + maxMs;
  while (Date.now() < deadline && !popups.every((p) => beacons.has(p.id))) {
    await new Promise((r) => setTimeout(r, 100));
  }
  // A message posted right after the beacon, and the opener's view of a group switch, need a moment.
  await new Promise((r) => setTimeout(r, 500));
  return page.evaluate<PopupSeen[]>(readExpression(popups));
}
