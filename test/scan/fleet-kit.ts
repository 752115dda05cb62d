/**
 * The kit of the scanner's fleet (servers, data, listening). A fleet of loopback servers for the scanner: one per misconfiguration class and per common
 * framework misuse, plus correctly configured ones. Every server plays the API of the site
 * `https://app.victim.test` (the scanner is told so with `origin`), and its data depends on the
 * session cookie `session=s3cret`, so a trusted attacker origin with credentials can read
 * something private. The `expected` table is the exact set of findings each must produce.
 */
import http from 'node:http';
import type { AddressInfo } from 'node:net';
import type { FindingClass, Severity } from '../../src/scan/index.js';

export const SITE = 'https://app.victim.test';
export const COOKIE = 'session=s3cret';

export type Handler = (req: http.IncomingMessage, res: http.ServerResponse) => void;

/** The private answer: the user's data with the session cookie, a public stub without. */
export function signedIn(req: http.IncomingMessage): boolean {
  return (req.headers.cookie ?? '').split(/;\s*/).includes(COOKIE);
}

export function data(req: http.IncomingMessage): string {
  const signedIn = (req.headers.cookie ?? '').split(/;\s*/).includes(COOKIE);
  return JSON.stringify(signedIn ? { user: 'alice', email: 'alice@victim.test' } : { user: null });
}

export function json(req: http.IncomingMessage, res: http.ServerResponse): void {
  res.setHeader('content-type', 'application/json');
  // CORP keeps the fleet's JSON out of the isolation-posture finding (one server plants its absence).
  res.setHeader('cross-origin-resource-policy', 'same-site');
  res.end(data(req));
}

/**
 * A hand-written CORS layer as found in the wild: `trust(origin)` decides, the origin is echoed
 * with credentials, `Vary: Origin` is sent (unless `vary: false`), and preflights list PUT and
 * content-type (unless `reflectPreflight`).
 */
export function handRolled(
  trust: (origin: string) => boolean,
  opts: { credentials?: boolean; vary?: boolean; reflectPreflight?: boolean } = {},
): Handler {
  const credentials = opts.credentials ?? true;
  return (req, res) => {
    const origin = req.headers.origin;
    if (opts.vary !== false) res.setHeader('vary', 'Origin');
    if (typeof origin === 'string' && trust(origin)) {
      res.setHeader('access-control-allow-origin', origin);
      if (credentials) res.setHeader('access-control-allow-credentials', 'true');
    }
    if (req.method === 'OPTIONS' && req.headers['access-control-request-method']) {
      if (opts.reflectPreflight) {
        res.setHeader('access-control-allow-methods', String(req.headers['access-control-request-method']));
        const acrh = req.headers['access-control-request-headers'];
        if (acrh) res.setHeader('access-control-allow-headers', String(acrh));
      } else {
        res.setHeader('access-control-allow-methods', 'PUT');
        res.setHeader('access-control-allow-headers', 'content-type');
      }
      res.statusCode = 204;
      res.end();
      return;
    }
    json(req, res);
  };
}

export const exact = (list: string[]) => (o: string) => list.includes(o);
export const hostname = (o: string) => URL.parse(o)?.hostname ?? '';

export interface FleetServer {
  name: string;
  /** How the server is (mis)configured, as a person would describe it. */
  what: string;
  handler: Handler;
  /** The site the scan is told about (default SITE). */
  site?: string;
  /** The host name the target URL uses (default 127.0.0.1). */
  host?: string;
  /** Handles WebSocket upgrades (else Node answers an upgrade with 400). */
  upgrade?: (req: http.IncomingMessage, socket: import('node:stream').Duplex, head: Buffer) => void;
  /** The exact findings: class -> severity (with the session cookie). */
  expected: Partial<Record<FindingClass, Severity>>;
}

export function withMiddleware(
  mw: (req: http.IncomingMessage, res: http.ServerResponse, next: () => void) => void,
  inner: Handler = json,
): Handler {
  return (req, res) => mw(req, res, () => inner(req, res));
}

export interface Running {
  name: string;
  url: string;
  close(): Promise<void>;
}

/** Starts one server on 127.0.0.1, port 0. */
export async function listen(
  name: string,
  handler: Handler,
  upgrade?: FleetServer['upgrade'],
  host = '127.0.0.1',
): Promise<Running> {
  const server = http.createServer(handler);
  if (upgrade) server.on('upgrade', upgrade);
  // Node's default: undici reuses a connection only when the keep-alive hint leaves it 2 s of margin.
  server.keepAliveTimeout = 5000;
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  const { port } = server.address() as AddressInfo;
  return {
    name,
    url: `http://${host}:${port}/`,
    close: () =>
      new Promise<void>((resolve) => {
        server.closeAllConnections();
        server.close(() => resolve());
      }),
  };
}
