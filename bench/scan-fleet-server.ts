/**
 * The scan benchmark's fleet server, in its own process (so its CPU is measured apart): listens on
 * `PORTS` loopback ports and answers `/t/<i>` with fleet server `i % n` (misconfigured and correct
 * ones alike). Prints the ports as JSON; on 'cpu' from the parent, sends its CPU time and requests.
 */
import http from 'node:http';
import type { AddressInfo } from 'node:net';
import { FLEET } from '../test/scan/fleet.js';

const PORTS = Number(process.env.PORTS ?? 8);
const handlers = FLEET.filter((s) => !s.host && !s.site).map((s) => s.handler);
let requests = 0;
const ports: number[] = [];
for (let p = 0; p < PORTS; p++) {
  const server = http.createServer((req, res) => {
    requests++;
    const i = Number(/^\/t\/(\d+)/.exec(req.url ?? '')?.[1] ?? 0);
    (handlers[i % handlers.length] as (typeof handlers)[number])(req, res);
  });
  server.keepAliveTimeout = 5000;
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  ports.push((server.address() as AddressInfo).port);
}
process.send?.({ ports, handlers: handlers.length });
process.on('message', (m) => {
  if (m === 'cpu') {
    const c = process.cpuUsage();
    process.send?.({ cpuMs: (c.user + c.system) / 1000, requests });
  }
  if (m === 'exit') process.exit(0);
});
