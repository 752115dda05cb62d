/**
 * Cross-site WebSocket hijacking in the runtimes whose Fetch API carries the upgrade: Deno
 * (`Deno.upgradeWebSocket`), Bun (`server.upgrade`) and workerd (`WebSocketPair`), each through the
 * fetch adapter's `withCsrf` (/fetch) and through Hono's `upgradeWebSocket` behind our Hono
 * `csrfMiddleware` (/hono). The guard's `check` recognises the handshake; nothing else is needed.
 * The runtimes are the npm dev dependencies the adapter suite already runs, on loopback only.
 */
import type { ChildProcess } from 'node:child_process';
import { existsSync } from 'node:fs';
import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { build } from 'esbuild';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { RUNTIMES } from '../adapters/runtime/launch.js';
import { connect, rawHandshake, rawRequest } from './ws-client.js';

const here = dirname(fileURLToPath(import.meta.url));
const APP = 'https://app.example';

describe.each(RUNTIMES.map((r) => [r.name, r] as const))('%s', (name, runtime) => {
  let child: ChildProcess | undefined;
  let dir = '';
  let port = 0;
  beforeAll(async () => {
    if (!existsSync(runtime.binary))
      throw new Error(`${runtime.binary} is not installed (npm dev dependency)`);
    dir = await mkdtemp(join(tmpdir(), `crossorigin-ws-${name}-`));
    await build({
      entryPoints: [join(here, 'runtime', `ws-${name}-entry.ts`)],
      outfile: join(dir, 'worker.js'),
      bundle: true,
      format: 'esm',
      platform: 'neutral',
      mainFields: ['module', 'main'],
      conditions: ['import', 'default'],
      target: 'es2022',
      // Deno and Bun provide node: built-ins (hono/deno and hono/bun import node:path for serveStatic).
      external: ['node:*'],
      logLevel: 'silent',
    });
    const started = await runtime.start(dir, 'worker.js');
    child = started.child;
    port = await started.port;
  }, 60_000);
  afterAll(async () => {
    if (child && child.exitCode === null) {
      const c = child;
      const exited = new Promise((r) => c.once('exit', r));
      c.kill('SIGTERM');
      await Promise.race([exited, new Promise((r) => setTimeout(r, 3000))]);
      if (c.exitCode === null) c.kill('SIGKILL');
    }
    if (dir) await rm(dir, { recursive: true, force: true });
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
    it('two Host lines (evil then app), Origin evil: refused by the runtime (400) or by the guard (403)', async () => {
      const head = await rawRequest(port, 'POST', '/by-host', [
        ['Host', 'evil.example.net'],
        ['Host', 'app.example.com'],
        ['Origin', 'https://evil.example.net'],
        ['Content-Length', '0'],
      ]);
      // Deno's HTTP server answers 400 itself (as Go's does); workerd and Bun hand the request on
      // (Host joined with ", ") and the guard refuses it.
      expect(status(head)).toBe(name === 'deno' ? 400 : 403);
    });
    it('one Host, Origin of that host: allowed (the control)', async () => {
      const head = await rawRequest(port, 'POST', '/by-host', [
        ['Host', 'app.example.com'],
        ['Origin', 'https://app.example.com'],
        ['Content-Length', '0'],
      ]);
      expect(status(head)).toBe(200);
    });
    it('two Referer lines (app then evil), no Origin: refused', async () => {
      const head = await rawRequest(port, 'POST', '/by-origin', [
        ['Host', `127.0.0.1:${port}`],
        ['Referer', 'https://app.example/a'],
        ['Referer', 'https://evil.example/b'],
        ['Content-Length', '0'],
      ]);
      expect(status(head)).toBe(403);
    });
    it('one Referer of the app, no Origin: allowed (the control)', async () => {
      const head = await rawRequest(port, 'POST', '/by-origin', [
        ['Host', `127.0.0.1:${port}`],
        ['Referer', 'https://app.example/a'],
        ['Content-Length', '0'],
      ]);
      expect(status(head)).toBe(200);
    });
  });
});
