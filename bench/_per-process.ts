/**
 * Cases timed each in a process of its own: in one process, cases that share code (node's
 * `setHeader`, `writeHead`, `end`, a framework's router) see each other's shapes, and the order
 * of cases changes what V8 compiles; a real server runs one of them. Every round starts one fresh
 * process per case (rotating order); each warms up for `WARM_MS` of CPU, then times `BATCHES`
 * batches by its own CPU clock (`process.cpuUsage()`) and reports their median.
 *
 * On this shared 2-core machine about 4 processes in 10 run at ~1.6x for their whole life, every
 * case alike (2026-12-04: 26 of 66 in each of two runs): so beside the median over rounds, tables
 * give the least and the median of the fast processes (within 1.35x of the least).
 *
 * Parent: {@link perProcessRounds}. Child: the bench module run with `--case <name>` calls
 * {@link runCaseChild}.
 */
import { spawn } from 'node:child_process';
import { fileURLToPath } from 'node:url';
import { medianOf as median } from './lib.js';

export const WARM_MS = Number(process.env.PER_PROCESS_WARM_MS ?? 1500);
export const BATCHES = Number(process.env.PER_PROCESS_BATCHES ?? 25);
const BATCH_MS = 40;

/** One request's work: synchronous, or a promise that settles when the response has ended. */
export type CaseFn = () => unknown;

const cpuMs = (): number => {
  const u = process.cpuUsage();
  return (u.user + u.system) / 1000;
};

let sink: unknown;

/**
 * `n` calls of `fn`, awaited one by one when it returns promises. The loop yields to the event loop
 * every 64 calls: work a handler queued with process.nextTick or setImmediate runs then (else it
 * piles up until the batch ends).
 */
async function loop(fn: CaseFn, n: number, isAsync: boolean): Promise<void> {
  for (let i = 0; i < n; i++) {
    sink = isAsync ? await fn() : fn();
    if ((i & 63) === 63) await new Promise<void>((r) => setImmediate(r));
  }
}

/** Child: warms `fn` up, then prints the median CPU ns per call of its batches as one JSON line. */
export async function runCaseChild(name: string, fn: CaseFn): Promise<void> {
  // A case is async when its first call returns a promise (a framework that answers later).
  const isAsync = fn() instanceof Promise;
  const warmEnd = cpuMs() + WARM_MS;
  let n = 0;
  while (cpuMs() < warmEnd) {
    await loop(fn, 500, isAsync);
    n += 500;
  }
  const perBatch = Math.max(500, Math.round((n / WARM_MS) * BATCH_MS));
  const samples: number[] = [];
  for (let b = 0; b < BATCHES; b++) {
    const t0 = cpuMs();
    await loop(fn, perBatch, isAsync);
    samples.push(((cpuMs() - t0) * 1e6) / perBatch);
  }
  void sink;
  process.stdout.write(`${JSON.stringify({ name, ns: median(samples) })}\n`);
}

/** Parent: one child (`moduleUrl --case name`); resolves with its median ns per call. */
function runOne(moduleUrl: string, name: string): Promise<number> {
  const child = spawn(process.execPath, ['--import', 'tsx', fileURLToPath(moduleUrl), '--case', name], {
    stdio: ['ignore', 'pipe', 'inherit'],
  });
  return new Promise((resolve, reject) => {
    let out = '';
    const timer = setTimeout(() => {
      child.kill('SIGKILL');
      reject(new Error(`per-process case ${name}: no answer within 90 s`));
    }, 90_000);
    child.stdout?.on('data', (d: Buffer) => {
      out += d.toString();
    });
    child.once('exit', (code) => {
      clearTimeout(timer);
      const line = out.trim().split('\n').pop() ?? '';
      if (code !== 0 || !line.startsWith('{')) reject(new Error(`per-process case ${name}: exit ${code}`));
      else resolve((JSON.parse(line) as { ns: number }).ns);
    });
  });
}

/** Per case, the ns per call of each round (a fresh process each time, rotating order). */
export async function perProcessRounds<C extends string>(
  moduleUrl: string,
  cases: readonly C[],
  rounds: number,
  label: string,
): Promise<Record<C, number[]>> {
  const out = Object.fromEntries(cases.map((c) => [c, [] as number[]])) as Record<C, number[]>;
  for (let r = 0; r < rounds; r++) {
    const order = cases.map((_, i) => cases[(i + r) % cases.length] as C);
    for (const c of order) {
      const ns = await runOne(moduleUrl, c);
      out[c].push(ns);
      console.error(`bench ${label}: round ${r + 1}/${rounds} ${c}: ${ns.toFixed(1)} ns`);
    }
  }
  return out;
}

/** The readings of one case: median over rounds, least, and the median of its fast processes. */
export function readings(samples: readonly number[]): { median: number; least: number; fast: number } {
  const least = Math.min(...samples);
  return { median: median([...samples]), least, fast: median(samples.filter((x) => x <= 1.35 * least)) };
}

/** `a` − `b` by the three readings: per-round differences (median, range), least − least, fast − fast. */
export function over(
  a: readonly number[],
  b: readonly number[],
): { median: number; min: number; max: number; least: number; fast: number } {
  const d = a.map((x, i) => x - (b[i] as number));
  const ra = readings(a);
  const rb = readings(b);
  return {
    median: median(d),
    min: Math.min(...d),
    max: Math.max(...d),
    least: ra.least - rb.least,
    fast: ra.fast - rb.fast,
  };
}

/** A signed whole number of ns. */
export const signed = (x: number): string => (x >= 0 ? '+' : '') + x.toFixed(0);
