/**
 * The server's own JavaScript per request on node:http, without sockets, each case in a process of
 * its own (bench/_per-process.ts): node's IncomingMessage (header lines set as its parser sets them)
 * and ServerResponse (no socket: the head and body are built and queued, not written), through one
 * handler. Measured in one process (2026-12-04), ours moved from +0.14 to +0.39 µs over the floor
 * between runs and "floor + reading Origin" alone from +0.04 to +0.37: the cases disturbed each other.
 *
 * Parent: {@link socketlessRounds}. Child: this module run with `--case <name>`.
 */
import { IncomingMessage, ServerResponse } from 'node:http';
import { Socket } from 'node:net';
import cors from 'cors';
import type { HttpDecision } from '../src/_http/index.js';
import { NodeRequestView } from '../src/_http/index.js';
import { corsMiddleware } from '../src/adapters/node.js';
import { createCorsPolicy } from '../src/server/index.js';
import { over, perProcessRounds, readings, runCaseChild, signed } from './_per-process.js';

const ORIGIN = 'https://app.example';

/** The cases, by name: each builds one exchange and runs one server's handling of it. */
export const SOCKETLESS_CASES = [
  'bare handler',
  'floor: the 2 headers set by the handler',
  "floor + reading Origin (the adapter's request view)",
  "floor + the policy's decision (view, decide, no Vary keeping)",
  '`crossorigin/node` corsMiddleware',
  '`cors` package',
] as const;
export type SocketlessCase = (typeof SOCKETLESS_CASES)[number];

function handler(_req: IncomingMessage, res: ServerResponse): void {
  res.setHeader('content-type', 'text/plain');
  res.end('hello');
}

function makeCase(name: SocketlessCase): () => unknown {
  const socket = new Socket();
  const raw = ['Host', '127.0.0.1:8080', 'Origin', ORIGIN, 'Connection', 'keep-alive'];
  type Parsed = IncomingMessage & { _addHeaderLines(lines: string[], n: number): void };
  const exchange = (): [IncomingMessage, ServerResponse] => {
    const req = new IncomingMessage(socket) as Parsed;
    req.method = 'GET';
    req.url = '/';
    req._addHeaderLines(raw, raw.length);
    return [req, new ServerResponse(req)];
  };
  const floor = (res: ServerResponse) => {
    res.setHeader('access-control-allow-origin', ORIGIN);
    res.setHeader('vary', 'Origin');
  };
  switch (name) {
    case 'bare handler':
      return () => {
        const [req, res] = exchange();
        handler(req, res);
        return res;
      };
    case 'floor: the 2 headers set by the handler':
      return () => {
        const [req, res] = exchange();
        floor(res);
        handler(req, res);
        return res;
      };
    case "floor + reading Origin (the adapter's request view)":
      return () => {
        const [req, res] = exchange();
        new NodeRequestView(req).header('origin');
        floor(res);
        handler(req, res);
        return res;
      };
    case "floor + the policy's decision (view, decide, no Vary keeping)": {
      const policy = createCorsPolicy({ origins: [ORIGIN] });
      return () => {
        const [req, res] = exchange();
        const d = policy.handle(new NodeRequestView(req)) as HttpDecision;
        for (const [n, v] of d.headers) res.setHeader(n, v);
        res.setHeader('vary', 'Origin');
        handler(req, res);
        return res;
      };
    }
    case '`crossorigin/node` corsMiddleware': {
      const ours = corsMiddleware({ origins: [ORIGIN] });
      return () => {
        const [req, res] = exchange();
        ours(req, res, () => handler(req, res));
        return res;
      };
    }
    case '`cors` package': {
      const theirs = cors({ origin: ORIGIN });
      return () => {
        const [req, res] = exchange();
        theirs(req, res, () => handler(req, res));
        return res;
      };
    }
  }
}

/** Per case, the ns per request of each round (a fresh process each time). */
export function socketlessRounds(rounds: number): Promise<Record<SocketlessCase, number[]>> {
  return perProcessRounds(import.meta.url, SOCKETLESS_CASES, rounds, 'http (socketless)');
}

const FLOOR: SocketlessCase = 'floor: the 2 headers set by the handler';

/** The markdown table: the three readings per case, and each against the floor. */
export function socketlessTable(samples: Record<SocketlessCase, number[]>): string {
  const rows = SOCKETLESS_CASES.map((c) => {
    const r = readings(samples[c]);
    const o = over(samples[c], samples[FLOOR]);
    return `| ${c} | ${r.median.toFixed(1)} | ${r.least.toFixed(1)} | ${r.fast.toFixed(1)} | ${signed(o.median)} (${signed(o.min)} to ${signed(o.max)}) | ${signed(o.least)} | ${signed(o.fast)} |`;
  });
  return [
    '| case | median ns/request | least | median of the fast processes | over the floor, same round: median (range) | least over least | fast over fast |',
    '|---|---:|---:|---:|---:|---:|---:|',
    ...rows,
  ].join('\n');
}

/** A case over the floor by the three readings, ns. */
export function socketlessOver(samples: Record<SocketlessCase, number[]>, name: SocketlessCase): string {
  const o = over(samples[name], samples[FLOOR]);
  return `${signed(o.median)} ns (median of per-round differences), ${signed(o.least)} ns (least against least), ${signed(o.fast)} ns (fast processes)`;
}

const at = process.argv.indexOf('--case');
if (at !== -1) {
  const name = process.argv[at + 1] as SocketlessCase;
  const fn = makeCase(name);
  // The handler must answer as the servers do (ACAO for every case but the bare one).
  const acao = (fn() as ServerResponse).getHeader('access-control-allow-origin');
  if ((name === 'bare handler') !== (acao === undefined))
    throw new Error(`${name}: Access-Control-Allow-Origin ${String(acao)}`);
  await runCaseChild(name, fn);
}
