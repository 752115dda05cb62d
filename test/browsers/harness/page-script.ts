/**
 * The script a page runs for one request. Kept as a string (not a function) so that no transpiler
 * helper (e.g. esbuild's `__name`) leaks into the page.
 *
 * Body kinds: `string` is the text `hello` (Content-Type `text/plain;charset=UTF-8`), `form` is
 * `new URLSearchParams('a=1')` (`application/x-www-form-urlencoded;charset=UTF-8`, what an HTML form
 * sends), `blob` is `new Blob(['hello'])` (no type, so no Content-Type), `stream` is a
 * `ReadableStream` with `duplex: 'half'`.
 */
import type { HeaderList } from '../../fixtures/schema.js';

export interface PageSpec {
  url: string;
  method: string;
  headers: HeaderList;
  mode?: string;
  credentials?: string;
  redirect?: string;
  body?: string;
  initiator?: string;
  timeoutMs: number;
}

export interface PageResult {
  outcome: 'allowed' | 'blocked' | 'opaque';
  responseType: string | null;
  status: number;
  readableHeaders: string[];
  error: { name: string; message: string } | null;
}

const SOURCE = String.raw`async (spec) => {
  const blocked = (e) => ({ outcome: 'blocked', responseType: null, status: 0, readableHeaders: [],
    error: e ? { name: String(e.name), message: String(e.message) } : null });
  const makeBody = (kind) => {
    if (kind === 'string') return 'hello';
    if (kind === 'form') return new URLSearchParams('a=1');
    if (kind === 'blob') return new Blob(['hello']);
    if (kind === 'stream') return new ReadableStream({ start(c) { c.enqueue(new TextEncoder().encode('hello')); c.close(); } });
    return undefined;
  };
  if (spec.initiator === 'XMLHttpRequest') {
    return await new Promise((resolve) => {
      const xhr = new XMLHttpRequest();
      try {
        xhr.open(spec.method, spec.url, true);
        for (const [n, v] of spec.headers) xhr.setRequestHeader(n, v);
        xhr.withCredentials = spec.credentials === 'include';
        xhr.timeout = spec.timeoutMs;
      } catch (e) { resolve(blocked(e)); return; }
      xhr.onload = () => {
        const names = xhr.getAllResponseHeaders().split(/\r?\n/).filter((l) => l.includes(':'))
          .map((l) => l.slice(0, l.indexOf(':')).trim().toLowerCase());
        resolve({ outcome: 'allowed', responseType: 'xhr', status: xhr.status,
          readableHeaders: [...new Set(names)].sort(), error: null });
      };
      xhr.onerror = () => resolve(blocked({ name: 'ProgressEvent', message: 'error' }));
      xhr.ontimeout = () => resolve(blocked({ name: 'ProgressEvent', message: 'timeout' }));
      xhr.onabort = () => resolve(blocked({ name: 'ProgressEvent', message: 'abort' }));
      try { xhr.send(makeBody(spec.body) ?? null); } catch (e) { resolve(blocked(e)); }
    });
  }
  try {
    const init = { method: spec.method, headers: spec.headers, signal: AbortSignal.timeout(spec.timeoutMs) };
    if (spec.mode) init.mode = spec.mode;
    if (spec.credentials) init.credentials = spec.credentials;
    if (spec.redirect) init.redirect = spec.redirect;
    const body = makeBody(spec.body);
    if (body !== undefined) init.body = body;
    if (spec.body === 'stream') init.duplex = 'half';
    const res = await fetch(spec.url, init);
    const names = [...res.headers.keys()];
    try { await res.arrayBuffer(); } catch {}
    const opaque = res.type === 'opaque' || res.type === 'opaqueredirect';
    return { outcome: opaque ? 'opaque' : 'allowed', responseType: res.type, status: res.status,
      readableHeaders: [...new Set(names)].sort(), error: null };
  } catch (e) {
    return blocked(e);
  }
}`;

/** The expression `page.evaluate` runs for one request. */
export function pageExpression(spec: PageSpec): string {
  return `(${SOURCE})(${JSON.stringify(spec)})`;
}
