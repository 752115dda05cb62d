/**
 * What every runtime entry (Deno, Bun, workerd) serves besides its WebSocket endpoints: the guard
 * they share, the Hono echo socket behind our `csrfMiddleware` at /hono, and the plain POST endpoints for the repeated Host / Referer cases (own origin from
 * scheme + Host at /by-host, configured at /by-origin). Bundled into each entry by esbuild.
 */
import { Hono } from 'hono';
import type { UpgradeWebSocket } from 'hono/ws';
import { withCsrf } from '../../../src/adapters/fetch.js';
import { csrfMiddleware } from '../../../src/adapters/hono.js';
import { createCsrfGuard } from '../../../src/csrf/index.js';

export const guard = createCsrfGuard({ origin: 'https://app.example' });
const byHost = withCsrf(createCsrfGuard({ scheme: 'https' }), () => new Response('changed'));
const byOrigin = withCsrf(guard, () => new Response('changed'));

/** The path of the request URL, read without URL parsing (two Host lines may make it no URL). */
export const pathOf = (url: string) => /^[a-z]+:\/\/[^/]*(\/[^?#]*)?/i.exec(url)?.[1] ?? '/';

/** The answer of a plain endpoint, or undefined when the request is for another path. */
export const plain = (request: Request): Response | Promise<Response> | undefined => {
  const path = pathOf(request.url);
  return path === '/by-host' ? byHost(request) : path === '/by-origin' ? byOrigin(request) : undefined;
};

/** Hono's `upgradeWebSocket` (each runtime's own) at /hono, behind our Hono `csrfMiddleware`: an echo. */
export function honoEcho(upgradeWebSocket: UpgradeWebSocket): Hono {
  const app = new Hono();
  app.get(
    '/hono',
    csrfMiddleware(guard),
    upgradeWebSocket(() => ({
      onMessage: (e, ws) => ws.send(`echo:${String(e.data)}`),
    })),
  );
  return app;
}
