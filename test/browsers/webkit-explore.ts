/**
 * Exploration (not a test; never runs in `npm test` or CI): the harness's cases in a real WebKit
 * (Debian's WebKitGTK: `WebKitWebDriver` + `MiniBrowser`, under Xvfb) and through
 * `createBrowserFetch({ browser: 'webkit' })`, compared with the harness's comparison code.
 *
 *   npx tsx test/browsers/webkit-explore.ts [--fixtures-only | --cases <cases.json>] [--only <id-substring>]
 *     [--profile '<json>'] [--dump] [--out <file>]
 *
 * `--cases` runs a JSON array of harness cases (the shape `generate.ts` prints) instead; `--profile`
 * compares with the webkit profile with some switches changed, e.g. `'{"wildcardCoversAuthorization":true}'`.
 *
 * Prerequisites (Debian): `apt-get install --no-install-recommends webkit2gtk-driver xvfb`.
 * `WEBKIT_DRIVER` (default /usr/bin/WebKitWebDriver), `WEBKIT_BROWSER` (default MiniBrowser) override
 * the binaries; with `DISPLAY` set no Xvfb is started.
 *
 * Loopback only: MiniBrowser gets `--proxy=http://127.0.0.1:<p>` (every http request goes through
 * a proxy started here) and `--ignore-host` nothing. The proxy forwards a request only when its host
 * is `app.test`, `api.test`, `other.test`, `localhost` or `127.0.0.1` AND its port is one of the
 * case servers'; it answers 502 to anything else and refuses CONNECT. So the pages keep the
 * harness's host names (`app.test` and `api.test` are different sites, as in Chromium and Firefox)
 * without an /etc/hosts entry, and no request can leave the machine: with a proxy set, libsoup
 * connects to the proxy and leaves the target host to it (the names are never looked up here: not
 * verified by a packet capture). WebDriver classic over plain `fetch` to 127.0.0.1.
 *
 * Console: MiniBrowser's `--enable-write-console-messages-to-stdout=true` prints console messages
 * on stdout outside automation, but printed nothing for the web views automation creates (WebKitGTK
 * 2.50.6), and WebDriver classic has no log. The driver's output is still collected (lines naming a
 * case's `/c/<id>/` path would become its `console`), so WebKit's `console` is empty today: the
 * engine's message is reported, not judged, as for Firefox.
 */
import { type ChildProcess, spawn } from 'node:child_process';
import { mkdirSync, readFileSync, writeFileSync } from 'node:fs';
import { createServer, request as httpRequest, type IncomingMessage, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { type BrowserProfile, PROFILES } from '../../src/browser/profiles.js';
import { loadTables } from '../fixtures/schema.js';
import { DEFAULT_COUNT, DEFAULT_SEED, generateCases } from './generate.js';
import { type CaseComparison, compareCase, formatDisagreement } from './harness/compare.js';
import { type EngineObservation, runEngineCases } from './harness/engine.js';
import { type ConsoleEntry, type PageDriver, runCasesWith, WARM_UP_CASES } from './harness/runner.js';
import { CaseServers, DEFAULT_COOKIES } from './harness/servers.js';
import type { BrowserName, HarnessCase, Observation } from './harness/types.js';

const DRIVER = process.env.WEBKIT_DRIVER ?? '/usr/bin/WebKitWebDriver';
const BROWSER = process.env.WEBKIT_BROWSER ?? '/usr/lib/x86_64-linux-gnu/webkit2gtk-4.1/MiniBrowser';
/** The harness types name two browsers; the engine and the comparison take 'webkit' as any other. */
const WEBKIT = 'webkit' as unknown as BrowserName;

const sleep = (ms: number) => new Promise<void>((r) => setTimeout(r, ms));

/** A free loopback port (listen on 0, close). */
async function freePort(): Promise<number> {
  const s = createServer();
  await new Promise<void>((r) => s.listen(0, '127.0.0.1', () => r()));
  const port = (s.address() as AddressInfo).port;
  await new Promise<void>((r) => s.close(() => r()));
  return port;
}

/** Xvfb on a free display (`-displayfd`), unless DISPLAY is set. */
async function startXvfb(): Promise<{ display: string; proc: ChildProcess | null }> {
  if (process.env.DISPLAY) return { display: process.env.DISPLAY, proc: null };
  const proc = spawn('Xvfb', ['-displayfd', '3', '-screen', '0', '1280x800x24', '-nolisten', 'tcp'], {
    stdio: ['ignore', 'ignore', 'ignore', 'pipe'],
  });
  const fd3 = proc.stdio[3] as NodeJS.ReadableStream;
  const display = await new Promise<string>((resolve, reject) => {
    let buf = '';
    const timer = setTimeout(() => reject(new Error('Xvfb did not start in 10 s')), 10_000);
    fd3.on('data', (d: Buffer) => {
      buf += d.toString();
      if (buf.includes('\n')) {
        clearTimeout(timer);
        resolve(`:${buf.trim()}`);
      }
    });
    proc.once('error', (e) => {
      clearTimeout(timer);
      reject(e);
    });
  });
  return { display, proc };
}

const OUR_HOSTS = new Set(['app.test', 'api.test', 'other.test', 'localhost', '127.0.0.1']);

/** The case server an absolute-form request URL may go to, or null (not ours: refused). */
function proxyTarget(url: string, ports: number[]): { port: number; path: string } | null {
  let u: URL;
  try {
    u = new URL(url);
  } catch {
    return null;
  }
  const port = Number(u.port || '80');
  if (u.protocol !== 'http:' || !OUR_HOSTS.has(u.hostname) || !ports.includes(port)) return null;
  return { port, path: `${u.pathname}${u.search}` };
}

/** The loopback-only forward proxy (see the file comment). `refused` lists what it did not forward. */
async function startProxy(ports: number[]): Promise<{ server: Server; port: number; refused: string[] }> {
  const refused: string[] = [];
  const server = createServer((req: IncomingMessage, res) => {
    // The answer is the case server's, byte for byte in its header lines: no Date of our own.
    res.sendDate = false;
    const target = proxyTarget(req.url ?? '', ports);
    if (!target) {
      refused.push(`${req.method} ${req.url}`);
      res.writeHead(502, ['Content-Type', 'text/plain']).end('explore proxy: loopback case servers only');
      return;
    }
    const flat: string[] = [];
    const raw = req.rawHeaders;
    for (let i = 0; i + 1 < raw.length; i += 2) {
      const n = raw[i] as string;
      if (n.toLowerCase() === 'proxy-connection' || n.toLowerCase() === 'proxy-authorization') continue;
      flat.push(n, raw[i + 1] as string);
    }
    const up = httpRequest(
      {
        host: '127.0.0.1',
        port: target.port,
        method: req.method,
        path: target.path,
        headers: flat,
        setHost: false,
        agent: false,
      },
      (ur) => {
        res.writeHead(ur.statusCode ?? 502, ur.statusMessage, ur.rawHeaders);
        ur.pipe(res);
      },
    );
    up.on('error', (e) => {
      if (!res.headersSent) res.writeHead(502, ['Content-Type', 'text/plain']);
      res.end(`explore proxy: ${e.message}`);
    });
    req.pipe(up);
  });
  server.on('connect', (req, socket) => {
    refused.push(`CONNECT ${req.url}`);
    socket.end('HTTP/1.1 403 Forbidden\r\n\r\n');
  });
  await new Promise<void>((r) => server.listen(0, '127.0.0.1', () => r()));
  return { server, port: (server.address() as AddressInfo).port, refused };
}

/** WebDriver classic over fetch to 127.0.0.1. */
class WebDriver {
  constructor(
    private readonly base: string,
    readonly session: string,
    /** The capabilities the driver matched (`browserVersion` is the WebKitGTK version). */
    readonly capabilities: { browserName?: string; browserVersion?: string },
  ) {}

  static async newSession(base: string, capabilities: object): Promise<WebDriver> {
    const r = (await call(base, 'POST', '/session', { capabilities })) as {
      sessionId: string;
      capabilities: WebDriver['capabilities'];
    };
    return new WebDriver(base, r.sessionId, r.capabilities ?? {});
  }

  cmd(method: string, path: string, body?: object): Promise<unknown> {
    return call(this.base, method, `/session/${this.session}${path}`, body);
  }

  async close(): Promise<void> {
    await call(this.base, 'DELETE', `/session/${this.session}`).catch(() => {});
  }
}

async function call(base: string, method: string, path: string, body?: object): Promise<unknown> {
  const res = await fetch(`${base}${path}`, {
    method,
    headers: { 'content-type': 'application/json' },
    ...(body ? { body: JSON.stringify(body) } : {}),
    signal: AbortSignal.timeout(60_000),
  });
  const json = (await res.json()) as { value: unknown };
  if (!res.ok) throw new Error(`WebDriver ${method} ${path}: ${res.status} ${JSON.stringify(json.value)}`);
  return json.value;
}

async function waitForDriver(base: string): Promise<void> {
  const deadline = Date.now() + 15_000;
  while (Date.now() < deadline) {
    try {
      const v = (await call(base, 'GET', '/status')) as { ready?: boolean };
      if (v) return;
    } catch {
      // not up yet
    }
    await sleep(100);
  }
  throw new Error(`WebKitWebDriver did not answer on ${base} in 15 s`);
}

interface WebKitRun {
  version: string;
  userAgent: string;
  observed: Observation[];
  refused: string[];
  close(): Promise<void>;
}

async function runWebKit(servers: CaseServers, cases: HarnessCase[]): Promise<WebKitRun> {
  const closers: (() => Promise<void> | void)[] = [];
  const close = async () => {
    for (const c of closers.reverse()) await c();
  };
  try {
    const x = await startXvfb();
    if (x.proc) closers.push(() => void x.proc?.kill());
    const proxy = await startProxy(Object.values(servers.ports));
    closers.push(
      () =>
        new Promise<void>((r) => {
          proxy.server.close(() => r());
          proxy.server.closeAllConnections();
        }),
    );
    const port = await freePort();
    const log: ConsoleEntry[] = [];
    const drv = spawn(DRIVER, [`--port=${port}`, '--host=local'], {
      env: { ...process.env, DISPLAY: x.display, WEBKIT_DISABLE_SANDBOX_THIS_IS_DANGEROUS: '1' },
      stdio: ['ignore', 'pipe', 'pipe'],
      // Its own process group: MiniBrowser and its WebKit processes are the driver's children, and
      // are ended with it (by the group of the driver we started, never by name).
      detached: true,
    });
    closers.push(() => {
      try {
        if (drv.pid) process.kill(-drv.pid, 'SIGTERM');
      } catch {
        // already gone
      }
    });
    const verbose = process.env.WEBKIT_VERBOSE === '1';
    let pending = '';
    const onOut = (d: Buffer) => {
      pending += d.toString();
      const lines = pending.split('\n');
      pending = lines.pop() ?? '';
      for (const l of lines) {
        if (verbose) process.stderr.write(`[webkit] ${l}\n`);
        log.push({ text: l.replace(/^CONSOLE \w+ \w+ /, ''), url: '' });
      }
    };
    drv.stdout?.on('data', onOut);
    drv.stderr?.on('data', onOut);
    const base = `http://127.0.0.1:${port}`;
    await waitForDriver(base);
    const wd = await WebDriver.newSession(base, {
      alwaysMatch: {
        'webkitgtk:browserOptions': {
          binary: BROWSER,
          // The arguments replace the driver's default (`--automation`), so it is repeated here.
          args: [
            '--automation',
            `--proxy=http://127.0.0.1:${proxy.port}`,
            '--ignore-host=',
            '--enable-write-console-messages-to-stdout=true',
          ],
        },
      },
    });
    closers.push(() => wd.close());
    await wd.cmd('POST', '/timeouts', { script: 60_000, pageLoad: 30_000 });
    // Cookies: a first-party navigation to each host's /__cookie (Set-Cookie: ...; SameSite=None).
    for (const { host, pair } of DEFAULT_COOKIES) {
      await wd.cmd('POST', '/url', {
        url: `http://${host}:${servers.ports.api}/__cookie?${encodeURIComponent(pair)}`,
      });
    }
    const userAgent = String(
      await wd.cmd('POST', '/execute/sync', { script: 'return navigator.userAgent', args: [] }),
    );
    const driver: PageDriver = {
      console: log,
      pageOrigin: '',
      consoleWaitMs: 300,
      goto: async (url) => {
        await wd.cmd('POST', '/url', { url });
      },
      evaluate: (expr) =>
        wd.cmd('POST', '/execute/async', {
          script: `const done = arguments[arguments.length - 1]; (${expr}).then(done, (e) => done({ outcome: 'blocked', responseType: null, status: 0, readableHeaders: [], error: { name: 'HarnessError', message: String(e) } }));`,
          args: [],
        }),
    };
    await runCasesWith(WEBKIT, driver, servers, WARM_UP_CASES);
    const observed = await runCasesWith(WEBKIT, driver, servers, cases, { progressEvery: 100 });
    // The user agent's `Version/60.5 Safari/605.1.15` is frozen; the driver reports the real one.
    const version = `${wd.capabilities.browserName ?? 'MiniBrowser'} ${wd.capabilities.browserVersion ?? '?'}`;
    return { version, userAgent, observed, refused: proxy.refused, close };
  } catch (e) {
    await close();
    throw e;
  }
}

/** Request headers the comparison leaves out: set by the transport or the browser shell, not by CORS. */
const TRANSPORT_HEADERS = new Set([
  'host',
  'connection',
  'user-agent',
  'accept',
  'accept-language',
  'accept-encoding',
  'referer',
  'content-length',
  'transfer-encoding',
  'cookie',
]);

type Logged = { role: string; method: string; path: string; preflight: boolean; headers: [string, string][] };

/**
 * Reported only (the harness does not judge request headers beyond ACRM/ACRH): for each pair of
 * requests both sides sent in the same order to the same place, the header names only one side sent
 * and a different `Origin`, as signatures counted over all cases (`page` = the page's origin).
 */
function headerSignatures(page: string, w: { requests: Logged[] }[], e: { requests: Logged[] }[]): string[] {
  const out: string[] = [];
  for (let r = 0; r < Math.min(w.length, e.length); r++) {
    const a = w[r]?.requests ?? [];
    const b = e[r]?.requests ?? [];
    for (let i = 0; i < Math.min(a.length, b.length); i++) {
      const x = a[i] as Logged;
      const y = b[i] as Logged;
      if (x.method !== y.method || x.role !== y.role || x.path !== y.path) break;
      const kind = x.preflight ? 'preflight' : 'request';
      const names = (q: Logged) =>
        new Set(q.headers.map(([n]) => n.toLowerCase()).filter((n) => !TRANSPORT_HEADERS.has(n)));
      const nx = names(x);
      const ny = names(y);
      const onlyW = [...nx].filter((n) => !ny.has(n)).sort();
      const onlyE = [...ny].filter((n) => !nx.has(n)).sort();
      if (onlyW.length || onlyE.length)
        out.push(`${kind}: webkit only [${onlyW.join(', ')}], engine only [${onlyE.join(', ')}]`);
      const origin = (q: Logged) => {
        const v = q.headers.find(([n]) => n.toLowerCase() === 'origin')?.[1];
        return v === undefined ? '(none)' : v === page ? 'page' : v;
      };
      if (origin(x) !== origin(y)) out.push(`${kind}: Origin webkit ${origin(x)}, engine ${origin(y)}`);
    }
  }
  return [...new Set(out)];
}

/** Every request of every run, headers in order (transport headers left out but Referer). */
function formatRequests(runs: { requests: Logged[] }[]): string {
  return runs
    .map(
      (r, k) =>
        `    run ${k + 1}: ${r.requests
          .map(
            (q) =>
              `${q.method} ${q.role}${q.path} ${JSON.stringify(q.headers.filter(([n]) => n.toLowerCase() === 'referer' || !TRANSPORT_HEADERS.has(n.toLowerCase())))}`,
          )
          .join('\n           ')}`,
    )
    .join('\n');
}

async function main(): Promise<void> {
  const argv = process.argv.slice(2);
  const fixturesOnly = argv.includes('--fixtures-only');
  const only = argv.includes('--only') ? (argv[argv.indexOf('--only') + 1] ?? '') : '';
  const here = dirname(fileURLToPath(import.meta.url));
  const out = argv.includes('--out')
    ? (argv[argv.indexOf('--out') + 1] as string)
    : join(here, '..', '..', 'test-artifacts', 'webkit-explore.txt');
  const fixtureCases: HarnessCase[] = loadTables('cors-exchange').flatMap((t) =>
    t.cases.map((c) => ({ ...c, id: `${t.table}--${c.id}` })),
  );
  const isFixture = new Set(fixtureCases.map((c) => c.id));
  const seed = Number(process.env.CROSSORIGIN_SEED ?? DEFAULT_SEED);
  const count = Number(process.env.CROSSORIGIN_COUNT ?? DEFAULT_COUNT);
  const casesFile = argv.includes('--cases') ? argv[argv.indexOf('--cases') + 1] : undefined;
  let cases: HarnessCase[] = casesFile
    ? (JSON.parse(readFileSync(casesFile, 'utf8')) as HarnessCase[])
    : fixturesOnly
      ? fixtureCases
      : [...fixtureCases, ...generateCases(seed, count)];
  if (only) cases = cases.filter((c) => c.id.includes(only));

  const servers = await CaseServers.start();
  try {
    const t0 = Date.now();
    const wk = await runWebKit(servers, cases);
    let observed: Observation[];
    try {
      observed = wk.observed;
    } finally {
      await wk.close();
    }
    const tBrowser = Date.now() - t0;
    // --profile '<json>': the webkit profile with some switches changed (a candidate to try; the
    // engine takes a profile object wherever it takes a name).
    const patch = argv.includes('--profile')
      ? (JSON.parse(argv[argv.indexOf('--profile') + 1] ?? '{}') as Partial<BrowserProfile>)
      : null;
    const engineBrowser = patch ? ({ ...PROFILES.webkit, ...patch } as unknown as BrowserName) : WEBKIT;
    const engine: EngineObservation[] = await runEngineCases(engineBrowser, servers, cases);
    const comparisons: CaseComparison[] = observed.map((o, i) =>
      compareCase(o, engine[i] as EngineObservation, cases[i]?.request.initiator === 'XMLHttpRequest'),
    );
    const disagreements: string[] = [];
    comparisons.forEach((cmp, i) => {
      if (cmp.agree) return;
      const local = servers.register(cases[i] as HarnessCase);
      const o = observed[i] as Observation;
      const e = engine[i] as EngineObservation;
      disagreements.push(
        `${formatDisagreement(local, cmp, e)}\n  webkit console: ${JSON.stringify(o.console)}\n  webkit error: ${JSON.stringify(o.error)}` +
          `\n  webkit requests:\n${formatRequests([o, ...o.repeats])}\n  engine requests:\n${formatRequests([e, ...e.repeats])}`,
      );
    });
    const countOf = (pick: (id: string) => boolean) => {
      const set = comparisons.filter((c) => pick(c.id));
      return `${set.filter((c) => c.agree).length}/${set.length}`;
    };
    const notes = comparisons
      .filter((c) => c.notes.length > 0)
      .map(
        (c) =>
          `~ ${c.id}\n${c.notes.map((n) => `  run ${n.run} ${n.field}:\n    - webkit: ${JSON.stringify(n.browser)}\n    + engine: ${JSON.stringify(n.engine)}`).join('\n')}`,
      );
    const signatures = new Map<string, { count: number; example: string }>();
    observed.forEach((o, i) => {
      const e = engine[i] as EngineObservation;
      const page = servers.register(cases[i] as HarnessCase).request.origin;
      for (const sig of headerSignatures(page, [o, ...o.repeats], [e, ...e.repeats])) {
        const s = signatures.get(sig) ?? { count: 0, example: o.id };
        s.count++;
        signatures.set(sig, s);
      }
    });
    const headerLines = [...signatures]
      .sort((a, b) => b[1].count - a[1].count)
      .map(([sig, { count, example }]) => `${String(count).padStart(5)}  ${sig}  (e.g. ${example})`);
    const summary =
      `[webkit-explore] WebKitGTK (${wk.version}) (${wk.userAgent}) vs the webkit profile${patch ? ` with ${JSON.stringify(patch)}` : ''}: ${countOf(() => true)} cases agree ` +
      `(fixtures ${countOf((id) => isFixture.has(id))}, generated ${countOf((id) => !isFixture.has(id))}; seed ${seed}); ` +
      `${notes.length} cases with reported-only differences; browser run ${(tBrowser / 1000).toFixed(1)} s; ` +
      `proxy refused ${wk.refused.length} request(s)${wk.refused.length ? `: ${wk.refused.slice(0, 5).join(', ')}` : ''}`;
    mkdirSync(dirname(out), { recursive: true });
    writeFileSync(
      out,
      `${summary}\n\n# Disagreements\n\n${disagreements.join('\n\n')}\n\n# Request header differences (reported only; cases per signature)\n\n${headerLines.join('\n')}\n\n# Reported-only differences\n\n${notes.join('\n')}\n`,
    );
    for (const d of disagreements) process.stdout.write(`${d}\n\n`);
    if (argv.includes('--dump'))
      observed.forEach((o, i) => {
        const e = engine[i] as EngineObservation;
        process.stdout.write(
          `${o.id}: webkit ${o.outcome} ${o.status} ${JSON.stringify(o.error)}\n${formatRequests([o, ...o.repeats])}\n` +
            `  engine ${e.outcome} ${e.status} ${JSON.stringify(e.error)}\n${formatRequests([e, ...e.repeats])}\n`,
        );
      });
    process.stdout.write(
      `request header differences (reported only):\n${headerLines.slice(0, 15).join('\n')}\n`,
    );
    process.stdout.write(`${summary}\n(written to ${out})\n`);
  } finally {
    await servers.close();
  }
}

await main();
