/**
 * Memory samples for the scan benchmark: RSS, the V8 heap after a full collection (what is
 * retained, not garbage waiting to be collected) and memory outside the heap (Buffers), and a
 * least-squares slope over targets. Samples taken with targets in flight measure the work in
 * progress as much as what stays; the slope is taken over samples with nothing in flight.
 */
import { setFlagsFromString } from 'node:v8';
import { runInNewContext } from 'node:vm';

setFlagsFromString('--expose-gc');
const gc = runInNewContext('gc') as () => void;

export interface MemorySample {
  targets: number;
  rssMiB: number;
  heapMiB: number;
  /** Memory of C++ objects bound to JS ones (Buffers among them), outside the V8 heap. */
  externalMiB: number;
}

const MiB = 1024 * 1024;

/** Takes one sample (a full collection first); returns it and the milliseconds it took. */
export function sample(targets: number): { s: MemorySample; ms: number } {
  const t0 = performance.now();
  gc();
  const m = process.memoryUsage();
  return {
    s: { targets, rssMiB: m.rss / MiB, heapMiB: m.heapUsed / MiB, externalMiB: m.external / MiB },
    ms: performance.now() - t0,
  };
}

/** Least-squares slope of `y` over `x`. */
export function slope(points: readonly (readonly [number, number])[]): number {
  const n = points.length;
  if (n < 2) return Number.NaN;
  const mx = points.reduce((a, [x]) => a + x, 0) / n;
  const my = points.reduce((a, [, y]) => a + y, 0) / n;
  let num = 0;
  let den = 0;
  for (const [x, y] of points) {
    num += (x - mx) * (y - my);
    den += (x - mx) ** 2;
  }
  return num / den;
}

/**
 * The retained memory with nothing in flight (one row per sample), its slope in bytes per target
 * over the samples from `warmUp` targets on, and the peaks of the samples taken in flight.
 */
export function curveTable(
  idle: readonly MemorySample[],
  inFlight: readonly MemorySample[],
  warmUp: number,
): string[] {
  const f = (v: number) => v.toFixed(2);
  const after = idle.filter((s) => s.targets >= warmUp);
  const perTarget = (key: 'rssMiB' | 'heapMiB' | 'externalMiB') =>
    slope(after.map((s) => [s.targets, s[key] * MiB] as const));
  const peak = (key: 'rssMiB' | 'heapMiB') => Math.max(...inFlight.map((s) => s[key])).toFixed(1);
  return [
    '| targets done | heap MiB (after GC) | external MiB | RSS MiB |',
    '|---:|---:|---:|---:|',
    ...idle.map((s) => `| ${s.targets} | ${f(s.heapMiB)} | ${f(s.externalMiB)} | ${f(s.rssMiB)} |`),
    '',
    `Slope from ${warmUp.toLocaleString('en-US')} targets on (least squares over ${after.length} samples): heap ${perTarget('heapMiB').toFixed(1)} bytes per target, external ${perTarget('externalMiB').toFixed(1)} bytes per target, RSS ${(perTarget('rssMiB') / 1024).toFixed(2)} KiB per target.`,
    '',
    `With targets in flight (${inFlight.length} samples, every ${inFlight[1]?.targets ?? '?'} targets): peak heap after GC ${peak('heapMiB')} MiB, peak RSS ${peak('rssMiB')} MiB.`,
  ];
}
