/**
 * Instructions per request of Express 5 with each CORS middleware, counted by valgrind (cachegrind),
 * which a loaded machine does not disturb. One variant, N socketless requests after 3,000 warm-up
 * ones; run twice with two N and divide the difference of the instruction counts by the difference
 * of N (start-up, module loading and warm-up cancel out). `--predictable` runs V8's collector and
 * compiler on the main thread at fixed points, so a program's count repeats to a few instructions per
 * request; a full collection before and after the measured requests (`--expose-gc`) keeps a major
 * GC, whose place still moves between programs, from landing inside one variant's window only.
 * Without these flags single counts move by ±15,000 instructions per request here.
 *
 *   npx esbuild bench/express-ir.ts --bundle --platform=node --format=esm --outfile=node_modules/.cache/ir/express-ir.mjs \
 *     --banner:js="import { createRequire as topLevelCreateRequire } from 'module'; const require = topLevelCreateRequire(import.meta.url);"
 *   for v in bare floor cors dropin policy; do for n in 1000 5000; do
 *     echo $v $n $(VARIANT=$v N=$n valgrind --tool=cachegrind --cache-sim=no \
 *       --cachegrind-out-file=/dev/null node --single-threaded --predictable --expose-gc node_modules/.cache/ir/express-ir.mjs 2>&1 | grep 'I *refs')
 *   done; done
 */
import { IncomingMessage, ServerResponse } from 'node:http';
import { Socket } from 'node:net';
import cors from 'cors';
import express from 'express';
import { corsMiddleware, cors as dropIn } from '../src/adapters/express.js';

const ORIGINS = Array.from({ length: 100 }, (_, i) => `https://app${i}.example`);
const ORIGIN = ORIGINS[50]!;
const raw = ['Host', '127.0.0.1:8080', 'Origin', ORIGIN, 'Connection', 'keep-alive'];
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
const floor: express.RequestHandler = (_q, res, next) => {
  res.setHeader('access-control-allow-origin', ORIGIN);
  res.setHeader('access-control-allow-credentials', 'true');
  res.setHeader('vary', 'Origin');
  next();
};
const a = {
  bare: () => app(),
  floor: () => app(floor),
  cors: () => app(cors({ origin: ORIGINS, credentials: true })),
  dropin: () => app(dropIn({ origin: ORIGINS, credentials: true }) as express.RequestHandler),
  policy: () => app(corsMiddleware({ origins: ORIGINS, credentials: true }) as express.RequestHandler),
}[variant]!();
function one() {
  const req = new IncomingMessage(socket) as IncomingMessage & {
    _addHeaderLines(l: string[], n: number): void;
  };
  req.method = 'GET';
  req.url = '/';
  req._addHeaderLines(raw, raw.length);
  const res = new ServerResponse(req);
  a(req as never, res as never);
  return res;
}
for (let i = 0; i < 3000; i++) one();
// With node --expose-gc, a full collection before and after the measured requests, so that a
// major GC's place (it moves between programs, even under --predictable) is the same in every run.
const collect = (globalThis as { gc?: () => void }).gc ?? (() => {});
collect();
const n = Number(process.env.N ?? 1000);
let last: ServerResponse | null = null;
for (let i = 0; i < n; i++) last = one();
collect();
if (variant !== 'bare' && last && last.getHeader('access-control-allow-origin') !== ORIGIN)
  throw new Error('no ACAO');
