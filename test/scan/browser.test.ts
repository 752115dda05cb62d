/**
 * Real browsers as the oracle for the scanner's verdicts: for every origin-trust finding on the
 * fleet, a page in Chromium 156 and in Firefox ESR 153 on the reported probe origin (exactly that origin: default port,
 * no port in the string) reads the target with the credentials mode the finding claims; a sandboxed
 * iframe (`Origin: null`) reads the null-trusting server; and on the correctly configured servers
 * no page on any probe origin can read with credentials.
 *
 * Pages live on probe origins such as `https://evil.example` (port 443) without binding port 443:
 * the browser uses a loopback HTTP proxy (CONNECT to a local TLS server with a throwaway self-signed
 * certificate, certificate errors ignored) and resolves nothing itself. The fleet servers are on
 * 127.0.0.1, which neither browser proxies and both treat as potentially trustworthy.
 */
import http from 'node:http';
import https from 'node:https';
import net, { type AddressInfo } from 'node:net';
import { chromium } from 'playwright-core';
import puppeteer from 'puppeteer-core';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { deriveOriginProbes, type ScanReport, scan } from '../../src/scan/index.js';
import { browserPath } from '../browsers/harness/available.js';
import { CHROMIUM_BASE_ARGS } from '../browsers/harness/chromium.js';
import { testCertificate } from '../browsers/harness/tls.js';
import type { BrowserName } from '../browsers/harness/types.js';
import { describeWithBrowser } from '../browsers/harness/vitest.js';
import { COOKIE, FLEET, listen, type Running, SITE } from './fleet.js';

const BROWSERS: readonly BrowserName[] = ['chromium', 'firefox'];

/** What the tests need from a page, in either automation library. */
interface MiniPage {
  goto(url: string): Promise<unknown>;
  evaluate<A, R>(fn: (arg: A) => R | Promise<R>, arg: A): Promise<R>;
  close(): Promise<unknown>;
}
interface Driver {
  newPage(): Promise<MiniPage>;
  close(): Promise<void>;
}

async function launchChromium(proxyPort: number): Promise<Driver> {
  const b = await chromium.launch({
    executablePath: browserPath('chromium'),
    headless: true,
    timeout: 60_000,
    args: [
      ...CHROMIUM_BASE_ARGS.filter((a) => a !== '--headless'),
      `--proxy-server=http://127.0.0.1:${proxyPort}`,
      '--ignore-certificate-errors',
      // Chromium resolves nothing itself (the proxy does the "resolving"): nothing leaves the machine.
      '--host-resolver-rules=MAP * ~NOTFOUND, EXCLUDE localhost, EXCLUDE 127.0.0.1',
    ],
  });
  const context = await b.newContext({ ignoreHTTPSErrors: true });
  return {
    async newPage() {
      const page = await context.newPage();
      return {
        goto: (url) => page.goto(url, { waitUntil: 'load', timeout: 15_000 }),
        evaluate: (fn, arg) => page.evaluate(fn as never, arg) as never,
        close: () => page.close(),
      };
    },
    close: () => b.close(),
  };
}

async function launchFirefox(proxyPort: number): Promise<Driver> {
  const b = await puppeteer.launch({
    browser: 'firefox',
    executablePath: browserPath('firefox'),
    headless: true,
    acceptInsecureCerts: true,
    timeout: 60_000,
    extraPrefsFirefox: {
      // Every http and https load goes to the loopback proxy, loopback itself never does.
      'network.proxy.type': 1,
      'network.proxy.http': '127.0.0.1',
      'network.proxy.http_port': proxyPort,
      'network.proxy.ssl': '127.0.0.1',
      'network.proxy.ssl_port': proxyPort,
      'network.proxy.no_proxies_on': '',
      'network.proxy.allow_hijacking_localhost': false,
      'network.trr.mode': 5,
      'network.dns.disablePrefetch': true,
      'network.prefetch-next': false,
      'network.http.speculative-parallel-limit': 0,
      'network.http.http3.enable': false,
      'network.lna.blocking': false,
      'dom.security.https_first': false,
      'dom.security.https_only_mode': false,
      'services.settings.server': 'http://127.0.0.1:9/remote-settings',
      'app.normandy.enabled': false,
      'app.update.enabled': false,
      'extensions.update.enabled': false,
      'extensions.blocklist.enabled': false,
      'browser.safebrowsing.malware.enabled': false,
      'browser.safebrowsing.phishing.enabled': false,
      'browser.safebrowsing.provider.mozilla.updateURL': '',
      'browser.safebrowsing.provider.google4.updateURL': '',
      'datareporting.healthreport.uploadEnabled': false,
      'datareporting.policy.dataSubmissionEnabled': false,
      'toolkit.telemetry.enabled': false,
      'network.captive-portal-service.enabled': false,
      'network.connectivity-service.enabled': false,
      'browser.region.network.url': '',
      'browser.region.update.enabled': false,
    },
  });
  return {
    async newPage() {
      const page = await b.newPage();
      return {
        goto: (url) => page.goto(url, { waitUntil: 'load', timeout: 15_000 }),
        evaluate: (fn, arg) => page.evaluate(fn as never, arg) as never,
        close: () => page.close(),
      };
    },
    close: () => b.close(),
  };
}

/**
 * Special-character probe origins each browser will not be (refused, or the host rewritten:
 * Chromium percent-encodes `*`). Every other probe origin opens. Exploiting the ones that open still
 * needs a resolver for the name and, for https, a certificate public CAs do not issue for such
 * labels: the scanner rates them medium at most.
 */
const NOT_OPENED: Record<BrowserName, string[]> = {
  chromium: ['`', '*', '{', '}'],
  firefox: ['!', '&', "'", '(', ')', '*', ',', ';', '=', '`', '{', '}', '~'],
};

const BLANK = '<!doctype html><meta charset="utf-8"><title>probe origin</title>';

/** Set up once by the outer suite, read by each browser's suite. */
const running: Running[] = [];
const closers: (() => Promise<void>)[] = [];
let report: ScanReport;
let proxyPort = 0;

describe('scan verdicts in real browsers', () => {
  beforeAll(async () => {
    for (const s of FLEET) running.push(await listen(s.name, s.handler));
    report = await scan(
      running.map((r) => r.url),
      { origin: SITE, cookie: COOKIE, concurrency: 16 },
    );
    // The harness's throwaway certificate for the TLS page server (both browsers ignore its errors).
    const { key, cert } = await testCertificate();
    const tls = https.createServer({ key, cert }, (_req, res) => {
      res.setHeader('content-type', 'text/html');
      res.end(BLANK);
    });
    await new Promise<void>((resolve) => tls.listen(0, '127.0.0.1', resolve));
    const tlsPort = (tls.address() as AddressInfo).port;
    // The proxy: every CONNECT goes to the TLS page server; plain http pages are answered here.
    const proxy = http.createServer((_req, res) => {
      res.setHeader('content-type', 'text/html');
      res.end(BLANK);
    });
    const sockets = new Set<net.Socket>();
    proxy.on('connect', (_req, client: net.Socket, head: Buffer) => {
      const upstream = net.connect(tlsPort, '127.0.0.1', () => {
        client.write('HTTP/1.1 200 Connection Established\r\n\r\n');
        if (head.length) upstream.write(head);
        upstream.pipe(client);
        client.pipe(upstream);
      });
      for (const s of [client, upstream]) {
        sockets.add(s);
        s.on('error', () => s.destroy());
        s.on('close', () => sockets.delete(s));
      }
    });
    await new Promise<void>((resolve) => proxy.listen(0, '127.0.0.1', resolve));
    proxyPort = (proxy.address() as AddressInfo).port;
    closers.push(async () => {
      for (const s of sockets) s.destroy();
      tls.closeAllConnections();
      proxy.closeAllConnections();
      await new Promise<void>((r) => tls.close(() => r()));
      await new Promise<void>((r) => proxy.close(() => r()));
    });
  });

  afterAll(async () => {
    for (const c of closers) await c();
    await Promise.all(running.map((r) => r.close()));
  });

  // The harness's policy: without the browser, skipped with the reason printed (a failure under CI=true).
  for (const browserName of BROWSERS)
    describeWithBrowser(browserName, browserName, () => browserSuite(browserName));
});

/** One browser's tests (inside the harness's availability policy). */
function browserSuite(browserName: BrowserName): void {
  let driver: Driver | undefined;
  beforeAll(async () => {
    driver = await (browserName === 'chromium' ? launchChromium : launchFirefox)(proxyPort);
  }, 120_000);
  afterAll(async () => {
    await driver?.close();
  });

  const SPECIAL = new Set(
    deriveOriginProbes(SITE)
      .filter((p) => p.class === 'special-characters')
      .map((p) => p.origin),
  );
  const unreachable = new Set<string>();

  /** Opens a page on `origin` and fetches each URL from it; true where script could read the body. */
  async function readsFrom(
    origin: string,
    urls: string[],
    credentials: RequestCredentials | RequestCredentials[],
  ): Promise<boolean[] | null> {
    const modes = Array.isArray(credentials) ? credentials : [credentials];
    // A fresh page per origin: a refused navigation leaves an error page loading in the old one.
    const page = await (driver as Driver).newPage();
    try {
      let actual: string | null = null;
      try {
        await page.goto(`${origin}/`);
        actual = await page.evaluate(() => location.origin, undefined);
      } catch (err) {
        if (!SPECIAL.has(origin)) throw err;
      }
      if (actual !== origin && SPECIAL.has(origin)) {
        // Refused, or the host was rewritten: not this origin.
        unreachable.add(origin);
        return null;
      }
      expect(actual).toBe(origin);
      return await page.evaluate(
        async ({ urls, modes }) =>
          Promise.all(
            modes.flatMap((credentials) =>
              urls.map(async (u) => {
                try {
                  await (await fetch(u, { credentials })).text();
                  return true;
                } catch {
                  return false;
                }
              }),
            ),
          ),
        { urls, modes },
      );
    } finally {
      await page.close();
    }
  }

  // Pages the loopback proxy can serve: not localhost/127.0.0.1 (development-origin probes), which
  // neither browser proxies; those are judged by the engine (fleet.test.ts).
  const isPageOrigin = (o: string) =>
    URL.parse(o)?.origin === o && !/^http:\/\/(localhost|127\.0\.0\.1)(:|$)/.test(o);

  it('every trusted probe origin of a finding reads the target (with credentials when the finding says so)', async () => {
    const byOrigin = new Map<string, { url: string; credentials: boolean; what: string }[]>();
    for (const [i, t] of report.targets.entries()) {
      for (const f of t.findings) {
        if (f.class === 'preflight-only-trust') continue; // the point: the page cannot read (attacks.browser.test.ts)
        for (const origin of (f.origins ?? []).filter(isPageOrigin)) {
          const list = byOrigin.get(origin) ?? [];
          list.push({
            url: running[i]?.url ?? '',
            credentials: f.credentials === true,
            what: `${FLEET[i]?.name} ${f.class}`,
          });
          byOrigin.set(origin, list);
        }
      }
    }
    expect(byOrigin.size).toBeGreaterThan(10);
    let checked = 0;
    for (const [origin, targets] of byOrigin) {
      for (const mode of ['include', 'omit'] as const) {
        const subset = targets.filter((t) => mode === 'omit' || t.credentials);
        if (subset.length === 0) continue;
        const reads = await readsFrom(
          origin,
          subset.map((t) => t.url),
          mode,
        );
        if (reads === null) continue;
        checked++;
        subset.forEach((t, k) => {
          expect(reads[k], `${origin} ${mode}: ${t.what}`).toBe(true);
        });
      }
    }
    expect(checked).toBeGreaterThan(10);
  }, 400_000);

  it('opens every probe origin but the known special-character ones', () => {
    expect([...unreachable].sort()).toEqual(
      NOT_OPENED[browserName].map((c) => `https://app.victim.test${c}.evil.example`).sort(),
    );
  });

  it('a sandboxed iframe (Origin: null) reads the null-trusting server with credentials', async () => {
    const i = FLEET.findIndex((s) => s.name === 'reflected-null');
    expect(report.targets[i]?.findings.map((f) => f.class)).toEqual(['null-origin']);
    const url = running[i]?.url ?? '';
    const correct = running[FLEET.findIndex((s) => s.name === 'crossorigin-server-credentials')]?.url ?? '';
    const page = await (driver as Driver).newPage();
    await page.goto('https://sandbox-host.example/');
    const result = await page.evaluate(
      ({ urls }) =>
        new Promise<string>((resolve) => {
          window.addEventListener('message', (e) => resolve(String(e.data)));
          const f = document.createElement('iframe');
          f.setAttribute('sandbox', 'allow-scripts');
          f.srcdoc = `<script>Promise.all(${JSON.stringify(urls)}.map((u) => fetch(u, { credentials: 'include' }).then((r) => r.text()).then(() => 'read', () => 'blocked'))).then((r) => parent.postMessage(origin + ' ' + r.join(','), '*'));</script>`;
          document.body.append(f);
        }),
      { urls: [url, correct] },
    );
    await page.close();
    expect(result).toBe('null read,blocked');
  });

  it('on the correct servers no probe origin reads with credentials; only the public API without', async () => {
    const names = [
      'crossorigin-server-credentials',
      'crossorigin-server-list',
      'cors-package-allowlist',
      'no-cors',
      'public-wildcard-api',
    ];
    const urls = names.map((n) => running[FLEET.findIndex((s) => s.name === n)]?.url ?? '');
    const probes = [...new Set(deriveOriginProbes(SITE).map((p) => p.origin))].filter(isPageOrigin);
    expect(probes.length).toBeGreaterThan(20);
    let opened = 0;
    for (const origin of probes) {
      const reads = await readsFrom(origin, urls, ['include', 'omit']);
      if (reads === null) continue;
      opened++;
      expect(reads.slice(0, names.length), `${origin} include`).toEqual(names.map(() => false));
      expect(reads.slice(names.length), `${origin} omit`).toEqual(
        names.map((n) => n === 'public-wildcard-api'),
      );
    }
    expect(opened).toBeGreaterThan(20);
    // The site itself reads every CORS-enabled one.
    expect(await readsFrom(SITE, urls, 'omit')).toEqual(names.map((n) => n !== 'no-cors'));
  }, 400_000);
}
