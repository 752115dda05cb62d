/**
 * workerd (Cloudflare Workers): a WebSocket endpoint behind the fetch adapter (`withCsrf` around a
 * `WebSocketPair`) at /fetch, and behind Hono's `upgradeWebSocket` with our Hono `csrfMiddleware`
 * at /hono.
 */
import { Hono } from 'hono';
import { upgradeWebSocket } from 'hono/cloudflare-workers';
import { withCsrf } from '../../../src/adapters/fetch.js';
import { csrfMiddleware } from '../../../src/adapters/hono.js';
import { createCsrfGuard } from '../../../src/csrf/index.js';

interface WorkerSocket {
  accept(): void;
  send(data: string): void;
  addEventListener(type: 'message', listener: (e: { data: unknown }) => void): void;
}
declare const WebSocketPair: { new (): { 0: WorkerSocket; 1: WorkerSocket } };

const guard = createCsrfGuard({ origin: 'https://app.example' });
// Plain POST endpoints for repeated Host / Referer: own origin from scheme + Host, or configured.
const byHost = withCsrf(createCsrfGuard({ scheme: 'https' }), () => new Response('changed'));
const byOrigin = withCsrf(guard, () => new Response('changed'));
/** The path of the request URL, read without URL parsing (two Host lines may make it no URL). */
const pathOf = (url: string) => /^[a-z]+:\/\/[^/]*(\/[^?#]*)?/i.exec(url)?.[1] ?? '/';
const plain = (request: Request): Response | Promise<Response> | undefined => {
  const path = pathOf(request.url);
  return path === '/by-host' ? byHost(request) : path === '/by-origin' ? byOrigin(request) : undefined;
};

const fetchEndpoint = withCsrf(guard, (_request: Request) => {
  const pair = new WebSocketPair();
  const server = pair[1];
  server.accept();
  server.addEventListener('message', (e) => server.send(`echo:${String(e.data)}`));
  return new Response(null, { status: 101, webSocket: pair[0] } as ResponseInit);
});

const app = new Hono();
app.get(
  '/hono',
  csrfMiddleware(guard),
  upgradeWebSocket(() => ({
    onMessage: (e, ws) => ws.send(`echo:${String(e.data)}`),
  })),
);

export default {
  fetch: (request: Request) =>
    plain(request) ?? (pathOf(request.url) === '/fetch' ? fetchEndpoint(request) : app.fetch(request)),
};
