/**
 * Cross-site WebSocket hijacking on Node, over real sockets: the `'upgrade'` listener helper with
 * `ws`'s `handleUpgrade`, `ws`'s `verifyClient`, and Fastify's websocket plugin (@fastify/websocket)
 * behind `csrfPlugin` (the guard's `check` recognises the handshake) or with `verifyClient`.
 * A client is `ws`'s WebSocket, which sends exactly the Origin it is given (or none).
 */
import { createServer, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import fastifyWebsocket from '@fastify/websocket';
import Fastify, { type FastifyInstance } from 'fastify';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { WebSocketServer } from 'ws';
import { csrfPlugin } from '../../src/adapters/fastify.js';
import { csrfUpgrade, csrfVerifyClient } from '../../src/adapters/node.js';
import { createCsrfGuard } from '../../src/csrf/index.js';
import { connect, rawHandshake } from './ws-client.js';

const APP = 'https://app.example';

const echo = (wss: WebSocketServer) =>
  wss.on('connection', (ws) => ws.on('message', (m) => ws.send(`echo:${String(m)}`)));

function listen(server: Server): Promise<number> {
  return new Promise((resolve) =>
    server.listen(0, '127.0.0.1', () => resolve((server.address() as AddressInfo).port)),
  );
}

/** The shared expectations, against any server protecting '/socket' with `{ origin: APP }`. */
function expectations(port: () => number): void {
  it('the app itself connects', async () => {
    expect(await connect(port(), { origin: APP })).toEqual({ status: 101, body: '', echoed: 'echo:ping' });
  });
  it('another site is refused with 403 before any socket opens', async () => {
    const r = await connect(port(), { origin: 'https://evil.example', cookie: 'session=s3cret' });
    expect(r.status).toBe(403);
    expect(r.body).toContain("not this application's origin");
  });
  it('an opaque origin (null) is refused', async () => {
    expect((await connect(port(), { origin: 'null' })).status).toBe(403);
  });
  it('a non-browser client without Origin connects', async () => {
    expect((await connect(port(), {})).status).toBe(101);
  });
}

describe('node:http upgrade listener (csrfUpgrade) with ws handleUpgrade', () => {
  let server: Server;
  let port = 0;
  beforeAll(async () => {
    server = createServer((_req, res) => res.end('http'));
    const wss = new WebSocketServer({ noServer: true });
    echo(wss);
    server.on(
      'upgrade',
      csrfUpgrade({ origin: APP }, (req, socket, head) => {
        wss.handleUpgrade(req, socket, head, (ws) => wss.emit('connection', ws, req));
      }),
    );
    port = await listen(server);
  });
  afterAll(() => new Promise<void>((r) => server.close(() => r())));
  expectations(() => port);

  it('a guard built from scheme + Host refuses a repeated Host (evil then app), Origin evil', async () => {
    const byHost = createServer();
    const wss = new WebSocketServer({ noServer: true });
    echo(wss);
    byHost.on(
      'upgrade',
      csrfUpgrade(createCsrfGuard({ scheme: 'https' }), (req, socket, head) =>
        wss.handleUpgrade(req, socket, head, (ws) => wss.emit('connection', ws, req)),
      ),
    );
    const p = await listen(byHost);
    try {
      // ws sends its own Host line; a second one (evil) is added first through raw headers.
      const raw = await rawHandshake(p, [
        ['Host', 'evil.example.net'],
        ['Host', `app.example.com`],
        ['Origin', 'https://evil.example.net'],
      ]);
      expect(raw).toMatch(/^HTTP\/1\.1 403 /);
      const ok = await rawHandshake(p, [
        ['Host', 'app.example.com'],
        ['Origin', 'https://app.example.com'],
      ]);
      expect(ok).toMatch(/^HTTP\/1\.1 101 /);
    } finally {
      byHost.closeAllConnections();
      await new Promise<void>((r) => byHost.close(() => r()));
    }
  });
});

describe('ws verifyClient (csrfVerifyClient)', () => {
  let wss: WebSocketServer;
  let port = 0;
  beforeAll(async () => {
    wss = new WebSocketServer({
      host: '127.0.0.1',
      port: 0,
      verifyClient: csrfVerifyClient({ origin: APP }),
    });
    echo(wss);
    await new Promise((r) => wss.once('listening', r));
    port = (wss.address() as AddressInfo).port;
  });
  afterAll(() => new Promise<void>((r) => wss.close(() => r())));
  expectations(() => port);
});

describe.each([
  ['csrfPlugin (check recognises the handshake)', 'plugin'],
  ['@fastify/websocket verifyClient', 'verifyClient'],
] as const)('Fastify + @fastify/websocket: %s', (_name, how) => {
  let app: FastifyInstance;
  let port = 0;
  beforeAll(async () => {
    app = Fastify();
    if (how === 'plugin') {
      await app.register(fastifyWebsocket);
      await app.register(csrfPlugin, { guard: { origin: APP } });
    } else {
      await app.register(fastifyWebsocket, { options: { verifyClient: csrfVerifyClient({ origin: APP }) } });
    }
    app.get('/socket', { websocket: true }, (socket) => {
      socket.on('message', (m: Buffer) => socket.send(`echo:${String(m)}`));
    });
    await app.listen({ port: 0, host: '127.0.0.1' });
    port = (app.server.address() as AddressInfo).port;
  });
  afterAll(async () => {
    await app.close();
  });
  expectations(() => port);
});
