/**
 * Adapter-specific behaviour the shared table cannot express: the node `handleCors` return value,
 * Fastify route-level options and 404 preflights, Koa and Hono error responses, Express's own Vary
 * helpers, immutable Fetch responses, configuration errors at start-up, onError isolation. The
 * fast-check properties (exact translation, well-defined answers) and node:http2 are in
 * ./translation.test.ts.
 */
import { createServer } from 'node:http';
import type { AddressInfo } from 'node:net';
import express from 'express';
import Fastify from 'fastify';
import { Hono } from 'hono';
import Koa from 'koa';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { HttpCore } from '../../src/_http/index.js';
import * as ex from '../../src/adapters/express.js';
import { corsPlugin, csrfPlugin } from '../../src/adapters/fastify.js';
import { withCors, withCsrf } from '../../src/adapters/fetch.js';
import * as ho from '../../src/adapters/hono.js';
import * as ko from '../../src/adapters/koa.js';
import { corsMiddleware, csrfMiddleware, handleCors } from '../../src/adapters/node.js';
import { CsrfOptionsError, createCsrfGuard } from '../../src/csrf/index.js';
import { CorsConfigError } from '../../src/server/index.js';
import { APP, listen, policy } from './_specific.js';
import { send } from './client.js';
import { varyNames } from './judge.js';

describe('node: handleCors', () => {
  let srv: { port: number; close: () => Promise<void> };
  const results: unknown[] = [];
  beforeAll(async () => {
    srv = await listen(
      createServer((req, res) => {
        const r = handleCors(policy, req, res);
        results.push(r);
        if (r === true) return;
        res.end('app');
      }),
    );
  });
  afterAll(() => srv.close());

  it('returns true for an answered preflight, false (synchronously) otherwise', async () => {
    const pre = await send(srv.port, {
      method: 'OPTIONS',
      path: '/',
      headers: [
        ['Origin', APP],
        ['Access-Control-Request-Method', 'PUT'],
      ],
    });
    expect(pre.status).toBe(204);
    expect(results.at(-1)).toBe(true);
    const actual = await send(srv.port, { method: 'GET', path: '/', headers: [['Origin', APP]] });
    expect(actual.body).toBe('app');
    expect(results.at(-1)).toBe(false);
  });

  it('returns a Promise only for an asynchronous core', async () => {
    const asyncCore: HttpCore = {
      handle: async () => ({ allowed: true, headers: [['x-a', '1']], vary: [], end: false }),
    };
    const server = await listen(
      createServer(async (req, res) => {
        const r = handleCors(asyncCore as never, req, res);
        expect(r).toBeInstanceOf(Promise);
        if (await r) return;
        res.end('app');
      }),
    );
    const reply = await send(server.port, { method: 'GET', path: '/', headers: [] });
    expect(reply.headers.get('x-a')).toEqual(['1']);
    await server.close();
  });

  it('the middleware works without next (headers set, the caller answers)', async () => {
    const mw = corsMiddleware(policy);
    const server = await listen(
      createServer((req, res) => {
        mw(req, res);
        if (!res.writableEnded) res.end('after');
      }),
    );
    const reply = await send(server.port, { method: 'GET', path: '/', headers: [['Origin', APP]] });
    expect(reply.body).toBe('after');
    expect(reply.headers.get('access-control-allow-origin')).toEqual([APP]);
    await server.close();
  });

  it('headers already sent: reported through onError, never thrown', async () => {
    const errors: unknown[] = [];
    const mw = corsMiddleware(policy, { onError: (e) => errors.push(e) });
    const server = await listen(
      createServer((req, res) => {
        res.writeHead(200);
        res.write('early ');
        mw(req, res, () => res.end('late'));
        if (!res.writableEnded) res.end('end');
      }),
    );
    const reply = await send(server.port, { method: 'GET', path: '/', headers: [['Origin', APP]] });
    expect(reply.status).toBe(200);
    expect(errors.length).toBe(1);
    await server.close();
  });

  it('an onError that throws is swallowed', async () => {
    const mw = corsMiddleware(
      {
        handle: () => {
          throw new Error('core');
        },
      } as never,
      {
        onError: () => {
          throw new Error('hook');
        },
      },
    );
    const server = await listen(createServer((req, res) => mw(req, res, () => res.end('app'))));
    const reply = await send(server.port, { method: 'GET', path: '/', headers: [['Origin', APP]] });
    expect(reply.body).toBe('app');
    await server.close();
  });
});

describe('CORS and CSRF stacked on one response', () => {
  const guard = createCsrfGuard({ origin: APP });
  it.each([
    [
      'node',
      async () => {
        const c = corsMiddleware(policy);
        const g = csrfMiddleware(guard);
        return listen(
          createServer((req, res) =>
            c(req, res, () =>
              g(req, res, () => {
                res.setHeader('Vary', 'Accept-Encoding');
                res.end('app');
              }),
            ),
          ),
        );
      },
    ],
    [
      'koa',
      async () => {
        const app = new Koa();
        app.use(ko.corsMiddleware(policy));
        app.use(ko.csrfMiddleware(guard));
        app.use((ctx) => {
          ctx.set('Vary', 'Accept-Encoding');
          ctx.body = 'app';
        });
        return listen(createServer(app.callback()));
      },
    ],
  ])('%s: both cores’ Vary names and the application’s survive', async (_n, start) => {
    const srv = await start();
    const r = await send(srv.port, {
      method: 'POST',
      path: '/',
      headers: [
        ['Origin', APP],
        ['Sec-Fetch-Site', 'same-origin'],
        ['Content-Type', 'text/plain'],
      ],
    });
    expect(r.body).toBe('app');
    const guardVary = guard.check({
      method: 'POST',
      header: (n) => (n === 'origin' ? APP : n === 'sec-fetch-site' ? 'same-origin' : null),
    }).vary;
    const vary = varyNames(r).map((n) => n.toLowerCase());
    for (const n of ['origin', 'accept-encoding', ...guardVary.map((x) => x.toLowerCase())])
      expect(vary).toContain(n);
    expect(new Set(vary).size).toBe(vary.length);
    await srv.close();
  });
});

describe('configuration errors surface at start-up, from every factory', () => {
  const bad = { origins: '*', credentials: true } as const;
  it.each([
    ['node', () => corsMiddleware(bad)],
    ['express', () => ex.corsMiddleware(bad)],
    ['koa', () => ko.corsMiddleware(bad)],
    ['hono', () => ho.corsMiddleware(bad)],
    ['fetch', () => withCors(bad, () => new Response())],
  ])('%s throws CorsConfigError', (_n, make) => {
    expect(make).toThrow(CorsConfigError);
  });
  it.each([
    ['node', () => csrfMiddleware({ origin: 'not an origin' })],
    ['express', () => ex.csrfMiddleware({ origin: 'not an origin' })],
    ['koa', () => ko.csrfMiddleware({ origin: 'not an origin' })],
    ['hono', () => ho.csrfMiddleware({ origin: 'not an origin' })],
    ['fetch', () => withCsrf({ origin: 'not an origin' }, () => new Response())],
  ])('%s throws CsrfOptionsError', (_n, make) => {
    expect(make).toThrow(CsrfOptionsError);
  });
  it('fastify: register rejects', async () => {
    const app = Fastify();
    await expect(app.register(corsPlugin, { policy: bad }).ready()).rejects.toThrow(CorsConfigError);
    await app.close();
  });
});

describe('express: the cors drop-in is re-exported', () => {
  it('crossorigin/express exports cors(), the wiring of the cors-compat core', async () => {
    const wiring = await import('../../src/adapters/express-cors.js');
    expect(ex.cors).toBe(wiring.cors);
    const app = express();
    app.use(ex.cors({ origin: APP }));
    app.get('/', (_req, res) => res.send('ok'));
    const srv = await listen(createServer(app));
    const r = await send(srv.port, { method: 'GET', path: '/', headers: [['Origin', APP]] });
    expect(r.headers.get('access-control-allow-origin')).toEqual([APP]);
    await srv.close();
  });
});

describe('express: the application’s own Vary helpers keep our names', () => {
  let srv: { port: number; close: () => Promise<void> };
  beforeAll(async () => {
    const app = express();
    app.use(ex.corsMiddleware(policy));
    app.get('/vary', (_req, res) => {
      res.vary('Accept');
      res.send('ok');
    });
    app.get('/append', (_req, res) => {
      res.append('Vary', 'Accept-Language');
      res.send('ok');
    });
    app.get('/set-array', (_req, res) => {
      res.setHeader('Vary', ['Accept', 'Cookie']);
      res.send('ok');
    });
    app.get('/writehead-array', (_req, res) => {
      res.writeHead(200, ['Vary', 'Cookie', 'Content-Type', 'text/plain']);
      res.end('ok');
    });
    srv = await listen(createServer(app));
  });
  afterAll(() => srv.close());
  it.each([
    ['/vary', ['Origin', 'Accept']],
    ['/append', ['Origin', 'Accept-Language']],
    ['/set-array', ['Accept', 'Cookie', 'Origin']],
    ['/writehead-array', ['Cookie', 'Origin']],
  ])('%s', async (path, names) => {
    const r = await send(srv.port, { method: 'GET', path, headers: [['Origin', APP]] });
    expect(r.status).toBe(200);
    expect(new Set(varyNames(r).map((n) => n.toLowerCase()))).toEqual(
      new Set(names.map((n) => n.toLowerCase())),
    );
    expect(r.headers.get('vary')).toHaveLength(1);
  });
});

describe('fastify: route-level options and paths without a route', () => {
  let port = 0;
  const app = Fastify();
  beforeAll(async () => {
    await app.register(corsPlugin, { policy });
    app.get('/off', { config: { cors: false } }, async () => 'off');
    app.get('/public', { config: { cors: { origins: '*' } } }, async () => 'public');
    app.get('/default', async (_req, reply) => {
      reply.header('vary', 'Accept');
      return 'default';
    });
    await app.listen({ host: '127.0.0.1', port: 0 });
    port = (app.server.address() as AddressInfo).port;
  });
  afterAll(() => app.close());

  it('config.cors false turns CORS off for the route', async () => {
    const r = await send(port, { method: 'GET', path: '/off', headers: [['Origin', APP]] });
    expect(r.body).toBe('off');
    expect(r.headers.get('access-control-allow-origin')).toBeUndefined();
  });
  it('config.cors replaces the policy for the route', async () => {
    const r = await send(port, {
      method: 'GET',
      path: '/public',
      headers: [['Origin', 'https://x.example']],
    });
    expect(r.headers.get('access-control-allow-origin')).toEqual(['*']);
  });
  it('the route’s reply.header("vary") is merged, not clobbered', async () => {
    const r = await send(port, { method: 'GET', path: '/default', headers: [['Origin', APP]] });
    expect(new Set(varyNames(r))).toEqual(new Set(['Accept', 'Origin']));
  });
  it('a preflight to a path with no OPTIONS route is answered by the plugin', async () => {
    const r = await send(port, {
      method: 'OPTIONS',
      path: '/default',
      headers: [
        ['Origin', APP],
        ['Access-Control-Request-Method', 'PUT'],
      ],
    });
    expect(r.status).toBe(204);
    expect(r.headers.get('access-control-allow-origin')).toEqual([APP]);
  });
  it('a preflight to an unknown path is answered too', async () => {
    const r = await send(port, {
      method: 'OPTIONS',
      path: '/nowhere',
      headers: [
        ['Origin', APP],
        ['Access-Control-Request-Method', 'PUT'],
      ],
    });
    expect(r.status).toBe(204);
  });
  it('a bad route-level configuration fails at start-up', async () => {
    const other = Fastify();
    await other.register(corsPlugin, { policy });
    // Validated when the route is registered (Fastify runs onRoute hooks synchronously).
    expect(() =>
      other.get('/bad', { config: { cors: { origins: '*', credentials: true } } }, async () => 'x'),
    ).toThrow(CorsConfigError);
    await other.close().catch(() => {});
  });
  it('csrfPlugin: config.csrf false exempts a route', async () => {
    const a = Fastify();
    await a.register(csrfPlugin, { guard: { origin: APP } });
    a.post('/hook', { config: { csrf: false } }, async () => 'hook');
    a.post('/form', async () => 'form');
    await a.listen({ host: '127.0.0.1', port: 0 });
    const p = (a.server.address() as AddressInfo).port;
    const h: [string, string][] = [
      ['Sec-Fetch-Site', 'cross-site'],
      ['Content-Type', 'text/plain'],
    ];
    expect((await send(p, { method: 'POST', path: '/hook', headers: h })).status).toBe(200);
    expect((await send(p, { method: 'POST', path: '/form', headers: h })).status).toBe(403);
    await a.close();
  });
});

describe('koa and hono: error responses keep the CORS headers', () => {
  it('koa: a downstream throw becomes an error response with ACAO and Vary', async () => {
    const app = new Koa();
    app.silent = true;
    app.use(ko.corsMiddleware(policy));
    app.use((ctx) => {
      ctx.set('Vary', 'Accept');
      ctx.throw(418, 'teapot');
    });
    const srv = await listen(createServer(app.callback()));
    const r = await send(srv.port, { method: 'GET', path: '/', headers: [['Origin', APP]] });
    expect(r.status).toBe(418);
    expect(r.headers.get('access-control-allow-origin')).toEqual([APP]);
    expect(varyNames(r)).toContain('Origin');
    await srv.close();
  });
  it('hono: app.onError responses get the CORS headers', async () => {
    const app = new Hono();
    app.use(ho.corsMiddleware(policy));
    app.get('/', () => {
      throw new Error('boom');
    });
    app.onError((_e, c) => c.text('handled', 500));
    const res = await app.fetch(new Request('http://x/', { headers: { origin: APP } }));
    expect(res.status).toBe(500);
    expect(res.headers.get('access-control-allow-origin')).toBe(APP);
  });
});

describe('fetch: immutable responses and passthrough', () => {
  it('a Response with immutable headers is copied, not thrown on', async () => {
    const handler = withCors(policy, () => Response.redirect('https://app.example/next', 302));
    const res = await handler(new Request('http://x/', { headers: { origin: APP } }));
    expect(res.status).toBe(302);
    expect(res.headers.get('location')).toBe('https://app.example/next');
    expect(res.headers.get('access-control-allow-origin')).toBe(APP);
  });
  it('extra handler arguments (env, ctx) are passed through', async () => {
    const handler = withCors(
      policy,
      (_r: Request, env: { v: string }, ctx: number) => new Response(`${env.v}${ctx}`),
    );
    const res = await handler(new Request('http://x/'), { v: 'env' }, 7);
    expect(await res.text()).toBe('env7');
  });
  it('errors thrown by the handler are the application’s and propagate unchanged', async () => {
    const boom = new Error('app');
    const handler = withCors(policy, () => {
      throw boom;
    });
    expect(() => handler(new Request('http://x/', { headers: { origin: APP } }))).toThrow(boom);
  });
  it('a custom CSRF deny answer passes through as decided', async () => {
    const guard = createCsrfGuard({
      origin: APP,
      deny: () => ({ status: 451, body: 'nope', headers: [['x-deny', '1']] }),
    });
    const res = await withCsrf(
      guard,
      () => new Response('app'),
    )(new Request('http://x/', { method: 'POST', headers: { 'sec-fetch-site': 'cross-site' } }));
    expect(res.status).toBe(451);
    expect(await res.text()).toBe('nope');
    expect(res.headers.get('x-deny')).toBe('1');
  });
});

// ---------------------------------------------------------------------------------------------
// Property: any decision a core returns is translated exactly, by every adapter.
