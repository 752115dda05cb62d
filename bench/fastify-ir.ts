/**
 * Instructions per request of Fastify 5 with each CORS plugin, counted by valgrind (cachegrind),
 * which a loaded machine does not disturb; the method of bench/express-ir.ts. Requests are fed to
 * `fastify.routing` with a socketless request and response, one at a time (each awaited until the
 * response ended), N after 2,000 warm-up ones; run at two N and divide the difference of the counts
 * by the difference of N. The bundle goes under node_modules/ so that what the plugin resolves at
 * run time (Fastify's find-my-way) is found; the banner's `createRequire` is renamed because the
 * plugin imports its own.
 *
 *   npx esbuild bench/fastify-ir.ts --bundle --platform=node --format=esm --outfile=node_modules/.cache/ir/fastify-ir.mjs \
 *     --banner:js="import { createRequire as topLevelCreateRequire } from 'module'; const require = topLevelCreateRequire(import.meta.url);"
 *   for v in bare usual ours; do for n in 1000 5000; do
 *     echo $v $n $(VARIANT=$v N=$n valgrind --tool=cachegrind --cache-sim=no \
 *       --cachegrind-out-file=/dev/null node --single-threaded --predictable --expose-gc node_modules/.cache/ir/fastify-ir.mjs 2>&1 | grep 'I *refs')
 *   done; done
 */
import { IncomingMessage, ServerResponse } from 'node:http';
import { Socket } from 'node:net';
import fastifyCors from '@fastify/cors';
import Fastify from 'fastify';
import { corsPlugin } from '../src/adapters/fastify.js';

const ORIGINS = Array.from({ length: 100 }, (_, i) => `https://app${i}.example`);
const ORIGIN = ORIGINS[50]!;
const raw = ['Host', '127.0.0.1:8080', 'Origin', ORIGIN, 'Connection', 'keep-alive'];
const socket = new Socket();
const variant = process.env.VARIANT ?? 'bare';
const app = Fastify();
if (variant === 'usual') await app.register(fastifyCors, { origin: ORIGINS, credentials: true });
if (variant === 'ours') await app.register(corsPlugin, { policy: { origins: ORIGINS, credentials: true } });
app.get('/', async (_req, reply) => reply.type('text/plain').send('hello'));
await app.ready();

let written: Record<string, unknown> = {};
function one(): Promise<ServerResponse> {
  const req = new IncomingMessage(socket) as IncomingMessage & {
    _addHeaderLines(l: string[], n: number): void;
  };
  req.method = 'GET';
  req.url = '/';
  req._addHeaderLines(raw, raw.length);
  const res = new ServerResponse(req);
  return new Promise((resolve) => {
    const writeHead = res.writeHead;
    res.writeHead = function (this: ServerResponse, status: number, headers?: Record<string, unknown>) {
      written = headers ?? {};
      return (writeHead as (...a: unknown[]) => ServerResponse).call(this, status, headers);
    } as typeof res.writeHead;
    const end = res.end;
    res.end = function (this: ServerResponse, ...args: unknown[]) {
      const r = (end as (...a: unknown[]) => ServerResponse).apply(this, args);
      resolve(res);
      return r;
    } as typeof res.end;
    app.routing(req, res);
  });
}
for (let i = 0; i < 2000; i++) await one();
// With node --expose-gc, a full collection before and after the measured requests, so that a
// major GC's place (it moves between programs, even under --predictable) is the same in every run.
const collect = (globalThis as { gc?: () => void }).gc ?? (() => {});
collect();
const n = Number(process.env.N ?? 1000);
let last: ServerResponse | null = null;
for (let i = 0; i < n; i++) last = await one();
collect();
if (variant !== 'bare' && written['access-control-allow-origin'] !== ORIGIN) throw new Error('no ACAO');
if (process.env.SHOW) console.log(last?.statusCode, written);
