/**
 * Real browsers as the oracle for crossorigin/origin (Chromium 156 via playwright-core, Firefox ESR
 * 153 via puppeteer-core/BiDi; the Debian packages, offline, loopback only).
 *
 * 1. `new URL(u).origin` in the browser equals serializeOrigin(parseOrigin(u)) for every URL of the
 *    origin-comparison tables and for generated URLs, except the differences written down in
 *    test/fixtures/origin-browser-differences.json.
 * 2. The `Origin` header a browser really sends (from IPv4, IPv6, IDN, upper-case and hex-IPv4 page
 *    URLs, and from a sandboxed iframe) is accepted by parseOriginHeader, equals the serialization
 *    of the page URL's origin and `self.origin`, and is matched by a matcher listing that origin.
 *
 * With a browser missing, its suite fails under CI=true and is skipped (reason printed) elsewhere.
 */
import { execFileSync, spawnSync } from 'node:child_process';
import { mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { createServer, type IncomingMessage, type Server, type ServerResponse } from 'node:http';
import { createServer as createHttpsServer } from 'node:https';
import type { AddressInfo } from 'node:net';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import fc from 'fast-check';
import { chromium } from 'playwright-core';
import puppeteer from 'puppeteer-core';
import { afterAll, beforeAll, expect, it } from 'vitest';
import {
  createOriginMatcher,
  isSameOrigin,
  isSameSite,
  parseOrigin,
  parseOriginHeader,
  serializeOrigin,
} from '../../src/origin/index.js';
import { loadTables } from '../fixtures/schema.js';
import { browserPath } from './harness/available.js';
import { CHROMIUM_ARGS } from './harness/chromium.js';
import { FIREFOX_PREFS } from './harness/firefox.js';
import { describeWithBrowser } from './harness/vitest.js';

type BrowserName = 'chromium' | 'firefox';

interface Driver {
  goto(url: string): Promise<void>;
  evaluate<T>(expression: string): Promise<T>;
  close(): Promise<void>;
}

/**
 * The harness's Chromium flags, but every host name resolves to 127.0.0.1 (as Firefox's prefs
 * already do) and the throwaway self-signed certificate of the https servers is accepted.
 */
const CHROMIUM_LOOPBACK_ARGS = [
  ...CHROMIUM_ARGS.filter((a) => !a.startsWith('--host-resolver-rules=')),
  '--host-resolver-rules=MAP * 127.0.0.1',
  '--ignore-certificate-errors',
];

/** A throwaway self-signed certificate (openssl), made for this run only. */
function selfSignedCertificate(): { key: Buffer; cert: Buffer } {
  const dir = mkdtempSync(join(tmpdir(), 'crossorigin-origin-cert-'));
  try {
    execFileSync(
      'openssl',
      [
        'req',
        '-x509',
        '-newkey',
        'ec',
        '-pkeyopt',
        'ec_paramgen_curve:prime256v1',
        '-nodes',
        '-subj',
        '/CN=loopback',
      ].concat(['-days', '2', '-keyout', join(dir, 'key.pem'), '-out', join(dir, 'cert.pem')]),
      { stdio: 'ignore', timeout: 30_000 },
    );
    return { key: readFileSync(join(dir, 'key.pem')), cert: readFileSync(join(dir, 'cert.pem')) };
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
}

const opensslPresent = spawnSync('openssl', ['version'], { stdio: 'ignore' }).status === 0;
if (!opensslPresent && process.env.CI !== 'true') {
  process.stderr.write(
    '[crossorigin origin browser tests] SKIPPING the Sec-Fetch-Site site table: no openssl binary\n',
  );
}

interface SiteBrowserCase {
  id: string;
  description: string;
  page: string;
  target: string;
  expect: { secFetchSite: 'same-origin' | 'same-site' | 'cross-site' };
}

const siteCases = (
  JSON.parse(readFileSync(new URL('../fixtures/origin-site-browser.json', import.meta.url), 'utf8')) as {
    cases: SiteBrowserCase[];
  }
).cases;

async function launch(browser: BrowserName): Promise<Driver> {
  if (browser === 'chromium') {
    const b = await chromium.launch({
      executablePath: browserPath('chromium'),
      headless: true,
      args: CHROMIUM_LOOPBACK_ARGS,
      timeout: 60_000,
    });
    const page = await (await b.newContext({ ignoreHTTPSErrors: true })).newPage();
    return {
      goto: async (url) => {
        await page.goto(url, { waitUntil: 'load' });
      },
      evaluate: (e) => page.evaluate(e),
      close: () => b.close(),
    };
  }
  const b = await puppeteer.launch({
    browser: 'firefox',
    executablePath: browserPath('firefox'),
    headless: true,
    extraPrefsFirefox: FIREFOX_PREFS,
    acceptInsecureCerts: true,
    timeout: 60_000,
    protocolTimeout: 60_000,
  });
  const page = await b.newPage();
  return {
    goto: async (url) => {
      await page.goto(url, { waitUntil: 'load' });
    },
    evaluate: (e) => page.evaluate(e) as Promise<never>,
    close: () => b.close(),
  };
}

interface DifferenceCase {
  id: string;
  description: string;
  browser: BrowserName;
  urls: string[];
  expect: { origin: string; spec: string };
}

const differences = (
  JSON.parse(
    readFileSync(new URL('../fixtures/origin-browser-differences.json', import.meta.url), 'utf8'),
  ) as { kind: string; cases: DifferenceCase[] }
).cases;

/** Every URL of the origin-comparison tables, and generated ones (fixed seed: the same list each run). */
function urlsToCompare(): string[] {
  const urls = new Set<string>();
  for (const t of loadTables('origin-comparison')) {
    for (const c of t.cases) {
      urls.add(c.a);
      urls.add(c.b);
    }
  }
  const label = fc.constantFrom(
    'a',
    'b',
    'example',
    'com',
    'xn--mnchen-3ya',
    'münchen',
    'EXAMPLE',
    '0x7f',
    '1',
    '255',
  );
  const host = fc.oneof(
    fc.array(label, { minLength: 1, maxLength: 4 }).map((ls) => ls.join('.')),
    fc.constantFrom(
      '[::1]',
      '[0:0::1]',
      '[::ffff:127.0.0.1]',
      '[2001:DB8::1]',
      '127.0.0.1',
      '127.1',
      'localhost',
    ),
  );
  const generated = fc
    .tuple(
      fc.constantFrom('http', 'https', 'ws', 'wss', 'ftp', 'blob:https', 'blob:http', 'data', 'about'),
      host,
      fc.constantFrom('', ':0', ':21', ':80', ':443', ':8080', ':65535'),
      fc.constantFrom('', '/', '/p?q#f'),
    )
    .map(([s, h, p, rest]) => `${s}://${h}${p}${rest}`)
    .filter((u) => URL.canParse(u));
  for (const u of fc.sample(generated, { numRuns: 400, seed: 20261121 })) urls.add(u);
  return [...urls];
}

interface Sink {
  server: Server;
  url: string;
  /** Origin header value (undefined when absent) by request id. */
  seen: Map<string, string | undefined>;
}

function listen(server: Server, host: string, port = 0): Promise<number> {
  return new Promise((resolve, reject) => {
    server.once('error', reject);
    server.listen(port, host, () => resolve((server.address() as AddressInfo).port));
  });
}

/**
 * One port on both loopbacks (127.0.0.1 and ::1): Firefox's `network.dns.forceResolve` sends even
 * IPv6 literals to 127.0.0.1, and `localhost` may resolve to either. Retries when the port is taken.
 */
async function listenDual(make: () => Server): Promise<{ servers: Server[]; port: number }> {
  for (let attempt = 0; ; attempt++) {
    const v6 = make();
    const port = await listen(v6, '::1', 0);
    const v4 = make();
    try {
      await listen(v4, '127.0.0.1', port);
      return { servers: [v4, v6], port };
    } catch (e) {
      await close(v6);
      if (attempt >= 5) throw e;
    }
  }
}

function close(server: Server | undefined): Promise<void> {
  return new Promise((resolve) => {
    if (!server) return resolve();
    server.closeAllConnections();
    server.close(() => resolve());
  });
}

/** Request headers seen by the page servers, by the `id` query parameter. */
const seenByPages = new Map<string, IncomingMessage['headers']>();

const pageHandler = (req: IncomingMessage, res: ServerResponse) => {
  const id = new URL(req.url ?? '/', 'http://x').searchParams.get('id');
  if (id !== null) seenByPages.set(id, req.headers);
  res.writeHead(200, { 'content-type': 'text/html; charset=utf-8', 'access-control-allow-origin': '*' });
  res.end('<!doctype html><meta charset="utf-8"><title>origin</title><body></body>');
};

for (const browser of ['chromium', 'firefox'] as const) {
  describeWithBrowser(browser, `real ${browser}: origins`, () => {
    let driver: Driver | undefined;
    let pageServers: Server[] = [];
    let sink: Sink | undefined;
    let p4 = 0;
    let p6 = 0;
    /** The https page servers' port (both loopbacks). */
    let ps = 0;

    beforeAll(async () => {
      const dual = await listenDual(() => createServer(pageHandler));
      pageServers = dual.servers;
      p4 = dual.port;
      p6 = dual.port;
      if (opensslPresent) {
        const tls = selfSignedCertificate();
        const secure = await listenDual(() => createHttpsServer(tls, pageHandler));
        pageServers.push(...secure.servers);
        ps = secure.port;
      }
      const seen = new Map<string, string | undefined>();
      const s = createServer((req, res) => {
        const id = new URL(req.url ?? '/', 'http://x').searchParams.get('id') ?? '';
        seen.set(id, req.headers.origin);
        res.writeHead(200, { 'access-control-allow-origin': '*', 'content-type': 'text/plain' });
        res.end('ok');
      });
      const sp = await listen(s, '127.0.0.1');
      sink = { server: s, url: `http://127.0.0.1:${sp}/`, seen };
      driver = await launch(browser);
    });

    afterAll(async () => {
      await driver?.close().catch(() => {});
      await Promise.all([...pageServers.map(close), close(sink?.server)]);
    });

    it('new URL(u).origin agrees with parseOrigin, except the recorded differences', async () => {
      const d = driver!;
      await d.goto(`http://127.0.0.1:${p4}/`);
      const urls = urlsToCompare();
      const theirs = await d.evaluate<string[]>(
        `(${JSON.stringify(urls)}).map((u) => { try { return new URL(u).origin; } catch { return 'invalid URL'; } })`,
      );
      const known = new Map<string, DifferenceCase>();
      for (const c of differences) if (c.browser === browser) for (const u of c.urls) known.set(u, c);
      const mismatches: string[] = [];
      urls.forEach((u, i) => {
        const ours = serializeOrigin(parseOrigin(u));
        const diff = known.get(u);
        if (diff) expect(ours, `${u}: the recorded spec value`).toBe(diff.expect.spec);
        const expected = diff ? diff.expect.origin : ours;
        if (theirs[i] !== expected)
          mismatches.push(`${JSON.stringify(u)}: ${browser} ${theirs[i]}, expected ${expected}`);
      });
      expect(mismatches).toEqual([]);
      // Each recorded difference is still observed (a difference that disappears is stale).
      for (const [u, c] of known) expect(theirs[urls.indexOf(u)], `${c.id}: ${u}`).toBe(c.expect.origin);
    });

    const pages = (): { id: string; url: string; serialized: string }[] => [
      { id: 'ipv4', url: `http://127.0.0.1:${p4}/`, serialized: `http://127.0.0.1:${p4}` },
      { id: 'ipv4-hex', url: `http://0x7f.0.0.1:${p4}/a/b`, serialized: `http://127.0.0.1:${p4}` },
      { id: 'ipv6', url: `http://[::1]:${p6}/`, serialized: `http://[::1]:${p6}` },
      { id: 'ipv6-long', url: `http://[0:0:0:0:0:0:0:1]:${p6}/x?y`, serialized: `http://[::1]:${p6}` },
      { id: 'idn', url: `http://münchen.test:${p4}/`, serialized: `http://xn--mnchen-3ya.test:${p4}` },
      {
        id: 'uppercase',
        url: `http://App.Example.TEST:${p4}/path?q#f`,
        serialized: `http://app.example.test:${p4}`,
      },
    ];

    it('the Origin header sent from IPv4, IPv6, IDN, upper-case and hex-IPv4 pages is the page origin, serialized', async () => {
      const d = driver!;
      const s = sink!;
      for (const p of pages()) {
        expect(serializeOrigin(parseOrigin(p.url)), p.id).toBe(p.serialized);
        await d.goto(p.url);
        const selfOrigin = await d.evaluate<string>('self.origin');
        const id = `${browser}-${p.id}`;
        const status = await d.evaluate<string>(
          `fetch(${JSON.stringify(`${s.url}?id=${id}`)}).then((r) => String(r.status), (e) => 'ERR ' + e)`,
        );
        expect(status, `${p.id}: fetch`).toBe('200');
        const header = s.seen.get(id);
        expect(header, `${p.id}: Origin header`).toBe(p.serialized);
        expect(selfOrigin, `${p.id}: self.origin`).toBe(p.serialized);
        const r = parseOriginHeader(header);
        expect(r, p.id).toMatchObject({ ok: true, serialized: p.serialized });
        expect(createOriginMatcher([p.serialized]).matches(header as string)).toBe(true);
      }
    });

    it('a sandboxed iframe sends Origin: null, which parses to a fresh opaque origin', async () => {
      const d = driver!;
      const s = sink!;
      await d.goto(`http://127.0.0.1:${p4}/`);
      const id = `${browser}-sandboxed`;
      const target = JSON.stringify(`${s.url}?id=${id}`);
      const result = await d.evaluate<{ data: string; origin: string }>(`new Promise((resolve) => {
        addEventListener('message', (ev) => resolve({ data: String(ev.data), origin: ev.origin }), { once: true });
        const f = document.createElement('iframe');
        f.sandbox = 'allow-scripts';
        f.srcdoc = '<script>fetch(' + ${JSON.stringify(target)} + ').then((r) => parent.postMessage(self.origin + " " + r.status, "*"), (e) => parent.postMessage("ERR " + e, "*"))<' + '/script>';
        document.body.appendChild(f);
      })`);
      expect(result).toEqual({ data: 'null 200', origin: 'null' });
      expect(s.seen.get(id)).toBe('null');
      const r = parseOriginHeader(s.seen.get(id));
      expect(r.ok && r.origin.type === 'opaque' && r.serialized === 'null').toBe(true);
      // Listing origins never admits the opaque origin.
      expect(createOriginMatcher([`http://127.0.0.1:${p4}`]).matches('null')).toBe(false);
    });

    it.runIf(opensslPresent || process.env.CI === 'true')(
      'Sec-Fetch-Site agrees with isSameOrigin / isSameSite on the site table',
      async () => {
        if (!opensslPresent) throw new Error('CI=true and no openssl binary to make the test certificate');
        const d = driver!;
        const fill = (u: string) => u.replace('{https}', String(ps)).replace('{http}', String(p4));
        const wrong: string[] = [];
        for (const c of siteCases) {
          const page = fill(c.page);
          const target = fill(c.target);
          const a = parseOrigin(page);
          const b = parseOrigin(target);
          const ours = isSameOrigin(a, b) ? 'same-origin' : isSameSite(a, b) ? 'same-site' : 'cross-site';
          expect(ours, `${c.id}: ours`).toBe(c.expect.secFetchSite);
          const id = `${browser}-site-${c.id}`;
          await d.goto(page);
          const sep = target.includes('?') ? '&' : '?';
          const status = await d.evaluate<string>(
            `fetch(${JSON.stringify(`${target}${sep}id=${id}`)}).then((r) => String(r.status), (e) => 'ERR ' + e)`,
          );
          const header = seenByPages.get(id)?.['sec-fetch-site'];
          if (status !== '200' || header !== c.expect.secFetchSite) {
            wrong.push(`${c.id}: ${page} -> ${target}: fetch ${status}, Sec-Fetch-Site ${header}`);
          }
        }
        expect(wrong).toEqual([]);
      },
      60_000,
    );
  });
}
