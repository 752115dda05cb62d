/**
 * The default transport over a real loopback socket: what goes on the wire, and how every kind
 * of answer comes back as a Response (codings, null-body statuses, odd statuses, failures, aborts).
 */

import { createServer, type IncomingHttpHeaders, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { createServer as createNetServer, type Server as NetServer } from 'node:net';
import { setFlagsFromString } from 'node:v8';
import { runInNewContext } from 'node:vm';
import zlib from 'node:zlib';
import { Agent } from 'undici';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createBrowserFetch } from '../../src/browser/browser-fetch.js';
import { dispatcherTransport, exchange } from '../../src/browser/transport.js';

interface Seen {
  method: string;
  url: string;
  headers: IncomingHttpHeaders;
  rawHeaders: string[];
  body: string;
}

let server: Server;
let raw: NetServer;
let base: string;
let rawBase: string;
let agent: Agent;
const seen: Seen[] = [];
let bigAbandoned = 0;
const text = 'hello, transport';

beforeAll(async () => {
  server = createServer((req, res) => {
    const chunks: Buffer[] = [];
    req.on('data', (c: Buffer) => chunks.push(c));
    req.on('end', () => {
      seen.push({
        method: req.method ?? '',
        url: req.url ?? '',
        headers: req.headers,
        rawHeaders: req.rawHeaders,
        body: Buffer.concat(chunks).toString(),
      });
      const path = new URL(req.url ?? '/', 'http://x').pathname;
      const send = (status: number, headers: Record<string, string | string[]>, body?: Buffer | string) => {
        res.writeHead(status, headers);
        res.end(body);
      };
      switch (path) {
        case '/gzip':
          return send(200, { 'content-encoding': 'gzip' }, zlib.gzipSync(text));
        case '/deflate':
          return send(200, { 'content-encoding': 'deflate' }, zlib.deflateSync(text));
        case '/br':
          return send(200, { 'content-encoding': 'br' }, zlib.brotliCompressSync(text));
        case '/gzip-br':
          // applied in order: gzip first, then br; decoded in reverse.
          return send(200, { 'content-encoding': 'gzip, br' }, zlib.brotliCompressSync(zlib.gzipSync(text)));
        case '/unknown-coding':
          return send(200, { 'content-encoding': 'compress-me-not' }, text);
        case '/too-many':
          return send(200, { 'content-encoding': 'gzip, gzip, gzip, gzip, gzip, gzip' }, 'x');
        case '/bad-gzip':
          return send(200, { 'content-encoding': 'gzip' }, 'this is not gzip');
        case '/204':
          return send(204, { 'x-a': '1' });
        case '/304':
          return send(304, { etag: '"1"' });
        case '/cookies':
          return send(200, { 'set-cookie': ['a=1', 'b=2'], 'x-dup': ['1', '2'] }, 'ok');
        case '/latin1':
          res.setHeader('x-latin1', Buffer.from([0x63, 0x61, 0x66, 0xe9]).toString('latin1'));
          return send(200, {}, 'ok');
        case '/redirect':
          return send(302, { location: '/gzip' });
        case '/slow':
          res.writeHead(200, { 'content-type': 'text/plain' });
          res.write('first ');
          setTimeout(() => res.end('second'), 200);
          return;
        case '/big': {
          // More than the client buffers: unread, the response never finishes.
          res.writeHead(200, { 'content-type': 'application/octet-stream' });
          res.on('close', () => {
            if (!res.writableFinished) bigAbandoned++;
          });
          const chunk = Buffer.alloc(64 * 1024, 120);
          let sent = 0;
          const pump = () => {
            while (sent < 256) {
              sent++;
              if (!res.write(chunk)) return void res.once('drain', pump);
            }
            res.end();
          };
          pump();
          return;
        }
        case '/hang':
          return; // never answers
        default:
          return send(200, { 'content-type': 'text/plain', 'content-length': String(text.length) }, text);
      }
    });
  });
  await new Promise<void>((r) => server.listen(0, '127.0.0.1', r));
  base = `http://127.0.0.1:${(server.address() as AddressInfo).port}`;
  // A raw server for answers node:http will not write: statuses out of range, odd reason phrases.
  raw = createNetServer((socket) => {
    socket.once('data', (d) => {
      const path = d.toString('latin1').split(' ')[1] ?? '/';
      const status = path === '/999' ? '999 Odd' : path === '/phrase' ? '200 \x01bad' : '200 OK';
      socket.end(`HTTP/1.1 ${status}\r\ncontent-length: 2\r\nconnection: close\r\n\r\nok`);
    });
  });
  await new Promise<void>((r) => raw.listen(0, '127.0.0.1', r));
  rawBase = `http://127.0.0.1:${(raw.address() as AddressInfo).port}`;
  agent = new Agent({ keepAliveTimeout: 1000 });
});

afterAll(async () => {
  await agent.close();
  server.closeAllConnections();
  await new Promise((r) => server.close(r));
  await new Promise((r) => raw.close(r));
});

const send = (path: string, init: RequestInit = {}) =>
  dispatcherTransport(agent)(`${base}${path}`, { redirect: 'manual', ...init });

describe('what goes on the wire', () => {
  it('sends the header list as given, in order, and adds only the absent defaults', async () => {
    seen.length = 0;
    const res = await send('/plain', {
      headers: [
        ['origin', 'https://app.example'],
        ['sec-fetch-mode', 'no-cors'],
        ['sec-fetch-site', 'cross-site'],
        ['x-custom', 'v'],
      ],
    });
    expect(await res.text()).toBe(text);
    const s = seen[0]!;
    expect(s.headers['sec-fetch-mode']).toBe('no-cors');
    expect(s.headers.origin).toBe('https://app.example');
    expect(s.headers['x-custom']).toBe('v');
    expect(s.headers.accept).toBe('*/*');
    expect(s.headers['accept-language']).toBe('*');
    expect(s.headers['user-agent']).toBe('node');
    expect(s.headers['accept-encoding']).toBe('gzip, deflate');
    const names = s.rawHeaders.filter((_, i) => i % 2 === 0).map((n) => n.toLowerCase());
    expect(names.indexOf('origin')).toBeLessThan(names.indexOf('sec-fetch-mode'));
    expect(names.indexOf('sec-fetch-mode')).toBeLessThan(names.indexOf('x-custom'));
  });

  it('keeps the defaults the page set, and asks for identity with Range', async () => {
    seen.length = 0;
    await (
      await send('/plain', {
        headers: [
          ['accept', 'application/json'],
          ['accept-language', 'fr'],
          ['user-agent', 'test-agent'],
          ['range', 'bytes=0-1'],
        ],
      })
    ).text();
    const h = seen[0]!.headers;
    expect(h.accept).toBe('application/json');
    expect(h['accept-language']).toBe('fr');
    expect(h['user-agent']).toBe('test-agent');
    expect(h['accept-encoding']).toBe('identity');
  });

  it('sends a byte body with its length and a stream body chunked', async () => {
    seen.length = 0;
    await (await send('/plain', { method: 'POST', body: new TextEncoder().encode('abc') })).text();
    expect(seen[0]!.body).toBe('abc');
    expect(seen[0]!.headers['content-length']).toBe('3');
    const stream = new ReadableStream<Uint8Array>({
      start(c) {
        c.enqueue(new TextEncoder().encode('str'));
        c.enqueue(new TextEncoder().encode('eam'));
        c.close();
      },
    });
    await (await send('/plain', { method: 'PUT', body: stream, duplex: 'half' } as RequestInit)).text();
    expect(seen[1]!.body).toBe('stream');
    expect(seen[1]!.headers['transfer-encoding']).toBe('chunked');
  });

  it('sends Connection: keep-alive on every method, HEAD too, as Chromium 156 and Firefox ESR 153 do', async () => {
    seen.length = 0;
    for (const method of ['GET', 'HEAD', 'OPTIONS', 'POST', 'DELETE'])
      await (await send('/plain', { method })).text();
    expect(seen.map((s) => [s.method, s.headers.connection])).toEqual(
      ['GET', 'HEAD', 'OPTIONS', 'POST', 'DELETE'].map((m) => [m, 'keep-alive']),
    );
  });

  it('sends Content-Length: 0 for a POST without a body, as browsers do', async () => {
    seen.length = 0;
    await (await send('/plain', { method: 'POST' })).text();
    expect(seen[0]!.headers['content-length']).toBe('0');
  });

  it('sends the path and query, never the fragment', async () => {
    seen.length = 0;
    await (await send('/plain?a=1&b=%20#frag')).text();
    expect(seen[0]!.url).toBe('/plain?a=1&b=%20');
  });
});

describe('what comes back', () => {
  it.each(['/gzip', '/deflate', '/br', '/gzip-br'])('decodes %s', async (path) => {
    const res = await send(path);
    expect(res.headers.get('content-encoding')).not.toBeNull();
    expect(await res.text()).toBe(text);
  });

  it('leaves a body with an unknown coding as it is', async () => {
    expect(await (await send('/unknown-coding')).text()).toBe(text);
  });

  it('refuses more than five codings', async () => {
    await expect(send('/too-many')).rejects.toMatchObject({ name: 'TypeError', message: 'fetch failed' });
  });

  it('fails the body, not the response, when a gzip body is corrupt', async () => {
    const res = await send('/bad-gzip');
    expect(res.status).toBe(200);
    await expect(res.text()).rejects.toThrow();
  });

  it('gives a null body for 204 and 304, with their headers', async () => {
    const r204 = await send('/204');
    expect(r204.status).toBe(204);
    expect(r204.body).toBeNull();
    expect(r204.headers.get('x-a')).toBe('1');
    const r304 = await send('/304');
    expect(r304.status).toBe(304);
    expect(r304.body).toBeNull();
  });

  it('keeps each Set-Cookie apart and joins other repeated headers', async () => {
    const res = await send('/cookies');
    expect(res.headers.getSetCookie()).toEqual(['a=1', 'b=2']);
    expect(res.headers.get('x-dup')).toBe('1, 2');
  });

  it.each(['/plain', '/cookies', '/latin1', '/204', '/gzip-br'])(
    'hands the engine every header line, which a Headers object joins (%s)',
    async (path) => {
      const x = await exchange(agent, new URL(`${base}${path}`), { redirect: 'manual' }, false);
      await x.response.body?.cancel();
      expect([...x.response.headers]).toEqual([]);
      const res = await send(path);
      await res.body?.cancel();
      const fromHeaders: [string, string][] = [];
      for (const [n, v] of res.headers) if (n !== 'set-cookie') fromHeaders.push([n, v]);
      for (const c of res.headers.getSetCookie()) fromHeaders.push(['set-cookie', c]);
      // Joined as Headers joins repeated lines, the list is what Headers gives (Date may tick
      // between the two exchanges).
      const joined: [string, string][] = [];
      for (const [n, v] of x.headers) {
        const last = joined[joined.length - 1];
        if (n !== 'set-cookie' && last?.[0] === n) last[1] = `${last[1]}, ${v}`;
        else joined.push([n, v]);
      }
      const noDate = (l: [string, string][]) => l.filter(([n]) => n !== 'date');
      expect(noDate(joined)).toEqual(noDate(fromHeaders));
      if (path === '/cookies') {
        expect(x.headers.filter(([n]) => n === 'x-dup')).toEqual([
          ['x-dup', '1'],
          ['x-dup', '2'],
        ]);
      }
      expect(x.headers.length).toBeGreaterThanOrEqual(3);
    },
  );

  it('decodes header values as latin1, as fetch does', async () => {
    const res = await send('/latin1');
    expect(res.headers.get('x-latin1')).toBe('café');
  });

  it('does not follow a redirect', async () => {
    const res = await send('/redirect');
    expect(res.status).toBe(302);
    expect(res.headers.get('location')).toBe('/gzip');
  });

  it('resolves when the headers arrive, before the whole body', async () => {
    const t = Date.now();
    const res = await send('/slow');
    expect(Date.now() - t).toBeLessThan(190);
    expect(await res.text()).toBe('first second');
  });

  it('keeps a status outside 200-599 and a reason phrase Response would refuse', async () => {
    const odd = await dispatcherTransport()(`${rawBase}/999`, { redirect: 'manual' });
    expect(odd.status).toBe(999);
    expect(odd.ok).toBe(false);
    expect(await odd.text()).toBe('ok');
    const phrase = await dispatcherTransport()(`${rawBase}/phrase`, { redirect: 'manual' });
    expect(phrase.status).toBe(200);
    expect(await phrase.text()).toBe('ok');
  });
});

describe('a response dropped unread', () => {
  it('frees its connection once the Response is collected', async () => {
    setFlagsFromString('--expose-gc');
    const gc = runInNewContext('gc') as () => void;
    const before = bigAbandoned;
    await (async () => {
      const x = await exchange(agent, new URL(`${base}/big`), { redirect: 'manual' }, false);
      expect(x.response.status).toBe(200);
    })();
    for (let i = 0; i < 40 && bigAbandoned === before; i++) {
      gc();
      await new Promise((r) => setTimeout(r, 50));
    }
    expect(bigAbandoned).toBe(before + 1);
  });

  it('keeps a body that is being read', async () => {
    const before = bigAbandoned;
    const res = await send('/big');
    const reader = res.body!.getReader();
    const gc = runInNewContext('gc') as () => void;
    gc();
    await new Promise((r) => setTimeout(r, 100));
    let bytes = 0;
    for (;;) {
      const { done, value } = await reader.read();
      if (done) break;
      bytes += value.byteLength;
    }
    expect(bytes).toBe(256 * 64 * 1024);
    expect(bigAbandoned).toBe(before);
  });
});

describe('failures', () => {
  it('rejects as fetch does when nothing listens', async () => {
    const closed = createServer();
    await new Promise<void>((r) => closed.listen(0, '127.0.0.1', r));
    const port = (closed.address() as AddressInfo).port;
    await new Promise((r) => closed.close(r));
    const err = await dispatcherTransport(agent)(`http://127.0.0.1:${port}/`).catch((e: unknown) => e);
    expect(err).toBeInstanceOf(TypeError);
    expect((err as TypeError).message).toBe('fetch failed');
    expect((err as TypeError).cause).toBeInstanceOf(Error);
  });

  it('rejects with the signal reason, before sending and while waiting', async () => {
    const early = new AbortController();
    early.abort();
    await expect(send('/plain', { signal: early.signal })).rejects.toMatchObject({ name: 'AbortError' });
    await expect(send('/hang', { signal: AbortSignal.timeout(50) })).rejects.toMatchObject({
      name: 'TimeoutError',
    });
  });

  it('refuses a body it cannot send', async () => {
    await expect(send('/plain', { method: 'POST', body: new Blob(['x']) })).rejects.toThrow(TypeError);
  });
});

describe('as the engine default', () => {
  it('a no-cors request goes out with Sec-Fetch-Mode: no-cors and comes back opaque', async () => {
    seen.length = 0;
    const page = createBrowserFetch({ origin: 'https://app.example', dispatcher: agent });
    const res = await page(`${base}/plain`, { mode: 'no-cors' });
    expect(res.type).toBe('opaque');
    expect(seen[0]!.headers['sec-fetch-mode']).toBe('no-cors');
    expect(seen[0]!.headers.origin).toBeUndefined();
  });

  it('refuses fetch and dispatcher together', () => {
    expect(() =>
      createBrowserFetch({ origin: 'https://app.example', dispatcher: agent, fetch: globalThis.fetch }),
    ).toThrow(/not both/);
  });
});
