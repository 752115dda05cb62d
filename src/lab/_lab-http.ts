/**
 * The lab server's shared pieces: limits, small HTTP helpers, the tunnel request check, and the
 * state the three origins share (cases configured by the page, the wire log per run).
 */

import type http from 'node:http';
import type { AddressInfo } from 'node:net';
import { fileURLToPath } from 'node:url';
import type { CrossoriginProxy } from '../proxy/index.js';
import type { CompiledSetup, LabOrigins } from './setup.js';
import type { LabHeader, LabInfo, WireEntry } from './types.js';

/** What the lab's handlers share. */
export interface LabState {
  assetsDir: string;
  cases: Map<string, CompiledSetup>;
  logs: Map<string, WireEntry[]>;
  origins: LabOrigins;
  info: LabInfo;
  otherPort: number;
  proxy: CrossoriginProxy;
  counter: number;
  /** The `Host` values the app origin answers (its own, and its https twin's). */
  appHosts: Set<string>;
}

/** Appends a request to its run's wire log (bounded: MAX_RUNS runs, MAX_ENTRIES entries each). */
export function recordEntry(st: LabState, key: string, entry: WireEntry): void {
  let list = st.logs.get(key);
  if (!list) {
    if (st.logs.size >= MAX_RUNS) st.logs.delete(st.logs.keys().next().value as string);
    list = [];
    st.logs.set(key, list);
  }
  if (list.length < MAX_ENTRIES) list.push(entry);
}

export const ID = /^[A-Za-z0-9_-]{1,64}$/;
export const MAX_CASES = 500;
export const MAX_RUNS = 2000;
export const MAX_ENTRIES = 50;
export const MAX_BODY = 64 * 1024;
/** A 1x1 opaque red PNG. */
export const PNG = Buffer.from(
  'iVBORw0KGgoAAAANSUhEUgAAAAEAAAABCAIAAACQd1PeAAAADElEQVR4nGP4z8AAAAMBAQDJ/pLvAAAAAElFTkSuQmCC',
  'base64',
);

export const TYPES: Record<string, string> = {
  '.html': 'text/html; charset=utf-8',
  '.js': 'text/javascript; charset=utf-8',
  '.css': 'text/css; charset=utf-8',
  '.svg': 'image/svg+xml',
  '.png': 'image/png',
  '.ico': 'image/x-icon',
  '.json': 'application/json',
  '.txt': 'text/plain; charset=utf-8',
};

/** The default assets folder: dist/lab-page next to dist/lab (this file compiled). */
export function defaultAssetsDir(): string {
  return fileURLToPath(new URL('../lab-page/', import.meta.url));
}

export function rawHeaderList(req: http.IncomingMessage): LabHeader[] {
  const out: LabHeader[] = [];
  for (let i = 0; i + 1 < req.rawHeaders.length; i += 2)
    out.push([req.rawHeaders[i]!, req.rawHeaders[i + 1]!]);
  return out;
}

export function responseHeaderList(res: http.ServerResponse): LabHeader[] {
  const out: LabHeader[] = [];
  for (const [name, value] of Object.entries(res.getHeaders())) {
    if (value === undefined) continue;
    for (const v of Array.isArray(value) ? value : [value]) out.push([name, String(v)]);
  }
  return out;
}

export async function readBody(req: http.IncomingMessage): Promise<string | null> {
  let size = 0;
  const chunks: Buffer[] = [];
  for await (const chunk of req) {
    size += (chunk as Buffer).length;
    if (size > MAX_BODY) return null;
    chunks.push(chunk as Buffer);
  }
  return Buffer.concat(chunks).toString('utf8');
}

export function sendJson(res: http.ServerResponse, status: number, value: unknown): void {
  const body = JSON.stringify(value);
  res.writeHead(status, {
    'content-type': 'application/json; charset=utf-8',
    'cache-control': 'no-store',
    'content-length': Buffer.byteLength(body),
  });
  res.end(body);
}

export function listen(server: http.Server, port: number, host: string): Promise<number> {
  return new Promise((resolve, reject) => {
    const onError = (err: Error) => reject(err);
    server.once('error', onError);
    server.listen(port, host, () => {
      server.off('error', onError);
      resolve((server.address() as AddressInfo).port);
    });
  });
}

export function closeServer(server: http.Server): Promise<void> {
  return new Promise((resolve) => {
    if (!server.listening) return resolve();
    server.close(() => resolve());
    server.closeAllConnections();
  });
}

const TOKEN = /^[!#$%&'*+\-.^_`|~0-9A-Za-z]+$/;

interface SendRequest {
  url: string;
  method: string;
  headers: LabHeader[];
  body: Uint8Array | null;
}

/** Checks a tunnelled request: a URL on one of `allowed` origins, a token method, valid headers. */
export function checkSend(input: unknown, allowed: readonly string[]): SendRequest | string {
  if (input === null || typeof input !== 'object') return 'a request object is required';
  const r = input as { url?: unknown; method?: unknown; headers?: unknown; body?: unknown };
  const url = typeof r.url === 'string' ? URL.parse(r.url) : null;
  if (url === null || !allowed.includes(url.origin))
    return 'the URL must be on the lab API or the other site';
  if (typeof r.method !== 'string' || !TOKEN.test(r.method)) return 'the method must be a token';
  if (!Array.isArray(r.headers) || r.headers.length > 100)
    return 'headers must be a list of at most 100 pairs';
  const headers: LabHeader[] = [];
  for (const h of r.headers) {
    if (!Array.isArray(h) || typeof h[0] !== 'string' || typeof h[1] !== 'string')
      return 'each header is [name, value]';
    if (!TOKEN.test(h[0]) || /[\r\n\0]/.test(h[1]) || h[1].length > 8192)
      return `invalid header ${String(h[0]).slice(0, 40)}`;
    headers.push([h[0], h[1]]);
  }
  let body: Uint8Array | null = null;
  if (typeof r.body === 'string') body = Buffer.from(r.body, 'base64');
  else if (r.body !== null && r.body !== undefined) return 'the body is base64 or null';
  return { url: url.href, method: r.method, headers, body };
}
