/**
 * The recipes of docs/adapters.md ("Recipes: NestJS, Next.js, H3 / Nitro"), run with the real
 * frameworks (dev dependencies): NestJS 12 on Express over loopback (the drop-in instead of
 * `app.enableCors`, and a policy as Nest middleware); Next.js 16 route handlers and middleware,
 * called with Next's own `NextRequest` / `NextResponse` from `next/server` (Next itself, its
 * bundler and its server, are not started); H3 2 through its `fetch`. The recipe files under
 * test/adapters/recipes/ are the docs' code blocks: the last test checks the docs hold them verbatim
 * (import specifiers aside: the docs import `crossorigin/…` and `next/server`).
 */
import 'reflect-metadata';
import { readFileSync } from 'node:fs';
import type { AddressInfo } from 'node:net';
import type { INestApplication } from '@nestjs/common';
import { NestFactory } from '@nestjs/core';
import { NextRequest } from 'next/server.js';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { fetchWithCors } from './recipes/h3.js';
import { PlainModule } from './recipes/nest-controller.js';
import { createApp } from './recipes/nest-main.js';
import { AppModule } from './recipes/nest-middleware.js';
import { middleware } from './recipes/next-middleware.js';
import { GET, OPTIONS, PUT } from './recipes/next-route.js';

const APP = 'https://app.example';
const EVIL = 'https://evil.example';
const preflightHeaders = (origin: string) => ({
  origin,
  'access-control-request-method': 'PUT',
});

async function listen(app: INestApplication): Promise<string> {
  await app.listen(0, '127.0.0.1');
  return `http://127.0.0.1:${(app.getHttpServer().address() as AddressInfo).port}`;
}

describe('NestJS 12 (Express platform)', () => {
  const apps: INestApplication[] = [];
  afterAll(async () => {
    for (const app of apps) await app.close();
  });

  it('main.ts: app.use(cors(options)) in place of app.enableCors(options)', async () => {
    const app = await createApp(PlainModule);
    apps.push(app);
    const base = await listen(app);
    const pre = await fetch(`${base}/items`, { method: 'OPTIONS', headers: preflightHeaders(APP) });
    expect(pre.status).toBe(204);
    expect(pre.headers.get('access-control-allow-origin')).toBe(APP);
    expect(pre.headers.get('access-control-allow-credentials')).toBe('true');
    expect(pre.headers.get('access-control-allow-methods')).toBe('GET,PUT');
    const get = await fetch(`${base}/items`, { headers: { origin: APP } });
    expect(await get.json()).toEqual({ items: ['a'] });
    expect(get.headers.get('access-control-allow-origin')).toBe(APP);
    expect(get.headers.get('vary')).toContain('Origin');
    const evil = await fetch(`${base}/items`, { headers: { origin: EVIL } });
    expect(evil.headers.get('access-control-allow-origin')).toBeNull();
  });

  it('app.module.ts: a policy as Nest middleware (consumer.apply(corsMiddleware(...)))', async () => {
    const app = await NestFactory.create(AppModule, { logger: false });
    apps.push(app);
    const base = await listen(app);
    const pre = await fetch(`${base}/items`, { method: 'OPTIONS', headers: preflightHeaders(APP) });
    expect(pre.status).toBe(204);
    expect(pre.headers.get('access-control-allow-methods')).toBe('PUT');
    const refused = await fetch(`${base}/items`, { method: 'OPTIONS', headers: preflightHeaders(EVIL) });
    expect(refused.status).toBe(403);
    const put = await fetch(`${base}/items`, { method: 'PUT', headers: { origin: APP } });
    expect(await put.json()).toEqual({ ok: true });
    expect(put.headers.get('access-control-allow-origin')).toBe(APP);
  });
});

describe("Next.js 16 with next/server's NextRequest and NextResponse", () => {
  const url = 'http://localhost:3000/api/items';

  it('route handlers: OPTIONS answers the preflight, GET and PUT get the headers', async () => {
    const pre = await OPTIONS(new NextRequest(url, { method: 'OPTIONS', headers: preflightHeaders(APP) }));
    expect(pre.status).toBe(204);
    expect(pre.headers.get('access-control-allow-origin')).toBe(APP);
    expect(pre.headers.get('access-control-allow-methods')).toBe('PUT');
    const refused = await OPTIONS(
      new NextRequest(url, { method: 'OPTIONS', headers: preflightHeaders(EVIL) }),
    );
    expect(refused.status).toBe(403);
    const get = await GET(new NextRequest(url, { headers: { origin: APP } }));
    expect(await get.json()).toEqual({ items: ['a'] });
    expect(get.headers.get('access-control-allow-credentials')).toBe('true');
    expect(get.headers.get('vary')).toBe('Origin');
    const put = await PUT(new NextRequest(url, { method: 'PUT', headers: { origin: APP }, body: 'x' }));
    expect(await put.json()).toEqual({ saved: 'x' });
    const evil = await GET(new NextRequest(url, { headers: { origin: EVIL } }));
    expect(evil.headers.get('access-control-allow-origin')).toBeNull();
  });

  it('middleware: preflight answered there, other requests continue with the headers', async () => {
    const pre = await middleware(new NextRequest(url, { method: 'OPTIONS', headers: preflightHeaders(APP) }));
    expect(pre.status).toBe(204);
    expect(pre.headers.get('x-middleware-next')).toBeNull();
    const get = await middleware(new NextRequest(url, { headers: { origin: APP } }));
    // NextResponse.next(): Next continues to the route and copies these headers onto its answer.
    expect(get.headers.get('x-middleware-next')).toBe('1');
    expect(get.headers.get('access-control-allow-origin')).toBe(APP);
    const evil = await middleware(new NextRequest(url, { headers: { origin: EVIL } }));
    expect(evil.headers.get('x-middleware-next')).toBe('1');
    expect(evil.headers.get('access-control-allow-origin')).toBeNull();
  });
});

describe('H3 2 (Nitro v3 serves the same)', () => {
  it('preflight, actual and refusal through app.fetch', async () => {
    const pre = await fetchWithCors(
      new Request('http://localhost/items', { method: 'OPTIONS', headers: preflightHeaders(APP) }),
    );
    expect(pre.status).toBe(204);
    expect(pre.headers.get('access-control-allow-origin')).toBe(APP);
    const put = await fetchWithCors(
      new Request('http://localhost/items', { method: 'PUT', headers: { origin: APP }, body: 'x' }),
    );
    expect(await put.json()).toEqual({ saved: 'x' });
    expect(put.headers.get('access-control-allow-origin')).toBe(APP);
    const get = await fetchWithCors(new Request('http://localhost/items', { headers: { origin: EVIL } }));
    expect(await get.json()).toEqual({ items: ['a'] });
    expect(get.headers.get('access-control-allow-origin')).toBeNull();
  });
});

describe('docs/adapters.md holds every recipe verbatim', () => {
  let docs = '';
  beforeAll(() => {
    docs = readFileSync(new URL('../../docs/adapters.md', import.meta.url), 'utf8');
  });
  it.each(['nest-main', 'nest-middleware', 'next-route', 'next-middleware', 'h3'])('%s', (name) => {
    const code = readFileSync(new URL(`./recipes/${name}.ts`, import.meta.url), 'utf8')
      .replaceAll(/'\.\.\/\.\.\/\.\.\/src\/adapters\/([a-z]+)\.js'/g, "'crossorigin/$1'")
      .replaceAll("'../../../src/server/index.js'", "'crossorigin/server'")
      .replaceAll("'next/server.js'", "'next/server'");
    expect(docs).toContain(code.trim());
  });
});
