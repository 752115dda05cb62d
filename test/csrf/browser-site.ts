/**
 * The loopback site for the CSRF real-browser test: one node:http server on 127.0.0.1 answering for
 * several host names (`app.test`, `evil.test`, `blog.app.test`; the browsers map `*.test` to
 * 127.0.0.1). The app's endpoints run the CSRF guard through `crossorigin/node`'s csrfMiddleware (the
 * adapter answers refusals) and record, server-side, every request they saw, what the guard decided
 * and what status the response had.
 */
import { createServer, type IncomingMessage, type RequestListener, type Server } from 'node:http';
import { createServer as createTlsServer } from 'node:https';
import type { AddressInfo } from 'node:net';
import type { RequestView } from '../../src/_http/index.js';
import { csrfMiddleware, type NodeMiddleware } from '../../src/adapters/node.js';
import { type CsrfAllowed, type CsrfGuard, type CsrfRefused, createCsrfGuard } from '../../src/csrf/index.js';

export interface Seen {
  host: string;
  method: string;
  path: string;
  headers: Record<string, string>;
  status: number;
  allowed: boolean;
  reason: string;
  /** The `n` query parameter of the request: the scenario that made it. */
  nonce: string;
  /** The Vary the response carried. */
  vary: string;
}

const page = (body: string) => `<!doctype html><meta charset="utf-8"><title>…</title><body>${body}</body>`;

function q0(url: URL, k: string): string {
  return url.searchParams.get(k) ?? '';
}

function autoForm(action: string, enctype: string): string {
  return (
    `<form id="f" method="post" action="${action}" enctype="${enctype}">` +
    '<input name="amount" value="100"><input name="to" value="mallory"></form>' +
    "<script>document.getElementById('f').submit()</script>"
  );
}

export class CsrfSite {
  readonly seen: Seen[] = [];
  private constructor(
    private readonly server: Server,
    readonly port: number,
    readonly scheme: 'http' | 'https',
  ) {}

  origin(host: 'app.test' | 'evil.test' | 'blog.app.test'): string {
    return `${this.scheme}://${host}:${this.port}`;
  }

  /** Starts the site over http, or over https with `tls` (a certificate for the *.test names). */
  static async start(tls?: { key: string; cert: string }): Promise<CsrfSite> {
    let site: CsrfSite | undefined;
    let middleware: NodeMiddleware | undefined;
    let sameSiteMiddleware: NodeMiddleware | undefined;
    // What the guard decided for each request (the adapter answers; the test reads the reason).
    const decisions = new WeakMap<IncomingMessage, CsrfAllowed | CsrfRefused>();
    let csrfRequest: IncomingMessage | undefined;
    const recording = (guard: CsrfGuard): CsrfGuard => {
      const check = (view: RequestView) => {
        const d = guard.check(view);
        if (csrfRequest !== undefined) decisions.set(csrfRequest, d);
        return d;
      };
      return { check, handle: check, checkUpgrade: guard.checkUpgrade };
    };
    const handler: RequestListener = (req, res) => {
      const s = site!;
      const host = (req.headers.host ?? '').replace(/:\d+$/, '');
      const url = new URL(req.url ?? '/', 'http://x');
      const action = q0(url, 'action') || `${s.origin('app.test')}/transfer`;
      const q = (k: string) => url.searchParams.get(k) ?? '';
      res.setHeader('cache-control', 'no-store');

      // The application's endpoints, behind the guard applied by crossorigin/node's csrfMiddleware.
      if (host === 'app.test' && ['/', '/transfer', '/transfer-same-site'].includes(url.pathname)) {
        const csrf = url.pathname === '/transfer-same-site' ? sameSiteMiddleware! : middleware!;
        res.on('finish', () => {
          const headers: Record<string, string> = {};
          for (const k of [
            'sec-fetch-site',
            'sec-fetch-mode',
            'sec-fetch-dest',
            'origin',
            'referer',
            'content-type',
          ]) {
            const v = req.headers[k];
            if (typeof v === 'string') headers[k] = v;
          }
          const d = decisions.get(req);
          s.seen.push({
            host,
            method: req.method ?? '',
            path: url.pathname,
            headers,
            status: res.statusCode,
            allowed: d?.allowed ?? false,
            reason: d?.reason ?? 'guard not run',
            nonce: url.searchParams.get('n') ?? '',
            vary: String(res.getHeader('vary') ?? ''),
          });
        });
        csrfRequest = req;
        csrf(req, res, () => {
          req.resume();
          req.on('end', () => {
            if (url.pathname === '/') {
              res.writeHead(200, { 'content-type': 'text/html; charset=utf-8' }).end(page('app home'));
            } else res.writeHead(200, { 'content-type': 'text/plain; charset=utf-8' }).end('transferred\n');
          });
        });
        return;
      }
      const html = (body: string) =>
        res.writeHead(200, { 'content-type': 'text/html; charset=utf-8' }).end(page(body));
      if (req.method === 'GET' && url.pathname === '/form') {
        // A form on this host posting to the app (same-origin on app.test, forged elsewhere).
        return html(autoForm(action, q('enctype')));
      }
      if (req.method === 'GET' && url.pathname === '/no-cors') {
        return html(
          `<script>fetch(${JSON.stringify(action)}, { method: 'POST', mode: 'no-cors', credentials: 'include', body: 'amount=100' })` +
            ".then(() => { document.title = 'sent'; }, (e) => { document.title = 'error ' + e; })</script>",
        );
      }
      if (req.method === 'GET' && url.pathname === '/fetch') {
        return html(
          `<script>fetch(${JSON.stringify(action)}, { method: 'POST', headers: { 'content-type': 'application/json' }, body: '{"amount":100}' })` +
            ".then((r) => { document.title = 'status ' + r.status; })</script>",
        );
      }
      if (req.method === 'GET' && url.pathname === '/sandbox') {
        // A form inside a sandboxed iframe (allow-forms allow-scripts, no allow-same-origin): opaque origin.
        const inner = page(autoForm(action, 'application/x-www-form-urlencoded'));
        return html(
          `<iframe sandbox="allow-forms allow-scripts" srcdoc="${inner.replace(/&/g, '&amp;').replace(/"/g, '&quot;')}"></iframe>`,
        );
      }
      if (req.method === 'GET' && url.pathname === '/navigate') {
        // A script-initiated top-level navigation (GET) to the app.
        return html(`<script>location.href = ${JSON.stringify(action)}</script>`);
      }
      res.writeHead(404, { 'content-type': 'text/plain' }).end('not found\n');
    };
    const server = tls === undefined ? createServer(handler) : createTlsServer(tls, handler);
    await new Promise<void>((resolve, reject) => {
      server.once('error', reject);
      server.listen(0, '127.0.0.1', () => resolve());
    });
    const port = (server.address() as AddressInfo).port;
    site = new CsrfSite(server, port, tls === undefined ? 'http' : 'https');
    middleware = csrfMiddleware(recording(createCsrfGuard({ origin: site.origin('app.test') })));
    sameSiteMiddleware = csrfMiddleware(
      recording(createCsrfGuard({ origin: site.origin('app.test'), sameSite: 'allow' })),
    );
    return site;
  }

  /** Waits (bounded) for the server to have seen a request matching `pred` after index `from`. */
  async waitFor(from: number, pred: (s: Seen) => boolean, timeoutMs = 15_000): Promise<Seen> {
    const deadline = Date.now() + timeoutMs;
    while (Date.now() < deadline) {
      const hit = this.seen.slice(from).find(pred);
      if (hit) return hit;
      await new Promise((r) => setTimeout(r, 25));
    }
    throw new Error(
      `the server saw no matching request within ${timeoutMs} ms; saw ${JSON.stringify(this.seen.slice(from))}`,
    );
  }

  close(): Promise<void> {
    this.server.closeAllConnections();
    return new Promise((resolve) => this.server.close(() => resolve()));
  }
}
