/**
 * Cross-site WebSocket hijacking with Hono on plain Node: `@hono/node-server` serves the app and
 * `@hono/node-ws` upgrades the sockets (`injectWebSocket` on the server's `upgrade` event, which
 * runs the Hono app for the handshake), with our Hono `csrfMiddleware` in front of
 * `upgradeWebSocket`. A real client (`ws`, and raw handshakes with exact header lines) on loopback:
 * the app's own origin connects and gets its echo; another site, with the user's cookie, is refused
 * before any socket opens.
 *
 * @hono/node-ws (every published version, 1.1.3 to 1.3.1) declares a peer `@hono/node-server
 * ^1.19.11`, while this repository tests Hono on node-server 2.x: npm refuses with ERESOLVE. The
 * package never imports node-server (only `hono/ws`, `ws` and `node:http`), so package.json's
 * `overrides` points its peer at our node-server.
 */
import type { Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { serve } from '@hono/node-server';
import { createNodeWebSocket } from '@hono/node-ws';
import { Hono } from 'hono';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { csrfMiddleware } from '../../src/adapters/hono.js';
import { createCsrfGuard } from '../../src/csrf/index.js';
import { connect, rawHandshake } from './ws-client.js';

const APP = 'https://app.example';

/** What the guard decided for each handshake that reached the app (before node-ws upgraded it). */
const reached: string[] = [];

function honoApp() {
  const app = new Hono();
  const ws = createNodeWebSocket({ app });
  const echo = ws.upgradeWebSocket(() => ({
    onMessage: (e, socket) => socket.send(`echo:${String(e.data)}`),
  }));
  const mark = (name: string) => async (_c: unknown, next: () => Promise<void>) => {
    reached.push(name);
    await next();
  };
  // Own origin configured, or (by-host) derived from scheme + Host.
  app.get('/hono', csrfMiddleware(createCsrfGuard({ origin: APP })), mark('hono'), echo);
  app.get('/by-host', csrfMiddleware(createCsrfGuard({ scheme: 'https' })), mark('by-host'), echo);
  return { app, injectWebSocket: ws.injectWebSocket };
}

const status = (head: string) => Number(/^HTTP\/1\.1 (\d{3})/.exec(head)?.[1] ?? 0);

describe('Hono on Node (@hono/node-server + @hono/node-ws) behind csrfMiddleware', () => {
  let server: Server;
  let port = 0;
  beforeAll(async () => {
    const { app, injectWebSocket } = honoApp();
    server = await new Promise<Server>((resolve) => {
      const s = serve({ fetch: app.fetch, hostname: '127.0.0.1', port: 0 }, () => resolve(s as Server));
    });
    injectWebSocket(server);
    port = (server.address() as AddressInfo).port;
  });
  afterAll(async () => {
    server.closeAllConnections();
    await new Promise((r) => server.close(r));
  });

  it('the app itself connects and gets its echo', async () => {
    reached.length = 0;
    expect(await connect(port, { origin: APP }, '/hono')).toEqual({
      status: 101,
      body: '',
      echoed: 'echo:ping',
    });
    expect(reached).toEqual(['hono']);
  });

  it('another site, with the cookie, is refused with 403 before any socket opens', async () => {
    reached.length = 0;
    const r = await connect(port, { origin: 'https://evil.example', cookie: 'session=s3cret' }, '/hono');
    // node-ws answers the refused handshake itself: the guard's status, no body.
    expect(r).toMatchObject({ status: 403 });
    expect(r.echoed).toBeUndefined();
    expect(reached).toEqual([]);
  });

  it('a page of the same site on another origin is refused too', async () => {
    expect((await connect(port, { origin: 'https://blog.app.example' }, '/hono')).status).toBe(403);
  });

  it('a non-browser client without Origin connects', async () => {
    expect((await connect(port, {}, '/hono')).status).toBe(101);
  });

  // Raw handshakes, header lines exactly as given (duplicates kept): [title, path, lines, status].
  const HANDSHAKES: [string, string, [string, string][], number | number[]][] = [
    [
      'two Origin lines (app, evil) are refused',
      '/hono',
      [
        ['Origin', APP],
        ['Origin', 'https://evil.example'],
      ],
      403,
    ],
    [
      'own origin from scheme + Host: the Host of the handshake connects',
      '/by-host',
      [
        ['Host', 'app.example.com'],
        ['Origin', 'https://app.example.com'],
      ],
      101,
    ],
    [
      'own origin from scheme + Host: another Origin is refused',
      '/by-host',
      [
        ['Host', 'app.example.com'],
        ['Origin', 'https://evil.example.net'],
      ],
      403,
    ],
    [
      'two Host lines (evil then app), Origin evil: refused (node-ws alone would pass the first Host only)',
      '/by-host',
      [
        ['Host', 'evil.example.net'],
        ['Host', 'app.example.com'],
        ['Origin', 'https://evil.example.net'],
      ],
      [400, 403],
    ],
  ];
  for (const [title, path, lines, expected] of HANDSHAKES) {
    it(title, async () => {
      const withHost = lines.some(([n]) => n === 'Host')
        ? lines
        : [['Host', `127.0.0.1:${port}`] as [string, string], ...lines];
      const got = status(await rawHandshake(port, withHost, path));
      expect(Array.isArray(expected) ? expected : [expected]).toContain(got);
    });
  }
});
