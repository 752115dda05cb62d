/**
 * Loopback servers for 'cors-exchange' cases.
 *
 * Three HTTP/1.1 servers on 127.0.0.1 with ephemeral ports, one per role: `app` (the page's origin),
 * `api` and `other`. Browsers reach them as `app.test`, `api.test` and `other.test` (the browsers
 * map `*.test` to 127.0.0.1), or as `127.0.0.1:{port}` / `localhost:{port}`. Every server answers:
 *
 * - `GET /`: a blank HTML page (the page the browser scripts run in);
 * - `/c/<caseId>/<path>`: the case's answers, raw (status and header lines exactly as written,
 *   duplicates and order kept):
 *     - an OPTIONS request carrying `Access-Control-Request-Method` (a preflight) gets
 *       `server.preflight`; when the case has none, it gets {@link NO_CORS_PREFLIGHT_ANSWER}, what a
 *       server without CORS support answers (404, no CORS headers);
 *     - any other request gets `server.hops['<role>.test<path>']`, else `server.hops['<path>']`, else
 *       `server.actual` (`<path>` without the query);
 *   and every such request is recorded for the case (method, path, all headers in order);
 * - `GET /__cookie?name=value`: sets a cookie for this host (`SameSite=None`, no `Secure`; used for
 *   Firefox, see firefox.ts) and answers 200 with the blank page;
 * - anything else: 404.
 *
 * The body of an answer is `ok <caseId>` (none for HEAD, 1xx, 204, 304); `Content-Length` is added
 * when the case did not write one. No `Date` header is sent, and no `Keep-Alive` header (the
 * servers keep connections open without a timeout, closed by close()): Node adds
 * `Keep-Alive: timeout=N` otherwise, which browsers expose under `Access-Control-Expose-Headers: *`
 * but undici's fetch does not always pass on (HEAD), a transport artefact, not CORS.
 */
import { createServer, type IncomingMessage, type Server, type ServerResponse } from 'node:http';
import type { AddressInfo } from 'node:net';
import type { HeaderList, RawResponse } from '../../fixtures/schema.js';
import type { HarnessCase, RecordedRequest, Role } from './types.js';

export const ROLES: readonly Role[] = ['app', 'api', 'other'];

/** What the servers answer to a preflight when the case gives no `server.preflight`. */
export const NO_CORS_PREFLIGHT_ANSWER: RawResponse = {
  status: 404,
  headers: [['Content-Type', 'text/plain']],
};

export const BLANK_PAGE =
  '<!doctype html><html><head><meta charset="utf-8"><title>crossorigin harness</title></head><body></body></html>';

export type Ports = Record<Role, number>;

/** A cookie the runners set before any case: `name=value` for a host name (ports do not matter). */
export interface CookieSpec {
  host: string;
  pair: string;
}

/** `harness=1` on api.test, other.test and localhost. */
export const DEFAULT_COOKIES: CookieSpec[] = [
  { host: 'api.test', pair: 'harness=1' },
  { host: 'other.test', pair: 'harness=1' },
  { host: 'localhost', pair: 'harness=1' },
];

/** A case rewritten for the running servers (hosts get their ports, paths move under `/c/<id>`). */
export interface LocalCase extends HarnessCase {
  /** The fixture case as written. */
  source: HarnessCase;
}

interface Registered {
  local: LocalCase;
  log: RecordedRequest[];
}

const HOST_RE = /^(app|api|other)\.test$/i;

/** Replaces `{app}`/`{api}`/`{other}` with port numbers, and adds ports to bare `//x.test` hosts. */
export function localizeValue(value: string, ports: Ports): string {
  return value
    .replace(/\{(app|api|other)\}/g, (_m, r: Role) => String(ports[r]))
    .replace(
      /(\/\/(?:[^/?#@\s]*@)?)(app|api|other)(\.test)(?![\w.:-])/gi,
      (_m, pre: string, host: string, tld: string) => {
        const role = host.toLowerCase() as Role;
        return `${pre}${host}${tld}:${ports[role]}`;
      },
    );
}

/** Which of our servers a URL (already localized) points at, if any. */
export function roleOfUrl(url: string, ports: Ports): Role | null {
  const m = /^[a-z][a-z0-9+.-]*:\/\/(?:[^/?#@]*@)?([^/?#:]*|\[[^\]]*\])(?::(\d+))?/i.exec(url);
  if (!m) return null;
  const host = (m[1] ?? '').toLowerCase();
  const port = Number(m[2] ?? '80');
  const isOurs = HOST_RE.test(host) || host === '127.0.0.1' || host === 'localhost' || host === '[::1]';
  if (!isOurs) return null;
  for (const r of ROLES) if (ports[r] === port) return r;
  return null;
}

/** Localizes a request URL or absolute Location and moves its path under `/c/<id>`. */
export function localizeUrl(url: string, id: string, ports: Ports): string {
  const v = localizeValue(url, ports);
  if (v.startsWith('/') && !v.startsWith('//')) return `/c/${id}${v}`;
  if (roleOfUrl(v, ports) === null) return v;
  const m = /^([a-z][a-z0-9+.-]*:\/\/[^/?#]*)(.*)$/i.exec(v);
  if (!m) return v;
  const rest = m[2] ?? '';
  return `${m[1]}/c/${id}${rest.startsWith('/') ? rest : `/${rest}`}`;
}

function localizeResponse(r: RawResponse, id: string, ports: Ports): RawResponse {
  const out: RawResponse = {
    status: r.status,
    headers: r.headers.map(([n, v]) => [n, localizeValue(v, ports)]),
  };
  if (r.location !== undefined) out.location = localizeUrl(r.location, id, ports);
  return out;
}

/** Rewrites a case for servers on `ports` (pure). */
export function localizeCase(c: HarnessCase, ports: Ports): LocalCase {
  const hops: Record<string, RawResponse> = {};
  for (const [k, v] of Object.entries(c.server.hops ?? {})) hops[k] = localizeResponse(v, c.id, ports);
  const local: LocalCase = {
    ...c,
    source: c,
    request: {
      ...c.request,
      origin: localizeValue(c.request.origin, ports),
      url: localizeUrl(c.request.url, c.id, ports),
      headers: (c.request.headers ?? []).map(([n, v]) => [n, localizeValue(v, ports)]),
    },
    server: {
      actual: localizeResponse(c.server.actual, c.id, ports),
      ...(c.server.preflight ? { preflight: localizeResponse(c.server.preflight, c.id, ports) } : {}),
      ...(c.server.hops ? { hops } : {}),
    },
  };
  return local;
}

function rawHeaderList(req: IncomingMessage): HeaderList {
  const out: HeaderList = [];
  const raw = req.rawHeaders;
  for (let i = 0; i + 1 < raw.length; i += 2) out.push([raw[i] as string, raw[i + 1] as string]);
  return out;
}

function headerOf(list: HeaderList, name: string): string | null {
  const lower = name.toLowerCase();
  for (const [n, v] of list) if (n.toLowerCase() === lower) return v;
  return null;
}

const NO_BODY_STATUS = (s: number) => s < 200 || s === 204 || s === 304;

function send(res: ServerResponse, method: string, answer: RawResponse, body: string): void {
  const flat: string[] = [];
  let hasLength = false;
  for (const [n, v] of answer.headers) {
    if (n.toLowerCase() === 'content-length') hasLength = true;
    flat.push(n, v);
  }
  if (answer.location !== undefined) flat.push('Location', answer.location);
  const withBody = !NO_BODY_STATUS(answer.status);
  if (!hasLength && withBody) flat.push('Content-Length', String(Buffer.byteLength(body)));
  try {
    res.writeHead(answer.status, flat);
    res.end(withBody && method !== 'HEAD' ? body : undefined);
  } catch (e) {
    // Node refused a header or status the case wrote: answer 500 so the case shows it.
    if (!res.headersSent) {
      res.writeHead(500, ['Content-Type', 'text/plain', 'X-Harness-Error', 'invalid-case-answer']);
    }
    res.end(`harness: cannot send the case's answer: ${(e as Error).message}`);
  }
}

/** The running servers and the cases registered with them. */
export class CaseServers {
  readonly ports: Ports;
  private readonly servers: Server[];
  private readonly cases = new Map<string, Registered>();

  private constructor(servers: Server[], ports: Ports) {
    this.servers = servers;
    this.ports = ports;
  }

  /** Starts the three servers on 127.0.0.1, ephemeral ports. */
  static async start(): Promise<CaseServers> {
    const servers: Server[] = [];
    const ports = { app: 0, api: 0, other: 0 } as Ports;
    let self: CaseServers | null = null;
    for (const role of ROLES) {
      const server = createServer({ keepAliveTimeout: 0 }, (req, res) => {
        res.sendDate = false;
        if (self) self.handle(role, req, res);
        else res.writeHead(503).end();
      });
      await new Promise<void>((resolve, reject) => {
        server.once('error', reject);
        server.listen(0, '127.0.0.1', () => resolve());
      });
      ports[role] = (server.address() as AddressInfo).port;
      servers.push(server);
    }
    self = new CaseServers(servers, ports);
    return self;
  }

  /** `http://<role>.test:<port>` */
  origin(role: Role, host: 'test' | '127.0.0.1' | 'localhost' = 'test'): string {
    const h = host === 'test' ? `${role}.test` : host;
    return `http://${h}:${this.ports[role]}`;
  }

  /** Localizes and registers a case (replacing one with the same id), clearing its log. */
  register(c: HarnessCase): LocalCase {
    const local = localizeCase(c, this.ports);
    this.cases.set(c.id, { local, log: [] });
    return local;
  }

  /** The registered, localized case. */
  get(id: string): LocalCase | undefined {
    return this.cases.get(id)?.local;
  }

  /** Every request received for a case so far (a live array; copy it to snapshot). */
  requests(id: string): RecordedRequest[] {
    return this.cases.get(id)?.log ?? [];
  }

  /** Forgets the requests recorded for a case. */
  clearLog(id: string): void {
    const r = this.cases.get(id);
    if (r) r.log = [];
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

  private handle(role: Role, req: IncomingMessage, res: ServerResponse): void {
    const url = req.url ?? '/';
    const method = req.method ?? 'GET';
    // Drain any request body; the harness does not look at it.
    req.resume();
    if (url === '/' || url.startsWith('/?')) {
      res.writeHead(200, ['Content-Type', 'text/html; charset=utf-8', 'Cache-Control', 'no-store']);
      res.end(method === 'HEAD' ? undefined : BLANK_PAGE);
      return;
    }
    if (url.startsWith('/__cookie?')) {
      const pair = decodeURIComponent(url.slice('/__cookie?'.length));
      res.writeHead(200, [
        'Set-Cookie',
        `${pair}; Path=/; SameSite=None`,
        'Content-Type',
        'text/html; charset=utf-8',
        'Cache-Control',
        'no-store',
      ]);
      res.end(method === 'HEAD' ? undefined : BLANK_PAGE);
      return;
    }
    const m = /^\/c\/([a-z0-9][a-z0-9-]*)(\/.*)?$/s.exec(url);
    const reg = m ? this.cases.get(m[1] as string) : undefined;
    if (!m || !reg) {
      res.writeHead(404, ['Content-Type', 'text/plain']);
      res.end('not found');
      return;
    }
    const id = m[1] as string;
    const path = m[2] ?? '/';
    const headers = rawHeaderList(req);
    const preflight = method === 'OPTIONS' && headerOf(headers, 'access-control-request-method') !== null;
    const server = reg.local.server;
    let answer: RawResponse;
    if (preflight) answer = server.preflight ?? NO_CORS_PREFLIGHT_ANSWER;
    else {
      const bare = path.split('?')[0] as string;
      answer = server.hops?.[`${role}.test${bare}`] ?? server.hops?.[bare] ?? server.actual;
    }
    reg.log.push({ role, method, path, headers, preflight, status: answer.status });
    send(res, method, answer, `ok ${id}`);
  }
}

/**
 * Writes a text (a console message, a URL) back in fixture form: `http://api.test:<port>` becomes
 * `http://api.test`, a port number of ours after `localhost:` or `127.0.0.1:` becomes `{role}`, and
 * the `/c/<id>` prefix goes.
 */
export function delocalize(text: string, id: string, ports: Ports): string {
  let out = text.split(`/c/${id}/`).join('/');
  for (const r of ROLES) {
    out = out.replace(new RegExp(`(//(?:[^/\\s@]*@)?${r}\\.test):${ports[r]}(?!\\d)`, 'gi'), '$1');
    out = out.replace(new RegExp(`(//(?:localhost|127\\.0\\.0\\.1)):${ports[r]}(?!\\d)`, 'g'), `$1:{${r}}`);
  }
  return out;
}
