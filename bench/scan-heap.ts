/**
 * Where the scan's memory goes as targets grow: one `scanStream` over `TARGETS` targets on as many
 * distinct loopback endpoints (the benchmark's fleet server, bench/scan-fleet-server.ts), with a
 * heap snapshot after a full collection at each count of `AT`. Compare two of them with
 * bench/heap-diff.ts (objects allocated between the two and still alive, by constructor).
 *
 *   TARGETS=6000 AT=2000,6000 OUT=/tmp/scan-heap npx tsx bench/scan-heap.ts
 *   npx tsx bench/heap-diff.ts /tmp/scan-heap/2000.heapsnapshot /tmp/scan-heap/6000.heapsnapshot
 */
import { fork } from 'node:child_process';
import { mkdirSync } from 'node:fs';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { writeHeapSnapshot } from 'node:v8';
import { scanStream } from '../src/scan/index.js';
import { sample } from './scan-memory.js';

const TARGETS = Number(process.env.TARGETS ?? 6000);
const AT = new Set((process.env.AT ?? '2000,6000').split(',').map(Number));
const OUT = process.env.OUT ?? '/tmp/scan-heap';
mkdirSync(OUT, { recursive: true });

const child = fork(fileURLToPath(new URL('./scan-fleet-server.ts', import.meta.url)), {
  execArgv: ['--import', 'tsx'],
  env: { ...process.env, HOSTS: String(process.env.HOSTS ?? TARGETS) },
  stdio: ['ignore', 'inherit', 'inherit', 'ipc'],
});
const { hosts } = await new Promise<{ hosts: string[] }>((resolve) =>
  child.once('message', (m) => resolve(m as { hosts: string[] })),
);
let done = 0;
let drained: (() => void) | null = null;
/** The targets; at each count of AT the input waits until every target so far has finished. */
async function* input() {
  for (let i = 0; i < TARGETS; i++) {
    yield `http://${hosts[i % hosts.length]}/t/${i}`;
    if (AT.has(i + 1)) await new Promise<void>((resolve) => (drained = resolve));
  }
}
const t0 = performance.now();
for await (const _ of scanStream(input(), { concurrency: 64, perHost: 8, cookie: 'session=s3cret' })) {
  done++;
  if (done % 500 === 0 && !AT.has(done)) log(done);
  if (!AT.has(done)) continue;
  // Nothing in flight: wait for idle connections to close (2 s), then a full collection and a snapshot.
  await new Promise((resolve) => setTimeout(resolve, 3000));
  log(done);
  console.error(`  wrote ${writeHeapSnapshot(join(OUT, `${done}.heapsnapshot`))}`);
  (drained as (() => void) | null)?.();
}

function log(n: number): void {
  const { s } = sample(n);
  const secs = ((performance.now() - t0) / 1000).toFixed(0);
  console.error(`${n} targets, ${secs} s: heap ${s.heapMiB.toFixed(2)} MiB, RSS ${s.rssMiB.toFixed(1)} MiB`);
}
child.send('exit');
