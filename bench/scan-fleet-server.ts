/**
 * The scan benchmark's fleet server, in its own process (so its CPU is measured apart): listens on
 * `HOSTS` loopback endpoints, `PORTS` port numbers on each of `HOSTS / PORTS` addresses
 * (127.0.1.1, 127.0.1.2, …: all of 127/8 is loopback), and answers `/t/<i>` with fleet server
 * `i % n` (misconfigured and correct ones alike). Sends `{ hosts, handlers }` when listening; on
 * 'cpu' from the parent, sends its CPU time and request count.
 */
import http from 'node:http';
import type { AddressInfo } from 'node:net';
import { FLEET } from '../test/scan/fleet.js';

const HOSTS = Number(process.env.HOSTS ?? 1000);
const PORTS = Math.min(HOSTS, Number(process.env.PORTS ?? 100));
const handlers = FLEET.filter((s) => !s.host && !s.site).map((s) => s.handler);
let requests = 0;
const handle: http.RequestListener = (req, res) => {
  requests++;
  const i = Number(/^\/t\/(\d+)/.exec(req.url ?? '')?.[1] ?? 0);
  (handlers[i % handlers.length] as (typeof handlers)[number])(req, res);
};

function listen(port: number, address: string): Promise<number | null> {
  const server = http.createServer(handle);
  server.keepAliveTimeout = 5000;
  return new Promise((resolve) => {
    server.once('error', () => resolve(null));
    server.listen(port, address, () => resolve((server.address() as AddressInfo).port));
  });
}

/** `host:port` of every endpoint: the first address takes free ports, the others reuse their numbers. */
const hosts: string[] = [];
const ports: number[] = [];
while (ports.length < PORTS) {
  const p = await listen(0, '127.0.1.1');
  if (p !== null) ports.push(p);
}
for (const p of ports) hosts.push(`127.0.1.1:${p}`);
for (let a = 2; hosts.length < HOSTS; a++) {
  const address = `127.0.${1 + Math.floor((a - 1) / 250)}.${1 + ((a - 1) % 250)}`;
  for (const p of ports) {
    if (hosts.length >= HOSTS) break;
    if ((await listen(p, address)) !== null) hosts.push(`${address}:${p}`);
  }
}
process.send?.({ hosts, handlers: handlers.length });
process.on('message', (m) => {
  if (m === 'cpu') {
    const c = process.cpuUsage();
    process.send?.({ cpuMs: (c.user + c.system) / 1000, requests });
  }
  if (m === 'exit') process.exit(0);
});
