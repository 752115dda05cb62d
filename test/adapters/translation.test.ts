/**
 * Fast-check properties over every adapter: whatever decision a core returns, each adapter
 * translates it exactly; any request gets a well-defined answer from the real policy and guard; and
 * the node adapter on the http2 compatibility API.
 */
import { createServer, type IncomingMessage, type ServerResponse } from 'node:http';
import type { AddressInfo } from 'node:net';
import fc from 'fast-check';
import Fastify from 'fastify';
import { Hono } from 'hono';
import Koa from 'koa';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { HttpCore, HttpDecision } from '../../src/_http/index.js';
import { corsPlugin } from '../../src/adapters/fastify.js';
import { withCors, withCsrf } from '../../src/adapters/fetch.js';
import * as ho from '../../src/adapters/hono.js';
import * as ko from '../../src/adapters/koa.js';
import { corsMiddleware, csrfMiddleware } from '../../src/adapters/node.js';
import { createCsrfGuard } from '../../src/csrf/index.js';
import { APP, listen, policy, quiet } from './_specific.js';
import { fromResponse, type RawReply, send } from './client.js';
import { varyNames } from './judge.js';

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
