/**
 * Test helpers for the proxy: loopback upstreams that count what reaches them, a fake resolver
 * (tests never use real DNS), and a proxy factory with the internal test seam.
 */
import http from 'node:http';
import net, { type AddressInfo } from 'node:net';
import type { ProxyOptions } from '../../src/proxy/config.js';
import { internal, type WithInternal } from '../../src/proxy/internal.js';
import { type ListeningProxy, listenProxy } from '../../src/proxy/listen.js';
import type { ResolvedAddress, Resolver } from '../../src/proxy/lookup.js';
import { createCorsPolicy } from '../../src/server/index.js';

/** A public-looking address the fake resolver hands out; the seam maps it to loopback. */
export const PUBLIC_V4 = '93.184.216.34';
export const PUBLIC_V6 = '2606:2800:220:1:248:1893:25c8:1946';

export interface Upstream {
  readonly server: http.Server;
  readonly port: number;
  readonly url: string;
  /** Requests that reached this upstream (method + url + headers). */
  readonly hits: { method: string; url: string; headers: http.IncomingHttpHeaders }[];
  close(): Promise<void>;
}

/** A loopback upstream; `handler` answers, every request is recorded first. */
export async function startUpstream(
  handler: (req: http.IncomingMessage, res: http.ServerResponse) => void,
  host = '127.0.0.1',
): Promise<Upstream> {
  const hits: Upstream['hits'] = [];
  const server = http.createServer((req, res) => {
    hits.push({ method: req.method ?? '', url: req.url ?? '', headers: req.headers });
    handler(req, res);
  });
  await new Promise<void>((resolve) => server.listen(0, host, resolve));
  const port = (server.address() as AddressInfo).port;
  return {
    server,
    port,
    url: `http://${host.includes(':') ? `[${host}]` : host}:${port}`,
    hits,
    async close() {
      server.closeAllConnections();
      await new Promise<void>((resolve) => server.close(() => resolve()));
    },
  };
}

/**
 * A fake resolver: a table of names to addresses (or a function per call, for rebinding).
 * Unknown names fail with ENOTFOUND. `calls` records every lookup.
 */
export function fakeResolver(
  table: Record<string, readonly string[] | ((call: number) => readonly string[])>,
): Resolver & { calls: string[] } {
  const calls: string[] = [];
  const counts = new Map<string, number>();
  const resolve = async (hostname: string): Promise<ResolvedAddress[]> => {
    calls.push(hostname);
    const n = (counts.get(hostname) ?? 0) + 1;
    counts.set(hostname, n);
    const entry = table[hostname];
    if (!entry) {
      const err: NodeJS.ErrnoException = new Error(`fake resolver: ENOTFOUND ${hostname}`);
      err.code = 'ENOTFOUND';
      throw err;
    }
    const list = typeof entry === 'function' ? entry(n) : entry;
    return list.map((address): ResolvedAddress => ({ address, family: address.includes(':') ? 6 : 4 }));
  };
  return Object.assign(resolve, { calls });
}

/** Maps the public test addresses to loopback AFTER the SSRF check (the internal seam). */
export const toLoopback = (address: string): string =>
  address === PUBLIC_V4 ? '127.0.0.1' : address === PUBLIC_V6 ? '127.0.0.1' : address;

export const PAGE_ORIGIN = 'http://app.test:5173';

/** A proxy on loopback with the test seam; the CORS policy allows PAGE_ORIGIN by default. */
export async function startProxy(options: WithInternal<Partial<ProxyOptions>>): Promise<ListeningProxy> {
  return listenProxy({
    cors: createCorsPolicy({
      origins: [PAGE_ORIGIN],
      methods: ['PUT', 'DELETE'],
      requestHeaders: ['content-type', 'x-requested-with'],
    }),
    [internal]: { mapCheckedAddress: toLoopback },
    ...options,
  } as ProxyOptions);
}

/** One raw HTTP/1.1 request with node:http (no client-side URL normalisation), body as text. */
export function rawRequest(
  baseUrl: string,
  path: string,
  init: { method?: string; headers?: Record<string, string>; body?: string | Buffer } = {},
): Promise<{ status: number; headers: http.IncomingHttpHeaders; body: string }> {
  const u = new URL(baseUrl);
  return new Promise((resolve, reject) => {
    const req = http.request(
      {
        host: u.hostname.replace(/^\[|\]$/g, ''),
        port: u.port,
        path,
        method: init.method ?? 'GET',
        headers: init.headers,
        agent: false,
      },
      (res) => {
        const chunks: Buffer[] = [];
        res.on('data', (c: Buffer) => chunks.push(c));
        res.on('end', () =>
          resolve({
            status: res.statusCode ?? 0,
            headers: res.headers,
            body: Buffer.concat(chunks).toString('utf8'),
          }),
        );
        res.on('error', reject);
      },
    );
    req.on('error', reject);
    req.end(init.body);
  });
}

/**
 * Writes `payload` on a fresh TCP connection to 127.0.0.1:`port` (from `localAddress`, another
 * loopback address if given) and collects what comes back until the proxy closes the connection
 * or `timeoutMs` passes. Returns the raw text and the status lines in order.
 */
export function rawExchange(
  port: number,
  payload: string | Buffer,
  options: { localAddress?: string; timeoutMs?: number; endAfter?: number } = {},
): Promise<{ text: string; statuses: number[]; closed: boolean }> {
  return new Promise((resolve, reject) => {
    const socket = net.connect({ port, host: '127.0.0.1', localAddress: options.localAddress });
    let text = '';
    let closed = false;
    const statuses = () => [...text.matchAll(/HTTP\/1\.1 (\d{3}) /g)].map((m) => Number(m[1]));
    const finish = () => {
      clearTimeout(timer);
      socket.destroy();
      resolve({ text, statuses: statuses(), closed });
    };
    const timer = setTimeout(finish, options.timeoutMs ?? 5_000);
    socket.on('error', reject);
    socket.on('connect', () => socket.write(payload));
    socket.on('data', (d: Buffer) => {
      text += d.toString('latin1');
      if (options.endAfter !== undefined && statuses().length >= options.endAfter) finish();
    });
    socket.on('close', () => {
      closed = true;
      finish();
    });
  });
}
