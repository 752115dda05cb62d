/**
 * `npx tsx bench/scan-one-host.ts [runs] [baseline-main.js]`: wall time and CPU time of the whole
 * `crossorigin scan <one loopback host> --cookie … --json` process (start-up, imports, probing,
 * exit), run `runs` times; with a baseline CLI (another build's bin), the two are
 * interleaved run by run and their ratio is reported. Also `crossorigin --version` (start-up only).
 * The target is a loopback server that reflects any Origin with credentials (every probe answered).
 */
import { spawn } from 'node:child_process';
import { readFileSync } from 'node:fs';
import http from 'node:http';
import type { AddressInfo } from 'node:net';

const RUNS = Number(process.argv[2] ?? 20);
const BASELINE = process.argv[3];
/** The command as installed: package.json's `bin` (the bundle scripts/bundle-cli.mjs builds). */
const CLI = (JSON.parse(readFileSync('package.json', 'utf8')) as { bin: { crossorigin: string } }).bin
  .crossorigin;

interface Run {
  wallMs: number;
  cpuMs: number;
  code: number | null;
}

/** Runs `node <main> <args>` under /usr/bin/time for its CPU time. */
function run(main: string, args: string[]): Promise<Run> {
  return new Promise((resolve) => {
    const t0 = performance.now();
    const child = spawn('/usr/bin/time', ['-f', '%U %S', process.execPath, main, ...args], {
      stdio: ['ignore', 'ignore', 'pipe'],
    });
    let err = '';
    child.stderr.on('data', (c: Buffer) => {
      err += c;
    });
    child.on('exit', (code) => {
      const [user, sys] = (err.trim().split('\n').at(-1) ?? '').split(' ').map(Number);
      resolve({ wallMs: performance.now() - t0, cpuMs: ((user ?? 0) + (sys ?? 0)) * 1000, code });
    });
  });
}

const stats = (xs: number[]) => {
  const s = [...xs].sort((a, b) => a - b);
  const q = (p: number) => s[Math.min(s.length - 1, Math.floor(p * s.length))] ?? Number.NaN;
  return { median: q(0.5), p90: q(0.9), max: s.at(-1) ?? Number.NaN };
};
const fmt = (label: string, xs: Run[]) => {
  const w = stats(xs.map((r) => r.wallMs));
  const c = stats(xs.map((r) => r.cpuMs));
  return `| ${label} | ${w.median.toFixed(0)} | ${w.p90.toFixed(0)} | ${w.max.toFixed(0)} | ${c.median.toFixed(0)} | ${c.max.toFixed(0)} |`;
};

const server = http.createServer((req, res) => {
  if (req.headers.origin) {
    res.setHeader('access-control-allow-origin', req.headers.origin);
    res.setHeader('access-control-allow-credentials', 'true');
  }
  res.setHeader('content-type', 'application/json');
  res.end(req.headers.cookie ? '{"user":"alice"}' : '{"user":null}');
});
await new Promise<void>((r) => server.listen(0, '127.0.0.1', r));
const url = `http://127.0.0.1:${(server.address() as AddressInfo).port}/me`;
const scanArgs = ['scan', url, '--cookie', 'session=x', '--json'];
const mains = BASELINE ? { new: CLI, baseline: BASELINE } : { new: CLI };
const results: Record<string, { scan: Run[]; version: Run[] }> = {};
for (const k of Object.keys(mains)) results[k] = { scan: [], version: [] };
for (let i = 0; i < RUNS; i++) {
  for (const [k, main] of Object.entries(mains)) {
    const r = results[k] as { scan: Run[]; version: Run[] };
    r.scan.push(await run(main, scanArgs));
    r.version.push(await run(main, ['--version']));
  }
}
server.close();
const lines = [
  `One-host scan, ${RUNS} runs each${BASELINE ? ', interleaved with the baseline' : ''} (Node ${process.version}):`,
  '',
  '| CLI run | wall median ms | wall p90 ms | wall max ms | CPU median ms | CPU max ms |',
  '|---|---:|---:|---:|---:|---:|',
];
for (const [k, r] of Object.entries(results)) {
  lines.push(fmt(`${k}: scan (exit ${r.scan[0]?.code})`, r.scan), fmt(`${k}: --version`, r.version));
}
if (BASELINE) {
  const m = (k: string, f: 'wallMs' | 'cpuMs') => stats((results[k]?.scan ?? []).map((r) => r[f])).median;
  lines.push(
    '',
    `new / baseline, median scan: wall ${(m('new', 'wallMs') / m('baseline', 'wallMs')).toFixed(2)}, CPU ${(m('new', 'cpuMs') / m('baseline', 'cpuMs')).toFixed(2)}`,
  );
}
console.log(lines.join('\n'));
