/**
 * `npm run bench -- proxy`: requests per second through crossorigin's proxy, cors-anywhere (npm)
 * and a bare undici pass-through (the floor: no checks at all), same run, interleaved rounds.
 *
 * Every server runs in its own child process (this file, started with a ROLE); an undici Pool drives
 * them from this process over loopback. The upstream answers a fixed body. Requests carry an
 * Origin, so both CORS proxies compute CORS headers. crossorigin is measured twice: a fixed route
 * (dev reverse proxy) and open-target mode (`/http://host/path`, cors-anywhere's shape) where the
 * name goes through the allowlist and the connect-time SSRF check; for the bench only, the
 * internal test seam maps the checked public address to the loopback upstream.
 */
import { type ChildProcess, spawn } from 'node:child_process';
import { createRequire } from 'node:module';
import { fileURLToPath } from 'node:url';
import { bareNodeServer, bareUndiciServer, ORIGIN, oursServer, upstreamServer } from './_proxy-servers.js';
import { machineLine } from './lib.js';

const ROLE = process.env.PROXY_BENCH_ROLE;

if (ROLE) await serve(ROLE);

async function serve(role: string): Promise<void> {
  // Exit normally on SIGINT so that `--cpu-prof` can write its profile.
  process.on('SIGINT', () => process.exit(0));
  const upstream = process.env.PROXY_BENCH_UPSTREAM ?? '';
  const ready = (server: import('node:http').Server) => {
    const address = server.address();
    process.stdout.write(`READY ${typeof address === 'object' && address ? address.port : 0}\n`);
  };
  // "cpu" on stdin: answer this process's CPU time so far (user + system, microseconds).
  process.stdin.setEncoding('utf8');
  process.stdin.on('data', (line: string) => {
    if (line.includes('cpu')) {
      const u = process.cpuUsage();
      process.stdout.write(`CPU ${u.user + u.system}\n`);
    }
  });
  const size = Number(process.env.PROXY_BENCH_SIZE ?? 1024);
  if (role === 'cors-anywhere') {
    const require = createRequire(import.meta.url);
    const corsAnywhere = require('cors-anywhere') as {
      createServer(o: Record<string, unknown>): import('node:http').Server;
    };
    const server = corsAnywhere.createServer({
      originWhitelist: [ORIGIN],
      requireHeader: [],
      removeHeaders: [],
    });
    server.listen(0, '127.0.0.1', () => ready(server));
    return;
  }
  const rateLimit = role.startsWith('ours-route-') ? await benchStore(role) : undefined;
  const server =
    role === 'upstream'
      ? await upstreamServer(size)
      : role === 'bare-node'
        ? await bareNodeServer(upstream)
        : role === 'bare'
          ? await bareUndiciServer(upstream)
          : await oursServer(upstream, role === 'ours-open', rateLimit ? { rateLimit } : {});
  ready(server);
}

/**
 * The rate limit of the store rows: a per-client bucket far above the load (every request takes a
 * token, none is refused), in memory or in the Redis of PROXY_BENCH_REDIS.
 */
async function benchStore(role: string) {
  const perClient = { requests: 1e9, windowSeconds: 1 };
  if (role === 'ours-route-memory') return { perClient };
  const { createClient } = await import('redis');
  const { createRedisRateLimitStore } = await import('../src/proxy/redis-store.js');
  const client = createClient({ url: process.env.PROXY_BENCH_REDIS, disableOfflineQueue: true });
  await client.connect();
  return { perClient, store: createRedisRateLimitStore({ client }) };
}

interface Child {
  proc: ChildProcess;
  port: number;
  /** This child's CPU time so far, in microseconds. */
  cpu(): Promise<number>;
}

function start(role: string, env: Record<string, string> = {}): Promise<Child> {
  const file = fileURLToPath(import.meta.url);
  // PROXY_BENCH_PROF=role,role: those children run with --cpu-prof (profile written on SIGINT).
  const prof = (process.env.PROXY_BENCH_PROF ?? '').split(',').includes(role)
    ? ['--cpu-prof', `--cpu-prof-dir=${process.env.PROXY_BENCH_PROF_DIR ?? '/tmp/proxy-prof'}`]
    : [];
  const proc = spawn(process.execPath, [...prof, '--import', 'tsx', file], {
    env: { ...process.env, ...env, PROXY_BENCH_ROLE: role },
    stdio: ['pipe', 'pipe', 'inherit'],
  });
  let waiting: ((us: number) => void) | null = null;
  const cpu = () =>
    new Promise<number>((resolve) => {
      waiting = resolve;
      proc.stdin?.write('cpu\n');
    });
  return new Promise((resolve, reject) => {
    let out = '';
    let started = false;
    const timer = setTimeout(() => reject(new Error(`${role} did not start`)), 180_000);
    proc.stdout?.on('data', (d: Buffer) => {
      out += d.toString();
      const c = /CPU (\d+)\n/.exec(out);
      if (c && waiting) {
        out = out.slice(c.index + c[0].length);
        const w = waiting;
        waiting = null;
        w(Number(c[1]));
      }
      const m = /READY (\d+)/.exec(out);
      if (m && !started) {
        started = true;
        out = out.slice(m.index + m[0].length);
        clearTimeout(timer);
        resolve({ proc, port: Number(m[1]), cpu });
      }
    });
    proc.on('exit', (code) => reject(new Error(`${role} exited with ${code}`)));
  });
}

/** What one run of requests gave. */
interface RunResult {
  /** Requests answered completely (a 2xx with the whole body, or any other status). */
  readonly total: number;
  /** Answers other than 2xx, and requests that failed or came back short. */
  readonly non2xx: number;
  readonly errors: number;
  /** From the first request sent to the last answer read. */
  readonly seconds: number;
}

const CONNECTIONS = Number(process.env.PROXY_BENCH_CONNECTIONS ?? 32);
/** Short runs per case and round, alternating between the cases (see `measure`). */
const PASSES = Number(process.env.PROXY_BENCH_PASSES ?? 4);

/**
 * A fixed number of GETs (not a duration) over `CONNECTIONS` keep-alive connections (undici Pool),
 * each answer read to its end: every request counted was served completely, and none is cut off
 * in flight at the end, whose CPU would be charged to the others (with 1 MiB bodies and 32
 * connections, a 2 s run's cut-off tail was a third of its requests). A body shorter than `size`
 * counts as an error. (autocannon, used before, ends a fixed-count run only on its 1 s tick: with
 * short alternating passes that idle second per run would have doubled the bench's time.)
 */
async function load(url: string, amount: number, size: number): Promise<RunResult> {
  const { Pool } = await import('undici');
  const target = new URL(url);
  const pool = new Pool(target.origin, { connections: Math.min(CONNECTIONS, amount) });
  const path = target.pathname + target.search;
  let left = amount;
  let total = 0;
  let non2xx = 0;
  let errors = 0;
  const worker = async () => {
    while (left > 0) {
      left--;
      try {
        const res = await pool.request({ path, method: 'GET', headers: { origin: ORIGIN } });
        let bytes = 0;
        for await (const chunk of res.body) bytes += (chunk as Buffer).length;
        total++;
        if (res.statusCode < 200 || res.statusCode > 299) non2xx++;
        else if (bytes !== size) errors++;
      } catch {
        errors++;
      }
    }
  };
  const t0 = performance.now();
  await Promise.all(Array.from({ length: Math.min(CONNECTIONS, amount) }, worker));
  const seconds = (performance.now() - t0) / 1000;
  await pool.close();
  return { total, non2xx, errors, seconds };
}

const median = (xs: number[]) => {
  const s = [...xs].sort((a, b) => a - b);
  const m = s.length >> 1;
  return s.length % 2 ? s[m]! : (s[m - 1]! + s[m]!) / 2;
};
const range = (xs: number[], digits: number) =>
  `${Math.min(...xs).toFixed(digits)}–${Math.max(...xs).toFixed(digits)}`;

interface Case {
  readonly name: string;
  /** The child's role and extra environment: started afresh for every round. */
  readonly role: string;
  readonly env: Record<string, string>;
  readonly url: (port: number) => string;
  /** Fraction of the run's request count this case sends (a slow peer: fewer, same CPU figure). */
  readonly share?: number;
}

/**
 * Interleaved rounds. Every round starts each case's server process afresh and warms it up with
 * one run's worth of requests, then measures every case in `PASSES` short runs, alternating
 * between the cases (each pass in rotating order); a case's CPU per request for the round is the
 * sum over its passes. Per case: req/s and CPU µs/request of each round, and the non-2xx + errors.
 *
 * Why (measured, bench/results/zz-session-2026-12-04-evening-lead.md): with large bodies the CPU per
 * request of one long-lived process was seen to stay about 2x above or below an identical peer
 * for all its rounds (which process it was changed from run to run, while the instruction and
 * system-call counts agreed within 2%), so each round takes fresh processes; within one process,
 * consecutive runs of the same size still moved by up to 2.8x with the machine's other load, so the
 * cases alternate in short passes, which puts such swings on all of them alike; and a process's
 * first requests cost 2-5x the later ones (V8 compiles the hot code: the number of functions
 * optimised per window of requests falls off over the first ~3,000 requests of 64 KiB), so the
 * warm-up is a whole run, not a quarter.
 */
async function measure(cases: Case[], rounds: number, amount: number, size: number) {
  const count = (c: Case) => Math.max(1, Math.round(amount * (c.share ?? 1)));
  const rps: number[][] = cases.map(() => []);
  const cpu: number[][] = cases.map(() => []);
  const bad = cases.map(() => 0);
  for (let r = 0; r < rounds; r++) {
    const children = await Promise.all(cases.map((c) => start(c.role, c.env)));
    try {
      for (let i = 0; i < cases.length; i++)
        await load(cases[i]!.url(children[i]!.port), count(cases[i]!), size);
      const used = cases.map(() => 0);
      const served = cases.map(() => 0);
      const seconds = cases.map(() => 0);
      for (let pass = 0; pass < PASSES; pass++) {
        // Rotating order: each case leads in turn, so none always runs right after the same neighbour.
        for (let k = 0; k < cases.length; k++) {
          const i = (k + r + pass) % cases.length;
          const c = cases[i]!;
          const child = children[i]!;
          const before = await child.cpu();
          const res = await load(c.url(child.port), Math.ceil(count(c) / PASSES), size);
          used[i]! += (await child.cpu()) - before;
          served[i]! += res.total;
          seconds[i]! += res.seconds;
          bad[i]! += res.non2xx + res.errors;
        }
      }
      for (let i = 0; i < cases.length; i++) {
        rps[i]!.push(served[i]! / seconds[i]!);
        cpu[i]!.push(used[i]! / Math.max(1, served[i]!));
        console.error(
          `bench proxy: round ${r + 1}/${rounds} ${cases[i]!.name}: ${Math.round(rps[i]!.at(-1)!)} req/s, ${cpu[i]!.at(-1)!.toFixed(1)} µs CPU/req`,
        );
      }
    } finally {
      for (const child of children) child.proc.kill(process.env.PROXY_BENCH_PROF ? 'SIGINT' : 'SIGKILL');
    }
  }
  return { rps, cpu, bad };
}

/**
 * One table: median req/s, CPU µs/request (median and range over rounds), and for each reference
 * the same-round ratio of the reference's CPU per request to each case's (> 1: cheaper than the
 * reference), median and range.
 */
function table(cases: Case[], m: Awaited<ReturnType<typeof measure>>, refs: number[]): string[] {
  const rows = cases.map((c, i) => {
    const capacity = refs.map((ref) => {
      const ratios = m.cpu[i]!.map((v, r) => m.cpu[ref]![r]! / v);
      return `${median(ratios).toFixed(2)} (${range(ratios, 2)})`;
    });
    return `| ${c.name} | ${Math.round(median(m.rps[i]!)).toLocaleString('en-US')} | ${(median(m.rps[i]!) / median(m.rps[refs[0]!]!)).toFixed(2)} | ${median(m.cpu[i]!).toFixed(1)} (${range(m.cpu[i]!, 1)}) | ${capacity.join(' | ')} | ${m.bad[i]} |`;
  });
  const heads = refs.map((ref) => `CPU capacity vs ${cases[ref]!.name}, same round: median (range)`);
  return [
    `| server | median req/s | req/s vs ${cases[refs[0]!]!.name} | proxy CPU µs/request, median (range) | ${heads.join(' | ')} | non-2xx + errors |`,
    `|---|---:|---:|---:|${refs.map(() => '---:|').join('')}---:|`,
    ...rows,
  ];
}

async function sizeSection(size: number, rounds: number, amount: number): Promise<string> {
  const up = await start('upstream', { PROXY_BENCH_SIZE: String(size) });
  try {
    const env = { PROXY_BENCH_UPSTREAM: `http://127.0.0.1:${up.port}` };
    const all: Case[] = [
      {
        role: 'ours-route',
        env,
        name: 'crossorigin proxy, fixed route',
        url: (p) => `http://127.0.0.1:${p}/api/data`,
      },
      {
        role: 'ours-open',
        env,
        name: 'crossorigin proxy, open target (allowlist + SSRF check)',
        url: (p) => `http://127.0.0.1:${p}/http://upstream.test:${up.port}/data`,
      },
      {
        role: 'cors-anywhere',
        env,
        name: 'cors-anywhere 0.4.4',
        url: (p) => `http://127.0.0.1:${p}/http://127.0.0.1:${up.port}/data`,
        share: 0.25,
      },
      { role: 'bare', env, name: 'bare undici pass-through', url: (p) => `http://127.0.0.1:${p}/data` },
      {
        role: 'bare-node',
        env,
        name: 'bare node:http pipe (floor)',
        url: (p) => `http://127.0.0.1:${p}/data`,
      },
    ];
    // PROXY_BENCH_CASES=role,role picks rows (the floor is always measured).
    const only = process.env.PROXY_BENCH_CASES?.split(',');
    const cases = all.filter((c) => !only || only.includes(c.role) || c.role === 'bare-node');
    const m = await measure(cases, rounds, amount, size);
    const label = size >= 1024 * 1024 ? `${size / 1024 / 1024} MiB` : `${size / 1024} KiB`;
    const bare = cases.findIndex((c) => c.role === 'bare');
    const refs = bare < 0 ? [cases.length - 1] : [cases.length - 1, bare];
    return [`### Response body ${label}`, '', ...table(cases, m, refs)].join('\n');
  } finally {
    up.proc.kill('SIGKILL');
  }
}

/** The shared store's cost: the fixed route with a per-client limit in Redis vs in memory, same run. */
async function storeSection(rounds: number, amount: number): Promise<string> {
  const { startRedis } = await import('../test/proxy/redis-server.js');
  const redis = await startRedis();
  const up = await start('upstream', { PROXY_BENCH_SIZE: '1024' });
  try {
    const env = { PROXY_BENCH_UPSTREAM: `http://127.0.0.1:${up.port}`, PROXY_BENCH_REDIS: redis.url };
    const url = (p: number) => `http://127.0.0.1:${p}/api/data`;
    const cases: Case[] = [
      { role: 'ours-route-redis', env, name: 'fixed route, rate limit in Redis', url },
      { role: 'ours-route-memory', env, name: 'fixed route, rate limit in memory', url },
      { role: 'ours-route', env, name: 'fixed route, no rate limit', url },
    ];
    const m = await measure(cases, rounds, amount, 1024);
    return [
      '### Rate-limit store: Redis vs in memory (1 KiB body)',
      '',
      'Every request takes a token from a per-client bucket (1e9 per second: none refused); the Redis store is one EVALSHA round trip to a local redis-server (no persistence) per request. The proxy process CPU column does not include redis-server.',
      '',
      ...table(cases, m, [1]),
    ].join('\n');
  } finally {
    up.proc.kill('SIGKILL');
    await redis.stop();
  }
}

export default async function bench(): Promise<string> {
  const ROUNDS = Number(process.env.PROXY_BENCH_ROUNDS ?? 7);
  // Requests per run: about 1-2 s per run on an idle 2-core machine for each body size (fewer
  // requests per run, as before 2026-12-04, left the 1 MiB figures at the mercy of a few slow
  // ones). 1 MiB went from 400 to 800 with the 4 passes: at 100 requests per pass the open target
  // measured 0.79 of bare undici's CPU capacity, at 200 per pass 1.07 (same servers, same evening).
  const scale = Number(process.env.PROXY_BENCH_SCALE ?? 1);
  const amountFor = (size: number) =>
    Math.round(scale * (size <= 4096 ? 12000 : size <= 128 * 1024 ? 3000 : 800));
  const sizes = (process.env.PROXY_BENCH_SIZES ?? '1024,65536,1048576').split(',').map(Number);
  const sections: string[] = [];
  for (const size of sizes) sections.push(await sizeSection(size, ROUNDS, amountFor(size)));
  if (process.env.PROXY_BENCH_STORE !== '0') sections.push(await storeSection(ROUNDS, amountFor(1024)));
  return [
    '## proxy: CPU per request vs a bare node:http pass-through, undici and cors-anywhere',
    '',
    `Command: \`npm run bench -- proxy\`. ${machineLine()}.`,
    '',
    `Each server in its own process; an undici Pool (${CONNECTIONS} keep-alive connections, every answer read whole) over loopback sends a fixed number of requests per run (${amountFor(1024)} for 1 KiB, ${amountFor(65536)} for 64 KiB, ${amountFor(1048576)} for 1 MiB: every request counted was served whole, none cut off in flight; cors-anywhere, much slower, a quarter of that), ${ROUNDS} interleaved rounds in rotating order, every server process started afresh for each round and warmed up with a whole run (the first requests of a process cost 2-5x the later ones while V8 compiles), each round's run split into ${PASSES} passes alternating between the servers (a long-lived process's CPU per request with large bodies was seen to stay about 2x above or below an identical peer for all its rounds, and consecutive runs of one process to move by up to 2.8x with the machine's other load: instruction and system-call counts of the same servers agree within 2%); each proxy process's own CPU time per request is \`process.cpuUsage()\` before and after each run divided by the requests served. Requests carry an Origin header; the upstream (its own process) answers a fixed body. The hardening is in place with its defaults (per-client and per-connection admission, request-target parsing, body watchdog). The floor is a minimal node:http proxy: the request piped to the upstream through a keep-alive \`http.Agent\` and the answer piped back (no checks, no header rewriting); a bare undici \`Agent.stream()\` pass-through is shown beside it. CPU capacity vs a reference (the floor, and the bare undici pass-through) is the reference's CPU per request divided by the row's, within the same round, then summarised (median and range over rounds): above 1 means less CPU per request than the reference. Open-target mode resolves a name through an injected resolver, checks it at connect time, and (bench only) maps the checked address to the loopback upstream.`,
    '',
    sections.join('\n\n'),
  ].join('\n');
}
