/**
 * Small benchmark helpers. Every figure we publish is a ratio against a peer measured in the same
 * run, in interleaved rounds, so a noisy shared machine slows both sides alike.
 */
import { type ChildProcess, spawn } from 'node:child_process';
import { createServer, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { performance } from 'node:perf_hooks';
import { fileURLToPath } from 'node:url';
import autocannon from 'autocannon';

export interface BenchCase {
  name: string;
  /** One operation. Return a value so the work cannot be optimised away. */
  fn: () => unknown;
}

export interface BenchResult {
  name: string;
  /** Median nanoseconds per operation over all rounds. */
  medianNs: number;
  /** Operations per second derived from the median. */
  opsPerSec: number;
  rounds: number;
  /** ns/op of each round, in round order (rounds are interleaved: round r of every case ran together). */
  samples?: number[];
}

let sink: unknown;

/** Milliseconds: wall time, or this process's CPU time (user + system, every thread). */
type Clock = () => number;
const wall: Clock = () => performance.now();
const cpu: Clock = () => {
  const u = process.cpuUsage();
  return (u.user + u.system) / 1000;
};

function collect(): void {
  const gc = (globalThis as { gc?: () => void }).gc;
  if (gc === undefined) throw new Error('compare({ gc: true }) needs node --expose-gc');
  gc();
}

function timeBatch(fn: () => unknown, iterations: number, clock: Clock = wall): number {
  const start = clock();
  for (let i = 0; i < iterations; i++) sink = fn();
  return ((clock() - start) * 1e6) / iterations;
}

function median(values: number[]): number {
  const sorted = [...values].sort((a, b) => a - b);
  const mid = sorted.length >> 1;
  return sorted.length % 2 ? sorted[mid]! : (sorted[mid - 1]! + sorted[mid]!) / 2;
}

/**
 * Runs the cases in interleaved rounds (A B C A B C ...) and reports the median ns/op of each.
 * Iterations per batch are calibrated once so that a batch takes about `batchMs`.
 */
export function compare(
  cases: BenchCase[],
  options: {
    rounds?: number;
    batchMs?: number;
    /**
     * 'cpu': time batches by this process's CPU time instead of wall time, so that time the
     * scheduler gave to other processes (a loaded machine) is not counted.
     */
    clock?: 'wall' | 'cpu';
    /** Collect garbage before every batch (node --expose-gc), so no batch pays for another's. */
    gc?: boolean;
  } = {},
): BenchResult[] {
  const rounds = options.rounds ?? 21;
  const batchMs = options.batchMs ?? 20;
  const clock = options.clock === 'cpu' ? cpu : wall;
  const iterations = cases.map((c) => {
    for (let i = 0; i < 1000; i++) sink = c.fn(); // warm up
    let n = 100;
    for (;;) {
      const ns = timeBatch(c.fn, n);
      if (ns * n >= batchMs * 1e6 || n >= 1e8) return Math.max(1, Math.round((batchMs * 1e6) / ns));
      n *= 4;
    }
  });
  const samples: number[][] = cases.map(() => []);
  for (let r = 0; r < rounds; r++) {
    cases.forEach((c, i) => {
      if (options.gc) collect();
      samples[i]!.push(timeBatch(c.fn, iterations[i]!, clock));
    });
  }
  void sink;
  return cases.map((c, i) => {
    const m = median(samples[i]!);
    return { name: c.name, medianNs: m, opsPerSec: 1e9 / m, rounds, samples: samples[i]! };
  });
}

/** Formats a markdown table of results with a ratio column against `baseline` (a case name). */
export function table(results: BenchResult[], baseline?: string): string {
  const base = baseline ? results.find((r) => r.name === baseline) : undefined;
  const rows = results.map((r) => {
    const ratio = base ? (r.medianNs / base.medianNs).toFixed(2) : '';
    return `| ${r.name} | ${r.medianNs.toFixed(1)} | ${Math.round(r.opsPerSec).toLocaleString('en-US')} | ${ratio} |`;
  });
  return [
    `| case | median ns/op | ops/s | time ratio${base ? ` vs ${base.name}` : ''} |`,
    '|---|---:|---:|---:|',
    ...rows,
  ].join('\n');
}

export function machineLine(): string {
  return `Node ${process.version}, ${process.platform}/${process.arch}, ${new Date().toISOString().slice(0, 10)}`;
}

/** The median of `values` (the mean of the two middle ones for an even count). */
export function medianOf(values: readonly number[]): number {
  return median([...values]);
}

// Socket benchmarks (http, frameworks): servers in a child process, each loaded in turn by
// autocannon on loopback, with the child's CPU time read through a control port before and after
// each run, so that CPU per request is measured beside requests per second.

/**
 * Child-process side: listens every server on 127.0.0.1 (port 0; a server already listening, such
 * as Hono's, is waited for), plus a control server answering `process.cpuUsage()` as JSON, and
 * prints `{ control, <id>: port, … }` as one line on stdout. Exits on SIGTERM.
 */
export async function serveOnLoopback(servers: Record<string, Server>): Promise<void> {
  const ports: Record<string, number> = {};
  const control = createServer((_req, res) => res.end(JSON.stringify(process.cpuUsage())));
  await new Promise<void>((r) => control.listen(0, '127.0.0.1', r));
  ports.control = (control.address() as AddressInfo).port;
  for (const [id, server] of Object.entries(servers)) {
    if (!server.listening) await new Promise<void>((r) => server.listen(0, '127.0.0.1', r));
    else await new Promise<void>((r) => (server.address() ? r() : server.once('listening', () => r())));
    ports[id] = (server.address() as AddressInfo).port;
  }
  process.stdout.write(`${JSON.stringify(ports)}\n`);
  process.on('SIGTERM', () => process.exit(0));
}

/**
 * Parent side: starts `moduleUrl` (a bench module) with `--serve` (and `args`) under tsx and resolves
 * with the ports its {@link serveOnLoopback} printed. Rejects if they are not printed within `timeoutMs`.
 */
export function startServers<Id extends string = string>(
  moduleUrl: string,
  timeoutMs: number,
  args: readonly string[] = [],
): Promise<{ child: ChildProcess; ports: Record<Id | 'control', number> }> {
  const child = spawn(process.execPath, ['--import', 'tsx', fileURLToPath(moduleUrl), '--serve', ...args], {
    stdio: ['ignore', 'pipe', 'inherit'],
  });
  return new Promise((resolve, reject) => {
    let buf = '';
    const timer = setTimeout(
      () => reject(new Error(`bench servers did not start within ${timeoutMs / 1000} s`)),
      timeoutMs,
    );
    child.stdout!.on('data', (d: Buffer) => {
      buf += d.toString();
      const line = buf.split('\n')[0];
      if (buf.includes('\n') && line) {
        clearTimeout(timer);
        resolve({ child, ports: JSON.parse(line) as Record<Id | 'control', number> });
      }
    });
    child.once('exit', (code) => reject(new Error(`bench servers exited with ${code}`)));
  });
}

/** The server process's CPU time so far (user + system, microseconds), read through its control port. */
async function cpuMicros(controlPort: number): Promise<number> {
  const res = await fetch(`http://127.0.0.1:${controlPort}/`);
  const u = (await res.json()) as { user: number; system: number };
  return u.user + u.system;
}

/** One autocannon run against one server. */
export interface LoadSample {
  rps: number;
  /** Server-process CPU microseconds per request during the run. */
  cpuPerReq: number;
  errors: number;
}

/** Loads `GET /` on `port` for `seconds` with `headers`, and the server's CPU time over the run. */
export async function loadRun(
  port: number,
  controlPort: number,
  options: { seconds: number; connections: number; headers: Record<string, string> },
): Promise<LoadSample> {
  const cpu0 = await cpuMicros(controlPort);
  const result = await autocannon({
    url: `http://127.0.0.1:${port}/`,
    connections: options.connections,
    duration: options.seconds,
    headers: options.headers,
  });
  const cpu1 = await cpuMicros(controlPort);
  const total = result.requests.total || 1;
  return {
    rps: result.requests.average,
    cpuPerReq: (cpu1 - cpu0) / total,
    errors: result.errors + result.non2xx,
  };
}
