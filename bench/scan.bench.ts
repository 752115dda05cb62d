/**
 * `npm run bench -- scan`: 10,000 targets on loopback through ONE `scanStream` (the way
 * `crossorigin scan --file` runs), against a fleet server in a child process listening on `HOSTS`
 * distinct loopback endpoints (many addresses of 127/8 times many ports). The input is fed in
 * blocks; after each block has drained, a floor round runs (plain node:http keep-alive GETs at the
 * same concurrency against the same endpoints, nothing judged), so scanner and floor alternate. Memory
 * is sampled at each block's end with nothing in flight (RSS, the heap after a full collection,
 * external memory), and every `SAMPLE_EVERY` targets in flight for the peaks. Reports
 * requests/s of both and their ratio, server CPU per request, the memory curve and its slope, and
 * the work CORScanner's published probe set would do for the same targets (computed, never run).
 */
import { fork } from 'node:child_process';
import http from 'node:http';
import { loadavg } from 'node:os';
import { fileURLToPath } from 'node:url';
import { scanStream } from '../src/scan/index.js';
import { machineLine } from './lib.js';
import { curveTable, type MemorySample, sample } from './scan-memory.js';

const TARGETS = Number(process.env.SCAN_BENCH_TARGETS ?? 10_000);
const HOSTS = Number(process.env.SCAN_BENCH_HOSTS ?? Math.min(TARGETS, 1000));
const BLOCKS = 10;
const SAMPLE_EVERY = Math.max(1, Math.round(TARGETS / 50));
const CONCURRENCY = 64;
const PER_HOST = 8;
/** Floor requests per block, as a fraction of the scanner's requests in that block. */
const FLOOR_SHARE = 1 / 8;
/** Wait at a block's end before the idle sample: the scan closes connections idle for 2 s. */
const IDLE_WAIT = 3000;

/**
 * CORScanner (chenjj/CORScanner, common/corscheck.py, check_all_in_parallel): reflect_origin,
 * prefix_match, suffix_match, trust_null, include_match, not_escape_dot, trust_any_subdomain: 1 GET
 * each; custom_third_parties: 7 origins (origins.json); special_characters_bypass: 23 characters;
 * https_trust_http: 1 for https targets only. Every probe is one GET (redirects followed).
 */
export function corscannerProbes(url: string): number {
  return 7 + 7 + 23 + (url.startsWith('https:') ? 1 : 0);
}

const perBlockOf = (targets: number) => Math.ceil(targets / BLOCKS);

interface ServerInfo {
  hosts: string[];
  handlers: number;
}

function ask<T>(child: ReturnType<typeof fork>, message: string): Promise<T> {
  return new Promise((resolve) => {
    child.once('message', (m) => resolve(m as T));
    child.send(message);
  });
}

/** One plain GET with an Origin on a keep-alive agent, the body read and dropped. */
function get(url: string, agent: http.Agent): Promise<void> {
  return new Promise((resolve, reject) => {
    const r = http.get(url, { agent, headers: { origin: 'https://evil.example' } }, (res) => {
      res.on('end', resolve);
      res.on('error', reject);
      res.resume();
    });
    r.on('error', reject);
  });
}

async function floorRound(urls: string[], count: number, agent: http.Agent): Promise<number> {
  let next = 0;
  const t0 = performance.now();
  await Promise.all(
    Array.from({ length: CONCURRENCY }, async () => {
      while (next < count) await get(urls[next++ % urls.length] as string, agent);
    }),
  );
  return performance.now() - t0;
}

/** What the run measured. */
interface Tally {
  scanRequests: number;
  scanMs: number;
  floorRequests: number;
  floorMs: number;
  findings: number;
  /** Sampled with targets in flight, every SAMPLE_EVERY targets. */
  samples: MemorySample[];
  /** Sampled at the start and at each block's end, nothing in flight and idle connections closed. */
  idle: MemorySample[];
}

/** One scanStream over every target; the input waits at each block's end for the floor round. */
async function measure(url: (i: number) => string): Promise<Tally> {
  const tally: Tally = {
    scanRequests: 0,
    scanMs: 0,
    floorRequests: 0,
    floorMs: 0,
    findings: 0,
    samples: [],
    idle: [],
  };
  // The scanner's own transport (node:http keep-alive, as src/scan/http.ts), with nothing judged.
  const agent = new http.Agent({ keepAlive: true, maxSockets: PER_HOST, timeout: 2000 });
  const perBlock = perBlockOf(TARGETS);
  let received = 0;
  let blockRequests = 0;
  let excluded = 0;
  let drained: (() => void) | null = null;
  async function* input() {
    for (let b = 0; b * perBlock < TARGETS; b++) {
      const from = b * perBlock;
      const to = Math.min(TARGETS, from + perBlock);
      const t0 = performance.now();
      excluded = 0;
      for (let i = from; i < to; i++) yield url(i);
      if (received < to) await new Promise<void>((r) => (drained = r));
      tally.scanMs += performance.now() - t0 - excluded;
      // Nothing in flight: once the scan's idle connections have closed (2 s), what is retained.
      await new Promise((r) => setTimeout(r, IDLE_WAIT));
      tally.idle.push(sample(to).s);
      const urls = Array.from({ length: to - from }, (_, k) => url(from + k));
      const n = Math.round(blockRequests * FLOOR_SHARE);
      tally.floorMs += await floorRound(urls, n, agent);
      tally.floorRequests += n;
      tally.scanRequests += blockRequests;
      console.error(`bench scan: block ${b + 1}/${BLOCKS}, ${blockRequests} requests`);
      blockRequests = 0;
    }
  }
  tally.samples.push(sample(0).s);
  tally.idle.push(sample(0).s);
  for await (const t of scanStream(input(), {
    concurrency: CONCURRENCY,
    perHost: PER_HOST,
    cookie: 'session=s3cret',
  })) {
    received++;
    blockRequests += t.requests;
    tally.findings += t.findings.length;
    if (received % SAMPLE_EVERY === 0) {
      const { s, ms } = sample(received);
      tally.samples.push(s);
      excluded += ms;
    }
    if (received % perBlock === 0 || received === TARGETS) (drained as (() => void) | null)?.();
  }
  agent.destroy();
  return tally;
}

export default async function run(): Promise<string> {
  const child = fork(fileURLToPath(new URL('./scan-fleet-server.ts', import.meta.url)), {
    execArgv: ['--import', 'tsx'],
    env: { ...process.env, HOSTS: String(HOSTS) },
    stdio: ['ignore', 'inherit', 'inherit', 'ipc'],
  });
  const info = await new Promise<ServerInfo>((resolve) =>
    child.once('message', (m) => resolve(m as ServerInfo)),
  );
  const url = (i: number) => `http://${info.hosts[i % info.hosts.length]}/t/${i}`;
  const load0 = loadavg()[0] ?? 0;
  const cpu0 = await ask<{ cpuMs: number; requests: number }>(child, 'cpu');
  const t = await measure(url);
  const cpu1 = await ask<{ cpuMs: number; requests: number }>(child, 'cpu');
  child.send('exit');
  const load1 = loadavg()[0] ?? 0;
  const serverCpuPerRequest = (cpu1.cpuMs - cpu0.cpuMs) / (cpu1.requests - cpu0.requests);
  const scanRate = t.scanRequests / (t.scanMs / 1000);
  const floorRate = t.floorRequests / (t.floorMs / 1000);
  let cors = 0;
  for (let i = 0; i < TARGETS; i++) cors += corscannerProbes(url(i));
  const n = (v: number) => v.toLocaleString('en-US');
  return [
    `## scan: ${n(TARGETS)} targets on loopback`,
    '',
    `\`SCAN_BENCH_TARGETS=${TARGETS} SCAN_BENCH_HOSTS=${HOSTS} nice -n 15 npm run bench -- scan\` (${machineLine()}). Run niced on a machine shared with five other engineers' builds, tests and browsers: absolute rates are low and noisy; the ratio to the floor, measured in alternating blocks, is the figure to compare. Load average (1 min, 2 cores): ${load0.toFixed(1)} at the start, ${load1.toFixed(1)} at the end.`,
    '',
    `${n(TARGETS)} targets on ${n(info.hosts.length)} distinct loopback endpoints (${info.handlers} fleet servers in rotation, one child process; target i on endpoint i mod ${n(info.hosts.length)}), all through ONE \`scanStream\` fed as a stream (concurrency ${CONCURRENCY}, per-host ${PER_HOST}, a session cookie). The input pauses after each of ${BLOCKS} blocks until the block has drained, and a floor round runs (plain GETs with an Origin over node:http keep-alive, the scanner's own transport, ${Math.round(FLOOR_SHARE * 100)}% of that block's request count, same concurrency, same endpoints, nothing judged).`,
    '',
    '| | value |',
    '|---|---:|',
    `| scanner requests | ${n(t.scanRequests)} (${(t.scanRequests / TARGETS).toFixed(1)} per target) |`,
    `| scanner requests/s | ${scanRate.toFixed(0)} |`,
    `| floor requests/s (plain keep-alive GETs) | ${floorRate.toFixed(0)} |`,
    `| scanner / floor | ${(scanRate / floorRate).toFixed(2)} |`,
    `| targets/s | ${(TARGETS / (t.scanMs / 1000)).toFixed(1)} |`,
    `| server CPU per request | ${(serverCpuPerRequest * 1000).toFixed(0)} µs |`,
    `| findings | ${n(t.findings)} |`,
    `| CORScanner's probe set for the same targets | ${n(cors)} requests (${(cors / TARGETS).toFixed(0)} per target; computed from its published set, not run) |`,
    '',
    `Memory of the scanning process (the heap after a full collection: what is retained). At the start and at the end of each block, with no target in flight and the scan's idle connections closed (${IDLE_WAIT / 1000} s after the block drained):`,
    '',
    ...curveTable(t.idle, t.samples, Math.min(TARGETS, perBlockOf(TARGETS))),
    '',
    `Work done: the scanner sends ${(t.scanRequests / cors).toFixed(1)}x CORScanner's requests per target; the extra probes are the classes CORScanner has no probe for (preflights from attacker origins, full-host partial matches, registrable dot look-alikes, 30 third-party suffixes against its 7 origins, development origins, JSONP, the WebSocket handshake, the cookie comparison).`,
  ].join('\n');
}
