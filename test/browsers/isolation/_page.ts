/**
 * What runs in the page: a batch of loads (fetch, <script>, <img>, <audio>), all at once, each
 * bounded in time; the outcome of each as the page can see it. Built as an expression string so the
 * Chromium (playwright) and Firefox (puppeteer) pages evaluate the same text.
 */

export type Loader = 'fetch' | 'script' | 'img' | 'audio';

export interface PageLoad {
  id: string;
  url: string;
  loader: Loader;
  /** fetch() mode (fetch only). */
  mode?: 'no-cors' | 'cors' | 'same-origin';
  /** fetch() credentials (fetch only; default include). */
  credentials?: 'include' | 'same-origin' | 'omit';
  /** The element's crossorigin attribute (script, img, audio). */
  crossorigin?: 'anonymous' | 'use-credentials';
  /** A Range header (fetch only). */
  range?: string;
}

/** What the page saw. */
export interface PageOutcome {
  /** `response` (fetch resolved), `load` (element loaded), `error` (rejected / error event), `timeout`. */
  outcome: 'response' | 'load' | 'error' | 'timeout';
  /** fetch: the response's type, status and body length as read by the page. */
  type?: string;
  status?: number;
  length?: number;
  /** script: whether the body ran (it sets a flag), and whether it threw a SyntaxError. */
  ran?: boolean;
  syntaxError?: boolean;
  /** img: natural width. */
  width?: number;
  message?: string;
}

/** The page-side code (plain JavaScript: a transpiler must not rewrite it). */
const PAGE_MAIN = `(loads, timeoutMs) => {
  // A script runs and fires its load event in one task: an error event in between is its own
  // (muted to "Script error." for a cross-origin script, so it cannot be matched by file name).
  let pendingError = false;
  window.addEventListener('error', () => { pendingError = true; });
  const one = (l) => new Promise((resolve) => {
    const t = setTimeout(() => resolve({ outcome: 'timeout' }), timeoutMs);
    const done = (r) => { clearTimeout(t); resolve(r); };
    if (l.loader === 'fetch') {
      const init = { mode: l.mode || 'no-cors', credentials: l.credentials || 'include' };
      if (l.range) init.headers = { Range: l.range };
      fetch(l.url, init).then(async (r) => {
        let length = -1;
        try { length = (await r.arrayBuffer()).byteLength; } catch { length = -2; }
        done({ outcome: 'response', type: r.type, status: r.status, length });
      }, (e) => done({ outcome: 'error', message: e.message }));
    } else if (l.loader === 'script') {
      const s = document.createElement('script');
      if (l.crossorigin) s.crossOrigin = l.crossorigin;
      s.onload = () => {
        const syntaxError = pendingError;
        pendingError = false;
        done({ outcome: 'load', ran: !!(window.__ran && window.__ran[l.id]), syntaxError });
      };
      s.onerror = () => done({ outcome: 'error' });
      s.src = l.url;
      document.head.append(s);
    } else if (l.loader === 'img') {
      const i = new Image();
      if (l.crossorigin) i.crossOrigin = l.crossorigin;
      i.onload = () => done({ outcome: 'load', width: i.naturalWidth });
      i.onerror = () => done({ outcome: 'error' });
      i.src = l.url;
    } else {
      const a = document.createElement('audio');
      if (l.crossorigin) a.crossOrigin = l.crossorigin;
      a.preload = 'auto';
      a.onloadedmetadata = () => done({ outcome: 'load' });
      a.onerror = () => done({ outcome: 'error' });
      a.src = l.url;
    }
  });
  return Promise.all(loads.map(one));
}`;

/** The expression a page evaluates to run `loads`. */
export function batchExpression(loads: PageLoad[], timeoutMs = 8000): string {
  return `(${PAGE_MAIN})(${JSON.stringify(loads)}, ${timeoutMs})`;
}

/** A page-side probe: crossOriginIsolated, SharedArrayBuffer, and the timer resolution. */
export const ISOLATION_PROBE = `(() => {
  // Bounded by wall time, not by a count: on a loaded machine 20,000 reads of a 1 ms clock can
  // span only a tick or two, and a descheduled read skips one (a 2 ms step is not the resolution).
  const t = []; let last = performance.now(); const end = Date.now() + 400;
  while (t.length < 50 && Date.now() < end) { const n = performance.now(); if (n !== last) { t.push(n - last); last = n; } }
  return {
    crossOriginIsolated: self.crossOriginIsolated === true,
    sharedArrayBuffer: typeof SharedArrayBuffer === 'function',
    isSecureContext: self.isSecureContext === true,
    minTick: t.length ? Math.min(...t) : null,
  };
})()`;
