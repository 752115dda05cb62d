/**
 * How long a full scan of one target takes on loopback (every probe, passive checks, JSONP), for
 * each server of the fleet, with the default options (concurrency 10, timeout 10 s) and the
 * session cookie. Not a test (timings are never asserted): run it and read the table.
 *
 *   npx tsx test/scan/timing.ts [runs]
 */
import { scan } from '../../src/scan/index.js';
import { COOKIE, FLEET, listen, SITE } from './fleet.js';

const runs = Number(process.argv[2] ?? 5);
const rows: { name: string; requests: number; times: number[] }[] = [];
for (const s of FLEET) {
  const server = await listen(s.name, s.handler, s.upgrade, s.host);
  const site = s.site ?? (s.host ? `https://${s.host}:${new URL(server.url).port}` : SITE);
  const times: number[] = [];
  let requests = 0;
  try {
    await scan(server.url, { origin: site, cookie: COOKIE }); // warm-up (connections, JIT)
    for (let i = 0; i < runs; i++) {
      const t0 = performance.now();
      const r = await scan(server.url, { origin: site, cookie: COOKIE });
      times.push(performance.now() - t0);
      requests = r.targets[0]?.requests ?? 0;
    }
  } finally {
    await server.close();
  }
  rows.push({ name: s.name, requests, times: times.sort((a, b) => a - b) });
}
const median = (xs: number[]) => xs[Math.floor(xs.length / 2)] ?? Number.NaN;
const all = rows.flatMap((r) => r.times).sort((a, b) => a - b);
console.log(
  `Full scan of one target on loopback, ${runs} runs each after a warm-up (Node ${process.version}):\n`,
);
console.log('| server | requests | median ms | max ms |');
console.log('|---|---:|---:|---:|');
for (const r of rows) {
  console.log(
    `| ${r.name} | ${r.requests} | ${median(r.times).toFixed(1)} | ${(r.times.at(-1) ?? 0).toFixed(1)} |`,
  );
}
console.log(
  `\nOver all ${all.length} scans: median ${median(all).toFixed(1)} ms, slowest ${(all.at(-1) ?? 0).toFixed(1)} ms.`,
);
