/**
 * The frameworks without sockets, each variant in a process of its own (bench/_per-process.ts): the
 * variant's own server (as `npm run bench -- frameworks` builds it) is handed node's IncomingMessage
 * (header lines set as its parser sets them) and a ServerResponse with no socket (the head and body
 * are built and queued, not written) through its `request` listener; a request ends when the
 * framework calls `res.end`. What is timed is the JavaScript each request costs the server, whole
 * (router, middleware, reply), without the kernel's share that makes the end-to-end figures move by
 * more than the differences between middlewares.
 */
import { IncomingMessage, type Server, ServerResponse } from 'node:http';
import { Socket } from 'node:net';
import { type CaseFn, over, perProcessRounds, readings, signed } from './_per-process.js';

/** Resolves once `res` has ended: after microtask turns (Fastify, Koa, Hono), else after event-loop turns. */
async function whenEnded(res: ServerResponse): Promise<ServerResponse> {
  for (let i = 0; i < 1000 && !res.writableEnded; i++) await null;
  for (let i = 0; i < 100 && !res.writableEnded; i++) await new Promise<void>((r) => setImmediate(r));
  return res;
}

/**
 * One request through `server`'s request listener: the response itself when the framework ended it
 * synchronously (node, Express), else a promise of it. Nothing is added to the request or the
 * response (an own `end` would change their shape under the middleware), and each request has its
 * own unconnected socket: a framework that watches the socket (on-finished) must not pile listeners
 * on a shared one. The request's body ends at once (a GET), so such watchers are released.
 */
export function socketlessRequest(server: Server, origin: string): CaseFn {
  const listener = server.listeners('request')[0] as (req: IncomingMessage, res: ServerResponse) => void;
  const raw = ['Host', '127.0.0.1:8080', 'Origin', origin, 'Connection', 'keep-alive'];
  type Parsed = IncomingMessage & { _addHeaderLines(lines: string[], n: number): void };
  return () => {
    const req = new IncomingMessage(new Socket()) as Parsed;
    req.method = 'GET';
    req.url = '/';
    req._addHeaderLines(raw, raw.length);
    req.push(null);
    const res = new ServerResponse(req as IncomingMessage);
    listener(req, res);
    return res.writableEnded ? res : whenEnded(res);
  };
}

/** Checks one answer as the socket bench checks its servers: the allowed origin, credentials. */
export async function checkSocketless(id: string, fn: CaseFn, origin: string): Promise<void> {
  const res = (await Promise.race([
    fn(),
    new Promise((_, reject) => setTimeout(() => reject(new Error(`${id}: no answer in 2 s`)), 2000)),
  ])) as ServerResponse;
  // The head as node built it (Fastify passes its headers to writeHead, not through setHeader).
  const head = String((res as unknown as { _header?: string })._header ?? '').toLowerCase();
  const acao = /\r\naccess-control-allow-origin: ([^\r]*)/.exec(head)?.[1];
  const ok = id.endsWith('-bare')
    ? acao === undefined
    : acao === origin && head.includes('\r\naccess-control-allow-credentials: true\r\n');
  if (res.statusCode !== 200 || !ok) throw new Error(`${id} answers ${res.statusCode} ACAO ${String(acao)}`);
}

export interface SocketlessVariant {
  id: string;
  framework: string;
  label: string;
  kind: 'bare' | 'usual' | 'ours' | 'floor';
}

/** Per variant, the ns per request of each round. */
export function frameworksSocketless(
  moduleUrl: string,
  variants: readonly SocketlessVariant[],
  rounds: number,
): Promise<Record<string, number[]>> {
  return perProcessRounds(
    moduleUrl,
    variants.map((v) => v.id),
    rounds,
    'frameworks (socketless)',
  );
}

/** The table: readings per variant; ours against the usual middleware (node:http: against the floor). */
export function frameworksSocketlessTable(
  variants: readonly SocketlessVariant[],
  samples: Record<string, number[]>,
): string {
  const rows = variants.map((v) => {
    const r = readings(samples[v.id] as number[]);
    const usual = variants.find(
      (w) => w.framework === v.framework && (w.kind === 'usual' || w.kind === 'floor'),
    );
    const saved =
      v.kind === 'ours' && usual ? over(samples[usual.id] as number[], samples[v.id] as number[]) : null;
    const cell = saved
      ? `${signed(saved.median)} (${signed(saved.min)} to ${signed(saved.max)}) | ${signed(saved.least)} | ${signed(saved.fast)}`
      : ' | | ';
    return `| ${v.framework} | ${v.label} | ${r.median.toFixed(0)} | ${r.least.toFixed(0)} | ${r.fast.toFixed(0)} | ${cell} |`;
  });
  return [
    '| framework | CORS | median ns/request | least | median of the fast processes | ns saved vs the usual middleware (node:http: the floor minus ours), per round: median (range) | least vs least | fast vs fast |',
    '|---|---|---:|---:|---:|---:|---:|---:|',
    ...rows,
  ].join('\n');
}
