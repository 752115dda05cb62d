/**
 * Adapter-specific behaviour the shared table cannot express: the node `handleCors` return value,
 * Fastify route-level options and 404 preflights, Koa and Hono error responses, Express's own Vary
 * helpers, immutable Fetch responses, configuration errors at start-up, onError isolation, and a
 * fast-check property: whatever decision a core returns, each adapter translates it exactly.
 */
import { createServer, type IncomingMessage, type Server, type ServerResponse } from 'node:http';
import type { AddressInfo } from 'node:net';
import express from 'express';
import fc from 'fast-check';
import Fastify from 'fastify';
import { Hono } from 'hono';
import Koa from 'koa';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { HttpCore, HttpDecision } from '../../src/_http/index.js';
import * as ex from '../../src/adapters/express.js';
import { corsPlugin, csrfPlugin } from '../../src/adapters/fastify.js';
import { withCors, withCsrf } from '../../src/adapters/fetch.js';
import * as ho from '../../src/adapters/hono.js';
import * as ko from '../../src/adapters/koa.js';
import { corsMiddleware, csrfMiddleware, handleCors } from '../../src/adapters/node.js';
import { CsrfOptionsError, createCsrfGuard } from '../../src/csrf/index.js';
import { CorsConfigError, createCorsPolicy } from '../../src/server/index.js';
import { fromResponse, type RawReply, send } from './client.js';
import { varyNames } from './judge.js';

const APP = 'https://app.example';
const policy = createCorsPolicy({ origins: [APP], methods: ['PUT'] });
const quiet = { onError: () => {} };

async function listen(server: Server): Promise<{ port: number; close: () => Promise<void> }> {
  await new Promise<void>((r) => server.listen(0, '127.0.0.1', r));
  return {
    port: (server.address() as AddressInfo).port,
    close: () =>
      new Promise<void>((r) => {
        server.closeAllConnections();
        server.close(() => r());
      }),
  };
}

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

const token = fc
  .stringMatching(/^[a-z][a-z0-9-]{0,10}$/)
  .filter(
    (n) =>
      ![
        'vary',
        'content-type',
        'content-length',
        'x-app',
        'connection',
        'transfer-encoding',
        'date',
        'keep-alive',
      ].includes(n),
  );
const value = fc.stringMatching(/^[!-~]([ -~]{0,20}[!-~])?$/);
const decisionArb: fc.Arbitrary<HttpDecision> = fc.record({
  allowed: fc.boolean(),
  headers: fc.uniqueArray(
    fc.tuple(
      token.map((n) => `x-${n}`),
      value,
    ),
    { selector: ([n]) => n, maxLength: 4 },
  ),
  vary: fc.uniqueArray(
    fc.constantFrom('Origin', 'Accept', 'Sec-Fetch-Site', 'Access-Control-Request-Headers'),
    {
      maxLength: 3,
    },
  ),
  end: fc.boolean(),
  status: fc.constantFrom(204, 403, 400, 200),
  body: fc.option(fc.stringMatching(/^[a-z ]{1,20}$/), { nil: undefined }),
});

class SettableCore implements HttpCore {
  next: HttpDecision = { allowed: true, headers: [], vary: [], end: false };
  handle(): HttpDecision {
    return this.next;
  }
}

function checkTranslation(d: HttpDecision, r: RawReply): void {
  if (d.end) {
    expect(r.status).toBe(d.status);
    expect(r.headers.has('x-app')).toBe(false);
    const withBody = d.body !== undefined && d.status !== 204;
    expect(r.body).toBe(withBody ? d.body : '');
  } else {
    expect(r.status).toBe(200);
    expect(r.headers.get('x-app')).toEqual(['reached']);
  }
  for (const [n, v] of d.headers) expect(r.headers.get(n)).toEqual([v]);
  const vary = varyNames(r).map((n) => n.toLowerCase());
  expect(new Set(vary).size).toBe(vary.length);
  for (const n of d.vary) expect(vary).toContain(n.toLowerCase());
  if (!d.end) expect(vary).toContain('accept-encoding');
}

describe('property: decisions are translated exactly', () => {
  const core = new SettableCore();
  const nodeApp = (_req: IncomingMessage, res: ServerResponse) => {
    res.setHeader('x-app', 'reached');
    res.setHeader('vary', 'Accept-Encoding');
    res.end('app');
  };
  const targets: {
    name: string;
    call: (d: HttpDecision) => Promise<RawReply>;
    close: () => Promise<void>;
  }[] = [];

  beforeAll(async () => {
    const nodeSrv = await listen(
      createServer((req, res) => corsMiddleware(core as never, quiet)(req, res, () => nodeApp(req, res))),
    );
    targets.push({
      name: 'node',
      call: () => send(nodeSrv.port, { method: 'GET', path: '/', headers: [] }),
      close: nodeSrv.close,
    });
    const k = new Koa();
    k.use(ko.corsMiddleware(core as never, quiet));
    k.use((ctx) => {
      ctx.set('x-app', 'reached');
      ctx.set('Vary', 'Accept-Encoding');
      ctx.body = 'app';
    });
    const koaSrv = await listen(createServer(k.callback()));
    targets.push({
      name: 'koa',
      call: () => send(koaSrv.port, { method: 'GET', path: '/', headers: [] }),
      close: koaSrv.close,
    });
    const f = Fastify();
    await f.register(corsPlugin, { policy: core as never, ...quiet });
    f.get('/', async (_r, reply) => {
      reply.header('x-app', 'reached').header('vary', 'Accept-Encoding');
      return 'app';
    });
    await f.listen({ host: '127.0.0.1', port: 0 });
    const fp = (f.server.address() as AddressInfo).port;
    targets.push({
      name: 'fastify',
      call: () => send(fp, { method: 'GET', path: '/', headers: [] }),
      close: () => f.close(),
    });
    const fetchApp = () => new Response('app', { headers: { 'x-app': 'reached', vary: 'Accept-Encoding' } });
    const fh = withCors(core as never, fetchApp, quiet);
    targets.push({
      name: 'fetch',
      call: async () => fromResponse(await fh(new Request('http://x/')), 'GET'),
      close: async () => {},
    });
    const h = new Hono();
    h.use(ho.corsMiddleware(core as never, quiet));
    h.get('/', () => fetchApp());
    targets.push({
      name: 'hono',
      call: async () => fromResponse(await h.fetch(new Request('http://x/')), 'GET'),
      close: async () => {},
    });
  });
  afterAll(async () => {
    for (const t of targets) await t.close();
  });

  it.each(['node', 'koa', 'fastify', 'fetch', 'hono'])('%s', async (name) => {
    const t = targets.find((x) => x.name === name)!;
    await fc.assert(
      fc.asyncProperty(decisionArb, async (d) => {
        core.next = d;
        checkTranslation(d, await t.call(d));
      }),
      { numRuns: 60 },
    );
  });
});

describe('node: the http2 compatibility API', () => {
  it('corsMiddleware works on node:http2 (h2c) requests and keeps Vary merged', async () => {
    const http2 = await import('node:http2');
    const mw = corsMiddleware(policy);
    const server = http2.createServer((req, res) => {
      mw(req as never, res as never, () => {
        res.setHeader('vary', 'Accept-Encoding');
        res.end('h2');
      });
    });
    await new Promise<void>((r) => server.listen(0, '127.0.0.1', r));
    const port = (server.address() as AddressInfo).port;
    const client = http2.connect(`http://127.0.0.1:${port}`);
    const ask = (headers: Record<string, string>) =>
      new Promise<{ headers: Record<string, unknown>; body: string }>((resolve, reject) => {
        const s = client.request({ ':path': '/', ...headers });
        let body = '';
        let h: Record<string, unknown> = {};
        s.on('response', (x) => {
          h = x;
        });
        s.on('data', (d: Buffer) => {
          body += d.toString();
        });
        s.on('end', () => resolve({ headers: h, body }));
        s.on('error', reject);
        s.end();
      });
    const actual = await ask({ origin: APP });
    expect(actual.body).toBe('h2');
    expect(actual.headers['access-control-allow-origin']).toBe(APP);
    expect(
      String(actual.headers.vary)
        .split(',')
        .map((x) => x.trim())
        .sort(),
    ).toEqual(['Accept-Encoding', 'Origin']);
    const pre = await ask({ ':method': 'OPTIONS', origin: APP, 'access-control-request-method': 'PUT' });
    expect(pre.headers[':status']).toBe(204);
    client.close();
    await new Promise<void>((r) => server.close(() => r()));
  });
});

// ---------------------------------------------------------------------------------------------
// Property: arbitrary request headers through the real policy and guard never break an adapter.

describe('property: any request gets a well-defined answer (real policy and guard)', () => {
  const printable = fc.stringMatching(/^[!-~]([ -~]{0,40}[!-~])?$/);
  const originish = fc.oneof(
    fc.constant(APP),
    fc.constant('null'),
    fc.constantFrom(
      'https://evil.example',
      'http://app.example',
      'https://app.example:443',
      'https://APP.example',
    ),
    printable,
  );
  const requestArb = fc.record({
    method: fc.constantFrom('GET', 'HEAD', 'POST', 'PUT', 'DELETE', 'OPTIONS', 'PATCH'),
    origin: fc.option(originish, { nil: undefined }),
    acrm: fc.option(fc.oneof(fc.constantFrom('PUT', 'put', 'GET', 'PATCH'), printable), { nil: undefined }),
    acrh: fc.option(fc.oneof(fc.constantFrom('content-type', 'x-token, content-type', '*'), printable), {
      nil: undefined,
    }),
    sfs: fc.option(fc.oneof(fc.constantFrom('same-origin', 'cross-site', 'same-site', 'none'), printable), {
      nil: undefined,
    }),
  });
  type RequestSample = typeof requestArb extends fc.Arbitrary<infer T> ? T : never;
  const guard = createCsrfGuard({ origin: APP });
  let port = 0;
  let srv: { port: number; close: () => Promise<void> };
  const cors = corsMiddleware(policy);
  const csrf = csrfMiddleware(guard);
  const errors: unknown[] = [];
  const fetchHandler = withCors(
    policy,
    withCsrf(guard, () => new Response('app', { headers: { 'x-app': 'reached' } })),
    {
      onError: (e) => errors.push(e),
    },
  );
  beforeAll(async () => {
    srv = await listen(
      createServer((req, res) =>
        cors(req, res, () =>
          csrf(req, res, () => {
            res.setHeader('x-app', 'reached');
            res.end('app');
          }),
        ),
      ),
    );
    port = srv.port;
  });
  afterAll(() => srv.close());

  const headersOf = (r: RequestSample) => {
    const h: [string, string][] = [['Content-Type', 'text/plain']];
    if (r.origin !== undefined) h.push(['Origin', r.origin]);
    if (r.acrm !== undefined) h.push(['Access-Control-Request-Method', r.acrm]);
    if (r.acrh !== undefined) h.push(['Access-Control-Request-Headers', r.acrh]);
    if (r.sfs !== undefined) h.push(['Sec-Fetch-Site', r.sfs]);
    return h;
  };

  it('node:http: 200 from the app, or 204/403 from the adapter, never 500', async () => {
    await fc.assert(
      fc.asyncProperty(requestArb, async (r) => {
        const reply = await send(port, { method: r.method, path: '/', headers: headersOf(r) });
        const reached = reply.headers.get('x-app')?.[0] === 'reached';
        expect(reached ? [200] : [204, 403]).toContain(reply.status);
        const vary = varyNames(reply).map((n) => n.toLowerCase());
        expect(new Set(vary).size).toBe(vary.length);
      }),
      { numRuns: 150 },
    );
  });

  it('fetch: the same, and no core ever failed', async () => {
    await fc.assert(
      fc.asyncProperty(requestArb, async (r) => {
        const res = await fetchHandler(
          new Request('http://127.0.0.1/', { method: r.method, headers: headersOf(r) }),
        );
        const reached = res.headers.get('x-app') === 'reached';
        expect(reached ? [200] : [204, 403]).toContain(res.status);
      }),
      { numRuns: 300 },
    );
    expect(errors).toEqual([]);
  });
});
