/**
 * Load, bounded and on loopback: 1,000 concurrent slow clients (half read their response slowly,
 * half send their request slowly). Every exchange completes intact, memory stays bounded well
 * below the bytes moved, and no connection is left open afterwards (sockets counted on both sides
 * and in the process's active handles).
 */
import net from 'node:net';
import { setFlagsFromString } from 'node:v8';
import { runInNewContext } from 'node:vm';
import { expect, it } from 'vitest';
import { startProxy, startUpstream } from './helpers.js';

setFlagsFromString('--expose-gc');
const gc = runInNewContext('gc') as () => void;

const CLIENTS = 1000;
const RESPONSE_BYTES = 1024 * 1024;
const block = Buffer.alloc(64 * 1024, 120);

const tcpHandles = () => process.getActiveResourcesInfo().filter((r) => r === 'TCPSocketWrap').length;
const mem = () => {
  const m = process.memoryUsage();
  return { rss: m.rss, heapAndBuffers: m.heapUsed + m.arrayBuffers };
};
const sleep = (ms: number) => new Promise((r) => setTimeout(r, ms));

it('1,000 concurrent slow clients: all served, memory bounded, no leaked connections', {
  timeout: 120_000,
}, async () => {
  const upstreamSockets = new Set<net.Socket>();
  const up = await startUpstream((req, res) => {
    req.resume();
    req.on('end', () => {
      res.writeHead(200, {
        'content-type': 'application/octet-stream',
        'content-length': String(RESPONSE_BYTES),
      });
      let sent = 0;
      const pump = () => {
        while (sent < RESPONSE_BYTES) {
          sent += block.length;
          if (!res.write(block)) {
            res.once('drain', pump);
            return;
          }
        }
        res.end();
      };
      pump();
    });
  });
  up.server.on('connection', (s) => {
    upstreamSockets.add(s);
    s.on('close', () => upstreamSockets.delete(s));
  });
  const p = await startProxy({
    routes: [{ prefix: '/', target: up.url }],
    // The 1,000 clients share one address here: the per-client cap is raised with the global one.
    // This test is about memory and connections under slow clients, not the body watchdog
    // (hardening.test.ts, hostile.test.ts): on a loaded machine this process's own event loop can
    // stretch the senders' 30-byte bodies past its 5 s grace at the default 1 KiB/s minimum rate
    // (seen once in CI at load ~25 as 'read ECONNRESET'), so the minimum rate is 1 byte/s here.
    // The idle timeout is raised too ('read ECONNRESET' was seen again at load 7-18; not
    // reproduced at low load): clients, proxy and upstream share this process's event loop, and
    // if one loop iteration outlasts the idle timeout, the watchdog's timer and a sender's next
    // write come due in the same timers phase, so the watchdog can run before the bytes already
    // sent are read.
    limits: {
      maxConcurrentUpstream: 2000,
      maxConcurrentUpstreamPerClient: 2000,
      minRequestBodyBytesPerSecond: 1,
      requestBodyIdleTimeoutMs: 60_000,
    },
  });
  const port = Number(new URL(p.url).port);
  const baseHandles = tcpHandles();
  gc();
  const before = mem();
  let peak = before;
  const sampler = setInterval(() => {
    const m = mem();
    peak = {
      rss: Math.max(peak.rss, m.rss),
      heapAndBuffers: Math.max(peak.heapAndBuffers, m.heapAndBuffers),
    };
  }, 25);

  const client = (i: number) =>
    new Promise<number>((resolve, reject) => {
      const slowReader = i % 2 === 0;
      const socket = net.connect(port, '127.0.0.1');
      let received = 0;
      let headerDone = false;
      let head = '';
      socket.on('error', reject);
      socket.on('data', (d: Buffer) => {
        if (!headerDone) {
          head += d.toString('latin1');
          const end = head.indexOf('\r\n\r\n');
          if (end < 0) return;
          headerDone = true;
          if (!head.startsWith('HTTP/1.1 200')) reject(new Error(head.slice(0, 200)));
          received += Buffer.byteLength(head.slice(end + 4), 'latin1');
        } else received += d.length;
        if (received >= RESPONSE_BYTES) socket.end();
      });
      socket.on('close', () => resolve(received));
      socket.on('connect', async () => {
        if (slowReader) {
          // Ask, then do not read for a while: the proxy must not buffer the response meanwhile.
          socket.write(`GET /r${i} HTTP/1.1\r\nHost: proxy\r\nConnection: close\r\n\r\n`);
          socket.pause();
          await sleep(1500);
          // then read in small sips
          const sip = setInterval(() => {
            socket.resume();
            setTimeout(() => socket.pause(), 5);
          }, 20);
          socket.on('close', () => clearInterval(sip));
        } else {
          // Send the request slowly: head in pieces, then a small body in pieces.
          const parts = [
            `POST /w${i} HTTP/1.1\r\n`,
            'Host: proxy\r\n',
            'Content-Length: 30\r\n',
            'Connection: close\r\n\r\n',
            '0123456789',
            '0123456789',
            '0123456789',
          ];
          for (const part of parts) {
            if (socket.destroyed) return;
            socket.write(part);
            await sleep(150);
          }
        }
      });
    });

  const results: Promise<number>[] = [];
  for (let i = 0; i < CLIENTS; i++) {
    results.push(client(i));
    if (i % 100 === 99) await sleep(50); // stay under the listen backlog
  }
  const received = await Promise.all(results);
  clearInterval(sampler);
  expect(received.every((n) => n === RESPONSE_BYTES)).toBe(true);

  // No connection left on the client side of the proxy.
  const open = await new Promise<number>((r) => p.server.getConnections((_e, n) => r(n)));
  expect(open).toBe(0);
  gc();
  const after = mem();
  await p.close();
  await sleep(100);
  expect(upstreamSockets.size).toBe(0);
  await up.close();
  await sleep(100);
  expect(tcpHandles()).toBeLessThanOrEqual(baseHandles);

  const moved = CLIENTS * RESPONSE_BYTES;
  const growth = peak.heapAndBuffers - before.heapAndBuffers;
  const MB = (n: number) => `${(n / 1024 / 1024).toFixed(1)} MB`;
  console.log(
    `load: ${CLIENTS} slow clients, ${MB(moved)} moved; heap+buffers before ${MB(before.heapAndBuffers)}, peak ${MB(peak.heapAndBuffers)} (+${MB(growth)}), after GC ${MB(after.heapAndBuffers)}; RSS before ${MB(before.rss)}, peak ${MB(peak.rss)}, after ${MB(after.rss)}; proxy connections left ${open}, upstream sockets left ${upstreamSockets.size}`,
  );
  // Bounded: far below the bytes moved (1,000 MB), and back down after the clients left.
  expect(growth).toBeLessThan(moved / 4);
  expect(after.heapAndBuffers - before.heapAndBuffers).toBeLessThan(64 * 1024 * 1024);
});
