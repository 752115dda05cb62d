/**
 * Fastify: a route's own `config.cors` applies to that route's preflight too (issue #16). The
 * issue's setup: the plugin allows only https://app.example, `PUT /public` has
 * `config: { cors: { origins: '*', methods: ['PUT'] } }`. A preflight for it from any origin must
 * pass (it got 403 from the plugin's policy before), and the actual PUT gets `ACAO: *`. Checked with
 * browser-shaped requests on Fastify 4 and 5, then in real Chromium and Firefox.
 */

import { createServer, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import Fastify5 from 'fastify';
import Fastify4 from 'fastify4';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { corsPlugin } from '../../src/adapters/fastify.js';
import { describeBrowser } from '../browsers/harness/vitest.js';

type AnyFastify = ReturnType<typeof Fastify5>;

async function start(make: () => AnyFastify): Promise<{ url: string; close: () => Promise<void> }> {
  const app = make();
  await app.register(corsPlugin, { policy: { origins: ['https://app.example'] } });
  app.put('/public', { config: { cors: { origins: '*', methods: ['PUT'] } } }, async () => ({ ok: true }));
  app.get('/public', async () => ({ get: true }));
  app.put('/private', async () => ({ ok: true }));
  app.delete('/items/:id', { config: { cors: { origins: '*', methods: ['DELETE'] } } }, async () => ({
    ok: 1,
  }));
  app.put('/off', { config: { cors: false } }, async () => ({ ok: true }));
  await app.listen({ port: 0, host: '127.0.0.1' });
  const { port } = app.server.address() as AddressInfo;
  return { url: `http://127.0.0.1:${port}`, close: () => app.close() };
}

function preflight(url: string, origin: string, method: string): Promise<Response> {
  return fetch(url, {
    method: 'OPTIONS',
    headers: { origin, 'access-control-request-method': method },
  });
}

for (const [name, make] of [
  ['Fastify 5', () => Fastify5()],
  ['Fastify 4', () => Fastify4() as unknown as AnyFastify],
] as const) {
  describe(`${name}: route-level config.cors decides its preflights`, () => {
    let server: { url: string; close: () => Promise<void> };
    beforeAll(async () => {
      server = await start(make);
    });
    afterAll(() => server.close());

    it('the issue example: preflight and actual PUT /public from any origin', async () => {
      const p = await preflight(`${server.url}/public`, 'https://any.example', 'PUT');
      expect(p.status).toBe(204);
      expect(p.headers.get('access-control-allow-origin')).toBe('*');
      expect(p.headers.get('access-control-allow-methods')).toContain('PUT');
      const a = await fetch(`${server.url}/public`, {
        method: 'PUT',
        headers: { origin: 'https://any.example' },
      });
      expect(a.status).toBe(200);
      expect(a.headers.get('access-control-allow-origin')).toBe('*');
    });

    it('the same URL with another method keeps the plugin policy', async () => {
      const p = await preflight(`${server.url}/public`, 'https://any.example', 'GET');
      expect(p.status).toBe(403);
      expect(p.headers.get('access-control-allow-origin')).toBeNull();
    });

    it('routes without config: the plugin policy, for its origin and against others', async () => {
      const refused = await preflight(`${server.url}/private`, 'https://any.example', 'PUT');
      expect(refused.status).toBe(403);
      const wrongMethod = await preflight(`${server.url}/private`, 'https://app.example', 'PUT');
      // The plugin's policy allows only the safelisted methods: a PUT preflight is refused.
      expect(wrongMethod.status).toBe(403);
    });

    it('parametric routes, query strings, and config.cors false', async () => {
      const p = await preflight(`${server.url}/items/42?x=1`, 'https://any.example', 'DELETE');
      expect(p.status).toBe(204);
      expect(p.headers.get('access-control-allow-origin')).toBe('*');
      const off = await preflight(`${server.url}/off`, 'https://any.example', 'PUT');
      // CORS is off for that route: the plugin does not answer, Fastify has no OPTIONS route.
      expect(off.status).toBe(404);
      expect(off.headers.get('access-control-allow-origin')).toBeNull();
    });
  });
}

/** Runs in the page: the request, and one the plugin's policy refuses. */
async function pagePuts(base: string): Promise<string[]> {
  const out: string[] = [];
  for (const path of ['/public', '/private']) {
    try {
      const r = await fetch(base + path, {
        method: 'PUT',
        // A text body: content-type text/plain is CORS-safelisted, so the method alone needs the preflight.
        body: 'x',
        mode: 'cors',
        cache: 'no-store',
      });
      out.push(`${path}: ${r.status} ${await r.text()}`);
    } catch (e) {
      out.push(`${path}: ${String(e)}`);
    }
  }
  return out;
}

interface PageLike {
  goto(url: string): Promise<unknown>;
  evaluate(fn: typeof pagePuts, base: string): Promise<string[]>;
}

for (const browser of ['chromium', 'firefox'] as const) {
  describeBrowser(browser, (runner) => {
    let api: { url: string; close: () => Promise<void> };
    let page: Server;
    let pagePort = 0;
    beforeAll(async () => {
      api = await start(() => Fastify5());
      page = createServer((_req, res) => {
        res.setHeader('content-type', 'text/html; charset=utf-8');
        res.end('<!doctype html><title>page</title>');
      });
      await new Promise<void>((r) => page.listen(0, '127.0.0.1', r));
      pagePort = (page.address() as AddressInfo).port;
    });
    afterAll(async () => {
      await api?.close();
      await new Promise<void>((r) => (page ? page.close(() => r()) : r()));
    });

    it(`a page on another origin PUTs to /public (preflight + actual); /private stays refused`, async () => {
      const p = (runner() as unknown as { page: PageLike }).page;
      await p.goto(`http://evil.test:${pagePort}/`);
      const apiBase = api.url.replace('127.0.0.1', 'api.test');
      const seen = await p.evaluate(pagePuts, apiBase);
      expect(seen[0]).toBe('/public: 200 {"ok":true}');
      expect(seen[1]).toMatch(/^\/private: TypeError/);
    }, 60_000);
  });
}
