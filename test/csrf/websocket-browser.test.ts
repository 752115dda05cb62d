/**
 * Cross-site WebSocket hijacking in real Chromium and Firefox (through the harness's
 * `describeBrowser`; names map to loopback). The user has signed in to the app (a session cookie
 * set by http://app.test); then pages open a WebSocket to ws://app.test:
 * - the app's own page connects, and its cookie arrives with the handshake;
 * - a page on evil.test (another site) is refused by the guard: the server answers 403, no socket opens;
 * - a page on blog.app.test (same site, another origin: the case where browsers DO send the
 *   SameSite=Lax session cookie) is refused likewise, with the cookie on the handshake;
 * - a page on evil.test opening a socket to the app on localhost, whose session cookie is
 *   SameSite=None; Secure: Firefox sends the cookie with the cross-site handshake (Chromium, with
 *   third-party cookies blocked, does not), and the guard refuses it.
 * Assertions are made on what the SERVER received (Origin, Cookie) and decided, and on what the page saw.
 * Two apps: node:http with `csrfUpgrade` around its 'upgrade' listener and `ws`; and Hono on plain
 * Node (`@hono/node-server`, sockets by `@hono/node-ws`) with our Hono `csrfMiddleware`.
 */
import { createServer, type IncomingMessage, type Server, type ServerResponse } from 'node:http';
import type { AddressInfo } from 'node:net';
import { serve } from '@hono/node-server';
import { createNodeWebSocket } from '@hono/node-ws';
import { Hono } from 'hono';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { WebSocketServer } from 'ws';
import { csrfMiddleware } from '../../src/adapters/hono.js';
import { csrfUpgrade } from '../../src/adapters/node.js';
import { createCsrfGuard } from '../../src/csrf/index.js';
import type { BrowserName, BrowserRunner } from '../browsers/harness/types.js';
import { describeBrowser } from '../browsers/harness/vitest.js';

interface Handshake {
  nonce: string;
  origin: string | null;
  cookie: string | null;
  allowed: boolean;
}

/** What the page's WebSocket saw. */
interface PageResult {
  opened: boolean;
  echoed: string | null;
  error: boolean;
}

/** The page script: opens the socket, sends one message, reports what happened. */
const PAGE = `<!doctype html><meta charset="utf-8"><title>ws</title><script>
window.openSocket = (url) => new Promise((resolve) => {
  const r = { opened: false, echoed: null, error: false };
  const ws = new WebSocket(url);
  const done = () => resolve(r);
  ws.onopen = () => { r.opened = true; ws.send('ping'); };
  ws.onmessage = (e) => { r.echoed = String(e.data); ws.close(); };
  ws.onerror = () => { r.error = true; };
  ws.onclose = done;
  setTimeout(done, 5000);
});
</script>`;

/** The app's pages: /login and /login-none sign the user in (the session cookie), any other path is the page. */
function pageAnswer(path: string): { headers: [string, string][]; body: string } {
  const headers: [string, string][] = [['cache-control', 'no-store']];
  if (path === '/login') headers.push(['set-cookie', 'session=s3cret; Path=/; HttpOnly; SameSite=Lax']);
  // On localhost (potentially trustworthy, so Secure cookies work over http): a cookie meant
  // to go cross-site, as an app embedded by other sites sets it.
  if (path === '/login-none')
    headers.push(['set-cookie', 'session=s3cret; Path=/; HttpOnly; SameSite=None; Secure']);
  headers.push(['content-type', 'text/html; charset=utf-8']);
  return { headers, body: PAGE };
}

function servePage(req: IncomingMessage, res: ServerResponse): void {
  const { headers, body } = pageAnswer(req.url ?? '/');
  for (const [n, v] of headers) res.setHeader(n, v);
  res.end(body);
}

class Site {
  readonly handshakes: Handshake[] = [];
  private constructor(
    private readonly server: Server,
    readonly port: number,
  ) {}
  origin(host: string): string {
    return `http://${host}:${this.port}`;
  }
  /** The app on node:http: the guard around the server's 'upgrade' listener (`csrfUpgrade`), `ws` behind it. */
  static async start(): Promise<Site> {
    const server = createServer(servePage);
    await new Promise<void>((r) => server.listen(0, '127.0.0.1', () => r()));
    const s = new Site(server, (server.address() as AddressInfo).port);
    const wss = new WebSocketServer({ noServer: true });
    wss.on('connection', (ws) => ws.on('message', (m) => ws.send(`echo:${String(m)}`)));
    const protectedUpgrade = csrfUpgrade(s.guard(), (req, socket, head) => {
      s.record(req, true);
      wss.handleUpgrade(req, socket, head, (ws) => wss.emit('connection', ws, req));
    });
    server.on('upgrade', (req, socket, head) => {
      const before = s.handshakes.length;
      protectedUpgrade(req, socket, head);
      if (s.handshakes.length === before) s.record(req, false);
    });
    return s;
  }

  /**
   * The app as Hono on plain Node: `@hono/node-server`, sockets upgraded by `@hono/node-ws`, our
   * Hono `csrfMiddleware` in front of its `upgradeWebSocket`.
   */
  static async startHono(): Promise<Site> {
    const app = new Hono<{ Bindings: { incoming: IncomingMessage } }>();
    const nodeWs = createNodeWebSocket({ app });
    const server = await new Promise<Server>((resolve) => {
      const started = serve({ fetch: app.fetch, hostname: '127.0.0.1', port: 0 }, () =>
        resolve(started as Server),
      );
    });
    nodeWs.injectWebSocket(server);
    const s = new Site(server, (server.address() as AddressInfo).port);
    // Routes once the port (so the guard's origins) is known; no request has arrived yet.
    app.get(
      '/socket',
      async (c, next) => {
        await next();
        // node-ws answers an accepted handshake with an empty 200, then upgrades; the guard 403s.
        s.record(c.env.incoming, c.res.status !== 403);
      },
      csrfMiddleware(s.guard()),
      nodeWs.upgradeWebSocket(() => ({ onMessage: (e, ws) => ws.send(`echo:${String(e.data)}`) })),
    );
    app.get('*', (c) => {
      const { headers, body } = pageAnswer(c.req.path);
      for (const [n, v] of headers) c.header(n, v);
      return c.body(body);
    });
    return s;
  }

  /** The app's own origins (app.test and localhost, on this site's port). */
  guard() {
    return createCsrfGuard({ origin: [this.origin('app.test'), this.origin('localhost')] });
  }

  record(req: IncomingMessage, allowed: boolean): void {
    this.handshakes.push({
      nonce: new URL(req.url ?? '/', 'http://x').searchParams.get('n') ?? '',
      origin: req.headers.origin ?? null,
      cookie: req.headers.cookie ?? null,
      allowed,
    });
  }

  close(): Promise<void> {
    this.server.closeAllConnections();
    return new Promise((r) => this.server.close(() => r()));
  }
}

/** The app servers each browser is run against. */
const SERVERS = [
  { name: 'node:http, csrfUpgrade around the upgrade listener, ws', start: () => Site.start() },
  { name: 'Hono on Node: @hono/node-ws behind csrfMiddleware', start: () => Site.startHono() },
];

/** The page object both runners expose (playwright's and puppeteer's `Page` share these two). */
interface PageLike {
  goto(url: string, options: { waitUntil: 'load' }): Promise<unknown>;
  evaluate(expression: string): Promise<unknown>;
}

for (const browser of ['chromium', 'firefox'] as BrowserName[]) {
  describeBrowser(browser, (runner) => {
    let counter = 0;
    const page = () => (runner() as BrowserRunner & { page: PageLike }).page;
    for (const server of SERVERS) describeServer(server);

    function describeServer(server: (typeof SERVERS)[number]): void {
      describe(server.name, () => {
        let site: Site;

        beforeAll(async () => {
          site = await server.start();
          // The user signs in: a first-party visit to the app sets the session cookie.
          await page().goto(`${site.origin('app.test')}/login`, { waitUntil: 'load' });
          await page().goto(`${site.origin('localhost')}/login-none`, { waitUntil: 'load' });
        });
        afterAll(async () => {
          await site?.close();
        });

        /** Opens a socket to the app from a page on `from`; returns what the page and the server saw. */
        async function open(
          from: string,
          to = 'app.test',
        ): Promise<{ page: PageResult; seen: Handshake | undefined }> {
          counter += 1;
          const nonce = `${browser}-${counter}`;
          await page().goto(`${site.origin(from)}/page`, { waitUntil: 'load' });
          const url = `ws://${to}:${site.port}/socket?n=${nonce}`;
          const result = (await page().evaluate(`window.openSocket(${JSON.stringify(url)})`)) as PageResult;
          return { page: result, seen: site.handshakes.find((h) => h.nonce === nonce) };
        }

        it("the app's own page connects, with the user's cookie", async () => {
          const r = await open('app.test');
          expect(r.seen).toEqual({
            nonce: expect.any(String),
            origin: site.origin('app.test'),
            cookie: 'session=s3cret',
            allowed: true,
          });
          expect(r.page).toEqual({ opened: true, echoed: 'echo:ping', error: false });
        });

        it('a page on evil.test is refused: the server answers 403 and no socket opens', async () => {
          const r = await open('evil.test');
          expect(r.seen).toMatchObject({ origin: site.origin('evil.test'), allowed: false });
          expect(r.page).toMatchObject({ opened: false, echoed: null, error: true });
          // The SameSite=Lax session cookie stays home on a cross-site handshake, in both browsers.
          expect(r.seen?.cookie ?? '').not.toContain('session=');
        });

        it("a page on blog.app.test (same site, another origin) is refused although the user's cookie arrives", async () => {
          const r = await open('blog.app.test');
          expect(r.seen).toEqual({
            nonce: expect.any(String),
            origin: site.origin('blog.app.test'),
            cookie: 'session=s3cret',
            allowed: false,
          });
          expect(r.page).toMatchObject({ opened: false, echoed: null, error: true });
        });

        it('a page on evil.test opening a socket to the app on localhost, with a SameSite=None cookie, is refused', async () => {
          const own = await open('localhost', 'localhost');
          expect(own.seen).toMatchObject({ allowed: true });
          // (the harness sets its own cookie on localhost too)
          expect(own.seen?.cookie).toContain('session=s3cret');
          const r = await open('evil.test', 'localhost');
          expect(r.seen).toMatchObject({ origin: site.origin('evil.test'), allowed: false });
          expect(r.page).toMatchObject({ opened: false, echoed: null, error: true });
          // Firefox 153 sends the SameSite=None cookie with the cross-site handshake: the hijack the
          // guard exists for. Chromium 156 here blocks third-party cookies and sends none.
          if (browser === 'firefox') expect(r.seen?.cookie).toContain('session=s3cret');
          else expect(r.seen?.cookie ?? '').not.toContain('session=');
        });
      });
    }
  });
}
