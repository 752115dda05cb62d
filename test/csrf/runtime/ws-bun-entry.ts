/**
 * Bun: a WebSocket endpoint behind the fetch adapter (`withCsrf` around `server.upgrade`) at
 * /fetch, and behind Hono's `upgradeWebSocket` with our Hono `csrfMiddleware` at /hono.
 */
import { createBunWebSocket } from 'hono/bun';
import { withCsrf } from '../../../src/adapters/fetch.js';
import { guard, honoEcho, pathOf, plain } from './_endpoints.js';

interface BunServer {
  port: number;
  upgrade(request: Request, options?: { data?: unknown }): boolean;
}
interface BunSocket {
  send(data: string): void;
  data: unknown;
}
declare const Bun: {
  serve(options: {
    hostname: string;
    port: number;
    fetch(request: Request, server: BunServer): Response | undefined | Promise<Response | undefined>;
    websocket: {
      message(ws: BunSocket, message: string | Uint8Array): void;
      open?(ws: BunSocket): void;
      close?(ws: BunSocket, code: number, reason: string): void;
    };
  }): BunServer;
};

const { upgradeWebSocket, websocket } = createBunWebSocket();

const fetchEndpoint = withCsrf(guard, (request: Request, server: BunServer) => {
  if (server.upgrade(request, { data: { plain: true } })) return undefined as unknown as Response;
  return new Response('upgrade expected', { status: 426 });
});

const app = honoEcho(upgradeWebSocket);

const isPlain = (ws: BunSocket) => (ws.data as { plain?: boolean } | undefined)?.plain === true;

const server = Bun.serve({
  hostname: '127.0.0.1',
  port: 0,
  fetch: (request, srv) =>
    plain(request) ??
    (pathOf(request.url) === '/fetch' ? fetchEndpoint(request, srv) : app.fetch(request, srv)),
  websocket: {
    // Sockets upgraded by /fetch carry { plain: true }; the others are Hono's.
    open: (ws) => {
      if (!isPlain(ws)) (websocket.open as (w: BunSocket) => void)(ws);
    },
    close: (ws, code, reason) => {
      if (!isPlain(ws)) (websocket.close as (w: BunSocket, c: number, r: string) => void)(ws, code, reason);
    },
    message: (ws, message) => {
      if (isPlain(ws)) ws.send(`echo:${String(message)}`);
      else (websocket.message as (w: BunSocket, m: string | Uint8Array) => void)(ws, message);
    },
  },
});
console.log(JSON.stringify({ port: server.port }));
