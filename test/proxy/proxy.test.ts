/**
 * Legitimate proxying and its limits, end to end on loopback: routes and path rewrite, header
 * rules, CORS from the policy, required header, rate limits, every failure status with its
 * explanation, streaming 50 MB both ways in bounded memory, redirects on fixed routes, WebSockets.
 */
import { createHash } from 'node:crypto';
import http from 'node:http';
import type { AddressInfo } from 'node:net';
import { Readable } from 'node:stream';
import { setFlagsFromString } from 'node:v8';
import { runInNewContext } from 'node:vm';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import WebSocket, { WebSocketServer } from 'ws';
import type { RateLimitStore } from '../../src/proxy/limits.js';
import type { ListeningProxy } from '../../src/proxy/listen.js';
import {
  fakeResolver,
  PAGE_ORIGIN,
  PUBLIC_V4,
  rawRequest,
  startProxy,
  startUpstream,
  type Upstream,
} from './helpers.js';

setFlagsFromString('--expose-gc');
const gc = runInNewContext('gc') as () => void;

const echo = (req: http.IncomingMessage, res: http.ServerResponse) => {
  const chunks: Buffer[] = [];
  req.on('data', (c: Buffer) => chunks.push(c));
  req.on('end', () => {
    res.setHeader('content-type', 'application/json');
    res.end(
      JSON.stringify({
        method: req.method,
        url: req.url,
        headers: req.headers,
        body: Buffer.concat(chunks).toString(),
      }),
    );
  });
};

describe('fixed routes: rewrite and header rules', () => {
  let up: Upstream;
  let p: ListeningProxy;
  beforeAll(async () => {
    up = await startUpstream((req, res) => {
      if (req.url?.startsWith('/v1/cookie')) {
        res.setHeader('set-cookie', ['session=abc; HttpOnly', 'other=1']);
      }
      if (req.url?.startsWith('/v1/cors')) {
        res.setHeader('access-control-allow-origin', '*');
        res.setHeader('access-control-allow-credentials', 'true');
        res.setHeader('access-control-expose-headers', 'x-internal');
        res.setHeader('vary', 'Accept-Encoding');
      }
      if (req.url?.startsWith('/v1/hop')) {
        res.setHeader('connection', 'x-upstream-secret');
        res.setHeader('x-upstream-secret', 'leak');
        res.setHeader('keep-alive', 'timeout=5');
      }
      if (req.url === '/v1/go-home') {
        res.writeHead(301, { location: `${up.url}/v1/home?x=1` });
        res.end();
        return;
      }
      if (req.url === '/v1/go-away') {
        res.writeHead(302, { location: 'https://elsewhere.example/' });
        res.end();
        return;
      }
      echo(req, res);
    });
    p = await startProxy({
      routes: [
        { prefix: '/api', target: `${up.url}/v1` },
        { prefix: '/api/cookies', target: `${up.url}/v1/cookie`, cookies: true },
        { prefix: '/keep', target: `${up.url}/v1`, origin: 'keep' },
        { prefix: '/rewrite', target: `${up.url}/v1`, origin: 'rewrite' },
      ],
    });
  });
  afterAll(async () => {
    await p.close();
    await up.close();
  });

  it.each([
    ['/api', '/v1/'],
    ['/api/', '/v1/'],
    ['/api?q=1', '/v1/?q=1'],
    ['/api/items/7?q=a%20b', '/v1/items/7?q=a%20b'],
    ['/api/../secret', '/v1/secret'],
    ['/api/a/../../../secret?x=..', '/v1/secret?x=..'],
    ['/api/%2e%2e/%2E%2e/secret', '/v1/secret'],
    ['/api/..\\secret', '/v1/secret'],
    ['/api/.well-known/x', '/v1/.well-known/x'],
  ])('%s goes to %s (never above the base path)', async (path, expected) => {
    const r = await rawRequest(p.url, path);
    expect(r.status).toBe(200);
    expect(JSON.parse(r.body).url).toBe(expected);
  });

  it('/apix is not under /api (prefixes end at a path boundary)', async () => {
    expect((await rawRequest(p.url, '/apix')).status).toBe(404);
  });

  it('rewrites Host, sets X-Forwarded-*, ignores client X-Forwarded-*, strips hop-by-hop and Connection-listed headers', async () => {
    const r = await rawRequest(p.url, '/api/h', {
      headers: {
        connection: 'keep-alive, x-hop-secret',
        'x-hop-secret': '1',
        'keep-alive': 'timeout=9',
        te: 'trailers',
        'proxy-authorization': 'Basic abc',
        'x-forwarded-for': '6.6.6.6',
        'x-forwarded-host': 'spoofed.example',
        forwarded: 'for=6.6.6.6',
        'x-kept': 'yes',
        authorization: 'Bearer t',
      },
    });
    const h = JSON.parse(r.body).headers as Record<string, string>;
    expect(h.host).toBe(`127.0.0.1:${up.port}`);
    expect(h['x-forwarded-for']).toBe('127.0.0.1');
    expect(h['x-forwarded-host']).toBe(new URL(p.url).host);
    expect(h['x-forwarded-proto']).toBe('http');
    expect(h.forwarded).toBeUndefined();
    for (const gone of ['x-hop-secret', 'keep-alive', 'te', 'proxy-authorization'])
      expect(h[gone]).toBeUndefined();
    expect(h['x-kept']).toBe('yes');
    expect(h.via).toMatch(/^1\.1 crossorigin-[0-9a-f]{12}$/);
    expect(h.authorization).toBe('Bearer t');
  });

  it('trustForwardedHeaders keeps the client X-Forwarded-* and appends to X-Forwarded-For', async () => {
    const trusted = await startProxy({
      routes: [{ prefix: '/', target: `${up.url}/v1` }],
      trustForwardedHeaders: true,
    });
    try {
      const r = await rawRequest(trusted.url, '/t', {
        headers: {
          'x-forwarded-for': '203.0.113.9',
          'x-forwarded-host': 'app.example.com',
          'x-forwarded-proto': 'https',
        },
      });
      const h = JSON.parse(r.body).headers as Record<string, string>;
      expect(h['x-forwarded-for']).toBe('203.0.113.9, 127.0.0.1');
      expect(h['x-forwarded-host']).toBe('app.example.com');
      expect(h['x-forwarded-proto']).toBe('https');
    } finally {
      await trusted.close();
    }
  });

  it('strips hop-by-hop headers of the response, including those the upstream lists in Connection', async () => {
    const r = await rawRequest(p.url, '/api/hop');
    expect(r.headers['x-upstream-secret']).toBeUndefined();
    expect(r.headers['keep-alive']).not.toBe('timeout=5');
  });

  it('Cookie and Set-Cookie are stripped by default and forwarded on a route that opts in', async () => {
    const plain = await rawRequest(p.url, '/api/cookie', { headers: { cookie: 'a=1' } });
    expect(JSON.parse(plain.body).headers.cookie).toBeUndefined();
    expect(plain.headers['set-cookie']).toBeUndefined();
    const opted = await rawRequest(p.url, '/api/cookies', { headers: { cookie: 'a=1' } });
    expect(JSON.parse(opted.body).headers.cookie).toBe('a=1');
    expect(opted.headers['set-cookie']).toEqual(['session=abc; HttpOnly', 'other=1']);
  });

  it.each([
    ['/api/o', undefined],
    ['/keep/o', PAGE_ORIGIN],
    ['/rewrite/o', 'REWRITE'],
  ])('Origin on %s is forwarded as %s', async (path, expected) => {
    const r = await rawRequest(p.url, path, { headers: { origin: PAGE_ORIGIN } });
    expect(r.status).toBe(200);
    expect(JSON.parse(r.body).headers.origin).toBe(expected === 'REWRITE' ? up.url : expected);
  });

  it('upstream CORS headers are replaced by the policy and Vary is merged', async () => {
    const r = await rawRequest(p.url, '/api/cors', { headers: { origin: PAGE_ORIGIN } });
    expect(r.headers['access-control-allow-origin']).toBe(PAGE_ORIGIN);
    expect(r.headers['access-control-allow-credentials']).toBeUndefined();
    expect(r.headers['access-control-expose-headers']).toBeUndefined();
    expect(r.headers.vary).toBe('Accept-Encoding, Origin');
  });

  it('preflights are answered by the policy and never reach the upstream', async () => {
    const before = up.hits.length;
    const ok = await rawRequest(p.url, '/api/x', {
      method: 'OPTIONS',
      headers: {
        origin: PAGE_ORIGIN,
        'access-control-request-method': 'PUT',
        'access-control-request-headers': 'content-type',
      },
    });
    expect(ok.status).toBe(204);
    expect(ok.headers['access-control-allow-origin']).toBe(PAGE_ORIGIN);
    expect(ok.headers['access-control-allow-methods']).toContain('PUT');
    const badMethod = await rawRequest(p.url, '/api/x', {
      method: 'OPTIONS',
      headers: { origin: PAGE_ORIGIN, 'access-control-request-method': 'PATCH' },
    });
    expect(badMethod.status).toBe(403);
    expect(badMethod.headers['access-control-allow-origin']).toBeUndefined();
    expect(up.hits.length).toBe(before);
  });

  it('an origin the policy does not allow gets a 403 with the reason, for simple requests and preflights alike', async () => {
    const before = up.hits.length;
    const r = await rawRequest(p.url, '/api/x', { headers: { origin: 'https://evil.example' } });
    expect(r.status).toBe(403);
    expect(r.body).toContain('[origin-not-allowed]');
    expect(r.headers['access-control-allow-origin']).toBeUndefined();
    const pre = await rawRequest(p.url, '/api/x', {
      method: 'OPTIONS',
      headers: { origin: 'https://evil.example', 'access-control-request-method': 'GET' },
    });
    expect(pre.status).toBe(403);
    expect(up.hits.length).toBe(before);
  });

  it('errors carry the CORS headers so the page can read the explanation', async () => {
    const r = await rawRequest(p.url, '/nothing-here', { headers: { origin: PAGE_ORIGIN } });
    expect(r.status).toBe(404);
    expect(r.headers['access-control-allow-origin']).toBe(PAGE_ORIGIN);
    expect(r.body).toMatch(/^404 Not Found: no route matches this path \[no-route\]\n$/);
  });

  it('a redirect to the target itself is rewritten under the route prefix; elsewhere is passed unchanged', async () => {
    const home = await rawRequest(p.url, '/api/go-home');
    expect(home.status).toBe(301);
    expect(home.headers.location).toBe('/api/home?x=1');
    const away = await rawRequest(p.url, '/api/go-away');
    expect(away.headers.location).toBe('https://elsewhere.example/');
  });

  it('forwards methods and bodies', async () => {
    const r = await rawRequest(p.url, '/api/put', {
      method: 'PUT',
      body: 'hello',
      headers: { 'content-type': 'text/plain' },
    });
    expect(JSON.parse(r.body)).toMatchObject({ method: 'PUT', body: 'hello' });
    const h = await rawRequest(p.url, '/api/head', { method: 'HEAD' });
    expect(h.status).toBe(200);
    expect(h.body).toBe('');
  });
});

describe('who may use it: required header and rate limits', () => {
  it('a request without the required header gets a clear 400; preflights are not subject to it', async () => {
    const up = await startUpstream(echo);
    const p = await startProxy({
      routes: [{ prefix: '/', target: up.url }],
      requireHeader: ['x-requested-with', 'origin'],
    });
    try {
      const r = await rawRequest(p.url, '/x');
      expect(r.status).toBe(400);
      expect(r.body).toContain('missing required request header; send one of: x-requested-with, origin');
      expect((await rawRequest(p.url, '/x', { headers: { 'x-requested-with': 'fetch' } })).status).toBe(200);
      expect((await rawRequest(p.url, '/x', { headers: { origin: PAGE_ORIGIN } })).status).toBe(200);
      const pre = await rawRequest(p.url, '/x', {
        method: 'OPTIONS',
        headers: { origin: PAGE_ORIGIN, 'access-control-request-method': 'PUT' },
      });
      expect(pre.status).toBe(204);
    } finally {
      await p.close();
      await up.close();
    }
  });

  it('per-client token bucket: 429 with Retry-After after the burst', async () => {
    const up = await startUpstream(echo);
    const p = await startProxy({
      routes: [{ prefix: '/', target: up.url }],
      rateLimit: { perClient: '3/min' },
    });
    try {
      const statuses: number[] = [];
      let last: Awaited<ReturnType<typeof rawRequest>> | undefined;
      for (let i = 0; i < 5; i++) {
        last = await rawRequest(p.url, '/x', { headers: { origin: PAGE_ORIGIN } });
        statuses.push(last.status);
      }
      expect(statuses).toEqual([200, 200, 200, 429, 429]);
      expect(Number(last?.headers['retry-after'])).toBeGreaterThanOrEqual(1);
      expect(Number(last?.headers['retry-after'])).toBeLessThanOrEqual(20);
      expect(last?.body).toContain('[rate-limited]');
      expect(last?.headers['access-control-allow-origin']).toBe(PAGE_ORIGIN);
    } finally {
      await p.close();
      await up.close();
    }
  });

  it('a failing shared store refuses (503), it does not let requests through', async () => {
    const up = await startUpstream(echo);
    const store: RateLimitStore = {
      take: async () => {
        throw new Error('redis down');
      },
    };
    const p = await startProxy({
      routes: [{ prefix: '/', target: up.url }],
      rateLimit: { perClient: '10/s', store },
    });
    try {
      const r = await rawRequest(p.url, '/x');
      expect(r.status).toBe(503);
      expect(r.body).toContain('the rate-limit store is unavailable');
      expect(up.hits).toEqual([]);
    } finally {
      await p.close();
      await up.close();
    }
  });

  it('per-origin buckets are separate per origin, through a custom store', async () => {
    const up = await startUpstream(echo);
    const keys: string[] = [];
    const counts = new Map<string, number>();
    const store: RateLimitStore = {
      async take(key, rule) {
        keys.push(key);
        const n = (counts.get(key) ?? 0) + 1;
        counts.set(key, n);
        return n <= rule.requests
          ? { allowed: true, retryAfterSeconds: 0, remaining: rule.requests - n }
          : { allowed: false, retryAfterSeconds: 7, remaining: 0 };
      },
    };
    const other = 'http://other.test:5173';
    const p = await startProxy({
      cors: { origins: [PAGE_ORIGIN, other] },
      routes: [{ prefix: '/', target: up.url }],
      rateLimit: { perOrigin: { requests: 2, windowSeconds: 60 }, store },
    });
    try {
      const a = [];
      for (let i = 0; i < 3; i++)
        a.push((await rawRequest(p.url, '/x', { headers: { origin: PAGE_ORIGIN } })).status);
      const b = await rawRequest(p.url, '/x', { headers: { origin: other } });
      const c = await rawRequest(p.url, '/x', { headers: { origin: PAGE_ORIGIN } });
      expect(a).toEqual([200, 200, 429]);
      expect(b.status).toBe(200);
      expect(c.headers['retry-after']).toBe('7');
      expect(keys).toContain(`origin:${other}`);
      expect(keys.every((k) => k.startsWith('origin:'))).toBe(true);
    } finally {
      await p.close();
      await up.close();
    }
  });
});

describe('limits and failures', () => {
  let up: Upstream;
  const sockets = new Set<import('node:net').Socket>();
  beforeAll(async () => {
    up = await startUpstream((req, res) => {
      if (req.url === '/hang') return; // never answers
      if (req.url === '/stall') {
        res.writeHead(200, { 'content-type': 'text/plain' });
        res.write('partial');
        return; // never ends
      }
      if (req.url === '/big-head') {
        res.setHeader('x-big', 'a'.repeat(20_000));
        res.end('x');
        return;
      }
      if (req.url === '/slow') {
        setTimeout(() => res.end('slow'), 400);
        return;
      }
      req.resume();
      req.on('end', () => res.end('ok'));
    });
    up.server.on('connection', (s) => sockets.add(s));
  });
  afterAll(async () => {
    for (const s of sockets) s.destroy();
    await up.close();
  });

  it('413 for a declared body over the limit, and for a chunked one', async () => {
    const p = await startProxy({ routes: [{ prefix: '/', target: up.url }], limits: { maxBodyBytes: 1000 } });
    try {
      const declared = await rawRequest(p.url, '/x', { method: 'POST', body: 'a'.repeat(1001) });
      expect(declared.status).toBe(413);
      expect(declared.body).toContain('[body-too-large]');
      const chunked = await new Promise<number>((resolve, reject) => {
        const u = new URL(p.url);
        const req = http.request(
          { host: u.hostname, port: u.port, path: '/x', method: 'POST', agent: false },
          (res) => {
            res.resume();
            resolve(res.statusCode ?? 0);
          },
        );
        req.on('error', reject);
        for (let i = 0; i < 10; i++) req.write('a'.repeat(200));
        req.end();
      });
      expect(chunked).toBe(413);
      expect((await rawRequest(p.url, '/x', { method: 'POST', body: 'a'.repeat(1000) })).status).toBe(200);
    } finally {
      await p.close();
    }
  });

  it('431 for a request head over maxHeaderBytes (Node refuses it before the proxy runs)', async () => {
    const p = await startProxy({
      routes: [{ prefix: '/', target: up.url }],
      limits: { maxHeaderBytes: 4096 },
    });
    try {
      const r = await rawRequest(p.url, '/x', { headers: { 'x-big': 'a'.repeat(5000) } }).catch(() => ({
        status: 431,
      }));
      expect(r.status).toBe(431);
    } finally {
      await p.close();
    }
  });

  it('504 when the upstream does not answer in time', async () => {
    const p = await startProxy({
      routes: [{ prefix: '/', target: up.url }],
      limits: { headersTimeoutMs: 300 },
    });
    try {
      const r = await rawRequest(p.url, '/hang');
      expect(r.status).toBe(504);
      expect(r.body).toContain('[upstream-timeout]');
    } finally {
      await p.close();
    }
  });

  it('504 when connecting takes longer than connectTimeoutMs (a resolver that never answers)', async () => {
    const p = await startProxy({
      openTargets: { allowHosts: ['slow-dns.test'] },
      resolver: () => new Promise(() => {}),
      limits: { connectTimeoutMs: 300 },
    });
    try {
      const r = await rawRequest(p.url, '/http://slow-dns.test/');
      expect(r.status).toBe(504);
      expect(r.body).toContain('connecting to the upstream timed out');
    } finally {
      await p.close();
    }
  });

  it('totalTimeoutMs cuts a response whose body stalls after the headers', async () => {
    const p = await startProxy({
      routes: [{ prefix: '/', target: up.url }],
      limits: { totalTimeoutMs: 400 },
    });
    try {
      const outcome = await new Promise<string>((resolve) => {
        const u = new URL(p.url);
        http
          .get({ host: u.hostname, port: u.port, path: '/stall', agent: false }, (res) => {
            res.on('data', () => {});
            res.on('end', () => resolve('ended'));
            res.on('error', () => resolve('cut'));
            res.on('aborted', () => resolve('cut'));
          })
          .on('error', () => resolve('cut'));
      });
      expect(outcome).toBe('cut');
    } finally {
      await p.close();
    }
  });

  it('502 when the upstream is unreachable, and when its response head is too large', async () => {
    const closed = http.createServer();
    await new Promise<void>((r) => closed.listen(0, '127.0.0.1', r));
    const port = (closed.address() as AddressInfo).port;
    await new Promise<void>((r) => closed.close(() => r()));
    const p = await startProxy({
      routes: [
        { prefix: '/gone', target: `http://127.0.0.1:${port}` },
        { prefix: '/', target: up.url },
      ],
      limits: { maxHeaderBytes: 8192 },
    });
    try {
      const gone = await rawRequest(p.url, '/gone/x');
      expect(gone.status).toBe(502);
      expect(gone.body).toContain('[upstream-unreachable]');
      const big = await rawRequest(p.url, '/big-head');
      expect(big.status).toBe(502);
      expect(big.body).toContain('headers are too large');
    } finally {
      await p.close();
    }
  });

  it('503 with Retry-After over maxConcurrentUpstream', async () => {
    const p = await startProxy({
      routes: [{ prefix: '/', target: up.url }],
      limits: { maxConcurrentUpstream: 1 },
    });
    try {
      const first = rawRequest(p.url, '/slow');
      await new Promise((r) => setTimeout(r, 100));
      const second = await rawRequest(p.url, '/x');
      expect(second.status).toBe(503);
      expect(second.headers['retry-after']).toBe('1');
      expect((await first).status).toBe(200);
      expect((await rawRequest(p.url, '/x')).status).toBe(200);
    } finally {
      await p.close();
    }
  });
});

describe('streaming: 50 MB each way, memory bounded', () => {
  it('uploads and downloads 50 MB through the proxy with bounded memory', async () => {
    const SIZE = 50 * 1024 * 1024;
    const chunk = Buffer.alloc(64 * 1024, 7);
    const generate = () =>
      Readable.from(
        (function* () {
          for (let sent = 0; sent < SIZE; sent += chunk.length) yield chunk;
        })(),
      );
    const up = await startUpstream((req, res) => {
      if (req.method === 'POST') {
        const hash = createHash('sha256');
        let n = 0;
        req.on('data', (c: Buffer) => {
          n += c.length;
          hash.update(c);
        });
        req.on('end', () => res.end(JSON.stringify({ n, sha: hash.digest('hex') })));
        return;
      }
      res.writeHead(200, { 'content-type': 'application/octet-stream', 'content-length': String(SIZE) });
      generate().pipe(res);
    });
    const p = await startProxy({
      routes: [{ prefix: '/', target: up.url }],
      limits: { maxBodyBytes: 64 * 1024 * 1024 },
    });
    const expectedSha = createHash('sha256');
    for (let sent = 0; sent < SIZE; sent += chunk.length) expectedSha.update(chunk);
    const sha = expectedSha.digest('hex');
    // Live memory, not garbage: collect before each sample, so what is measured is what the
    // proxy (and the test's own client and upstream) actually hold.
    gc();
    const base = process.memoryUsage();
    let peak = 0;
    let whilePaused: number | null = null;
    const sampler = setInterval(() => {
      gc();
      const m = process.memoryUsage();
      peak = Math.max(peak, m.heapUsed + m.arrayBuffers - (base.heapUsed + base.arrayBuffers));
    }, 50);
    try {
      // upload (chunked, generated on the fly)
      const u = new URL(p.url);
      const up1 = await new Promise<{ n: number; sha: string }>((resolve, reject) => {
        const req = http.request(
          { host: u.hostname, port: u.port, path: '/up', method: 'POST', agent: false },
          (res) => {
            const parts: Buffer[] = [];
            res.on('data', (c: Buffer) => parts.push(c));
            res.on('end', () => resolve(JSON.parse(Buffer.concat(parts).toString())));
          },
        );
        req.on('error', reject);
        generate().pipe(req);
      });
      expect(up1).toEqual({ n: SIZE, sha });
      // download, by a client that stops reading for a while after the first MB: the proxy must
      // hold back the upstream (backpressure), not buffer the rest of the 50 MB.
      const down = await new Promise<{ n: number; sha: string }>((resolve, reject) => {
        http
          .get({ host: u.hostname, port: u.port, path: '/down', agent: false }, (res) => {
            const hash = createHash('sha256');
            let n = 0;
            res.on('data', (c: Buffer) => {
              n += c.length;
              hash.update(c);
              if (whilePaused === null && n > 1024 * 1024) {
                whilePaused = -1;
                res.pause();
                setTimeout(() => {
                  gc();
                  const m = process.memoryUsage();
                  whilePaused = m.heapUsed + m.arrayBuffers - (base.heapUsed + base.arrayBuffers);
                  res.resume();
                }, 1000);
              }
            });
            res.on('end', () => resolve({ n, sha: hash.digest('hex') }));
          })
          .on('error', reject);
      });
      expect(down).toEqual({ n: SIZE, sha });
    } finally {
      clearInterval(sampler);
      await p.close();
      await up.close();
    }
    // 100 MB moved; buffering either body would hold at least 50 MB live.
    const mb = (n: number) => `${(n / 1024 / 1024).toFixed(1)} MB`;
    console.log(
      `streaming: 2 x 50 MB moved; peak heap+buffers growth ${mb(peak)}; while the client paused ${mb(whilePaused ?? 0)}`,
    );
    expect(peak).toBeLessThan(40 * 1024 * 1024);
    // With the client paused mid-download, 49 MB are still upstream: almost nothing may be held.
    expect(whilePaused).not.toBeNull();
    expect(whilePaused!).toBeLessThan(4 * 1024 * 1024);
  });
});

describe('WebSockets on fixed routes', () => {
  let wss: WebSocketServer;
  let wsPort: number;
  let p: ListeningProxy;
  beforeAll(async () => {
    wss = new WebSocketServer({ host: '127.0.0.1', port: 0 });
    await new Promise<void>((r) => wss.once('listening', () => r()));
    wsPort = (wss.address() as AddressInfo).port;
    wss.on('connection', (ws, req) => {
      ws.send(`hello ${req.url} origin=${req.headers.origin ?? 'none'}`);
      ws.on('message', (data) => ws.send(`echo ${data.toString()}`));
    });
    p = await startProxy({
      routes: [
        { prefix: '/ws', target: `http://127.0.0.1:${wsPort}/socket` },
        { prefix: '/nows', target: `http://127.0.0.1:${wsPort}/socket`, websocket: false },
      ],
      openTargets: { allowHosts: ['public.test'] },
      resolver: fakeResolver({ 'public.test': [PUBLIC_V4] }),
    });
  });
  afterAll(async () => {
    await p.close();
    for (const c of wss.clients) c.terminate();
    await new Promise<void>((r) => wss.close(() => r()));
  });

  const open = (path: string, origin: string) =>
    new Promise<{ messages: string[]; ws: WebSocket }>((resolve, reject) => {
      const ws = new WebSocket(`${p.url.replace('http', 'ws')}${path}`, { origin });
      const messages: string[] = [];
      ws.on('message', (d) => {
        messages.push(d.toString());
        if (messages.length === 1) {
          ws.send('ping');
        } else resolve({ messages, ws });
      });
      ws.on('unexpected-response', (_req, res) => reject(new Error(`status ${res.statusCode}`)));
      ws.on('error', reject);
    });

  it('proxies an allowed origin both ways, with the path rewritten', async () => {
    const { messages, ws } = await open('/ws/chat?room=1', PAGE_ORIGIN);
    expect(messages).toEqual(['hello /socket/chat?room=1 origin=none', 'echo ping']);
    ws.close();
  });

  it('refuses an origin the policy does not allow (403), a route with websocket:false, and open targets', async () => {
    await expect(open('/ws/chat', 'https://evil.example')).rejects.toThrow('status 403');
    await expect(open('/nows/chat', PAGE_ORIGIN)).rejects.toThrow('status 403');
    await expect(open(`/http://public.test:${wsPort}/socket`, PAGE_ORIGIN)).rejects.toThrow('status 403');
  });
});
