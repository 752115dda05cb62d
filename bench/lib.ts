/**
 * Small benchmark helpers. Every figure we publish is a ratio against a peer measured in the same
 * run, in interleaved rounds, so a noisy shared machine slows both sides alike.
 */
import { performance } from 'node:perf_hooks';

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
