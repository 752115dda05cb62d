/**
 * workerd (Cloudflare Workers): a WebSocket endpoint behind the fetch adapter (`withCsrf` around a
 * `WebSocketPair`) at /fetch, and behind Hono's `upgradeWebSocket` with our Hono `csrfMiddleware`
 * at /hono.
 */
import { upgradeWebSocket } from 'hono/cloudflare-workers';
import { withCsrf } from '../../../src/adapters/fetch.js';
import { guard, honoEcho, pathOf, plain } from './_endpoints.js';

interface WorkerSocket {
  accept(): void;
  send(data: string): void;
  addEventListener(type: 'message', listener: (e: { data: unknown }) => void): void;
}
declare const WebSocketPair: { new (): { 0: WorkerSocket; 1: WorkerSocket } };

const fetchEndpoint = withCsrf(guard, (_request: Request) => {
  const pair = new WebSocketPair();
  const server = pair[1];
  server.accept();
  server.addEventListener('message', (e) => server.send(`echo:${String(e.data)}`));
  return new Response(null, { status: 101, webSocket: pair[0] } as ResponseInit);
});

const app = honoEcho(upgradeWebSocket);

export default {
  fetch: (request: Request) =>
    plain(request) ?? (pathOf(request.url) === '/fetch' ? fetchEndpoint(request) : app.fetch(request)),
};
