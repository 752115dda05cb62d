/**
 * The default limits under attack, bounded in count and time, on loopback only:
 * - 600 hostile connections from 127.0.0.1, each `POST … Content-Length: 100000` trickling its
 *   body at 1 byte/s and reconnecting (after 1 s) whenever it is refused, while a well-behaved
 *   client on 127.0.0.2 sends GETs: every one of its GETs is served.
 * - One connection pipelining 2,000 GETs: all answered in order, and another client's GETs are
 *   served meanwhile.
 */
import net from 'node:net';
import { afterAll, beforeAll, expect, it } from 'vitest';
import type { ListeningProxy } from '../../src/proxy/listen.js';
import { rawExchange, startProxy, startUpstream, type Upstream } from './helpers.js';

const HOSTILE = 600;
const ATTACK_MS = 10_000;
const sleep = (ms: number) => new Promise((r) => setTimeout(r, ms));

let up: Upstream;
let p: ListeningProxy;
let port: number;
beforeAll(async () => {
  up = await startUpstream((req, res) => {
    req.resume();
    req.on('end', () => res.end(`ok ${req.url}`));
  });
  p = await startProxy({ routes: [{ prefix: '/', target: up.url }] }); // default limits
  port = Number(new URL(p.url).port);
});
afterAll(async () => {
  await p.close();
  await up.close();
});

/** A well-behaved client: one GET on its own connection from `localAddress`; status and time. */
async function politeGet(path: string, localAddress: string): Promise<{ status: number; ms: number }> {
  const started = Date.now();
  const r = await rawExchange(port, `GET ${path} HTTP/1.1\r\nHost: p\r\nConnection: close\r\n\r\n`, {
    localAddress,
    timeoutMs: 10_000,
  });
  return { status: r.statuses[0] ?? 0, ms: Date.now() - started };
}

it('600 hostile slow-body connections from 127.0.0.1 do not stop a client on 127.0.0.2 being served', {
  timeout: 90_000,
}, async () => {
  let stop = false;
  const refused = new Map<number, number>();
  let connections = 0;
  const hostile = async () => {
    while (!stop) {
      connections++;
      const status = await new Promise<number>((resolve) => {
        const s = net.connect(port, '127.0.0.1');
        let head = '';
        const drip = setInterval(() => {
          if (stop) s.destroy();
          else s.write('a');
        }, 1000);
        s.on('connect', () => s.write('POST /upload HTTP/1.1\r\nHost: p\r\nContent-Length: 100000\r\n\r\n'));
        s.on('data', (d: Buffer) => {
          head += d.toString('latin1');
        });
        const done = () => {
          clearInterval(drip);
          resolve(Number(/^HTTP\/1\.1 (\d{3})/.exec(head)?.[1] ?? 0));
        };
        s.on('close', done);
        s.on('error', () => s.destroy());
      });
      refused.set(status, (refused.get(status) ?? 0) + 1);
      await sleep(1000);
    }
  };
  const attackers: Promise<void>[] = [];
  for (let i = 0; i < HOSTILE; i++) {
    attackers.push(hostile());
    if (i % 100 === 99) await sleep(50); // stay under the listen backlog
  }
  await sleep(1_000); // the attack is in place
  const polite: { status: number; ms: number }[] = [];
  const until = Date.now() + ATTACK_MS;
  for (let i = 0; Date.now() < until; i++) {
    polite.push(await politeGet(`/polite${i}`, '127.0.0.2'));
    await sleep(250);
  }
  stop = true;
  await Promise.all(attackers);
  const ms = polite.map((r) => r.ms).sort((a, b) => a - b);
  console.log(
    `hostile: ${HOSTILE} slow-body connections (${connections} connects in all; answers ${JSON.stringify(Object.fromEntries(refused))}); polite client: ${polite.filter((r) => r.status === 200).length}/${polite.length} served, median ${ms[ms.length >> 1]} ms, max ${ms[ms.length - 1]} ms`,
  );
  expect(polite.length).toBeGreaterThanOrEqual(10);
  expect(polite.every((r) => r.status === 200)).toBe(true);
  // The hostile ones were refused: 503 over the per-client cap, 408 for the trickle.
  expect(refused.get(503) ?? 0).toBeGreaterThan(0);
  expect(refused.get(408) ?? 0).toBeGreaterThan(0);
  expect(refused.get(200) ?? 0).toBe(0);
});

it('one connection pipelining 2,000 GETs is answered in order and does not starve another client', {
  timeout: 60_000,
}, async () => {
  let text = '';
  for (let i = 0; i < 2000; i++) text += `GET /pipe${i} HTTP/1.1\r\nHost: p\r\n\r\n`;
  const piped = rawExchange(port, text, { timeoutMs: 40_000, endAfter: 2000 });
  await sleep(50);
  const others: { status: number; ms: number }[] = [];
  for (let i = 0; i < 10; i++) others.push(await politeGet(`/other${i}`, '127.0.0.2'));
  const r = await piped;
  const order = [...r.text.matchAll(/ok \/pipe(\d+)/g)].map((m) => Number(m[1]));
  const ms = others.map((o) => o.ms).sort((a, b) => a - b);
  console.log(
    `pipelining: ${r.statuses.filter((s) => s === 200).length}/2000 answered 200; other client ${others.filter((o) => o.status === 200).length}/10 served, median ${ms[5]} ms, max ${ms[9]} ms`,
  );
  expect(r.statuses.length).toBe(2000);
  expect(r.statuses.every((s) => s === 200)).toBe(true);
  expect(order).toEqual(Array.from({ length: 2000 }, (_, i) => i));
  expect(others.every((o) => o.status === 200)).toBe(true);
  expect(ms[9]).toBeLessThan(5_000);
});
