/**
 * Parsing and admission under hostile input, over real sockets on loopback: the request target
 * (origin-form and absolute-form only), upgrades the proxy does not support (answered as
 * HTTP/1.1), host names too long for DNS, the per-client cap on upstream requests (by address and
 * by a key function), the per-connection pipelining window and queue, and request bodies that
 * stall or trickle.
 */
import type http from 'node:http';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { toFailure } from '../../src/proxy/failure.js';
import type { ListeningProxy } from '../../src/proxy/listen.js';
import {
  fakeResolver,
  PUBLIC_V4,
  rawExchange,
  rawRequest,
  startProxy,
  startUpstream,
  type Upstream,
} from './helpers.js';

let up: Upstream;
const held: http.ServerResponse[] = [];
beforeAll(async () => {
  up = await startUpstream((req, res) => {
    if (req.url?.includes('hold')) {
      held.push(res); // answered by the test (or closed at the end)
      req.resume();
      return;
    }
    let n = 0;
    req.on('data', (c: Buffer) => {
      n += c.length;
    });
    req.on('end', () => {
      res.setHeader('content-type', 'text/plain');
      res.end(
        `${req.method} ${req.url} body=${n} upgrade=${req.headers.upgrade ?? '-'} h2s=${req.headers['http2-settings'] ?? '-'}`,
      );
    });
  });
});
afterAll(async () => {
  for (const r of held) r.destroy();
  await up.close();
});

const portOf = (p: ListeningProxy) => Number(new URL(p.url).port);
const sleep = (ms: number) => new Promise((r) => setTimeout(r, ms));

describe('the request target', () => {
  let p: ListeningProxy;
  beforeAll(async () => {
    p = await startProxy({
      routes: [{ prefix: '/api', target: up.url }],
      openTargets: { allowHosts: ['public.test'] },
      resolver: fakeResolver({ 'public.test': [PUBLIC_V4] }),
    });
  });
  afterAll(() => p.close());

  it('origin-form is routed; absolute-form is routed on its path and query', async () => {
    const origin = await rawExchange(
      portOf(p),
      'GET /api/a?x=1 HTTP/1.1\r\nHost: p\r\nConnection: close\r\n\r\n',
    );
    expect(origin.statuses).toEqual([200]);
    expect(origin.text).toContain('GET /a?x=1 body=0');
    const absolute = await rawExchange(
      portOf(p),
      'GET http://proxy.example/api/b?y=2 HTTP/1.1\r\nHost: p\r\nConnection: close\r\n\r\n',
    );
    expect(absolute.statuses).toEqual([200]);
    expect(absolute.text).toContain('GET /b?y=2 body=0');
  });

  it('absolute-form reaches an open target too (the path names it)', async () => {
    const r = await rawExchange(
      portOf(p),
      `GET http://proxy.example/http://public.test:${up.port}/c HTTP/1.1\r\nHost: p\r\nConnection: close\r\n\r\n`,
    );
    expect(r.statuses).toEqual([200]);
    expect(r.text).toContain('GET /c body=0');
  });

  it.each([
    ['a target that is not a path: xhttp://host/', 'xhttp://127.0.0.1/api/x', 'neither a path (/path?query)'],
    ['an absolute-form target of another scheme', 'ftp://host/api/x', 'neither a path (/path?query)'],
    ['asterisk-form', '*', 'asterisk-form'],
    // Node's own parser refuses this one before the proxy runs (listenProxy's clientError answer).
    ['a relative path', 'api/x', '400 Bad Request: malformed request'],
  ])('400 for %s, and the upstream sees nothing', async (_name, target, text) => {
    const hits = up.hits.length;
    const r = await rawExchange(portOf(p), `GET ${target} HTTP/1.1\r\nHost: p\r\nConnection: close\r\n\r\n`);
    expect(r.statuses).toEqual([400]);
    expect(r.text).toContain(text);
    if (!text.includes('malformed')) expect(r.text).toContain('[bad-request-target]');
    expect(up.hits.length).toBe(hits);
  });

  it('a host name too long for DNS is a bad target (400); getaddrinfo EINVAL is upstream-unreachable', async () => {
    const long = `${'a'.repeat(64)}.public.test`;
    const r = await rawRequest(p.url, `/http://${long}/x`);
    expect(r.status).toBe(400);
    expect(r.body).toContain('too long for DNS');
    const tooLong = `${'abcdefghi.'.repeat(26)}test`;
    expect((await rawRequest(p.url, `/http://${tooLong}/x`)).status).toBe(400);
    const einval = Object.assign(new Error('getaddrinfo EINVAL'), { code: 'EINVAL' });
    const f = toFailure(einval);
    expect([f.status, f.code]).toEqual([502, 'upstream-unreachable']);
  });

  it('EINVAL from the resolver during a real exchange is 502 upstream-unreachable', async () => {
    const q = await startProxy({
      openTargets: { allowHosts: ['public.test'] },
      resolver: async () => {
        throw Object.assign(new Error('getaddrinfo EINVAL public.test'), { code: 'EINVAL' });
      },
    });
    try {
      const r = await rawRequest(q.url, '/http://public.test/x');
      expect(r.status).toBe(502);
      expect(r.body).toContain('[upstream-unreachable]');
    } finally {
      await q.close();
    }
  });
});

describe('upgrades the proxy does not support are ignored (answered as HTTP/1.1)', () => {
  let p: ListeningProxy;
  beforeAll(async () => {
    p = await startProxy({ routes: [{ prefix: '/api', target: up.url }] });
  });
  afterAll(() => p.close());

  it('Upgrade: h2c (curl --http2 on plain http): 200 over HTTP/1.1, keep-alive kept, nothing of it forwarded', async () => {
    const r = await rawExchange(
      portOf(p),
      'GET /api/h2c HTTP/1.1\r\nHost: p\r\nConnection: Upgrade, HTTP2-Settings\r\nUpgrade: h2c\r\nHTTP2-Settings: AAMAAABkAAQCAAAAAAIAAAAA\r\n\r\n' +
        'GET /api/second HTTP/1.1\r\nHost: p\r\nConnection: close\r\n\r\n',
    );
    expect(r.statuses).toEqual([200, 200]);
    expect(r.text).not.toContain('101');
    expect(r.text).toContain('GET /h2c body=0 upgrade=- h2s=-');
    expect(r.text).toContain('GET /second body=0');
  });

  it('an unknown upgrade on a POST keeps its body', async () => {
    const r = await rawExchange(
      portOf(p),
      'POST /api/x HTTP/1.1\r\nHost: p\r\nConnection: upgrade, close\r\nUpgrade: something/1\r\nContent-Length: 5\r\n\r\nhello',
    );
    expect(r.statuses).toEqual([200]);
    expect(r.text).toContain('POST /x body=5 upgrade=-');
  });
});

describe('admission: per client and per connection', () => {
  it('a client over maxConcurrentUpstreamPerClient gets 503; another address is still served', async () => {
    const p = await startProxy({
      routes: [{ prefix: '/', target: up.url }],
      limits: { maxConcurrentUpstreamPerClient: 2 },
    });
    try {
      const a = rawExchange(portOf(p), 'GET /hold1 HTTP/1.1\r\nHost: p\r\n\r\n', { endAfter: 1 });
      const b = rawExchange(portOf(p), 'GET /hold2 HTTP/1.1\r\nHost: p\r\n\r\n', { endAfter: 1 });
      await sleep(200);
      const third = await rawExchange(portOf(p), 'GET /x HTTP/1.1\r\nHost: p\r\nConnection: close\r\n\r\n');
      expect(third.statuses).toEqual([503]);
      expect(third.text).toContain('from this client');
      expect(third.text).toMatch(/retry-after: 1/i);
      const other = await rawExchange(portOf(p), 'GET /x HTTP/1.1\r\nHost: p\r\nConnection: close\r\n\r\n', {
        localAddress: '127.0.0.2',
      });
      expect(other.statuses).toEqual([200]);
      for (const r of held.splice(0)) r.end('late');
      expect((await a).statuses).toEqual([200]);
      expect((await b).statuses).toEqual([200]);
    } finally {
      await p.close();
    }
  });

  it('clientKey: the key function decides who a client is', async () => {
    const p = await startProxy({
      routes: [{ prefix: '/', target: up.url }],
      limits: { maxConcurrentUpstreamPerClient: 1 },
      clientKey: (req) => String(req.headers['x-api-key'] ?? ''),
    });
    try {
      const a = rawExchange(portOf(p), 'GET /hold HTTP/1.1\r\nHost: p\r\nX-Api-Key: one\r\n\r\n', {
        endAfter: 1,
      });
      await sleep(200);
      const sameKey = await rawExchange(
        portOf(p),
        'GET /x HTTP/1.1\r\nHost: p\r\nX-Api-Key: one\r\nConnection: close\r\n\r\n',
      );
      expect(sameKey.statuses).toEqual([503]);
      const otherKey = await rawExchange(
        portOf(p),
        'GET /x HTTP/1.1\r\nHost: p\r\nX-Api-Key: two\r\nConnection: close\r\n\r\n',
      );
      expect(otherKey.statuses).toEqual([200]);
      for (const r of held.splice(0)) r.end('late');
      expect((await a).statuses).toEqual([200]);
    } finally {
      await p.close();
    }
  });

  it('pipelining: requests wait their turn in order; past maxQueuedPerConnection the answer is 503 and the connection closes', async () => {
    const p = await startProxy({
      routes: [{ prefix: '/', target: up.url }],
      limits: { maxPipelinedPerConnection: 2, maxQueuedPerConnection: 5 },
    });
    try {
      let text = '';
      for (let i = 0; i < 20; i++) text += `GET /p${i} HTTP/1.1\r\nHost: p\r\n\r\n`;
      const r = await rawExchange(portOf(p), text);
      // 2 handled at once + 5 waiting = 7 answered; the 8th is refused and closes the connection.
      expect(r.statuses).toEqual([200, 200, 200, 200, 200, 200, 200, 503]);
      expect(r.text).toContain('[too-many-pipelined-requests]');
      const order = [...r.text.matchAll(/GET \/p(\d+) body/g)].map((m) => Number(m[1]));
      expect(order).toEqual([0, 1, 2, 3, 4, 5, 6]);
      expect(r.closed).toBe(true);
    } finally {
      await p.close();
    }
  });
});

describe('request bodies that stall or trickle', () => {
  let p: ListeningProxy;
  beforeAll(async () => {
    p = await startProxy({
      routes: [{ prefix: '/', target: up.url }],
      limits: { requestBodyIdleTimeoutMs: 1_500, minRequestBodyBytesPerSecond: 1024 },
    });
  });
  afterAll(() => p.close());

  it('a body with no byte for requestBodyIdleTimeoutMs: 408 body-too-slow, connection closed', async () => {
    const started = Date.now();
    const r = await rawExchange(portOf(p), 'POST /x HTTP/1.1\r\nHost: p\r\nContent-Length: 100\r\n\r\nab', {
      timeoutMs: 8_000,
    });
    expect(r.statuses).toEqual([408]);
    expect(r.text).toContain('[body-too-slow]');
    expect(r.text).toMatch(/connection: close/i);
    expect(r.closed).toBe(true);
    expect(Date.now() - started).toBeLessThan(4_000);
  });

  it('a body trickled at a few bytes per second: 408 once the grace period is over', async () => {
    const net = await import('node:net');
    const started = Date.now();
    const socket = net.connect(portOf(p), '127.0.0.1');
    socket.write('POST /x HTTP/1.1\r\nHost: p\r\nContent-Length: 100000\r\n\r\n');
    const drip = setInterval(() => socket.write('a'), 400);
    const text = await new Promise<string>((resolve) => {
      let t = '';
      socket.on('data', (d: Buffer) => {
        t += d.toString('latin1');
      });
      socket.on('close', () => resolve(t));
      socket.on('error', () => resolve(t));
      setTimeout(() => socket.destroy(), 12_000);
    });
    clearInterval(drip);
    expect(text).toMatch(/^HTTP\/1\.1 408 /);
    expect(text).toContain('slower than 1024 bytes/s');
    const took = Date.now() - started;
    expect(took).toBeGreaterThanOrEqual(5_000);
    expect(took).toBeLessThan(9_000);
  });

  it('a chunk size beyond the body limit never reaches the upstream as a body and is refused', async () => {
    const hits = up.hits.length;
    const r = await rawExchange(
      portOf(p),
      'POST /x HTTP/1.1\r\nHost: p\r\nTransfer-Encoding: chunked\r\n\r\nffffffffffffffff\r\nabc',
      { timeoutMs: 8_000 },
    );
    expect(r.statuses).toEqual([408]);
    expect(r.closed).toBe(true);
    expect(up.hits.length - hits).toBeLessThanOrEqual(1);
  });
});
