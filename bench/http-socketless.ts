/**
 * The server's own JavaScript per request on node:http, without sockets, each case in a process of
 * its own: node's IncomingMessage (header lines set as its parser sets them) and ServerResponse (no
 * socket: the head and body are built and queued, not written), through one handler.
 *
 * Why a process per case: in one process the cases share node's code (`setHeader`, `writeHead`,
 * `end`), so each case's call sites see the others' shapes and the order of cases changes what V8
 * compiles; a real server runs one of them. Measured in one process (session of 2026-12-04), ours
 * moved from +0.14 to +0.39 µs over the floor between runs and "floor + reading Origin" alone from
 * +0.04 to +0.37. Here every round starts one fresh process per case, in a rotating order; each
 * warms up for `WARM_MS` of CPU (V8 has optimised everything by then: `--trace-opt` stops reporting
 * new functions after ~1 s), then times `BATCHES` batches by its own CPU clock
 * (`process.cpuUsage()`) and reports their median. The figures compared are per-round differences
 * against the floor of the same round, median and range.
 *
 * Parent: {@link socketlessRounds}. Child: this module run with `--case <name>`.
 */
import { spawn } from 'node:child_process';
import { IncomingMessage, ServerResponse } from 'node:http';
import { Socket } from 'node:net';
import { fileURLToPath } from 'node:url';
import cors from 'cors';
import type { HttpDecision } from '../src/_http/index.js';
import { NodeRequestView } from '../src/_http/index.js';
import { corsMiddleware } from '../src/adapters/node.js';
import { createCorsPolicy } from '../src/server/index.js';
import { medianOf as median } from './lib.js';

const ORIGIN = 'https://app.example';
export const WARM_MS = Number(process.env.HTTP_SOCKETLESS_WARM_MS ?? 1500);
export const BATCHES = Number(process.env.HTTP_SOCKETLESS_BATCHES ?? 25);
const BATCH_MS = 40;

/** The cases, by name: each builds one exchange and runs one server's handling of it. */
export const SOCKETLESS_CASES = [
  'bare handler',
  'floor: the 2 headers set by the handler',
  "floor + reading Origin (the adapter's request view)",
  "floor + the policy's decision (view, decide, no Vary keeping)",
  '`crossorigin/node` corsMiddleware',
  '`cors` package',
] as const;
export type SocketlessCase = (typeof SOCKETLESS_CASES)[number];

function handler(_req: IncomingMessage, res: ServerResponse): void {
  res.setHeader('content-type', 'text/plain');
  res.end('hello');
}

function makeCase(name: SocketlessCase): () => unknown {
  const socket = new Socket();
  const raw = ['Host', '127.0.0.1:8080', 'Origin', ORIGIN, 'Connection', 'keep-alive'];
  type Parsed = IncomingMessage & { _addHeaderLines(lines: string[], n: number): void };
  const exchange = (): [IncomingMessage, ServerResponse] => {
    const req = new IncomingMessage(socket) as Parsed;
    req.method = 'GET';
    req.url = '/';
    req._addHeaderLines(raw, raw.length);
    return [req, new ServerResponse(req)];
  };
  const floor = (res: ServerResponse) => {
    res.setHeader('access-control-allow-origin', ORIGIN);
    res.setHeader('vary', 'Origin');
  };
  switch (name) {
    case 'bare handler':
      return () => {
        const [req, res] = exchange();
        handler(req, res);
        return res;
      };
    case 'floor: the 2 headers set by the handler':
      return () => {
        const [req, res] = exchange();
        floor(res);
        handler(req, res);
        return res;
      };
    case "floor + reading Origin (the adapter's request view)":
      return () => {
        const [req, res] = exchange();
        new NodeRequestView(req).header('origin');
        floor(res);
        handler(req, res);
        return res;
      };
    case "floor + the policy's decision (view, decide, no Vary keeping)": {
      const policy = createCorsPolicy({ origins: [ORIGIN] });
      return () => {
        const [req, res] = exchange();
        const d = policy.handle(new NodeRequestView(req)) as HttpDecision;
        for (const [n, v] of d.headers) res.setHeader(n, v);
        res.setHeader('vary', 'Origin');
        handler(req, res);
        return res;
      };
    }
    case '`crossorigin/node` corsMiddleware': {
      const ours = corsMiddleware({ origins: [ORIGIN] });
      return () => {
        const [req, res] = exchange();
        ours(req, res, () => handler(req, res));
        return res;
      };
    }
    case '`cors` package': {
      const theirs = cors({ origin: ORIGIN });
      return () => {
        const [req, res] = exchange();
        theirs(req, res, () => handler(req, res));
        return res;
      };
    }
  }
}

const cpuMs = (): number => {
  const u = process.cpuUsage();
  return (u.user + u.system) / 1000;
};

let sink: unknown;

/** Child: warms one case up, then prints the median CPU ns per request of its batches. */
function runChild(name: SocketlessCase): void {
  const fn = makeCase(name);
  // The handler must answer as the servers do (ACAO for every case but the bare one).
  const probe = fn() as ServerResponse;
  const acao = probe.getHeader('access-control-allow-origin');
  if ((name === 'bare handler') !== (acao === undefined))
    throw new Error(`${name}: Access-Control-Allow-Origin ${String(acao)}`);
  const warmEnd = cpuMs() + WARM_MS;
  let n = 0;
  while (cpuMs() < warmEnd) {
    for (let i = 0; i < 1000; i++) sink = fn();
    n += 1000;
  }
  // Iterations per batch from the warm-up's rate.
  const perBatch = Math.max(1000, Math.round((n / WARM_MS) * BATCH_MS));
  const samples: number[] = [];
  for (let b = 0; b < BATCHES; b++) {
    const t0 = cpuMs();
    for (let i = 0; i < perBatch; i++) sink = fn();
    samples.push(((cpuMs() - t0) * 1e6) / perBatch);
  }
  void sink;
  process.stdout.write(`${JSON.stringify({ name, ns: median(samples) })}\n`);
}

/** Parent: one child for one case; resolves with its median ns per request. */
function runOne(name: SocketlessCase): Promise<number> {
  const child = spawn(process.execPath, ['--import', 'tsx', fileURLToPath(import.meta.url), '--case', name], {
    stdio: ['ignore', 'pipe', 'inherit'],
  });
  return new Promise((resolve, reject) => {
    let out = '';
    const timer = setTimeout(() => {
      child.kill('SIGKILL');
      reject(new Error(`socketless ${name}: no answer within 60 s`));
    }, 60_000);
    child.stdout?.on('data', (d: Buffer) => {
      out += d.toString();
    });
    child.once('exit', (code) => {
      clearTimeout(timer);
      const line = out.trim().split('\n').pop() ?? '';
      if (code !== 0 || !line.startsWith('{')) reject(new Error(`socketless ${name}: exit ${code}`));
      else resolve((JSON.parse(line) as { ns: number }).ns);
    });
  });
}

/** Per case, the ns per request of each round (a fresh process each time). */
export async function socketlessRounds(rounds: number): Promise<Record<SocketlessCase, number[]>> {
  const out = Object.fromEntries(SOCKETLESS_CASES.map((c) => [c, [] as number[]])) as Record<
    SocketlessCase,
    number[]
  >;
  for (let r = 0; r < rounds; r++) {
    const k = SOCKETLESS_CASES.length;
    const order = SOCKETLESS_CASES.map((_, i) => SOCKETLESS_CASES[(i + r) % k] as SocketlessCase);
    for (const c of order) {
      const ns = await runOne(c);
      out[c].push(ns);
      console.error(`bench http (socketless): round ${r + 1}/${rounds} ${c}: ${ns.toFixed(1)} ns`);
    }
  }
  return out;
}

/**
 * The markdown table: median and least ns per request over the rounds, and per-round differences
 * against the floor. The least of the rounds is given beside the median: on this shared machine a
 * process sometimes runs at ~1.6x for its whole life (another tenant's load), which only ever adds
 * time, so the least is the cleanest reading of a case's own cost.
 */
export function socketlessTable(samples: Record<SocketlessCase, number[]>): string {
  const floor = samples['floor: the 2 headers set by the handler'];
  const bare = samples['bare handler'];
  const fmt = (x: number) => (x >= 0 ? '+' : '') + x.toFixed(0);
  const rows = SOCKETLESS_CASES.map((c) => {
    const s = samples[c];
    const over = s.map((x, i) => x - (floor[i] as number));
    const ratio = s.map((x, i) => x / (bare[i] as number));
    return `| ${c} | ${median(s).toFixed(1)} | ${Math.min(...s).toFixed(1)} | ${median(ratio).toFixed(2)} | ${fmt(median(over))} (${fmt(Math.min(...over))} to ${fmt(Math.max(...over))}) | ${fmt(Math.min(...s) - Math.min(...floor))} |`;
  });
  return [
    "| case | median ns/request | least ns/request | time ratio vs bare (per round) | ns over the floor, same round: median (range) | least over the floor's least, ns |",
    '|---|---:|---:|---:|---:|---:|',
    ...rows,
  ].join('\n');
}

/** Ours (or any case) over the floor: the median of per-round differences and least minus least, ns. */
export function socketlessOver(samples: Record<SocketlessCase, number[]>, name: SocketlessCase): string {
  const floor = samples['floor: the 2 headers set by the handler'];
  const over = median(samples[name].map((x, i) => x - (floor[i] as number)));
  const least = Math.min(...samples[name]) - Math.min(...floor);
  const fmt = (x: number) => `${x >= 0 ? '+' : ''}${x.toFixed(0)}`;
  return `${fmt(over)} ns (median of per-round differences), ${fmt(least)} ns (least against least)`;
}

const at = process.argv.indexOf('--case');
if (at !== -1) runChild(process.argv[at + 1] as SocketlessCase);
