/**
 * `listenProxy`: the proxy on its own `node:http` server, with the server-side limits that belong
 * to the connection (request head size, slow heads, keep-alive) and malformed requests answered.
 */
import http from 'node:http';
import { DEFAULT_LIMITS, type ProxyOptions } from './config.js';
import { type CrossoriginProxy, createProxy } from './server.js';

/** Options of `listenProxy`. */
export interface ListenOptions {
  /** Default 0 (an ephemeral port). */
  readonly port?: number;
  /** Default 127.0.0.1. */
  readonly host?: string;
}

/** A listening proxy server. */
export interface ListeningProxy {
  readonly server: http.Server;
  readonly proxy: CrossoriginProxy;
  /** e.g. `http://127.0.0.1:8787` */
  readonly url: string;
  /** Stops accepting, ends open connections and closes upstream pools. */
  close(): Promise<void>;
}

/**
 * Creates the proxy and a `node:http` server for it (request head limit, slow-client timeouts,
 * WebSocket upgrades), and listens. Defaults: port 0 (ephemeral), host 127.0.0.1.
 *
 * @example
 * ```ts
 * import { listenProxy } from 'crossorigin/proxy';
 * const running = await listenProxy(
 *   { cors: { origins: ['https://app.example.com'] }, openTargets: { allowHosts: ['api.example.com'] } },
 *   { port: 8787 },
 * );
 * console.log(running.url); // http://127.0.0.1:8787
 * await running.close();
 * ```
 */
export async function listenProxy(
  options: ProxyOptions,
  listen: ListenOptions = {},
): Promise<ListeningProxy> {
  const proxy = createProxy(options);
  // createProxy validated the limits; read them without compiling the options a second time.
  const limits = { ...DEFAULT_LIMITS, ...options.limits };
  const server = http.createServer(
    {
      maxHeaderSize: limits.maxHeaderBytes,
      headersTimeout: Math.min(20_000, limits.totalTimeoutMs),
      requestTimeout: limits.totalTimeoutMs,
      keepAliveTimeout: 5_000,
    },
    proxy.handleRequest,
  );
  server.on('upgrade', proxy.handleUpgrade);
  server.on('clientError', (err: NodeJS.ErrnoException, socket) => {
    if (!socket.writable) {
      socket.destroy();
      return;
    }
    const overflow = err.code === 'HPE_HEADER_OVERFLOW';
    const status = overflow ? '431 Request Header Fields Too Large' : '400 Bad Request';
    const text = `${status}: ${overflow ? `the request head is larger than ${limits.maxHeaderBytes} bytes` : 'malformed request'}\n`;
    socket.end(
      `HTTP/1.1 ${status}\r\nContent-Type: text/plain; charset=utf-8\r\nContent-Length: ${Buffer.byteLength(text)}\r\nConnection: close\r\n\r\n${text}`,
    );
  });
  const host = listen.host ?? '127.0.0.1';
  await new Promise<void>((resolve, reject) => {
    server.once('error', reject);
    server.listen(listen.port ?? 0, host, () => {
      server.off('error', reject);
      resolve();
    });
  });
  const address = server.address();
  const port = typeof address === 'object' && address ? address.port : 0;
  const shown = host.includes(':') ? `[${host}]` : host;
  return {
    server,
    proxy,
    url: `http://${shown}:${port}`,
    async close() {
      await new Promise<void>((resolve) => {
        server.close(() => resolve());
        server.closeAllConnections();
      });
      await proxy.close();
    },
  };
}
