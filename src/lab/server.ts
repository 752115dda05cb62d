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
import http from 'node:http';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { createProxy } from '../proxy/index.js';
import { control, sceneHeaders, serveStatic } from './_lab-control.js';
import { closeServer, type LabState, listen, sendJson } from './_lab-http.js';
import { serveApi, serveOther } from './_lab-routes.js';
import { type HttpsTwin, serveHttpsTwin } from './https.js';
import type { LabOrigins } from './setup.js';

export { checkSend } from './_lab-http.js';

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
  /**
   * Serve the app origin over https too (a twin on another port, self-signed certificate made at
   * start; needs the `selfsigned` package), for the cases whose page is a secure context. Default
   * true; when the twin cannot start the lab runs without it and says why in `/__lab/info`.
   */
  https?: boolean;
}

export interface RunningLab {
  readonly origins: LabOrigins;
  /** The URL to open. */
  readonly url: string;
  close(): Promise<void>;
}

/** The default assets folder: dist/lab-page next to dist/lab (this file compiled). */
export function defaultAssetsDir(): string {
  return fileURLToPath(new URL('../lab-page/', import.meta.url));
}

/** Listens on the three loopback origins (and ::1 for `localhost`, when it exists). */
async function listenAll(options: LabOptions) {
  const servers = {
    app: http.createServer(),
    api: http.createServer(),
    other: http.createServer(),
    other6: http.createServer(),
  };
  const host = '127.0.0.1';
  const appPort = await listen(servers.app, options.port ?? 0, host);
  const apiPort = await listen(servers.api, options.apiPort ?? 0, host);
  const otherPort = await listen(servers.other, options.otherPort ?? 0, host);
  // `localhost` may resolve to ::1 first; answer there too when IPv6 loopback exists.
  await listen(servers.other6, otherPort, '::1').catch(() => undefined);
  const origins: LabOrigins = {
    app: `http://127.0.0.1:${appPort}`,
    api: `http://127.0.0.1:${apiPort}`,
    other: `http://localhost:${otherPort}`,
  };
  return { servers, appPort, otherPort, origins };
}

/**
 * The app origin's handler (and its https twin's): one canonical host each, control endpoints,
 * then the page's files (the scene page with its case's headers).
 */
function serveApp(st: LabState, req: http.IncomingMessage, res: http.ServerResponse): void {
  const hostHeader = req.headers.host ?? '';
  if (!st.appHosts.has(hostHeader)) {
    // One canonical origin: the lab's CORS cases name it.
    res.writeHead(302, { location: `${st.origins.app}${req.url ?? '/'}` });
    res.end();
    return;
  }
  const [pathname = '/', search = ''] = (req.url ?? '/').split('?');
  const done = pathname.startsWith('/__lab/')
    ? control(st, req, res, pathname)
    : serveStatic(st, req, res, pathname, sceneHeaders(st, pathname, search));
  done.catch(() => {
    if (!res.headersSent) sendJson(res, 500, { error: 'lab server failure' });
    else res.destroy();
  });
}

/** The app origin's https twin; null (and the reason in the lab's info) when it cannot start. */
async function startTwin(st: LabState, app: http.Server): Promise<HttpsTwin | null> {
  try {
    const twin = await serveHttpsTwin(app);
    st.appHosts.add(`127.0.0.1:${twin.port}`);
    st.info.appHttps = twin.origin;
    return twin;
  } catch (e) {
    st.info.httpsProblem = e instanceof Error ? e.message : String(e);
    return null;
  }
}

/** Starts the three origins on loopback (and the app origin's https twin). */
export async function startLab(options: LabOptions = {}): Promise<RunningLab> {
  const { servers, appPort, otherPort, origins } = await listenAll(options);
  const all = Object.values(servers);
  let proxy: ReturnType<typeof createProxy>;
  try {
    proxy = createProxy({
      cors: { origins: [origins.app], methods: ['PUT', 'DELETE', 'PATCH'], requestHeaders: ['content-type'] },
      routes: [{ prefix: '/proxy', target: `http://127.0.0.1:${otherPort}` }],
    });
  } catch (e) {
    await Promise.all(all.map(closeServer));
    throw e;
  }
  const st: LabState = {
    assetsDir: path.resolve(options.assetsDir ?? defaultAssetsDir()),
    cases: new Map(),
    logs: new Map(),
    origins,
    info: { ...origins, version: options.version ?? '' },
    otherPort,
    proxy,
    counter: 0,
    appHosts: new Set([`127.0.0.1:${appPort}`]),
  };
  servers.app.on('request', (req, res) => serveApp(st, req, res));
  const twin = options.https === false ? null : await startTwin(st, servers.app);
  servers.api.on('request', (req, res) => serveApi(st, req, res));
  servers.other.on('request', (req, res) => serveOther(st, req, res));
  servers.other6.on('request', (req, res) => serveOther(st, req, res));
  let closed: Promise<void> | null = null;
  return {
    origins,
    url: `${origins.app}/`,
    close() {
      closed ??= (async () => {
        await Promise.all(all.map(closeServer));
        await twin?.close();
        await proxy.close();
      })();
      return closed;
    },
  };
}
