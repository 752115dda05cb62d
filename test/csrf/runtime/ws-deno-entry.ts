/**
 * Deno: a WebSocket endpoint behind the fetch adapter (`withCsrf` around `Deno.upgradeWebSocket`)
 * at /fetch, and behind Hono's `upgradeWebSocket` with our Hono `csrfMiddleware` at /hono.
 */
import { upgradeWebSocket } from 'hono/deno';
import { withCsrf } from '../../../src/adapters/fetch.js';
import { guard, honoEcho, pathOf, plain } from './_endpoints.js';

declare const Deno: {
  serve(
    options: { hostname: string; port: number; onListen(addr: { port: number }): void },
    handler: (request: Request) => Response | Promise<Response>,
  ): unknown;
  upgradeWebSocket(request: Request): { socket: WebSocket; response: Response };
};

const fetchEndpoint = withCsrf(guard, (request: Request) => {
  const { socket, response } = Deno.upgradeWebSocket(request);
  socket.onmessage = (e) => socket.send(`echo:${e.data}`);
  return response;
});

const app = honoEcho(upgradeWebSocket);

Deno.serve(
  { hostname: '127.0.0.1', port: 0, onListen: ({ port }) => console.log(JSON.stringify({ port })) },
  (request) =>
    plain(request) ?? (pathOf(request.url) === '/fetch' ? fetchEndpoint(request) : app.fetch(request)),
);
