/**
 * Servers for the page-context suites: three roles (app, api, other), each ONE loopback port that
 * speaks both http and https (the first byte of a connection decides: 0x16 is a TLS handshake), so
 * that `http://api.test:P/` and `https://api.test:P/` are the same server and an upgraded request
 * (Chromium's mixed-content autoupgrade keeps the port) is seen and recorded.
 *
 * - `/page?csp=<v>&csp=<v>&ro=<v>`: a blank HTML page with those `Content-Security-Policy` (and
 *   `-Report-Only`) header lines.
 * - `/r/<id>/<name>.<ext>`: a resource with `Access-Control-Allow-Origin: *`: `json`, `png` (1x1),
 *   `js` (calls `window.__ran(<id>)`), `wav` (a short silent PCM clip).
 * - `/to/<id>/<n>?u=<url>`: a 302 redirect to `u`.
 */
import { createServer as createHttpServer, type IncomingMessage, type ServerResponse } from 'node:http';
import type { Server as HttpsServer } from 'node:https';
import {
  type AddressInfo,
  createServer as createNetServer,
  type Server as NetServer,
  type Socket,
} from 'node:net';
import { Duplex } from 'node:stream';
import { createTestHttpsServer } from '../harness/tls.js';

export type Role = 'app' | 'api' | 'other';
export const CONTEXT_ROLES: readonly Role[] = ['app', 'api', 'other'];

export interface SeenRequest {
  role: Role;
  scheme: 'http' | 'https';
  method: string;
  path: string;
}

const PNG_1X1 = Buffer.from(
  'iVBORw0KGgoAAAANSUhEUgAAAAEAAAABCAYAAAAfFcSJAAAADUlEQVR42mP8z8BQDwAEhQGAhKmMIQAAAABJRU5ErkJggg==',
  'base64',
);

function silentWav(): Buffer {
  const samples = 800;
  const b = Buffer.alloc(44 + samples * 2);
  b.write('RIFF', 0);
  b.writeUInt32LE(36 + samples * 2, 4);
  b.write('WAVEfmt ', 8);
  b.writeUInt32LE(16, 16);
  b.writeUInt16LE(1, 20);
  b.writeUInt16LE(1, 22);
  b.writeUInt32LE(8000, 24);
  b.writeUInt32LE(16000, 28);
  b.writeUInt16LE(2, 32);
  b.writeUInt16LE(16, 34);
  b.write('data', 36);
  b.writeUInt32LE(samples * 2, 40);
  return b;
}
const WAV = silentWav();

const PAGE = '<!doctype html><meta charset="utf-8"><title>context page</title>';

const TYPES: Record<string, [string, (id: string) => Buffer | string]> = {
  json: ['application/json', () => '{"ok":true}'],
  png: ['image/png', () => PNG_1X1],
  js: ['text/javascript', (id) => `window.__ran && window.__ran(${JSON.stringify(id)});`],
  wav: ['audio/wav', () => WAV],
};

/**
 * A stream that yields `first` and then the socket's data, and writes to the socket. TLS reads a
 * net.Socket's handle directly (data put back with unshift would be lost), so it gets this instead.
 */
function replay(socket: Socket, first: Buffer): Duplex {
  const d = new Duplex({
    read() {
      socket.resume();
    },
    write(chunk, _enc, cb) {
      socket.write(chunk, cb);
    },
    final(cb) {
      socket.end();
      cb();
    },
    destroy(err, cb) {
      socket.destroy();
      cb(err);
    },
  });
  d.push(first);
  socket.on('data', (chunk) => {
    if (!d.push(chunk)) socket.pause();
  });
  socket.on('end', () => d.push(null));
  socket.on('close', () => d.destroy());
  return d;
}

export class ContextServers {
  readonly seen: SeenRequest[] = [];
  private constructor(
    private readonly nets: NetServer[],
    private readonly inner: (ReturnType<typeof createHttpServer> | HttpsServer)[],
    readonly ports: Readonly<Record<Role, number>>,
  ) {}

  static async start(): Promise<ContextServers> {
    const nets: NetServer[] = [];
    const inner: (ReturnType<typeof createHttpServer> | HttpsServer)[] = [];
    const ports = { app: 0, api: 0, other: 0 };
    const holder: { s?: ContextServers } = {};
    for (const role of CONTEXT_ROLES) {
      const handler = (scheme: 'http' | 'https') => (req: IncomingMessage, res: ServerResponse) =>
        holder.s ? holder.s.handle(role, scheme, req, res) : res.writeHead(503).end();
      const http = createHttpServer({ keepAliveTimeout: 0 }, handler('http'));
      const https = await createTestHttpsServer(handler('https'));
      const net = createNetServer((socket) => {
        socket.once('data', (first) => {
          socket.pause();
          if (first[0] === 0x16) {
            https.emit('connection', replay(socket, first));
          } else {
            socket.unshift(first);
            http.emit('connection', socket);
            socket.resume();
          }
        });
        socket.on('error', () => {});
      });
      await new Promise<void>((resolve, reject) => {
        net.once('error', reject);
        net.listen(0, '127.0.0.1', () => resolve());
      });
      ports[role] = (net.address() as AddressInfo).port;
      nets.push(net);
      inner.push(http, https);
    }
    holder.s = new ContextServers(nets, inner, ports);
    return holder.s;
  }

  /** Replaces `{app}`, `{api}`, `{other}` by the port numbers. */
  localize(text: string): string {
    return text.replace(/(?:\{|%7B)(app|api|other)(?:\}|%7D)/gi, (_m, r: string) =>
      String(this.ports[r.toLowerCase() as Role]),
    );
  }

  /** Writes port numbers back as `{role}`. */
  delocalize(text: string): string {
    let out = text;
    for (const r of CONTEXT_ROLES) out = out.split(`:${this.ports[r]}`).join(`:{${r}}`);
    return out;
  }

  /** Requests seen whose path contains `/<id>/`. */
  requestsFor(id: string): SeenRequest[] {
    return this.seen.filter((s) => s.path.includes(`/${id}/`));
  }

  async close(): Promise<void> {
    for (const s of this.inner) s.closeAllConnections?.();
    await Promise.all(this.nets.map((n) => new Promise<void>((r) => n.close(() => r()))));
  }

  private handle(role: Role, scheme: 'http' | 'https', req: IncomingMessage, res: ServerResponse): void {
    req.resume();
    const url = new URL(req.url ?? '/', 'http://x');
    const method = req.method ?? 'GET';
    res.sendDate = false;
    if (url.pathname === '/page') {
      const headers: string[] = ['Content-Type', 'text/html; charset=utf-8', 'Cache-Control', 'no-store'];
      for (const v of url.searchParams.getAll('csp')) headers.push('Content-Security-Policy', v);
      for (const v of url.searchParams.getAll('ro')) headers.push('Content-Security-Policy-Report-Only', v);
      res.writeHead(200, headers);
      res.end(PAGE);
      return;
    }
    this.seen.push({ role, scheme, method, path: url.pathname + url.search });
    const to = /\/to\/[^/]+\/\d+$/.exec(url.pathname) ? url.searchParams.get('u') : null;
    if (to !== null) {
      res.writeHead(302, ['Location', to, 'Access-Control-Allow-Origin', '*', 'Cache-Control', 'no-store']);
      res.end();
      return;
    }
    const m = /^\/[rs]\/([^/]+)\/[^/]*\.([a-z]+)$/.exec(url.pathname);
    const type = m ? TYPES[m[2] as string] : undefined;
    if (!m || !type) {
      res.writeHead(404, ['Content-Type', 'text/plain', 'Access-Control-Allow-Origin', '*']);
      res.end('not found');
      return;
    }
    const body = type[1](m[1] as string);
    res.writeHead(200, [
      'Content-Type',
      type[0],
      'Access-Control-Allow-Origin',
      '*',
      'Cache-Control',
      'no-store',
      'Content-Length',
      String(Buffer.byteLength(body)),
    ]);
    res.end(method === 'HEAD' ? undefined : body);
  }
}
