/**
 * Instructions per request of a node:http handler with each CORS variant, counted by valgrind
 * (cachegrind), which a loaded machine does not disturb; the method of bench/express-ir.ts. The
 * handlers are those of bench/http.bench.ts's socketless table: node's own IncomingMessage (header
 * lines set as its parser sets them) and ServerResponse without a socket (the head and body are
 * built and queued, not written). One variant, N requests after 3,000 warm-up ones; run at two N and
 * divide the difference of the counts by the difference of N (start-up and warm-up cancel out).
 *
 * Variants: `bare` (the handler), `floor` (the handler setting the 2 headers itself), `view` (the
 * floor plus reading Origin through the adapter's request view), `ours` (`crossorigin/node`
 * corsMiddleware), `cors` (the `cors` package), `dropin` (our drop-in for it, `crossorigin/express`'s
 * `cors()`, which is a `(req, res, next)` middleware for node:http too). Same configuration as the http bench: one allowed
 * origin, no credentials.
 *
 *   npx esbuild bench/http-ir.ts --bundle --platform=node --format=esm --outfile=node_modules/.cache/ir/http-ir.mjs \
 *     --banner:js="import { createRequire as topLevelCreateRequire } from 'module'; const require = topLevelCreateRequire(import.meta.url);"
 *   # 12,000 / 32,000: a compilation lands between 2,000 and 12,000 and moves the figure by ~4,000.
 *   for v in bare floor view ours cors dropin; do for n in 12000 32000; do
 *     echo $v $n $(VARIANT=$v N=$n valgrind --tool=cachegrind --cache-sim=no \
 *       --cachegrind-out-file=/dev/null node --single-threaded --predictable --expose-gc node_modules/.cache/ir/http-ir.mjs 2>&1 | grep 'I *refs')
 *   done; done
 */
import { IncomingMessage, ServerResponse } from 'node:http';
import { Socket } from 'node:net';
import cors from 'cors';
import { NodeRequestView } from '../src/_http/index.js';
import { cors as corsDropIn } from '../src/adapters/express.js';
import { corsMiddleware } from '../src/adapters/node.js';

const ORIGIN = 'https://app.example';
const raw = ['Host', '127.0.0.1:8080', 'Origin', ORIGIN, 'Connection', 'keep-alive'];
const socket = new Socket();

function handler(_req: IncomingMessage, res: ServerResponse): void {
  res.setHeader('content-type', 'text/plain');
  res.end('hello');
}
function floor(res: ServerResponse): void {
  res.setHeader('access-control-allow-origin', ORIGIN);
  res.setHeader('vary', 'Origin');
}
const ours = corsMiddleware({ origins: [ORIGIN] });
const theirs = cors({ origin: ORIGIN });
const dropIn = corsDropIn({ origin: ORIGIN });
let sink: unknown;

type Serve = (req: IncomingMessage, res: ServerResponse) => void;
const variants: Record<string, Serve> = {
  bare: handler,
  floor: (req, res) => {
    floor(res);
    handler(req, res);
  },
  view: (req, res) => {
    sink = new NodeRequestView(req).header('origin');
    floor(res);
    handler(req, res);
  },
  ours: (req, res) => ours(req, res, () => handler(req, res)),
  cors: (req, res) => theirs(req, res, () => handler(req, res)),
  dropin: (req, res) => dropIn(req, res, () => handler(req, res)),
};
const variant = process.env.VARIANT ?? 'bare';
const serve = variants[variant];
if (serve === undefined) throw new Error(`VARIANT must be one of ${Object.keys(variants).join(', ')}`);

function one(): ServerResponse {
  const req = new IncomingMessage(socket) as IncomingMessage & {
    _addHeaderLines(lines: string[], n: number): void;
  };
  req.method = 'GET';
  req.url = '/';
  req._addHeaderLines(raw, raw.length);
  const res = new ServerResponse(req);
  serve!(req, res);
  return res;
}
for (let i = 0; i < 3000; i++) one();
// With node --expose-gc, a full collection before and after the measured requests, so that a
// major GC's place (it moves between programs, even under --predictable) is the same in every run.
const collect = (globalThis as { gc?: () => void }).gc ?? (() => {});
collect();
const n = Number(process.env.N ?? 2000);
let last: ServerResponse | null = null;
for (let i = 0; i < n; i++) last = one();
collect();
const acao = last?.getHeader('access-control-allow-origin');
if (variant !== 'bare' && (acao !== ORIGIN || !last?.writableEnded)) throw new Error(`no ACAO: ${acao}`);
if (variant === 'view' && sink !== ORIGIN) throw new Error('the view did not read Origin');
if (process.env.SHOW) console.log(last?.getHeaders());
