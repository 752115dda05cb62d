/**
 * Memory samples for the scan benchmark: RSS and the V8 heap after a full collection (what is
 * retained, not garbage waiting to be collected), and a least-squares slope of each over targets.
 */
import { setFlagsFromString } from 'node:v8';
import { runInNewContext } from 'node:vm';

setFlagsFromString('--expose-gc');
const gc = runInNewContext('gc') as () => void;

export interface MemorySample {
  targets: number;
  rssMiB: number;
  heapMiB: number;
}

const MiB = 1024 * 1024;

/** Takes one sample (a full collection first); returns it and the milliseconds it took. */
export function sample(targets: number): { s: MemorySample; ms: number } {
  const t0 = performance.now();
  gc();
  const m = process.memoryUsage();
  return {
    s: { targets, rssMiB: m.rss / MiB, heapMiB: m.heapUsed / MiB },
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

/** The curve as markdown: first, middle and last samples, peak, and slopes after warm-up. */
export function curveTable(samples: readonly MemorySample[], warmUp: number): string[] {
  const f = (v: number) => v.toFixed(1);
  const row = (label: string, s: MemorySample | undefined) =>
    s ? `| ${label} | ${s.targets} | ${f(s.rssMiB)} | ${f(s.heapMiB)} |` : '';
  const after = samples.filter((s) => s.targets >= warmUp);
  const perK = (key: 'rssMiB' | 'heapMiB') =>
    slope(after.map((s) => [s.targets / 1000, s[key]] as const)) * 1024;
  return [
    '| sample | targets done | RSS MiB | heap MiB (after GC) |',
    '|---|---:|---:|---:|',
    row('first', samples[0]),
    row('after warm-up', after[0]),
    row('middle', samples[Math.floor(samples.length / 2)]),
    row('last', samples.at(-1)),
    `| peak RSS | | ${f(Math.max(...samples.map((s) => s.rssMiB)))} | ${f(Math.max(...samples.map((s) => s.heapMiB)))} |`,
    '',
    `Slope from ${warmUp.toLocaleString('en-US')} targets on (least squares over ${after.length} samples): heap ${perK('heapMiB').toFixed(0)} KiB per 1,000 targets, RSS ${perK('rssMiB').toFixed(0)} KiB per 1,000 targets.`,
  ];
}
