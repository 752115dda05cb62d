/**
 * What a context page runs: a batch of loads at once, each ending as `ok` (fetch/XHR answered,
 * image/audio loaded, script ran) or `blocked` (a network error, an `error` event). Kept as a string
 * so no transpiler helper leaks into the page.
 */
export type LoadKind = 'fetch' | 'xhr' | 'img' | 'script' | 'audio';

export interface PageLoad {
  id: string;
  kind: LoadKind;
  url: string;
}

export type LoadOutcome = 'ok' | 'blocked';

const SOURCE = `async (loads) => {
  const ran = new Set();
  window.__ran = (id) => ran.add(id);
  const one = (l) => new Promise((resolve) => {
    const done = (v) => resolve([l.id, v]);
    const timer = setTimeout(() => done('timeout'), 8000);
    const end = (v) => { clearTimeout(timer); done(v); };
    if (l.kind === 'fetch') {
      fetch(l.url, { mode: 'cors', cache: 'no-store' }).then((r) => r.text().then(() => end('ok'), () => end('blocked')), () => end('blocked'));
    } else if (l.kind === 'xhr') {
      const x = new XMLHttpRequest();
      try { x.open('GET', l.url, true); } catch (e) { end('blocked'); return; }
      x.onload = () => end('ok'); x.onerror = () => end('blocked');
      try { x.send(); } catch (e) { end('blocked'); }
    } else if (l.kind === 'img') {
      const i = new Image(); i.onload = () => end('ok'); i.onerror = () => end('blocked'); i.src = l.url;
    } else if (l.kind === 'audio') {
      const a = new Audio(); a.preload = 'auto'; a.oncanplaythrough = () => end('ok'); a.onloadeddata = () => end('ok');
      a.onerror = () => end('blocked'); a.src = l.url; a.load();
    } else {
      const s = document.createElement('script');
      s.onload = () => end(ran.has(l.id) ? 'ok' : 'blocked'); s.onerror = () => end('blocked');
      s.src = l.url; document.head.appendChild(s);
    }
  });
  return Object.fromEntries(await Promise.all(loads.map(one)));
}`;

export function batchExpression(loads: PageLoad[]): string {
  return `(${SOURCE})(${JSON.stringify(loads)})`;
}
