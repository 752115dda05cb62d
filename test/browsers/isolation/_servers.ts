/**
 * Loopback servers for the isolation suites (ORB, CORP, COEP, COOP).
 *
 * Two HTTP/1.1 servers on 127.0.0.1, ephemeral ports `a` and `b`; the page lives on
 * `http://localhost:{a}` (a secure context, so COEP and COOP apply). Origins a case can target:
 * `localhost:{a}` (same-origin), `localhost:{b}` (same-site, cross-origin), `api.test:{a}` and
 * `127.0.0.1:{a}` (cross-site). Every server answers:
 *
 * - `GET /page?coep=<v>&coop=<v>&coepro=<v>`: a blank HTML page with those headers (absent when empty);
 * - `GET /r/<id>`: the registered resource, status, header lines and body exactly as written, and
 *   the request (cookie, range, headers) recorded for the case;
 * - `GET /__cookie?name=value`: sets a cookie (used by the Firefox runner);
 * - anything else: 404.
 *
 * With `{ https: true }`, two more servers speak HTTPS with the test certificate (../harness/tls.ts)
 * on ports `c` and `d`: `https://localhost:{c}` is a secure page of another scheme, `localhost:{d}`
 * and `api.test:{d}` its same-site and cross-site resources.
 */
import { createServer, type IncomingMessage, type Server, type ServerResponse } from 'node:http';
import type { AddressInfo } from 'node:net';
import { createTestHttpsServer } from '../harness/tls.js';

export type HeaderLines = [string, string][];

/** A resource as the server answers it. */
export interface ResourceAnswer {
  status: number;
  headers: HeaderLines;
  /** The body bytes (latin1 string). */
  body: string;
}

/** One request the server received for a resource. */
export interface SeenRequest {
  host: string;
  cookie: string | null;
  range: string | null;
  secFetchMode: string | null;
  secFetchDest: string | null;
}

export const BLANK =
  '<!doctype html><html><head><meta charset="utf-8"><title>isolation</title></head><body></body></html>';

/**
 * A popup that reports what it sees: a beacon to its own server (`opener=true|false`), and a
 * message to its opener when it has one.
 */
function popupPage(id: string): string {
  const js = JSON.stringify(id);
  return `<!doctype html><html><head><meta charset="utf-8"><title>popup</title></head><body><script>
const hasOpener = window.opener !== null;
fetch('/beacon?id=' + encodeURIComponent(${js}) + '&v=' + hasOpener);
if (hasOpener) { try { window.opener.postMessage('hello ' + ${js}, '*'); } catch (e) {} }
</script></body></html>`;
}

function headerOf(req: IncomingMessage, name: string): string | null {
  const v = req.headers[name];
  return v === undefined ? null : Array.isArray(v) ? v.join(', ') : v;
}

export class IsolationServers {
  private readonly resources = new Map<string, ResourceAnswer>();
  private readonly seen = new Map<string, SeenRequest[]>();
  /** Beacons from popup pages: id -> what the popup saw (`opener=true|false`). */
  readonly beacons = new Map<string, string>();
  private constructor(
    private readonly servers: Server[],
    readonly a: number,
    readonly b: number,
    /** HTTPS ports (0 without `https`). */
    readonly c: number,
    readonly d: number,
  ) {}

  static async start(options: { https?: boolean } = {}): Promise<IsolationServers> {
    const holder: { s?: IsolationServers } = {};
    const servers: Server[] = [];
    const ports: number[] = [];
    const handler = (req: IncomingMessage, res: ServerResponse) => {
      res.sendDate = false;
      if (holder.s) holder.s.handle(req, res);
      else res.writeHead(503).end();
    };
    for (let i = 0; i < (options.https ? 4 : 2); i++) {
      const server =
        i < 2 ? createServer({ keepAliveTimeout: 0 }, handler) : await createTestHttpsServer(handler);
      await new Promise<void>((resolve, reject) => {
        server.once('error', reject);
        server.listen(0, '127.0.0.1', () => resolve());
      });
      ports.push((server.address() as AddressInfo).port);
      servers.push(server);
    }
    holder.s = new IsolationServers(
      servers,
      ports[0] as number,
      ports[1] as number,
      ports[2] ?? 0,
      ports[3] ?? 0,
    );
    return holder.s;
  }

  /** Registers (or replaces) a resource and clears what was seen for it. */
  register(id: string, answer: ResourceAnswer): void {
    this.resources.set(id, answer);
    this.seen.set(id, []);
  }

  requests(id: string): SeenRequest[] {
    return this.seen.get(id) ?? [];
  }

  async close(): Promise<void> {
    await Promise.all(
      this.servers.map(
        (s) =>
          new Promise<void>((resolve) => {
            s.close(() => resolve());
            s.closeAllConnections();
          }),
      ),
    );
  }

  private handle(req: IncomingMessage, res: ServerResponse): void {
    req.resume();
    const url = new URL(req.url ?? '/', 'http://x');
    if (url.pathname === '/beacon') {
      this.beacons.set(url.searchParams.get('id') ?? '', url.searchParams.get('v') ?? '');
      res.writeHead(204, ['Access-Control-Allow-Origin', '*']);
      res.end();
      return;
    }
    if (url.pathname === '/page' || url.pathname === '/popup') {
      const flat: string[] = ['Content-Type', 'text/html; charset=utf-8', 'Cache-Control', 'no-store'];
      const coep = url.searchParams.get('coep');
      const coop = url.searchParams.get('coop');
      const coepro = url.searchParams.get('coepro');
      if (coep) flat.push('Cross-Origin-Embedder-Policy', coep);
      if (coepro) flat.push('Cross-Origin-Embedder-Policy-Report-Only', coepro);
      if (coop) flat.push('Cross-Origin-Opener-Policy', coop);
      const corp = url.searchParams.get('corp');
      if (corp) flat.push('Cross-Origin-Resource-Policy', corp);
      res.writeHead(200, flat);
      res.end(url.pathname === '/popup' ? popupPage(url.searchParams.get('id') ?? '') : BLANK);
      return;
    }
    if (url.pathname === '/__cookie') {
      const pair = decodeURIComponent(url.search.slice(1));
      res.writeHead(200, ['Set-Cookie', `${pair}; Path=/; SameSite=None`, 'Content-Type', 'text/html']);
      res.end(BLANK);
      return;
    }
    const m = /^\/r\/([a-z0-9-]+)(?:\/[^/]*)?$/.exec(url.pathname);
    const answer = m ? this.resources.get(m[1] as string) : undefined;
    if (!m || !answer) {
      res.writeHead(404, ['Content-Type', 'text/plain']);
      res.end('not found');
      return;
    }
    this.seen.get(m[1] as string)?.push({
      host: headerOf(req, 'host') ?? '',
      cookie: headerOf(req, 'cookie'),
      range: headerOf(req, 'range'),
      secFetchMode: headerOf(req, 'sec-fetch-mode'),
      secFetchDest: headerOf(req, 'sec-fetch-dest'),
    });
    const flat: string[] = [];
    let hasLength = false;
    for (const [n, v] of answer.headers) {
      if (n.toLowerCase() === 'content-length') hasLength = true;
      flat.push(n, v);
    }
    const body = Buffer.from(answer.body, 'latin1');
    if (!hasLength) flat.push('Content-Length', String(body.length));
    flat.push('Cache-Control', 'no-store');
    res.writeHead(answer.status, flat);
    res.end(req.method === 'HEAD' ? undefined : body);
  }
}
