/**
 * The lab server: three loopback origins in one process.
 *
 * - app   `http://127.0.0.1:{port}`: the page (static assets built by Vite) and the lab's control
 *   endpoints under `/__lab/` (same-origin with the page, so they need no CORS themselves);
 * - api   `http://127.0.0.1:{port}`: the lab API. `/c/{case}/{run}/…` answers as the case's setup
 *   says (crossorigin/server policy, raw headers, or no CORS), records every request it receives,
 *   and `/proxy/…` is crossorigin/proxy in front of the other origin;
 * - other `http://localhost:{port}`: another site (cross-site to both): the attacker's page
 *   `/attacker.html`, and the same `/c/…` cases (a redirect target, a third-party API).
 */
import { readFile, stat } from 'node:fs/promises';
import http from 'node:http';
import type { AddressInfo } from 'node:net';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { handleCors, handleCsrf } from '../adapters/node.js';
import { type CrossoriginProxy, createProxy } from '../proxy/index.js';
import { ATTACKER_HTML } from './attacker.js';
import { predict } from './predict.js';
import { type CompiledSetup, compileSetup, type LabOrigins } from './setup.js';
import type { LabCase, LabHeader, LabInfo, WireEntry } from './types.js';

export interface LabOptions {
  /** The app page's port (the URL to open). Default 0: any free port. */
  port?: number;
  /** The lab API's port. Default 0. */
  apiPort?: number;
  /** The other origin's port. Default 0. */
  otherPort?: number;
  /** The built page (index.html and assets). Default: the package's `dist/lab-page`. */
  assetsDir?: string;
  /** The package version shown by the page. */
  version?: string;
}

export interface RunningLab {
  readonly origins: LabOrigins;
  /** The URL to open. */
  readonly url: string;
  close(): Promise<void>;
}

const ID = /^[A-Za-z0-9_-]{1,64}$/;
const MAX_CASES = 500;
const MAX_RUNS = 2000;
const MAX_ENTRIES = 50;
const MAX_BODY = 64 * 1024;
/** A 1x1 opaque red PNG. */
const PNG = Buffer.from(
  'iVBORw0KGgoAAAANSUhEUgAAAAEAAAABCAIAAACQd1PeAAAADElEQVR4nGP4z8AAAAMBAQDJ/pLvAAAAAElFTkSuQmCC',
  'base64',
);

const TYPES: Record<string, string> = {
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

function rawHeaderList(req: http.IncomingMessage): LabHeader[] {
  const out: LabHeader[] = [];
  for (let i = 0; i + 1 < req.rawHeaders.length; i += 2)
    out.push([req.rawHeaders[i]!, req.rawHeaders[i + 1]!]);
  return out;
}

function responseHeaderList(res: http.ServerResponse): LabHeader[] {
  const out: LabHeader[] = [];
  for (const [name, value] of Object.entries(res.getHeaders())) {
    if (value === undefined) continue;
    for (const v of Array.isArray(value) ? value : [value]) out.push([name, String(v)]);
  }
  return out;
}

async function readBody(req: http.IncomingMessage): Promise<string | null> {
  let size = 0;
  const chunks: Buffer[] = [];
  for await (const chunk of req) {
    size += (chunk as Buffer).length;
    if (size > MAX_BODY) return null;
    chunks.push(chunk as Buffer);
  }
  return Buffer.concat(chunks).toString('utf8');
}

function sendJson(res: http.ServerResponse, status: number, value: unknown): void {
  const body = JSON.stringify(value);
  res.writeHead(status, {
    'content-type': 'application/json; charset=utf-8',
    'cache-control': 'no-store',
    'content-length': Buffer.byteLength(body),
  });
  res.end(body);
}

function listen(server: http.Server, port: number, host: string): Promise<number> {
  return new Promise((resolve, reject) => {
    const onError = (err: Error) => reject(err);
    server.once('error', onError);
    server.listen(port, host, () => {
      server.off('error', onError);
      resolve((server.address() as AddressInfo).port);
    });
  });
}

function closeServer(server: http.Server): Promise<void> {
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

/** Starts the three origins on loopback. */
export async function startLab(options: LabOptions = {}): Promise<RunningLab> {
  const assetsDir = path.resolve(options.assetsDir ?? defaultAssetsDir());
  const cases = new Map<string, CompiledSetup>();
  const logs = new Map<string, WireEntry[]>();
  let requestCounter = 0;

  const record = (key: string, entry: WireEntry): void => {
    let list = logs.get(key);
    if (!list) {
      if (logs.size >= MAX_RUNS) logs.delete(logs.keys().next().value as string);
      list = [];
      logs.set(key, list);
    }
    if (list.length < MAX_ENTRIES) list.push(entry);
  };

  const appServer = http.createServer();
  const apiServer = http.createServer();
  const otherServer = http.createServer();
  const otherServer6 = http.createServer();
  const host = '127.0.0.1';
  const appPort = await listen(appServer, options.port ?? 0, host);
  const apiPort = await listen(apiServer, options.apiPort ?? 0, host);
  const otherPort = await listen(otherServer, options.otherPort ?? 0, host);
  // `localhost` may resolve to ::1 first; answer there too when IPv6 loopback exists.
  await listen(otherServer6, otherPort, '::1').catch(() => undefined);
  const origins: LabOrigins = {
    app: `http://127.0.0.1:${appPort}`,
    api: `http://127.0.0.1:${apiPort}`,
    other: `http://localhost:${otherPort}`,
  };
  const info: LabInfo = { ...origins, version: options.version ?? '' };

  let proxy: CrossoriginProxy;
  try {
    proxy = createProxy({
      cors: { origins: [origins.app], methods: ['PUT', 'DELETE', 'PATCH'], requestHeaders: ['content-type'] },
      routes: [{ prefix: '/proxy', target: `http://127.0.0.1:${otherPort}` }],
    });
  } catch (e) {
    await Promise.all([appServer, apiServer, otherServer, otherServer6].map(closeServer));
    throw e;
  }

  /** The application behind the policy: a JSON answer, an image, or the form's result page. */
  const appAnswer = (req: http.IncomingMessage, res: http.ServerResponse, rest: string, id: string) => {
    requestCounter++;
    res.setHeader('x-request-id', String(requestCounter));
    res.setHeader('x-internal-build', 'lab');
    res.setHeader('cache-control', 'no-store');
    const head = req.method === 'HEAD';
    if (rest.endsWith('.png')) {
      res.setHeader('content-type', 'image/png');
      res.setHeader('content-length', PNG.length);
      res.end(head ? undefined : PNG);
      return;
    }
    if ((req.headers['content-type'] ?? '').startsWith('application/x-www-form-urlencoded')) {
      const body = '<!doctype html><title>Done</title><p>Transfer done: the server acted on the request.</p>';
      res.setHeader('content-type', 'text/html; charset=utf-8');
      res.end(head ? undefined : body);
      return;
    }
    const body = JSON.stringify({ ok: true, case: id, method: req.method, path: rest });
    res.setHeader('content-type', 'application/json');
    res.setHeader('content-length', Buffer.byteLength(body));
    res.end(head ? undefined : body);
  };

  const handleCase = async (
    server: 'api' | 'other',
    req: http.IncomingMessage,
    res: http.ServerResponse,
    id: string,
    run: string,
    rest: string,
  ) => {
    const setup = cases.get(id);
    if (!setup) {
      sendJson(res, 404, { error: `unknown case ${id}: the page configures it first` });
      return;
    }
    const method = req.method ?? 'GET';
    const preflight =
      method === 'OPTIONS' &&
      req.headers.origin !== undefined &&
      req.headers['access-control-request-method'] !== undefined;
    const policy = setup.policy;
    if (policy.type === 'crossorigin') {
      if (await handleCors(policy.policy, req, res)) return;
    } else if (policy.type === 'raw') {
      const answer = preflight ? policy.preflight : policy.actual;
      const echo = req.headers.origin ?? '';
      for (const [n, v] of answer.headers) {
        const value = v.replaceAll('{origin}', echo);
        if (/[\r\n\0]/.test(value)) continue;
        res.appendHeader(n, value);
      }
      res.statusCode = answer.status;
      if (preflight) {
        res.end();
        return;
      }
    } else if (method === 'OPTIONS') {
      res.writeHead(404, { 'content-type': 'text/plain; charset=utf-8' });
      res.end(`Cannot OPTIONS /${rest}`);
      return;
    }
    if (setup.csrf && server === 'api' && (await handleCsrf(setup.csrf, req, res))) return;
    if (rest === 'start' && setup.redirect && server === 'api') {
      const base = setup.redirect.to === 'api' ? origins.api : origins.other;
      res.statusCode = setup.redirect.status;
      res.setHeader('location', `${base}/c/${id}/${run}/final`);
      res.setHeader('cache-control', 'no-store');
      res.end();
      return;
    }
    appAnswer(req, res, rest, id);
  };

  const caseRoute = (
    server: 'api' | 'other' | 'proxy',
    req: http.IncomingMessage,
    res: http.ServerResponse,
  ) => {
    const url = req.url ?? '/';
    const pathOnly = url.split('?')[0] ?? '/';
    const parts = pathOnly.split('/');
    // ['', 'c', id, run, ...rest] or ['', 'proxy', 'c', id, run, ...rest]
    const offset = server === 'proxy' ? 1 : 0;
    if (parts[1 + offset] !== 'c') return false;
    const id = parts[2 + offset] ?? '';
    const run = parts[3 + offset] ?? '';
    if (!ID.test(id) || !ID.test(run)) return false;
    const rest = parts.slice(4 + offset).join('/');
    const method = req.method ?? 'GET';
    const entry: WireEntry = {
      server,
      method,
      path: url,
      preflight:
        method === 'OPTIONS' &&
        req.headers.origin !== undefined &&
        req.headers['access-control-request-method'] !== undefined,
      headers: rawHeaderList(req),
      response: null,
    };
    record(`${id}/${run}`, entry);
    res.on('finish', () => {
      entry.response = { status: res.statusCode, headers: responseHeaderList(res) };
    });
    if (server === 'proxy') proxy.handleRequest(req, res);
    else
      handleCase(server, req, res, id, run, rest).catch(() => {
        if (!res.headersSent) sendJson(res, 500, { error: 'lab server failure' });
        else res.destroy();
      });
    return true;
  };

  apiServer.on('request', (req, res) => {
    const url = req.url ?? '/';
    if (url.startsWith('/proxy/') && caseRoute('proxy', req, res)) return;
    if (caseRoute('api', req, res)) return;
    sendJson(res, 404, { error: 'the lab API answers /c/{case}/{run}/… and /proxy/c/{case}/{run}/…' });
  });

  const serveOther = (req: http.IncomingMessage, res: http.ServerResponse) => {
    const url = req.url ?? '/';
    if (url === '/attacker.html' || url.startsWith('/attacker.html?')) {
      res.writeHead(200, {
        'content-type': 'text/html; charset=utf-8',
        'cache-control': 'no-store',
        'content-length': Buffer.byteLength(ATTACKER_HTML),
      });
      res.end(ATTACKER_HTML);
      return;
    }
    if (caseRoute('other', req, res)) return;
    res.writeHead(404, { 'content-type': 'text/plain; charset=utf-8' });
    res.end('Another site (the attacker, or a third-party API): /attacker.html and /c/{case}/{run}/…\n');
  };
  otherServer.on('request', serveOther);
  otherServer6.on('request', serveOther);

  const serveStatic = async (req: http.IncomingMessage, res: http.ServerResponse, pathname: string) => {
    if (req.method !== 'GET' && req.method !== 'HEAD') {
      res.writeHead(405, { allow: 'GET, HEAD' });
      res.end();
      return;
    }
    let rel: string;
    try {
      rel = decodeURIComponent(pathname);
    } catch {
      rel = '/';
    }
    if (rel.endsWith('/')) rel += 'index.html';
    const file = path.resolve(assetsDir, `.${path.posix.normalize(rel)}`);
    if (!file.startsWith(assetsDir + path.sep)) {
      res.writeHead(404);
      res.end();
      return;
    }
    try {
      const s = await stat(file);
      if (!s.isFile()) throw new Error('not a file');
      const body = await readFile(file);
      res.writeHead(200, {
        'content-type': TYPES[path.extname(file)] ?? 'application/octet-stream',
        'content-length': body.length,
        'cache-control': 'no-cache',
        'x-content-type-options': 'nosniff',
      });
      res.end(req.method === 'HEAD' ? undefined : body);
    } catch {
      const missingPage = rel === '/index.html';
      res.writeHead(404, { 'content-type': 'text/plain; charset=utf-8' });
      res.end(
        missingPage
          ? `The lab page is not built: ${assetsDir} has no index.html. Run \`npm run build\` (or \`npm run build:lab\`).\n`
          : 'not found\n',
      );
    }
  };

  const control = async (req: http.IncomingMessage, res: http.ServerResponse, pathname: string) => {
    const parts = pathname.split('/');
    const what = parts[2];
    if (what === 'info' && req.method === 'GET') return sendJson(res, 200, info);
    if (what === 'setup' && req.method === 'PUT' && ID.test(parts[3] ?? '')) {
      const body = await readBody(req);
      let parsed: unknown;
      try {
        parsed = body === null ? null : JSON.parse(body);
      } catch {
        return sendJson(res, 400, { ok: false, problems: ['the setup is not valid JSON'] });
      }
      const compiled = compileSetup(parsed, origins);
      if (!compiled.ok) return sendJson(res, 400, compiled);
      const id = parts[3]!;
      cases.delete(id);
      if (cases.size >= MAX_CASES) cases.delete(cases.keys().next().value as string);
      cases.set(id, compiled.setup);
      return sendJson(res, 200, { ok: true });
    }
    if (what === 'log' && req.method === 'GET' && ID.test(parts[3] ?? '') && ID.test(parts[4] ?? '')) {
      return sendJson(res, 200, logs.get(`${parts[3]}/${parts[4]}`) ?? []);
    }
    if (what === 'send' && req.method === 'POST') {
      // The page's engine sends its requests through here: a fetch without CORS of its own, and
      // only to the lab's own API and other site.
      const body = await readBody(req);
      let parsed: unknown;
      try {
        parsed = body === null ? null : JSON.parse(body);
      } catch {
        return sendJson(res, 400, { error: 'not JSON' });
      }
      const checked = checkSend(parsed, [origins.api, origins.other, `http://127.0.0.1:${otherPort}`]);
      if (typeof checked === 'string') return sendJson(res, 400, { error: checked });
      try {
        const answer = await fetch(checked.url, {
          method: checked.method,
          headers: checked.headers,
          body: checked.body as BodyInit | null,
          redirect: 'manual',
        });
        const bytes = Buffer.from(await answer.arrayBuffer());
        const headers: LabHeader[] = [];
        for (const [n, v] of answer.headers) if (n !== 'set-cookie') headers.push([n, v]);
        for (const c of answer.headers.getSetCookie()) headers.push(['set-cookie', c]);
        return sendJson(res, 200, {
          status: answer.status,
          statusText: answer.statusText,
          headers,
          body: bytes.subarray(0, MAX_BODY).toString('base64'),
        });
      } catch (e) {
        return sendJson(res, 502, {
          error: `the lab could not reach ${checked.url}: ${(e as Error).message}`,
        });
      }
    }
    if (what === 'predict' && req.method === 'POST') {
      const body = await readBody(req);
      let parsed: { id?: unknown; run?: unknown; profile?: unknown; case?: unknown };
      try {
        parsed = body === null ? {} : JSON.parse(body);
      } catch {
        return sendJson(res, 400, { error: 'not JSON' });
      }
      const { id, run, profile } = parsed;
      if (typeof id !== 'string' || !ID.test(id) || typeof run !== 'string' || !ID.test(run))
        return sendJson(res, 400, { error: 'id and run must be short names' });
      if (!cases.has(id)) return sendJson(res, 400, { error: 'configure the case first' });
      const engineRun = `${run}-engine`.slice(0, 64);
      const prediction = await predict({
        origins,
        id,
        run: engineRun,
        profile: typeof profile === 'string' ? profile : 'chromium',
        labCase: parsed.case as LabCase,
      });
      prediction.wire = logs.get(`${id}/${engineRun}`) ?? [];
      return sendJson(res, 200, prediction);
    }
    sendJson(res, 404, { error: 'unknown lab endpoint' });
  };

  appServer.on('request', (req, res) => {
    const hostHeader = req.headers.host ?? '';
    if (hostHeader !== `127.0.0.1:${appPort}`) {
      // One canonical origin: the lab's CORS cases name it.
      res.writeHead(302, { location: `${origins.app}${req.url ?? '/'}` });
      res.end();
      return;
    }
    const pathname = (req.url ?? '/').split('?')[0] ?? '/';
    const done = pathname.startsWith('/__lab/')
      ? control(req, res, pathname)
      : serveStatic(req, res, pathname);
    done.catch(() => {
      if (!res.headersSent) sendJson(res, 500, { error: 'lab server failure' });
      else res.destroy();
    });
  });

  let closed: Promise<void> | null = null;
  return {
    origins,
    url: `${origins.app}/`,
    close() {
      closed ??= (async () => {
        await Promise.all([appServer, apiServer, otherServer, otherServer6].map(closeServer));
        await proxy.close();
      })();
      return closed;
    },
  };
}
