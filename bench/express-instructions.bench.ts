/**
 * `npm run bench -- express-instructions`: Express 5 with the `cors` package, our drop-in and
 * corsMiddleware, by instructions per request (valgrind's cachegrind) and bytes allocated per
 * request, over four origin configurations and both kinds of request (a GET answered by the route,
 * a preflight answered by the middleware).
 *
 * Why a count and not the clock: an Express 5 request costs ~80-120 µs of CPU here, most of it
 * Express's own (every response gets its prototype set, and about a quarter of the time is the
 * collector), and on this shared machine fresh processes of the same server differ by ±20 µs
 * (bench/results/zz-session-2026-12-04-late.md: 15 rounds, 74-124 µs). A CORS middleware costs a
 * few µs of that, so the clock cannot order them; instructions under `--single-threaded
 * --predictable` (the collector and compiler on the main thread, at fixed points) repeat to a few
 * per request, and count the collector's work too. The requests are those of bench/express-ir.ts's
 * `connection` setup: one socket, the body ended, the event loop turned every 64 requests.
 *
 * Needs valgrind (`apt-get install -y valgrind`). Runs as many counts at once as there are cores.
 * Env: EXPRESS_IR_N (default `4000,14000`: the two request counts whose difference is divided).
 */
import { spawn, spawnSync } from 'node:child_process';
import { mkdir } from 'node:fs/promises';
import { availableParallelism } from 'node:os';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { build } from 'esbuild';
import { machineLine } from './lib.js';

const here = dirname(fileURLToPath(import.meta.url));
const CONFIGS = {
  list: '100 listed origins',
  one: 'one origin',
  regex: 'a regular expression (corsMiddleware: a resolver testing it)',
  reflect:
    '`origin: true` (drop-in: with `dangerouslyReflectAnyOrigin`; corsMiddleware: a resolver allowing all)',
} as const;
const REQUESTS = { get: 'GET (route answers)', preflight: 'preflight (middleware answers)' } as const;
const PEERS = ['cors', 'dropin', 'policy'] as const;
type Config = keyof typeof CONFIGS;
type Request = keyof typeof REQUESTS;

interface Job {
  config: Config;
  request: Request;
  variant: string;
}

/** One run of the bundle; resolves with its stdout and stderr. */
function run(command: string, args: string[], env: Record<string, string>): Promise<string> {
  return new Promise((resolve, reject) => {
    const child = spawn(command, args, {
      env: { ...process.env, ...env },
      stdio: ['ignore', 'pipe', 'pipe'],
    });
    let out = '';
    child.stdout.on('data', (d: Buffer) => {
      out += d.toString();
    });
    child.stderr.on('data', (d: Buffer) => {
      out += d.toString();
    });
    const timer = setTimeout(() => child.kill('SIGKILL'), 600_000);
    child.once('exit', (code) => {
      clearTimeout(timer);
      if (code === 0) resolve(out);
      else
        reject(
          new Error(`${command} ${args.join(' ')} ${JSON.stringify(env)}: exit ${code}\n${out.slice(-2000)}`),
        );
    });
  });
}

const NODE_FLAGS = ['--single-threaded', '--predictable', '--expose-gc'];

/** Instructions of one whole program run (start-up included) with `n` measured requests. */
async function count(bundle: string, job: Job, n: number): Promise<number> {
  const env = { CONFIG: job.config, REQUEST: job.request, VARIANT: job.variant, N: String(n) };
  const out = await run(
    'valgrind',
    [
      '--tool=cachegrind',
      '--cache-sim=no',
      '--cachegrind-out-file=/dev/null',
      process.execPath,
      ...NODE_FLAGS,
      bundle,
    ],
    env,
  );
  const refs = /I\s+refs:\s+([\d,]+)/.exec(out)?.[1];
  if (refs === undefined)
    throw new Error(`no instruction count for ${JSON.stringify(env)}:\n${out.slice(-1000)}`);
  return Number(refs.replaceAll(',', ''));
}

/** Bytes allocated per request (a plain run: the heap's growth plus what each collection freed). */
async function allocated(bundle: string, job: Job): Promise<number> {
  const env = { CONFIG: job.config, REQUEST: job.request, VARIANT: job.variant, N: '20000', ALLOC: '1' };
  const out = await run(process.execPath, ['--expose-gc', bundle], env);
  const line = out.split('\n').find((l) => l.startsWith('{"bytesPerRequest"'));
  if (line === undefined) throw new Error(`no allocation figure for ${JSON.stringify(env)}`);
  return (JSON.parse(line) as { bytesPerRequest: number }).bytesPerRequest;
}

/** Runs `tasks` with at most `width` at once. */
async function pool<T>(tasks: (() => Promise<T>)[], width: number): Promise<T[]> {
  const results: T[] = new Array(tasks.length);
  let next = 0;
  const worker = async () => {
    while (next < tasks.length) {
      const i = next++;
      results[i] = await (tasks[i] as () => Promise<T>)();
    }
  };
  await Promise.all(Array.from({ length: Math.min(width, tasks.length) }, worker));
  return results;
}

interface Figures {
  instructions: number;
  bytes: number;
}

const key = (j: Job) => `${j.config}:${j.request}:${j.variant}`;
const thousands = (x: number) => Math.round(x).toLocaleString('en-US');
const percent = (x: number, of: number) =>
  `${x >= of ? '+' : '−'}${((Math.abs(x - of) / of) * 100).toFixed(1)}%`;

function table(figures: Map<string, Figures>): string {
  const rows: string[] = [];
  for (const config of Object.keys(CONFIGS) as Config[]) {
    for (const request of Object.keys(REQUESTS) as Request[]) {
      const [usual, dropIn, policy] = PEERS.map(
        (variant) => figures.get(key({ config, request, variant })) as Figures,
      );
      const u = usual as Figures;
      const cell = (f: Figures) =>
        `${thousands(f.instructions)} (${percent(f.instructions, u.instructions)}) | ${thousands(f.bytes)} (${percent(f.bytes, u.bytes)})`;
      rows.push(
        `| ${CONFIGS[config]} | ${REQUESTS[request]} | ${thousands(u.instructions)} | ${thousands(u.bytes)} | ${cell(dropIn as Figures)} | ${cell(policy as Figures)} |`,
      );
    }
  }
  return [
    '| origins | request | `cors`: instructions | `cors`: bytes | drop-in: instructions (vs `cors`) | drop-in: bytes | corsMiddleware: instructions (vs `cors`) | corsMiddleware: bytes |',
    '|---|---|---:|---:|---:|---:|---:|---:|',
    ...rows,
  ].join('\n');
}

export default async function bench(): Promise<string> {
  if (spawnSync('valgrind', ['--version']).status !== 0)
    throw new Error('bench express-instructions needs valgrind: apt-get install -y valgrind');
  const [low, high] = (process.env.EXPRESS_IR_N ?? '4000,14000').split(',').map(Number) as [number, number];
  if (!(high > low && low > 0))
    throw new Error('EXPRESS_IR_N: two increasing request counts, e.g. 4000,14000');
  const dir = join(here, '..', 'node_modules', '.cache', 'ir');
  await mkdir(dir, { recursive: true });
  const bundle = join(dir, 'express-instructions.mjs');
  // One bundle for every variant, as an application ships one: the same code, the same module order.
  await build({
    entryPoints: [join(here, 'express-ir.ts')],
    bundle: true,
    platform: 'node',
    format: 'esm',
    outfile: bundle,
    logLevel: 'error',
    banner: {
      js: "import { createRequire as topLevelCreateRequire } from 'module'; const require = topLevelCreateRequire(import.meta.url);",
    },
  });
  const jobs: Job[] = [
    { config: 'list', request: 'get', variant: 'bare' },
    { config: 'list', request: 'get', variant: 'floor' },
  ];
  for (const config of Object.keys(CONFIGS) as Config[])
    for (const request of Object.keys(REQUESTS) as Request[])
      for (const variant of PEERS) jobs.push({ config, request, variant });
  const tasks = jobs.flatMap((job) => [
    () => count(bundle, job, low),
    () => count(bundle, job, high),
    () => allocated(bundle, job),
  ]);
  let done = 0;
  const results = await pool(
    tasks.map((t) => async () => {
      const r = await t();
      console.error(`bench express-instructions: ${++done}/${tasks.length}`);
      return r;
    }),
    availableParallelism(),
  );
  const figures = new Map<string, Figures>();
  jobs.forEach((job, i) => {
    const [a, b, bytes] = results.slice(3 * i, 3 * i + 3) as [number, number, number];
    figures.set(key(job), { instructions: (b - a) / (high - low), bytes });
  });
  const ref = (v: string) => figures.get(key({ config: 'list', request: 'get', variant: v })) as Figures;
  return [
    '## Express 5 by instruction count: `cors`, the drop-in and corsMiddleware',
    '',
    'Command: `npm run bench -- express-instructions` (needs valgrind)',
    '',
    `${machineLine()}. Instructions per request counted by valgrind's cachegrind (\`node ${NODE_FLAGS.join(' ')}\`: V8's collector and compiler run on the main thread at fixed points, so counts repeat and include the collector's work), the difference of two runs of ${thousands(low)} and ${thousands(high)} measured requests (after 3,000 warm-up ones) divided by ${thousands(high - low)}; bytes allocated per request from a plain run of 20,000 requests. Requests as on a keep-alive connection (bench/express-ir.ts, \`SETUP=connection\`): node's \`IncomingMessage\` on one socket, body ended, event loop turned every 64 requests; a \`ServerResponse\` without a socket. Every variant allows the request's origin with credentials; a preflight asks for \`PUT\`. The clock cannot order these middlewares inside Express on this machine (a request costs ~80-120 µs, processes of the same server differ by ±20 µs); the count can. Negative percentages: fewer than \`cors\`.`,
    '',
    `Reference (100 listed origins, GET): Express bare ${thousands(ref('bare').instructions)} instructions, ${thousands(ref('bare').bytes)} bytes; the floor (a middleware setting the three headers itself) ${thousands(ref('floor').instructions)}, ${thousands(ref('floor').bytes)} bytes.`,
    '',
    table(figures),
  ].join('\n');
}
