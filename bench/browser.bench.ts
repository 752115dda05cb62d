/**
 * `npm run bench -- browser`: the browser engine's cost.
 *
 * 1. Pure functions, for a simple cross-origin GET: `classify` and `corsCheck` (each and together),
 *    next to `new URL()` of the same URL as a yardstick, in interleaved rounds (bench/lib.ts).
 * 2. `createBrowserFetch` against plain `fetch`, for an allowed GET on loopback
 *    (node:http in a child process, `Access-Control-Allow-Origin: *`, 5-byte body, keep-alive
 *    undici Agent). Every side reads the body. Many short interleaved rounds of sequential requests
 *    with a rotating order; per side the median per-request time, the ratio of medians, and the
 *    median of the per-round ratios (each round's sides run back to back, so a pair shares the
 *    machine's load at that moment). Other sides separate the parts: fetch sending by hand what the
 *    engine sends (the floor of fetch), the engine's default transport alone, and the engine over
 *    fetch as its transport.
 *
 * Environment: `BROWSER_BENCH_ROUNDS` (default 101), `BROWSER_BENCH_REQUESTS` (per round, default 200).
 */
import { type ChildProcess, spawn } from 'node:child_process';
import { createServer } from 'node:http';
import type { AddressInfo } from 'node:net';
import { performance } from 'node:perf_hooks';
import { fileURLToPath } from 'node:url';
import { Agent, fetch as undiciFetch } from 'undici';
import { classify, corsCheck, createBrowserFetch } from '../src/browser/index.js';
import { exchange } from '../src/browser/transport.js';
import { compare, machineLine, table } from './lib.js';

const ORIGIN = 'https://app.example';

async function serve(): Promise<void> {
  const server = createServer((_req, res) => {
    res.writeHead(200, { 'content-type': 'text/plain', 'access-control-allow-origin': '*' });
    res.end('hello');
  });
  await new Promise<void>((r) => server.listen(0, '127.0.0.1', () => r()));
  process.stdout.write(`${JSON.stringify({ port: (server.address() as AddressInfo).port })}\n`);
}

function median(xs: number[]): number {
  const s = [...xs].sort((a, b) => a - b);
  const m = s.length >> 1;
  return s.length % 2 ? s[m]! : (s[m - 1]! + s[m]!) / 2;
}

async function startServer(): Promise<{ child: ChildProcess; port: number }> {
  const child = spawn(process.execPath, ['--import', 'tsx', fileURLToPath(import.meta.url), '--serve'], {
    stdio: ['ignore', 'pipe', 'inherit'],
  });
  const port = await new Promise<number>((resolve, reject) => {
    let buf = '';
    child.stdout?.on('data', (d: Buffer) => {
      buf += d.toString();
      const line = buf.split('\n')[0];
      if (buf.includes('\n') && line) resolve((JSON.parse(line) as { port: number }).port);
    });
    child.once('exit', (code) => reject(new Error(`bench server exited with ${code}`)));
  });
  return { child, port };
}

async function pure(): Promise<string> {
  const request = { origin: ORIGIN, url: 'https://api.example/items?page=2', method: 'GET' };
  const response = { status: 200, headers: [['Access-Control-Allow-Origin', ORIGIN]] as [string, string][] };
  const results = compare([
    { name: 'new URL(url) (yardstick)', fn: () => new URL(request.url) },
    { name: 'classify(request)', fn: () => classify(request) },
    { name: 'corsCheck(request, response)', fn: () => corsCheck(request, response) },
    {
      name: 'classify + corsCheck',
      fn: () => {
        classify(request);
        return corsCheck(request, response);
      },
    },
  ]);
  return table(results, 'new URL(url) (yardstick)');
}

interface EndToEnd {
  text: string;
  /** createBrowserFetch / fetch, ratio of medians. */
  ratio: number;
  /** The same, median of the per-round ratios. */
  paired: number;
  /** fetch with the engine's headers by hand / fetch: the floor of sending what a browser sends. */
  floor: number;
  /** createBrowserFetch / its transport alone (median of per-round ratios): the engine's own part. */
  overTransport: number;
  /** createBrowserFetch over fetch as its transport / fetch (median of per-round ratios). */
  overFetch: number;
  /** The same over the fetch floor: the engine's part on top of fetch. */
  overFetchFloor: number;
  /** createBrowserFetch / fetch by client CPU per request (median of per-round ratios). */
  cpu: number;
}

async function endToEnd(): Promise<EndToEnd> {
  const rounds = Number(process.env.BROWSER_BENCH_ROUNDS ?? 101);
  const perRound = Number(process.env.BROWSER_BENCH_REQUESTS ?? 200);
  const { child, port } = await startServer();
  const agent = new Agent({ keepAliveTimeout: 10_000 });
  const plain = ((input: string, init?: RequestInit) =>
    undiciFetch(input, { ...(init as object), dispatcher: agent })) as unknown as typeof globalThis.fetch;
  const url = `http://127.0.0.1:${port}/items`;
  // The default: the engine over its own transport (undici's request() on the same Agent).
  const page = createBrowserFetch({ origin: ORIGIN, dispatcher: agent });
  // The engine over undici's fetch as its transport (the `fetch` option): the engine's own cost
  // on top of a fetch that does the Fetch Standard's work a second time.
  const pageOverFetch = createBrowserFetch({ origin: ORIGIN, fetch: plain });
  const target = new URL(url);
  // What the engine sends for this request (Origin and Sec-Fetch-*, redirect: 'manual'), by hand:
  // separates the cost of sending what a browser sends from the cost of the engine's own logic.
  const browserLike: RequestInit = {
    method: 'GET',
    headers: [
      ['origin', ORIGIN],
      ['sec-fetch-site', 'cross-site'],
      ['sec-fetch-mode', 'cors'],
      ['sec-fetch-dest', 'empty'],
    ],
    redirect: 'manual',
  };
  const sides = {
    'fetch (undici)': async () => (await plain(url)).text(),
    'fetch with the same request headers, redirect: manual': async () =>
      (await plain(url, browserLike)).text(),
    'the default transport alone, same request headers': async () =>
      (await exchange(agent, target, browserLike, false)).response.text(),
    'createBrowserFetch (chromium)': async () => (await page(url)).text(),
    'createBrowserFetch (chromium) over fetch as its transport': async () =>
      (await pageOverFetch(url)).text(),
  } as const;
  type Side = keyof typeof sides;
  const names = Object.keys(sides) as Side[];
  const samples = Object.fromEntries(names.map((n) => [n, [] as number[]])) as Record<Side, number[]>;
  // This process's CPU time per request (user + system): the client side's own work, which time
  // given to other processes on a loaded machine does not inflate.
  const cpu = Object.fromEntries(names.map((n) => [n, [] as number[]])) as Record<Side, number[]>;
  const cpuNow = () => {
    const u = process.cpuUsage();
    return u.user + u.system;
  };
  try {
    for (const n of names) for (let i = 0; i < 300; i++) await sides[n](); // warm up
    for (let r = 0; r < rounds; r++) {
      const order = names.map((_, i) => names[(i + r) % names.length] as Side);
      for (const n of order) {
        const t = performance.now();
        const c = cpuNow();
        for (let i = 0; i < perRound; i++) await sides[n]();
        cpu[n].push((cpuNow() - c) / perRound);
        samples[n].push(((performance.now() - t) * 1000) / perRound);
      }
    }
  } finally {
    await agent.close();
    child.kill();
  }
  const plainSide: Side = 'fetch (undici)';
  const floorSide: Side = 'fetch with the same request headers, redirect: manual';
  const ourSide: Side = 'createBrowserFetch (chromium)';
  const transportSide: Side = 'the default transport alone, same request headers';
  const overFetchSide: Side = 'createBrowserFetch (chromium) over fetch as its transport';
  const base = median(samples[plainSide]);
  /** Median over rounds of a / b, each pair measured in the same round. */
  const paired = (a: Side, b: Side) => median(samples[a].map((x, i) => x / (samples[b][i] as number)));
  const cpuPaired = (a: Side, b: Side) => cpu[a].map((x, i) => x / (cpu[b][i] as number));
  const q = (xs: number[], p: number) => [...xs].sort((x, y) => x - y)[Math.floor(p * (xs.length - 1))]!;
  const text = [
    '| side | median µs/request | requests/s | time ratio vs fetch (medians) | median of per-round ratios | client CPU µs/request | client CPU vs fetch, per round: median (quartiles) |',
    '|---|---:|---:|---:|---:|---:|---:|',
    ...names.map((n) => {
      const m = median(samples[n]);
      const c = cpuPaired(n, plainSide);
      return `| ${n} | ${m.toFixed(1)} | ${Math.round(1e6 / m).toLocaleString('en-US')} | ${(m / base).toFixed(2)} | ${paired(n, plainSide).toFixed(2)} | ${median(cpu[n]).toFixed(1)} | ${median(c).toFixed(2)} (${q(c, 0.25).toFixed(2)}–${q(c, 0.75).toFixed(2)}) |`;
    }),
  ].join('\n');
  return {
    text,
    ratio: median(samples[ourSide]) / base,
    paired: paired(ourSide, plainSide),
    cpu: median(cpuPaired(ourSide, plainSide)),
    floor: paired(floorSide, plainSide),
    overTransport: paired(ourSide, transportSide),
    overFetch: paired(overFetchSide, plainSide),
    overFetchFloor: paired(overFetchSide, floorSide),
  };
}

/** The engine's own cost per request: both sides over an in-memory transport (no sockets). */
async function inMemory(): Promise<string> {
  const headers = { 'content-type': 'text/plain', 'access-control-allow-origin': '*' };
  const memory = (async () =>
    new Response(null, { status: 200, headers })) as unknown as typeof globalThis.fetch;
  const page = createBrowserFetch({ origin: ORIGIN, fetch: memory });
  const url = 'http://127.0.0.1:1/items';
  const sides = {
    'in-memory fetch': async () => (await memory(url)).text(),
    'createBrowserFetch over it': async () => (await page(url)).text(),
  } as const;
  type Side = keyof typeof sides;
  const names = Object.keys(sides) as Side[];
  const samples = Object.fromEntries(names.map((n) => [n, [] as number[]])) as Record<Side, number[]>;
  for (const n of names) for (let i = 0; i < 3000; i++) await sides[n]();
  for (let r = 0; r < 15; r++) {
    for (const n of r % 2 ? [...names].reverse() : names) {
      const t = performance.now();
      for (let i = 0; i < 3000; i++) await sides[n]();
      samples[n].push(((performance.now() - t) * 1000) / 3000);
    }
  }
  const base = median(samples['in-memory fetch']);
  const ours = median(samples['createBrowserFetch over it']);
  return [
    '| side | median µs/request | engine cost µs/request |',
    '|---|---:|---:|',
    `| in-memory fetch | ${base.toFixed(2)} | |`,
    `| createBrowserFetch over it | ${ours.toFixed(2)} | ${(ours - base).toFixed(2)} |`,
  ].join('\n');
}

export default async function run(): Promise<string> {
  const micro = await pure();
  const memory = await inMemory();
  const e2e = await endToEnd();
  return [
    '## browser: the CORS engine',
    '',
    'Command: `npm run bench -- browser`. ' + machineLine() + '.',
    '',
    '### Pure functions, simple cross-origin GET',
    '',
    'Median ns per call over interleaved rounds; `new URL()` of the same URL is the yardstick (the engine parses the URL and the page origin on every call).',
    '',
    micro,
    '',
    "### The engine's own cost per request (in-memory transport, no sockets)",
    '',
    'Both sides answer from memory (status 200, ACAO `*`, empty body), so the difference is the work of createBrowserFetch itself: normalizing, classifying, the CORS check, exposure filtering, events off.',
    '',
    memory,
    '',
    '### createBrowserFetch vs plain fetch (allowed GET, loopback)',
    '',
    `Sequential requests on one keep-alive undici Agent to node:http in a child process (ACAO \`*\`, 5-byte body, every side reads it), ${process.env.BROWSER_BENCH_ROUNDS ?? 101} interleaved rounds of ${process.env.BROWSER_BENCH_REQUESTS ?? 200} requests with a rotating order; target ratio < 1.10. Measured ratio, createBrowserFetch / plain fetch: **${e2e.ratio.toFixed(2)}** (ratio of medians; median of per-round ratios ${e2e.paired.toFixed(2)}; by this process's CPU time per request, per-round median, **${e2e.cpu.toFixed(2)}**). createBrowserFetch sends through undici's \`request()\` on the same Agent (its default transport), not through \`fetch()\`: the engine does the Fetch Standard's part itself, so a second implementation underneath only costs time. The rows beside it separate the parts: its transport alone, sending the same headers, is what the engine sits on (createBrowserFetch is ${e2e.overTransport.toFixed(2)}x that, per-round median: the engine's own part); plain fetch sending the same headers with redirect: manual is ${e2e.floor.toFixed(2)}x plain fetch; and the engine over fetch as its transport (the \`fetch\` option) is ${e2e.overFetch.toFixed(2)}x plain fetch, ${e2e.overFetchFloor.toFixed(2)}x that fetch floor. On this shared 2-core machine the ratios move between runs with the load of other processes.`,
    '',
    e2e.text,
  ].join('\n');
}

if (process.argv.includes('--serve')) await serve();
