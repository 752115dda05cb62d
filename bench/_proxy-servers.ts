/**
 * The servers of the proxy benchmarks, shared by bench/proxy.bench.ts (CPU clock, autocannon) and
 * bench/proxy-ir.ts (instruction counts under valgrind), so both measure the same code: the
 * upstream (a fixed body), our proxy (fixed route or open targets), the bare undici pass-through
 * and the node:http pipe (the floor). Each returns the listening server (loopback, any port).
 */
import http from 'node:http';
import type { ProxyOptions } from '../src/proxy/index.js';

export const ORIGIN = 'http://app.test:5173';
/** The public address the open-target rows resolve to; the bench maps it to the loopback upstream. */
export const PUBLIC = '93.184.216.34';

const listening = (server: http.Server) =>
  new Promise<http.Server>((resolve) => server.listen(0, '127.0.0.1', () => resolve(server)));

/** The upstream: answers every request with `size` bytes. */
export function upstreamServer(size: number): Promise<http.Server> {
  const body = Buffer.alloc(size, 97);
  const server = http.createServer((req, res) => {
    req.resume();
    res.writeHead(200, { 'content-type': 'application/octet-stream', 'content-length': String(size) });
    res.end(body);
  });
  server.keepAliveTimeout = 60_000;
  return listening(server);
}

/**
 * The floor the issue names: a minimal node:http proxy, request piped to the upstream and the
 * upstream's answer piped back (keep-alive agent, hop-by-hop request headers dropped, nothing
 * checked, nothing rewritten).
 */
export function bareNodeServer(upstream: string): Promise<http.Server> {
  const target = new URL(upstream);
  const agent = new http.Agent({ keepAlive: true, maxSockets: 256 });
  const server = http.createServer((req, res) => {
    const headers: http.OutgoingHttpHeaders = { ...req.headers, host: target.host };
    delete headers.connection;
    delete headers['keep-alive'];
    const out = http.request(
      { host: target.hostname, port: target.port, path: req.url, method: req.method, headers, agent },
      (up) => {
        res.writeHead(up.statusCode ?? 502, up.headers);
        up.pipe(res);
      },
    );
    out.on('error', () => res.destroy());
    req.pipe(out);
  });
  return listening(server);
}

/** The bare undici pass-through: `Agent.stream()` into the response, no checks at all. */
export async function bareUndiciServer(upstream: string): Promise<http.Server> {
  const { Agent } = await import('undici');
  const agent = new Agent({ keepAliveTimeout: 60_000 });
  const server = http.createServer((req, res) => {
    const headers: Record<string, string | string[]> = {};
    for (const [k, v] of Object.entries(req.headers)) {
      if (v !== undefined && k !== 'host' && k !== 'connection' && k !== 'keep-alive') headers[k] = v;
    }
    agent
      .stream(
        { origin: upstream, path: req.url ?? '/', method: 'GET', headers },
        ({ statusCode, headers: h }) => {
          res.writeHead(statusCode, h as Record<string, string>);
          return res;
        },
      )
      .catch(() => res.destroy());
  });
  return listening(server);
}

/**
 * Our proxy: a fixed route `/api` → upstream, or (`open`) open targets: the allowlist, an
 * injected resolver, the connect-time SSRF check, and (bench only) the internal seam mapping the
 * checked public address to the loopback upstream.
 */
export async function oursServer(
  upstream: string,
  open: boolean,
  extra: Partial<ProxyOptions> = {},
): Promise<http.Server> {
  const { listenProxy } = await import('../src/proxy/listen.js');
  const { internal } = await import('../src/proxy/internal.js');
  const running = await listenProxy({
    cors: { origins: [ORIGIN] },
    routes: open ? [] : [{ prefix: '/api', target: upstream }],
    ...extra,
    ...(open
      ? {
          openTargets: { allowHosts: ['upstream.test'] },
          resolver: async () => [{ address: PUBLIC, family: 4 as const }],
          [internal]: { mapCheckedAddress: (a: string) => (a === PUBLIC ? '127.0.0.1' : a) },
        }
      : {}),
  });
  return running.server;
}
