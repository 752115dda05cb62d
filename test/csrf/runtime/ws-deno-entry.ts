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
  (request) => (new URL(request.url).pathname === '/fetch' ? fetchEndpoint(request) : app.fetch(request)),
);
