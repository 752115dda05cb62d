/**
 * `npm run bench -- proxy`: requests per second through crossorigin's proxy, cors-anywhere (npm)
 * and a bare undici pass-through (the floor: no checks at all), same run, interleaved rounds.
 *
 * Every server runs in its own child process (this file, started with a ROLE); autocannon drives
 * them from this process over loopback. The upstream answers a fixed body. Requests carry an
 * Origin, so both CORS proxies compute CORS headers. crossorigin is measured twice: a fixed route
 * (dev reverse proxy) and open-target mode (`/http://host/path`, cors-anywhere's shape) where the
 * name goes through the allowlist and the connect-time SSRF check; for the bench only, the
 * internal test seam maps the checked public address to the loopback upstream.
 */
import { type ChildProcess, spawn } from 'node:child_process';
import { createRequire } from 'node:module';
import { fileURLToPath } from 'node:url';
import { machineLine } from './lib.js';

const ROLE = process.env.PROXY_BENCH_ROLE;
const ORIGIN = 'http://app.test:5173';
const PUBLIC = '93.184.216.34';

if (ROLE) await serve(ROLE);

async function serve(role: string): Promise<void> {
  // Exit normally on SIGINT so that `--cpu-prof` can write its profile.
  process.on('SIGINT', () => process.exit(0));
  const http = await import('node:http');
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
  if (role === 'upstream') {
    const size = Number(process.env.PROXY_BENCH_SIZE ?? 1024);
    const body = Buffer.alloc(size, 97);
    const server = http.createServer((req, res) => {
      req.resume();
      res.writeHead(200, { 'content-type': 'application/octet-stream', 'content-length': String(size) });
      res.end(body);
    });
    server.keepAliveTimeout = 60_000;
    server.listen(0, '127.0.0.1', () => ready(server));
  } else if (role === 'bare') {
    const { Agent } = await import('undici');
    const agent = new Agent({ keepAliveTimeout: 60_000 });
    const server = http.createServer((req, res) => {
      const headers: Record<string, string | string[]> = {};
      for (const [k, v] of Object.entries(req.headers)) {
        if (v !== undefined && k !== 'host' && k !== 'connection' && k !== 'keep-alive') headers[k] = v;
      }
      agent
        .stream(
          { origin: upstream, path: req.url ?? '/', method: 'GET', headers },
          ({ statusCode, headers: h }) => {
            res.writeHead(statusCode, h as Record<string, string>);
            return res;
          },
        )
        .catch(() => res.destroy());
    });
    server.listen(0, '127.0.0.1', () => ready(server));
  } else if (role === 'cors-anywhere') {
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
  } else if (role === 'ours-route' || role === 'ours-open') {
    const { listenProxy } = await import('../src/proxy/listen.js');
    const { internal } = await import('../src/proxy/internal.js');
    const running = await listenProxy({
      cors: { origins: [ORIGIN] },
      routes: role === 'ours-route' ? [{ prefix: '/api', target: upstream }] : [],
      ...(role === 'ours-open'
        ? {
            openTargets: { allowHosts: ['upstream.test'] },
            resolver: async () => [{ address: PUBLIC, family: 4 as const }],
            [internal]: { mapCheckedAddress: (a: string) => (a === PUBLIC ? '127.0.0.1' : a) },
          }
        : {}),
    });
    ready(running.server);
  }
}

interface Child {
  proc: ChildProcess;
  port: number;
  /** This child's CPU time so far, in microseconds. */
  cpu(): Promise<number>;
}

function start(role: string, env: Record<string, string> = {}): Promise<Child> {
  const file = fileURLToPath(import.meta.url);
  const proc = spawn(process.execPath, ['--import', 'tsx', file], {
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
    const timer = setTimeout(() => reject(new Error(`${role} did not start`)), 20_000);
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

interface CannonResult {
  requests: { average: number; total: number };
  throughput: { average: number };
  non2xx: number;
  errors: number;
  timeouts: number;
}

async function cannon(url: string, seconds: number): Promise<CannonResult> {
  const require = createRequire(import.meta.url);
  const autocannon = require('autocannon') as (o: Record<string, unknown>) => Promise<CannonResult>;
  return autocannon({ url, connections: 32, duration: seconds, headers: { origin: ORIGIN } });
}

const median = (xs: number[]) => {
  const s = [...xs].sort((a, b) => a - b);
  const m = s.length >> 1;
  return s.length % 2 ? s[m]! : (s[m - 1]! + s[m]!) / 2;
};

export default async function bench(): Promise<string> {
  const ROUNDS = Number(process.env.PROXY_BENCH_ROUNDS ?? 7);
  const SECONDS = Number(process.env.PROXY_BENCH_SECONDS ?? 2);
  const sections: string[] = [];
  for (const size of [1024, 64 * 1024]) {
    const children: Child[] = [];
    try {
      const up = await start('upstream', { PROXY_BENCH_SIZE: String(size) });
      children.push(up);
      const upstream = `http://127.0.0.1:${up.port}`;
      const env = { PROXY_BENCH_UPSTREAM: upstream };
      const [route, open, ca, bare] = await Promise.all([
        start('ours-route', env),
        start('ours-open', env),
        start('cors-anywhere', env),
        start('bare', env),
      ]);
      children.push(route, open, ca, bare);
      const cases = [
        {
          name: 'crossorigin proxy, fixed route',
          url: `http://127.0.0.1:${route.port}/api/data`,
          child: route,
        },
        {
          name: 'crossorigin proxy, open target (allowlist + SSRF check)',
          url: `http://127.0.0.1:${open.port}/http://upstream.test:${up.port}/data`,
          child: open,
        },
        {
          name: 'cors-anywhere 0.4.4',
          url: `http://127.0.0.1:${ca.port}/http://127.0.0.1:${up.port}/data`,
          child: ca,
        },
        { name: 'bare undici pass-through', url: `http://127.0.0.1:${bare.port}/data`, child: bare },
      ];
      // warm-up
      for (const c of cases) await cannon(c.url, 1);
      const rps: number[][] = cases.map(() => []);
      const cpuPerRequest: number[][] = cases.map(() => []);
      const bad: number[] = cases.map(() => 0);
      for (let r = 0; r < ROUNDS; r++) {
        for (const [i, c] of cases.entries()) {
          const cpuBefore = await c.child.cpu();
          const res = await cannon(c.url, SECONDS);
          const cpuAfter = await c.child.cpu();
          rps[i]!.push(res.requests.average);
          cpuPerRequest[i]!.push((cpuAfter - cpuBefore) / Math.max(1, res.requests.total));
          bad[i]! += res.non2xx + res.errors + res.timeouts;
        }
      }
      const med = rps.map(median);
      const cpu = cpuPerRequest.map(median);
      const [ourRoute, ourOpen, corsAnywhere, bareRps] = med as [number, number, number, number];
      const [cpuRoute, cpuOpen, cpuCa, cpuBare] = cpu as [number, number, number, number];
      const rows = cases.map(
        (c, i) =>
          `| ${c.name} | ${Math.round(med[i]!).toLocaleString('en-US')} | ${(med[i]! / corsAnywhere).toFixed(2)} | ${(med[i]! / bareRps).toFixed(2)} | ${cpu[i]!.toFixed(1)} | ${(cpuBare / cpu[i]!).toFixed(2)} | ${bad[i]} |`,
      );
      sections.push(
        [
          `### Response body ${size >= 1024 ? `${size / 1024} KiB` : `${size} B`}`,
          '',
          '| server | median req/s | req/s vs cors-anywhere | req/s vs bare undici | proxy CPU µs/request | capacity vs bare (CPU) | non-2xx + errors |',
          '|---|---:|---:|---:|---:|---:|---:|',
          ...rows,
          '',
          `Throughput ratios: fixed route ${(ourRoute / corsAnywhere).toFixed(2)}x cors-anywhere, ${(ourRoute / bareRps).toFixed(2)}x bare; open target ${(ourOpen / corsAnywhere).toFixed(2)}x cors-anywhere, ${(ourOpen / bareRps).toFixed(2)}x bare (targets: >= 2x cors-anywhere, >= 0.85x bare).`,
          `CPU per request (steadier on a shared machine): fixed route ${(cpuCa / cpuRoute).toFixed(2)}x less than cors-anywhere and ${(cpuBare / cpuRoute).toFixed(2)}x the bare pass-through's capacity; open target ${(cpuCa / cpuOpen).toFixed(2)}x less than cors-anywhere and ${(cpuBare / cpuOpen).toFixed(2)}x the bare capacity.`,
        ].join('\n'),
      );
    } finally {
      for (const c of children) c.proc.kill('SIGKILL');
    }
  }
  return [
    '## proxy: throughput vs cors-anywhere and a bare undici pass-through',
    '',
    'Command: `npm run bench -- proxy`. ' + machineLine() + '.',
    '',
    `Each server in its own process; autocannon (32 connections, ${SECONDS} s per run, ${ROUNDS} interleaved rounds after a 1 s warm-up each, median of rounds) over loopback, and each proxy process's own CPU time per request (\`process.cpuUsage()\` before and after each run, divided by the requests served), requests with an Origin header; the upstream answers a fixed body. The bare pass-through is \`Agent.stream()\` into the response with no checks and no header rewriting; crossorigin streams through \`Agent.dispatch()\` with its own handler, which is why its fixed route can beat the floor. The machine is a shared 2-core box with other work running, so only the same-run ratios mean anything. Open-target mode resolves a name through an injected resolver, checks it at connect time, and (bench only) maps the checked address to the loopback upstream.`,
    '',
    ...sections,
  ].join('\n');
}
