/**
 * `npm run bench -- http`: end-to-end requests per second on node:http, loopback, with autocannon.
 *
 * Four servers answer the same allowed actual request (GET with `Origin: https://app.example`)
 * with a 5-byte body: a bare handler; the bare handler setting the same two headers itself (the
 * floor any CORS middleware pays for its output); the handler behind `crossorigin/node`'s
 * `corsMiddleware`; and behind the `cors` package configured equivalently
 * (`origin: 'https://app.example'`). The
 * servers run in a child process (so the load generator does not share its event loop); autocannon
 * drives one server at a time for a fixed duration, in interleaved rounds with a rotating order, and
 * the median requests/s of the rounds is reported with the ratios measured in the same run.
 *
 * Then the same handlers without sockets, each case in a process of its own (bench/http-socketless.ts).
 *
 * Run it as `npm run bench -- http`. Environment: `HTTP_BENCH_SECONDS` (default 2),
 * `HTTP_BENCH_ROUNDS` (default 15), `HTTP_BENCH_CONNECTIONS` (default 8), `HTTP_SOCKETLESS_ROUNDS`
 * (default 11), `PER_PROCESS_WARM_MS` (1500), `PER_PROCESS_BATCHES` (25).
 */
import { createServer, type IncomingMessage, type Server, type ServerResponse } from 'node:http';
import cors from 'cors';
import { corsMiddleware } from '../src/adapters/node.js';
import { BATCHES, WARM_MS } from './_per-process.js';
import { socketlessOver, socketlessRounds, socketlessTable } from './http-socketless.js';
import {
  type LoadSample,
  loadRun,
  machineLine,
  medianOf as median,
  serveOnLoopback,
  startServers,
} from './lib.js';

const ORIGIN = 'https://app.example';
const VARIANTS = ['bare', 'floor', 'crossorigin', 'cors'] as const;
type Variant = (typeof VARIANTS)[number];

function handler(_req: IncomingMessage, res: ServerResponse): void {
  res.setHeader('content-type', 'text/plain');
  res.end('hello');
}

/** Child-process mode: start the four servers and print their ports as one JSON line. */
async function serve(): Promise<void> {
  const ours = corsMiddleware({ origins: [ORIGIN] });
  const theirs = cors({ origin: ORIGIN });
  const servers: Record<Variant, Server> = {
    bare: createServer(handler),
    // The floor for any CORS middleware: the same two headers, set by the handler itself.
    floor: createServer((req, res) => {
      res.setHeader('access-control-allow-origin', ORIGIN);
      res.setHeader('vary', 'Origin');
      handler(req, res);
    }),
    crossorigin: createServer((req, res) => ours(req, res, () => handler(req, res))),
    cors: createServer((req, res) => theirs(req, res, () => handler(req, res))),
  };
  await serveOnLoopback(servers);
}

/** One timed run against one server. */
function load(port: number, controlPort: number, seconds: number, connections: number): Promise<LoadSample> {
  return loadRun(port, controlPort, { seconds, connections, headers: { origin: ORIGIN } });
}

/** One request to check the server answers what we claim to measure. */
async function check(port: number): Promise<string | null> {
  const res = await fetch(`http://127.0.0.1:${port}/`, { headers: { origin: ORIGIN } });
  await res.text();
  return res.headers.get('access-control-allow-origin');
}

export default async function run(): Promise<string> {
  const seconds = Number(process.env.HTTP_BENCH_SECONDS ?? 2);
  const rounds = Number(process.env.HTTP_BENCH_ROUNDS ?? 15);
  const connections = Number(process.env.HTTP_BENCH_CONNECTIONS ?? 8);
  const socketlessRoundsCount = Number(process.env.HTTP_SOCKETLESS_ROUNDS ?? 11);
  const socketless = await socketlessRounds(socketlessRoundsCount);
  const { child, ports } = await startServers<Variant>(import.meta.url, 30_000);
  try {
    const acao = {
      bare: await check(ports.bare),
      floor: await check(ports.floor),
      crossorigin: await check(ports.crossorigin),
      cors: await check(ports.cors),
    };
    if (acao.bare !== null || acao.floor !== ORIGIN || acao.crossorigin !== ORIGIN || acao.cors !== ORIGIN) {
      throw new Error(`servers do not answer as expected: ${JSON.stringify(acao)}`);
    }
    for (const v of VARIANTS) await load(ports[v], ports.control, 1, connections); // warm up
    const samples: Record<Variant, LoadSample[]> = { bare: [], floor: [], crossorigin: [], cors: [] };
    let errors = 0;
    for (let r = 0; r < rounds; r++) {
      const order = VARIANTS.map((_, i) => VARIANTS[(i + r) % VARIANTS.length]!);
      for (const v of order) {
        const sample = await load(ports[v], ports.control, seconds, connections);
        samples[v].push(sample);
        errors += sample.errors;
        console.error(
          `bench http: round ${r + 1}/${rounds} ${v}: ${Math.round(sample.rps)} req/s, ${sample.cpuPerReq.toFixed(2)} µs CPU/req`,
        );
      }
    }
    const rps = (v: Variant) => median(samples[v].map((x) => x.rps));
    const cpu = (v: Variant) => median(samples[v].map((x) => x.cpuPerReq));
    // Per-round ratios of adjacent runs (same round), then their median: robust to load drift.
    const roundRatio = (a: Variant, b: Variant) =>
      median(samples[a].map((x, i) => x.rps / samples[b][i]!.rps));
    // The same for CPU per request: efficiency of `a` against `b` (b's CPU / a's CPU), per round.
    const cpuRatio = (a: Variant, b: Variant) =>
      median(samples[a].map((x, i) => samples[b][i]!.cpuPerReq / x.cpuPerReq));
    // CPU microseconds per request that `a` adds over `b`, per round, median.
    const cpuOver = (a: Variant, b: Variant) =>
      median(samples[a].map((x, i) => x.cpuPerReq - samples[b][i]!.cpuPerReq));
    const label = (v: Variant) =>
      ({
        bare: 'bare handler',
        floor: 'bare handler setting the same 2 headers itself (floor)',
        crossorigin: '`crossorigin/node` corsMiddleware',
        cors: '`cors` package',
      })[v];
    const row = (v: Variant) =>
      `| ${label(v)} | ${Math.round(rps(v)).toLocaleString('en-US')} | ${roundRatio(v, 'bare').toFixed(3)} | ${cpu(v).toFixed(2)} | ${cpuRatio(v, 'bare').toFixed(3)} | ${v === 'bare' ? '' : `${cpuOver(v, 'bare') >= 0 ? '+' : ''}${cpuOver(v, 'bare').toFixed(2)}`} |`;
    return [
      '## HTTP end to end: requests per second on node:http',
      '',
      'Command: `npm run bench -- http`',
      '',
      `${machineLine()}. autocannon on 127.0.0.1, ${connections} connections, ${seconds} s per run, ${rounds} interleaved rounds (rotating order) after a 1 s warm-up each; servers in a separate process. Request: \`GET /\` with \`Origin: ${ORIGIN}\` (an allowed actual request); every server answers 200 \`hello\`; ours and \`cors\` add \`Access-Control-Allow-Origin\` and \`Vary: Origin\`. Errors or non-2xx during the runs: ${errors}. Throughput on this shared 2-core machine drifts with other load, so two robust figures are given beside it: the median of per-round ratios (adjacent runs), and the server process's CPU time per request (user + system, from \`process.cpuUsage()\`), which does not depend on how much CPU the machine gave us. The load generator is the bottleneck (the server process is idle most of the time in a CPU profile), so req/s differences mostly reflect the server CPU each request takes from the two shared cores.`,
      '',
      '| server | median req/s | req/s vs bare (median of per-round ratios) | server CPU µs/request (median) | CPU efficiency vs bare (bare CPU / CPU, per-round median) | CPU µs/request over bare (per-round median) |',
      '|---|---:|---:|---:|---:|---:|',
      row('bare'),
      row('floor'),
      row('crossorigin'),
      row('cors'),
      '',
      `The floor row is what emitting \`Access-Control-Allow-Origin\` and \`Vary\` costs by itself, with no middleware and without reading the request: no CORS middleware can beat it. The floor itself is **${roundRatio('floor', 'bare').toFixed(3)}** x bare by req/s and **${cpuRatio('floor', 'bare').toFixed(3)}** by CPU. Ours / floor = **${roundRatio('crossorigin', 'floor').toFixed(3)}** req/s, **${cpuRatio('crossorigin', 'floor').toFixed(3)}** by CPU per request; ours adds **${cpuOver('crossorigin', 'floor').toFixed(2)} µs** of server CPU per request over the floor, \`cors\` **${cpuOver('cors', 'floor').toFixed(2)} µs**.`,
      '',
      `Ratios in this run: ours / bare = **${roundRatio('crossorigin', 'bare').toFixed(3)}** req/s (median of per-round ratios; target >= 0.97), **${cpuRatio('crossorigin', 'bare').toFixed(3)}** by CPU per request; ours / \`cors\` = **${roundRatio('crossorigin', 'cors').toFixed(3)}** req/s, **${cpuRatio('crossorigin', 'cors').toFixed(3)}** by CPU per request (target >= 1.0).`,
      '',
      '### The same handlers without sockets, one process per case',
      '',
      `Node's own \`IncomingMessage\` (header lines given as its parser gives them: Host, Origin, Connection) and \`ServerResponse\` without a socket (the head and body are built and queued, not written): the server-side JavaScript each request costs, split into parts. ${socketlessRoundsCount} rounds; in each, every case runs in a fresh process of its own (rotating order), warms up for ${WARM_MS} ms of CPU and reports the median of ${BATCHES} batches timed by its own CPU clock. A process per case because in one process the cases share node's code and disturb each other (bench/http-socketless.ts). Beside the median over rounds: the least, and the median of the fast processes (about 4 in 10 processes on this shared machine run at ~1.6x for their whole life, every case alike). Against the floor: the median of each round's difference with the floor of the same round, least against least, fast against fast.`,
      '',
      socketlessTable(socketless),
      '',
      `Ours over the floor without sockets: **${socketlessOver(socketless, '`crossorigin/node` corsMiddleware')}** per request (target <= 200 ns); \`cors\`: ${socketlessOver(socketless, '`cors` package')}.`,
    ].join('\n');
  } finally {
    child.kill('SIGTERM');
  }
}

if (process.argv.includes('--serve')) await serve();
