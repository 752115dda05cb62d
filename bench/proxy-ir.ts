/**
 * Instructions per request of the proxy's data path, counted by valgrind (cachegrind), which a
 * loaded machine does not disturb (issue #17). The servers are those of bench/proxy.bench.ts: the
 * fixed route (`ours-route`), open targets (`ours-open`: allowlist, injected resolver, connect-time
 * SSRF check, the internal seam mapping the checked address to loopback), the bare undici
 * pass-through (`bare`) and the node:http pipe (`bare-node`).
 *
 * The driver (this file without a ROLE) starts the upstream un-instrumented, then the variant's
 * server twice under `valgrind --tool=cachegrind node --single-threaded`; each time it sends W
 * warm-up requests and then N (first run) or 5N (second run) requests over loopback keep-alive
 * (undici Pool, C connections, every answer checked: status 200 and SIZE body bytes), tells the
 * server to exit, and reads valgrind's instruction count. Per request: (Ir(5N) − Ir(N)) / 4N;
 * start-up, module loading, warm-up and exit cancel out. JIT and GC timing still move single runs
 * by a few thousand instructions per request at 1 KiB, so compare with that in mind (REPEAT=k
 * runs each pair k times and prints every figure).
 *
 *   npx esbuild bench/proxy-ir.ts --bundle --platform=node --format=esm --outfile=/tmp/proxy-ir.mjs \
 *     --banner:js="import { createRequire } from 'module'; const require = createRequire(import.meta.url);"
 *   for s in 1024 65536 1048576; do for v in ours-route ours-open bare; do
 *     SIZE=$s VARIANT=$v nice -n 15 node /tmp/proxy-ir.mjs
 *   done; done
 *
 * Env: VARIANT (ours-route | ours-open | bare | bare-node), SIZE (response body bytes, 1024),
 * N (default 1000 for ≤ 4 KiB, 200 for ≤ 128 KiB, 20 above), W (warm-up, default N / 2),
 * C (connections, 32), REPEAT (1), VALGRIND=0 (no valgrind: check the harness quickly, or profile
 * with NODE_FLAGS="--cpu-prof --cpu-prof-dir=/tmp/prof": extra node flags of the server; or count
 * system calls with WRAP="strace -c -f -o /tmp/strace.txt": a command the server runs under).
 */
import { type ChildProcess, spawn } from 'node:child_process';
import type http from 'node:http';
import { Pool } from 'undici';
import { bareNodeServer, bareUndiciServer, ORIGIN, oursServer, upstreamServer } from './_proxy-servers.js';

const ROLE = process.env.IR_ROLE;

function ready(server: http.Server): void {
  const address = server.address();
  process.stdout.write(`READY ${typeof address === 'object' && address ? address.port : 0}\n`);
  // "exit" on stdin: leave normally, so that valgrind writes its counts.
  process.stdin.setEncoding('utf8');
  process.stdin.on('data', (line: string) => {
    if (line.includes('exit')) process.exit(0);
  });
}

/** The servers of bench/proxy.bench.ts (bench/_proxy-servers.ts). */
async function serve(role: string): Promise<void> {
  const upstream = process.env.IR_UPSTREAM ?? '';
  if (role === 'upstream') ready(await upstreamServer(Number(process.env.SIZE ?? 1024)));
  else if (role === 'bare') ready(await bareUndiciServer(upstream));
  else if (role === 'bare-node') ready(await bareNodeServer(upstream));
  else if (role === 'ours-route' || role === 'ours-open')
    ready(await oursServer(upstream, role === 'ours-open'));
  else throw new Error(`unknown role ${role}`);
}

interface Child {
  readonly proc: ChildProcess;
  readonly port: number;
  /** Resolves with the child's stderr once it exited. */
  readonly exited: Promise<string>;
}

/** Starts a server; `measured`: the variant (under valgrind, or NODE_FLAGS and WRAP), not the upstream. */
function start(
  role: string,
  env: Record<string, string>,
  measured: boolean,
  valgrind: boolean,
): Promise<Child> {
  const file = process.argv[1]!;
  const flags = measured ? (process.env.NODE_FLAGS ?? '').split(' ').filter(Boolean) : [];
  const node = [process.execPath, '--single-threaded', ...flags, file];
  const wrap = measured ? (process.env.WRAP ?? '').split(' ').filter(Boolean) : [];
  const argv =
    measured && valgrind
      ? ['valgrind', '--tool=cachegrind', '--cache-sim=no', '--cachegrind-out-file=/dev/null', ...node]
      : [...wrap, ...node];
  const proc = spawn(argv[0]!, argv.slice(1), {
    env: { ...process.env, ...env, IR_ROLE: role },
    stdio: ['pipe', 'pipe', 'pipe'],
  });
  let err = '';
  proc.stderr?.on('data', (d: Buffer) => {
    err += d.toString();
  });
  const exited = new Promise<string>((resolve) => proc.on('exit', () => resolve(err)));
  return new Promise((resolve, reject) => {
    let out = '';
    const timer = setTimeout(() => reject(new Error(`${role} did not start: ${err}`)), 300_000);
    proc.stdout?.on('data', (d: Buffer) => {
      out += d.toString();
      const m = /READY (\d+)/.exec(out);
      if (m) {
        clearTimeout(timer);
        resolve({ proc, port: Number(m[1]), exited });
      }
    });
    proc.on('exit', (code) => reject(new Error(`${role} exited with ${code}: ${err}`)));
  });
}

/** Sends `amount` GETs over `connections` keep-alive connections; every answer must be whole. */
async function drive(pool: Pool, path: string, amount: number, connections: number, size: number) {
  let left = amount;
  const worker = async () => {
    while (left > 0) {
      left--;
      const res = await pool.request({ path, method: 'GET', headers: { origin: ORIGIN } });
      let bytes = 0;
      for await (const chunk of res.body) bytes += (chunk as Buffer).length;
      if (res.statusCode !== 200 || bytes !== size)
        throw new Error(`status ${res.statusCode}, ${bytes} bytes instead of ${size}`);
    }
  };
  await Promise.all(Array.from({ length: connections }, worker));
}

async function count(
  variant: string,
  upstream: Child,
  n: number,
  opts: { w: number; c: number; size: number; valgrind: boolean },
): Promise<number> {
  const server = await start(
    variant,
    { IR_UPSTREAM: `http://127.0.0.1:${upstream.port}` },
    true,
    opts.valgrind,
  );
  const path =
    variant === 'ours-route'
      ? '/api/data'
      : variant === 'ours-open'
        ? `/http://upstream.test:${upstream.port}/data`
        : '/data';
  // A pool per drive: between the two, connections that finished early sat idle while the last
  // requests of the warm-up ran (seconds, under valgrind with 1 MiB bodies), long enough for a
  // server's 5 s keep-alive timeout to close them under the next drive's first requests.
  for (const amount of [opts.w, n]) {
    const pool = new Pool(`http://127.0.0.1:${server.port}`, { connections: opts.c });
    await drive(pool, path, amount, opts.c, opts.size);
    await pool.close();
  }
  server.proc.stdin?.write('exit\n');
  const err = await server.exited;
  if (!opts.valgrind) return 0;
  const m = /I\s+refs:\s+([\d,]+)/.exec(err);
  if (!m) throw new Error(`no instruction count from valgrind: ${err.slice(-2000)}`);
  return Number(m[1]!.replaceAll(',', ''));
}

async function main(): Promise<void> {
  const variant = process.env.VARIANT ?? 'ours-route';
  const size = Number(process.env.SIZE ?? 1024);
  const n = Number(process.env.N ?? (size <= 4096 ? 1000 : size <= 128 * 1024 ? 200 : 20));
  const w = Number(process.env.W ?? Math.ceil(n / 2));
  const c = Number(process.env.C ?? 32);
  const repeat = Number(process.env.REPEAT ?? 1);
  const valgrind = process.env.VALGRIND !== '0';
  const upstream = await start('upstream', { SIZE: String(size) }, false, false);
  try {
    for (let r = 0; r < repeat; r++) {
      const opts = { w, c, size, valgrind };
      const small = await count(variant, upstream, n, opts);
      const large = await count(variant, upstream, 5 * n, opts);
      const per = (large - small) / (4 * n);
      console.log(
        `${variant} size=${size} N=${n} W=${w} C=${c}: Ir(N)=${small} Ir(5N)=${large} per request ${Math.round(per)}`,
      );
    }
  } finally {
    upstream.proc.kill('SIGKILL');
  }
}

if (ROLE) await serve(ROLE);
else await main();
