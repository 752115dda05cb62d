/**
 * Deno: a WebSocket endpoint behind the fetch adapter (`withCsrf` around `Deno.upgradeWebSocket`)
 * at /fetch, and behind Hono's `upgradeWebSocket` with our Hono `csrfMiddleware` at /hono.
 */
import { Hono } from 'hono';
import { upgradeWebSocket } from 'hono/deno';
import { withCsrf } from '../../../src/adapters/fetch.js';
import { csrfMiddleware } from '../../../src/adapters/hono.js';
import { createCsrfGuard } from '../../../src/csrf/index.js';

declare const Deno: {
  serve(
    options: { hostname: string; port: number; onListen(addr: { port: number }): void },
    handler: (request: Request) => Response | Promise<Response>,
  ): unknown;
  upgradeWebSocket(request: Request): { socket: WebSocket; response: Response };
};

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

const fetchEndpoint = withCsrf(guard, (request: Request) => {
  const { socket, response } = Deno.upgradeWebSocket(request);
  socket.onmessage = (e) => socket.send(`echo:${e.data}`);
  return response;
});

const app = new Hono();
app.get(
  '/hono',
  csrfMiddleware(guard),
  upgradeWebSocket(() => ({
    onMessage: (e, ws) => ws.send(`echo:${e.data}`),
  })),
);

Deno.serve(
  { hostname: '127.0.0.1', port: 0, onListen: ({ port }) => console.log(JSON.stringify({ port })) },
  (request) =>
    plain(request) ?? (pathOf(request.url) === '/fetch' ? fetchEndpoint(request) : app.fetch(request)),
);
