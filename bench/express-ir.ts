/**
 * Instructions per request of Express 5 with each CORS middleware, counted by valgrind (cachegrind),
 * which a loaded machine does not disturb. One variant, N socketless requests after 3,000 warm-up
 * ones; run twice with two N and divide the difference of the instruction counts by the difference
 * of N (start-up, module loading and warm-up cancel out). `--predictable` runs V8's collector and
 * compiler on the main thread at fixed points, so a program's count repeats to a few instructions per
 * request; a full collection before and after the measured requests (`--expose-gc`) keeps a major
 * GC, whose place still moves between programs, from landing inside one variant's window only.
 * Without these flags single counts move by ±15,000 instructions per request here.
 * `npm run bench -- express-instructions` runs the whole matrix (every CONFIG, REQUEST and
 * variant below) and writes its table; by hand:
 *
 *   npx esbuild bench/express-ir.ts --bundle --platform=node --format=esm --outfile=node_modules/.cache/ir/express-ir.mjs \
 *     --banner:js="import { createRequire as topLevelCreateRequire } from 'module'; const require = topLevelCreateRequire(import.meta.url);"
 *   for v in bare floor cors dropin policy; do for n in 4000 14000; do
 *     echo $v $n $(VARIANT=$v N=$n valgrind --tool=cachegrind --cache-sim=no \
 *       --cachegrind-out-file=/dev/null node --single-threaded --predictable --expose-gc node_modules/.cache/ir/express-ir.mjs 2>&1 | grep 'I *refs')
 *   done; done
 */
import { IncomingMessage, ServerResponse } from 'node:http';
import { Socket } from 'node:net';
import { GCProfiler, getHeapStatistics } from 'node:v8';
import cors from 'cors';
import express from 'express';
import { corsMiddleware, cors as dropIn } from '../src/adapters/express.js';
import type { CorsPolicyConfig } from '../src/server/index.js';

const ORIGINS = Array.from({ length: 100 }, (_, i) => `https://app${i}.example`);
const ORIGIN = ORIGINS[50]!;
const raw = ['Host', '127.0.0.1:8080', 'Origin', ORIGIN, 'Connection', 'keep-alive'];
// SETUP: `connection` (the default) is a request as node's parser hands it on a keep-alive
// connection: one socket for every request, the body ended (`push(null)`, as the parser does for a
// GET), and the event loop turned every 64 requests, so that what a request leaves queued (the
// ended body's stream events) runs as it would between a connection's reads rather than piling up
// over the whole loop. `shared`: the same socket, the body never ended, no turns (the setup of the
// counts before 2026-12-04's late session). `fresh`: a new socket per request, body ended, with turns.
const setup = process.env.SETUP ?? 'connection';
if (!['connection', 'shared', 'fresh'].includes(setup)) throw new Error(`SETUP ${setup}?`);
const socket = new Socket();
function app(mw?: express.RequestHandler) {
  const a = express();
  if (mw) a.use(mw);
  a.get('/', (_req, res) => {
    res.type('text/plain').send('hello');
  });
  return a;
}
const variant = process.env.VARIANT ?? 'bare';
// CONFIG: the allowed origins, the same for `cors`, the drop-in and corsMiddleware, always with
// credentials: `list` (the default: 100 origins), `one` (a single origin), `regex` (a pattern),
// `reflect` (`cors`'s `origin: true`; the drop-in needs `dangerouslyReflectAnyOrigin` for it). corsMiddleware has no regular expressions nor a reflect
// switch: it takes a resolver there (the pattern's test, or any origin), whose answers it caches.
const config = process.env.CONFIG ?? 'list';
const PATTERN = /^https:\/\/app\d+\.example$/;
const origins = { list: ORIGINS, one: ORIGIN, regex: PATTERN, reflect: true }[config];
if (origins === undefined) throw new Error(`CONFIG ${config}?`);
const policy: CorsPolicyConfig = {
  origins:
    config === 'list'
      ? ORIGINS
      : config === 'one'
        ? [ORIGIN]
        : config === 'regex'
          ? (origin: string) => PATTERN.test(origin)
          : () => true,
  credentials: true,
  methods: ['PUT'],
};
// REQUEST: `get` (the default; answered by the route) or `preflight` (OPTIONS with
// Access-Control-Request-Method: PUT, answered by the middleware; the floor answers it itself).
const request = process.env.REQUEST ?? 'get';
if (request !== 'get' && request !== 'preflight') throw new Error(`REQUEST ${request}?`);
if (request === 'preflight') raw.push('Access-Control-Request-Method', 'PUT');
const floor: express.RequestHandler = (req, res, next) => {
  res.setHeader('access-control-allow-origin', ORIGIN);
  res.setHeader('access-control-allow-credentials', 'true');
  res.setHeader('vary', 'Origin');
  if (req.method !== 'OPTIONS') {
    next();
    return;
  }
  res.setHeader('access-control-allow-methods', 'PUT');
  res.statusCode = 204;
  res.end();
};
const a = {
  bare: () => app(),
  floor: () => app(floor),
  cors: () => app(cors({ origin: origins, credentials: true })),
  dropin: () =>
    app(
      dropIn({
        origin: origins,
        credentials: true,
        // The drop-in refuses `origin: true` with credentials unless told so (secure by default).
        dangerouslyReflectAnyOrigin: config === 'reflect',
      }) as express.RequestHandler,
    ),
  policy: () => app(corsMiddleware(policy) as express.RequestHandler),
}[variant]!();
function one() {
  const req = new IncomingMessage(setup === 'fresh' ? new Socket() : socket) as IncomingMessage & {
    _addHeaderLines(l: string[], n: number): void;
  };
  req.method = request === 'get' ? 'GET' : 'OPTIONS';
  req.url = '/';
  req._addHeaderLines(raw, raw.length);
  if (setup !== 'shared') req.push(null);
  const res = new ServerResponse(req);
  a(req as never, res as never);
  return res;
}
const turn = () => new Promise<void>((resolve) => setImmediate(resolve));
async function requests(n: number): Promise<ServerResponse | null> {
  let last: ServerResponse | null = null;
  for (let i = 0; i < n; i++) {
    last = one();
    if (setup !== 'shared' && (i & 63) === 63) await turn();
  }
  if (setup !== 'shared') await turn();
  return last;
}
await requests(3000);
// With node --expose-gc, a full collection before and after the measured requests, so that a
// major GC's place (it moves between programs, even under --predictable) is the same in every run.
const collect = (globalThis as { gc?: () => void }).gc ?? (() => {});
collect();
const n = Number(process.env.N ?? 1000);
// ALLOC=1 (a plain `node --expose-gc` run, not under valgrind): also print the bytes the measured
// requests allocated, per request: the heap's growth plus what each collection freed.
const profiler = process.env.ALLOC === '1' ? new GCProfiler() : null;
const heapBefore = getHeapStatistics().used_heap_size;
profiler?.start();
const last = await requests(n);
const heapAfter = getHeapStatistics().used_heap_size;
const gcs = profiler?.stop();
collect();
if (gcs) {
  let bytes = heapAfter - heapBefore;
  for (const g of gcs.statistics)
    bytes += g.beforeGC.heapStatistics.usedHeapSize - g.afterGC.heapStatistics.usedHeapSize;
  console.log(JSON.stringify({ bytesPerRequest: bytes / n }));
}
if (variant !== 'bare' && last && last.getHeader('access-control-allow-origin') !== ORIGIN)
  throw new Error('no ACAO');
if (request === 'preflight' && variant !== 'bare' && last && last.statusCode !== 204)
  throw new Error(`preflight answered ${last.statusCode}`);
