/**
 * `npm run bench -- frameworks`: CORS inside the frameworks people use. For Express 5, Fastify 5,
 * Koa 3 and Hono (on @hono/node-server), the framework bare, with its usual CORS middleware
 * (`cors`, `@fastify/cors`, `@koa/cors`, `hono/cors`) and with ours, under the same configuration:
 * 100 allowed origins and credentials. node:http rows (bare, the floor: a handler setting the two
 * headers itself, and `crossorigin/node`) give the floor in the same run.
 *
 * Each framework's servers run in a child process of their own (as in an application), loaded one
 * at a time by autocannon on 127.0.0.1, in interleaved rounds with a rotating order; the child's CPU time (`process.cpuUsage()`, user +
 * system) over each run gives server CPU microseconds per request beside req/s. Medians and ranges
 * over the rounds are reported, and per-round ratios against the framework's usual middleware.
 *
 * Then the same servers without sockets, each variant in a process of its own
 * (bench/frameworks-socketless.ts).
 *
 * Environment: `FRAMEWORKS_BENCH_SECONDS` (default 2), `FRAMEWORKS_BENCH_ROUNDS` (default 9),
 * `FRAMEWORKS_BENCH_CONNECTIONS` (default 8), `FRAMEWORKS_SOCKETLESS_ROUNDS` (default 7),
 * `FRAMEWORKS_BENCH_SOCKETLESS_ONLY=1` (only the socketless part).
 */
import { createServer, type IncomingMessage, type Server, type ServerResponse } from 'node:http';
import fastifyCors from '@fastify/cors';
import { serve as honoServe } from '@hono/node-server';
import koaCors from '@koa/cors';
import cors from 'cors';
import express from 'express';
import Fastify from 'fastify';
import { Hono } from 'hono';
import { cors as honoCors } from 'hono/cors';
import Koa from 'koa';
import { cors as dropIn, corsMiddleware as expressCors } from '../src/adapters/express.js';
import { corsPlugin } from '../src/adapters/fastify.js';
import { corsMiddleware as honoOurs } from '../src/adapters/hono.js';
import { corsMiddleware as koaOurs } from '../src/adapters/koa.js';
import { corsMiddleware as nodeCors } from '../src/adapters/node.js';
import { BATCHES, runCaseChild, WARM_MS } from './_per-process.js';
import {
  checkSocketless,
  frameworksSocketless,
  frameworksSocketlessTable,
  socketlessRequest,
} from './frameworks-socketless.js';
import {
  type LoadSample,
  loadRun,
  machineLine,
  medianOf as median,
  serveOnLoopback,
  startServers,
} from './lib.js';

const ORIGINS = Array.from({ length: 100 }, (_, i) => `https://app${i}.example`);
const ORIGIN = ORIGINS[50]!;
const ALLOWED = new Set(ORIGINS);
const POLICY = { origins: ORIGINS, credentials: true };

interface Variant {
  id: string;
  framework: string;
  label: string;
  kind: 'bare' | 'usual' | 'ours' | 'floor';
}

const VARIANTS: Variant[] = [
  { id: 'http-bare', framework: 'node:http', label: 'bare', kind: 'bare' },
  { id: 'http-floor', framework: 'node:http', label: 'floor (handler sets the 2 headers)', kind: 'floor' },
  { id: 'http-ours', framework: 'node:http', label: '`crossorigin/node` corsMiddleware', kind: 'ours' },
  { id: 'express-bare', framework: 'Express 5', label: 'bare', kind: 'bare' },
  { id: 'express-usual', framework: 'Express 5', label: '`cors`', kind: 'usual' },
  {
    id: 'express-ours',
    framework: 'Express 5',
    label: '`crossorigin/express` cors() (drop-in)',
    kind: 'ours',
  },
  {
    id: 'express-policy',
    framework: 'Express 5',
    label: '`crossorigin/express` corsMiddleware',
    kind: 'ours',
  },
  { id: 'fastify-bare', framework: 'Fastify 5', label: 'bare', kind: 'bare' },
  { id: 'fastify-usual', framework: 'Fastify 5', label: '`@fastify/cors`', kind: 'usual' },
  { id: 'fastify-ours', framework: 'Fastify 5', label: '`crossorigin/fastify` corsPlugin', kind: 'ours' },
  { id: 'koa-bare', framework: 'Koa 3', label: 'bare', kind: 'bare' },
  { id: 'koa-usual', framework: 'Koa 3', label: '`@koa/cors`', kind: 'usual' },
  { id: 'koa-ours', framework: 'Koa 3', label: '`crossorigin/koa` corsMiddleware', kind: 'ours' },
  { id: 'hono-bare', framework: 'Hono (node server)', label: 'bare', kind: 'bare' },
  { id: 'hono-usual', framework: 'Hono (node server)', label: '`hono/cors`', kind: 'usual' },
  {
    id: 'hono-ours',
    framework: 'Hono (node server)',
    label: '`crossorigin/hono` corsMiddleware',
    kind: 'ours',
  },
];

function hello(_req: IncomingMessage, res: ServerResponse): void {
  res.setHeader('content-type', 'text/plain');
  res.end('hello');
}

function expressApp(mw?: express.RequestHandler): express.Express {
  const app = express();
  if (mw) app.use(mw);
  app.get('/', (_req, res) => {
    res.type('text/plain').send('hello');
  });
  return app;
}

async function fastifyServer(kind: 'bare' | 'usual' | 'ours'): Promise<Server> {
  const app = Fastify();
  if (kind === 'usual') await app.register(fastifyCors, { origin: ORIGINS, credentials: true });
  if (kind === 'ours') await app.register(corsPlugin, { policy: POLICY });
  app.get('/', async (_req, reply) => reply.type('text/plain').send('hello'));
  await app.ready();
  return app.server;
}

function koaServer(kind: 'bare' | 'usual' | 'ours'): Server {
  const app = new Koa();
  if (kind === 'usual') {
    app.use(
      koaCors({
        origin: (ctx) => (ALLOWED.has(ctx.get('Origin')) ? ctx.get('Origin') : ''),
        credentials: true,
      }),
    );
  }
  if (kind === 'ours') app.use(koaOurs(POLICY) as unknown as Koa.Middleware);
  app.use((ctx) => {
    ctx.type = 'text/plain';
    ctx.body = 'hello';
  });
  return createServer(app.callback());
}

function honoServer(kind: 'bare' | 'usual' | 'ours'): Server {
  const app = new Hono();
  if (kind === 'usual') app.use(honoCors({ origin: ORIGINS, credentials: true }));
  if (kind === 'ours') app.use(honoOurs(POLICY));
  app.get('/', (c) => c.text('hello'));
  return honoServe({ fetch: app.fetch, port: 0, hostname: '127.0.0.1', createServer }) as unknown as Server;
}

/** The servers, built on demand: each framework's process builds only its own. */
function factories(): Record<string, () => Server | Promise<Server>> {
  const ours = nodeCors(POLICY);
  return {
    'http-bare': () => createServer(hello),
    'http-floor': () =>
      createServer((req, res) => {
        res.setHeader('access-control-allow-origin', ORIGIN);
        res.setHeader('access-control-allow-credentials', 'true');
        res.setHeader('vary', 'Origin');
        hello(req, res);
      }),
    'http-ours': () => createServer((req, res) => ours(req, res, () => hello(req, res))),
    'express-bare': () => createServer(expressApp()),
    'express-usual': () => createServer(expressApp(cors({ origin: ORIGINS, credentials: true }))),
    'express-ours': () =>
      createServer(expressApp(dropIn({ origin: ORIGINS, credentials: true }) as express.RequestHandler)),
    'express-policy': () => createServer(expressApp(expressCors(POLICY) as express.RequestHandler)),
    'fastify-bare': () => fastifyServer('bare'),
    'fastify-usual': () => fastifyServer('usual'),
    'fastify-ours': () => fastifyServer('ours'),
    'koa-bare': () => koaServer('bare'),
    'koa-usual': () => koaServer('usual'),
    'koa-ours': () => koaServer('ours'),
    'hono-bare': () => honoServer('bare'),
    'hono-usual': () => honoServer('usual'),
    'hono-ours': () => honoServer('ours'),
  };
}

/** A variant's process group: the framework part of its id (`express-usual` → `express`). */
const groupOf = (id: string) => id.slice(0, id.indexOf('-'));

/**
 * Child-process mode (`--serve --group=G`): start the servers of one framework and print their
 * ports as one JSON line. One process per framework, as in an application: with every framework
 * in one process, the code our adapters share (the Node glue) saw Express's, Koa's and node's
 * request and response objects together and its property lookups went megamorphic, which charged
 * ours for a mix no application runs (node:http measured 1.70 µs over the floor that way, 2026-12-04).
 */
async function serve(): Promise<void> {
  const group = process.argv.find((a) => a.startsWith('--group='))?.slice('--group='.length);
  const built: Record<string, Server> = {};
  for (const [id, make] of Object.entries(factories())) {
    if (group === undefined || groupOf(id) === group) built[id] = await make();
  }
  await serveOnLoopback(built);
}

/** What each server answers: bare ones no CORS header, the others the allowed origin. */
async function check(id: string, port: number): Promise<void> {
  const res = await fetch(`http://127.0.0.1:${port}/`, { headers: { origin: ORIGIN } });
  const body = await res.text();
  const acao = res.headers.get('access-control-allow-origin');
  const bare = id.endsWith('-bare');
  const ok =
    res.status === 200 &&
    body === 'hello' &&
    (bare
      ? acao === null
      : acao === ORIGIN && res.headers.get('access-control-allow-credentials') === 'true');
  if (!ok) throw new Error(`${id} answers ${res.status} ${JSON.stringify(body)} ACAO ${acao}`);
}

const range = (values: number[], digits: number) =>
  `${Math.min(...values).toFixed(digits)}–${Math.max(...values).toFixed(digits)}`;

function report(
  samples: Record<string, LoadSample[]>,
  seconds: number,
  rounds: number,
  connections: number,
  errors: number,
): string {
  const perRound = (a: string, b: string, f: (x: LoadSample, y: LoadSample) => number) =>
    samples[a]!.map((x, i) => f(x, samples[b]![i]!));
  const rows = VARIANTS.map((v) => {
    const s = samples[v.id]!;
    const bare = VARIANTS.find((w) => w.framework === v.framework && w.kind === 'bare')!.id;
    const usual = VARIANTS.find(
      (w) => w.framework === v.framework && (w.kind === 'usual' || w.kind === 'floor'),
    )?.id;
    const overBare = perRound(v.id, bare, (x, y) => x.cpuPerReq - y.cpuPerReq);
    const vsUsual =
      v.kind === 'ours' && usual ? perRound(v.id, usual, (x, y) => y.cpuPerReq - x.cpuPerReq) : null;
    return `| ${v.framework} | ${v.label} | ${Math.round(median(s.map((x) => x.rps))).toLocaleString('en-US')} | ${median(
      perRound(v.id, bare, (x, y) => x.rps / y.rps),
    ).toFixed(3)} | ${median(s.map((x) => x.cpuPerReq)).toFixed(2)} (${range(
      s.map((x) => x.cpuPerReq),
      1,
    )}) | ${v.kind === 'bare' ? '' : `${median(overBare).toFixed(2)} (${range(overBare, 2)})`} | ${
      vsUsual ? `${median(vsUsual).toFixed(2)} (${range(vsUsual, 2)})` : ''
    } |`;
  });
  return [
    '## CORS inside the frameworks: Express, Fastify, Koa, Hono',
    '',
    'Command: `npm run bench -- frameworks`',
    '',
    `${machineLine()}. autocannon on 127.0.0.1, ${connections} connections, ${seconds} s per run, ${rounds} interleaved rounds (rotating order) after a 1 s warm-up each; each framework's servers in a child process of their own (as in an application: with all in one process, the Node glue our adapters share saw every framework's objects and its lookups went megamorphic), loaded one at a time. Configuration everywhere: 100 allowed origins and credentials; request \`GET /\` with an allowed \`Origin\`; every server answers 200 \`hello\` (checked before the runs, with \`Access-Control-Allow-Origin\` and \`-Credentials\` where CORS is on). Errors or non-2xx during the runs: ${errors}. The machine is shared with other work: req/s drifts, so server CPU per request (\`process.cpuUsage()\` of the server process over each run) is the figure to read, with per-round differences against the same framework's rows; medians with (min–max) over the rounds.`,
    '',
    '| framework | CORS | median req/s | req/s vs bare (per-round median) | server CPU µs/request | CPU µs/request over bare | CPU µs/request saved vs the usual middleware (node:http: vs the floor) |',
    '|---|---|---:|---:|---:|---:|---:|',
    ...rows,
    '',
    'A positive "saved" figure means ours spent less server CPU per request than the framework\'s usual CORS middleware in the same round; in the node:http rows it is the floor minus ours, so -0.20 or more means within 0.2 µs of the floor.',
  ].join('\n');
}

export default async function run(): Promise<string> {
  const seconds = Number(process.env.FRAMEWORKS_BENCH_SECONDS ?? 2);
  const rounds = Number(process.env.FRAMEWORKS_BENCH_ROUNDS ?? 9);
  const connections = Number(process.env.FRAMEWORKS_BENCH_CONNECTIONS ?? 8);
  const socketlessRounds = Number(process.env.FRAMEWORKS_SOCKETLESS_ROUNDS ?? 7);
  const socketless = frameworksSocketlessTable(
    VARIANTS,
    await frameworksSocketless(import.meta.url, VARIANTS, socketlessRounds),
  );
  const socketlessSection = [
    '### The same servers without sockets, one process per variant',
    '',
    `Each variant's own server handed node's \`IncomingMessage\` (header lines as its parser gives them: Host, Origin, Connection) and a \`ServerResponse\` without a socket (the head and body are built and queued, not written) through its \`request\` listener, until the framework ends the response: the JavaScript each request costs the server, whole, without the kernel's share that moves the figures above by more than the middlewares differ (bench/frameworks-socketless.ts). ${socketlessRounds} rounds; in each, every variant in a fresh process of its own (rotating order), ${WARM_MS} ms of CPU warm-up, the median of ${BATCHES} CPU-timed batches. About 4 processes in 10 on this shared machine run at ~1.6x for their whole life, every variant alike, so the least and the median of the fast processes (within 1.35x of the least) are given beside the median. Saved: the usual middleware's CPU minus ours (positive: ours is cheaper; node:http: the floor minus ours, so -200 or more means within 0.2 µs of the floor). Express is the exception this table cannot decide: its requests cost ~80-120 µs, fresh processes of the same server differ by ±20 µs, and a CORS middleware costs a few µs of that, so its Express rows are noise; \`npm run bench -- express-instructions\` orders them by instruction count and bytes allocated per request.`,
    '',
    socketless,
  ].join('\n');
  if (process.env.FRAMEWORKS_BENCH_SOCKETLESS_ONLY === '1') return socketlessSection;
  const groups = [...new Set(VARIANTS.map((v) => groupOf(v.id)))];
  const started = await Promise.all(
    groups.map((g) => startServers(import.meta.url, 60_000, [`--group=${g}`])),
  );
  // Each variant's port and its own process's control port.
  const ports: Record<string, number> = {};
  const control: Record<string, number> = {};
  for (const { ports: p } of started) {
    for (const [id, port] of Object.entries(p)) {
      if (id === 'control') continue;
      ports[id] = port;
      control[id] = p.control as number;
    }
  }
  const load = (id: string, s: number) =>
    loadRun(ports[id]!, control[id]!, { seconds: s, connections, headers: { origin: ORIGIN } });
  try {
    for (const v of VARIANTS) await check(v.id, ports[v.id]!);
    for (const v of VARIANTS) await load(v.id, 1);
    const samples: Record<string, LoadSample[]> = Object.fromEntries(VARIANTS.map((v) => [v.id, []]));
    let errors = 0;
    for (let r = 0; r < rounds; r++) {
      const order = VARIANTS.map((_, i) => VARIANTS[(i + r) % VARIANTS.length]!);
      for (const v of order) {
        const sample = await load(v.id, seconds);
        samples[v.id]!.push(sample);
        errors += sample.errors;
        console.error(
          `bench frameworks: round ${r + 1}/${rounds} ${v.id}: ${Math.round(sample.rps)} req/s, ${sample.cpuPerReq.toFixed(2)} µs CPU/req`,
        );
      }
    }
    return [report(samples, seconds, rounds, connections, errors), '', socketlessSection].join('\n');
  } finally {
    for (const { child } of started) child.kill('SIGTERM');
  }
}

if (process.argv.includes('--serve')) await serve();
const caseAt = process.argv.indexOf('--case');
if (caseAt !== -1) {
  // Child of the socketless rounds: one variant's server, timed without sockets, then exit (Hono's
  // serve() listens on a loopback port, which would keep the process alive).
  const id = process.argv[caseAt + 1] ?? '';
  const make = factories()[id];
  if (make === undefined) throw new Error(`no variant ${id}`);
  const fn = socketlessRequest(await make(), ORIGIN);
  await checkSocketless(id, fn, ORIGIN);
  await runCaseChild(id, fn);
  process.exit(0);
}
