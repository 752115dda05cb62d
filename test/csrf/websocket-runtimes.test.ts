/**
 * Cross-site WebSocket hijacking in the runtimes whose Fetch API carries the upgrade: Deno
 * (`Deno.upgradeWebSocket`), Bun (`server.upgrade`) and workerd (`WebSocketPair`), each through the
 * fetch adapter's `withCsrf` (/fetch) and through Hono's `upgradeWebSocket` behind our Hono
 * `csrfMiddleware` (/hono). The guard's `check` recognises the handshake; nothing else is needed.
 * The runtimes are the npm dev dependencies the adapter suite already runs, on loopback only.
 */
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { type Launched, launchEntry, RUNTIMES } from '../adapters/runtime/launch.js';
import { connect, rawHandshake, rawRequest } from './ws-client.js';

const here = dirname(fileURLToPath(import.meta.url));
const APP = 'https://app.example';

describe.each(RUNTIMES.map((r) => [r.name, r] as const))('%s', (name, runtime) => {
  let launched: Launched | undefined;
  let port = 0;
  beforeAll(async () => {
    launched = await launchEntry(runtime, join(here, 'runtime', `ws-${name}-entry.ts`), {
      // Deno and Bun provide node: built-ins (hono/deno and hono/bun import node:path for serveStatic).
      external: ['node:*'],
    });
    port = launched.port;
  }, 60_000);
  afterAll(async () => {
    await launched?.close();
  });

  describe.each(['/fetch', '/hono'])('%s', (path) => {
    it('the app itself connects and gets its echo', async () => {
      expect(await connect(port, { origin: APP }, path)).toEqual({
        status: 101,
        body: '',
        echoed: 'echo:ping',
      });
    });
    it('another site, with the cookie, is refused with 403 before any socket opens', async () => {
      const r = await connect(port, { origin: 'https://evil.example', cookie: 'session=s3cret' }, path);
      expect(r.status).toBe(403);
      expect(r.body).toContain("not this application's origin");
    });
    it('two Origin lines (app, evil) are refused', async () => {
      const head = await rawHandshake(
        port,
        [
          ['Host', `127.0.0.1:${port}`],
          ['Origin', APP],
          ['Origin', 'https://evil.example'],
        ],
        path,
      );
      expect(head).toMatch(/^HTTP\/1\.1 403 /);
    });
    it('a non-browser client without Origin connects', async () => {
      expect((await connect(port, {}, path)).status).toBe(101);
    });
  });

  describe('repeated Host and Referer through the fetch adapter', () => {
    const status = (head: string) => Number(/^HTTP\/1\.1 (\d{3})/.exec(head)?.[1] ?? 0);
    const host = (): [string, string] => ['Host', `127.0.0.1:${port}`];
    // Deno's HTTP server answers two Host lines with 400 itself (as Go's does); workerd and Bun hand
    // the request on (Host joined with ", ") and the guard refuses it.
    const cases: { title: string; path: string; headers: () => [string, string][]; status: number }[] = [
      {
        title:
          'two Host lines (evil then app), Origin evil: refused by the runtime (400) or by the guard (403)',
        path: '/by-host',
        headers: () => [
          ['Host', 'evil.example.net'],
          ['Host', 'app.example.com'],
          ['Origin', 'https://evil.example.net'],
        ],
        status: name === 'deno' ? 400 : 403,
      },
      {
        title: 'one Host, Origin of that host: allowed (the control)',
        path: '/by-host',
        headers: () => [
          ['Host', 'app.example.com'],
          ['Origin', 'https://app.example.com'],
        ],
        status: 200,
      },
      {
        title: 'two Referer lines (app then evil), no Origin: refused',
        path: '/by-origin',
        headers: () => [host(), ['Referer', 'https://app.example/a'], ['Referer', 'https://evil.example/b']],
        status: 403,
      },
      {
        title: 'one Referer of the app, no Origin: allowed (the control)',
        path: '/by-origin',
        headers: () => [host(), ['Referer', 'https://app.example/a']],
        status: 200,
      },
    ];
    for (const c of cases) {
      it(c.title, async () => {
        const head = await rawRequest(port, 'POST', c.path, [...c.headers(), ['Content-Length', '0']]);
        expect(status(head)).toBe(c.status);
      });
    }
  });
});
