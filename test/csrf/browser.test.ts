/**
 * The CSRF guard against real browsers: Chromium (playwright-core) and Firefox ESR (puppeteer-core,
 * WebDriver BiDi), with pages on loopback names `app.test`, `evil.test` and `blog.app.test`.
 *
 * Each scenario opens a page that makes the request by itself (an auto-submitting form, a no-cors
 * fetch, a form in a sandboxed iframe, a script navigation), and the assertion is made on what the
 * SERVER saw and answered: the request arrived, the guard refused it with 403 (attacks) or let it
 * through (the same form on the app's own origin). Where a scenario reproduces a fixture case, the
 * Fetch Metadata and Origin the browser really sent are compared with the case's headers and the
 * guard's reason with the case's expectation, so the tables describe what browsers do.
 *
 * A missing browser is handled by the harness (`describeWithBrowser`, the policy `describeBrowser` uses):
 * with CI=true the suite FAILS; elsewhere it is skipped with the reason printed.
 */
import { chromium, type Browser as PwBrowser } from 'playwright-core';
import puppeteer, { type Browser as PpBrowser } from 'puppeteer-core';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { CHROMIUM_ARGS, CHROMIUM_PATH } from '../browsers/harness/chromium.js';
import { FIREFOX_OFFLINE_PREFS, FIREFOX_PATH } from '../browsers/harness/firefox.js';
import { testCertificate } from '../browsers/harness/tls.js';
import { describeWithBrowser } from '../browsers/harness/vitest.js';
import { type CsrfCase, loadTables } from '../fixtures/schema.js';
import { CsrfSite, type Seen } from './browser-site.js';

type Host = 'app.test' | 'evil.test' | 'blog.app.test';
type Transport = 'http' | 'https';
type BrowserName = 'chromium' | 'firefox';
/** An expectation that may differ per browser. */
type PerBrowser<T> = T | { chromium: T; firefox: T };

interface Scenario {
  id: string;
  /** The host serving the page that makes the request. */
  from: Host;
  /** The page (path and query) on that host; `action` is the app URL the page targets. */
  page: (action: string) => string;
  /** The app path whose request is awaited. */
  target: '/' | '/transfer' | '/transfer-same-site';
  method: 'GET' | 'POST';
  allowed: boolean;
  /**
   * The guard's reason, per transport. Over https browsers send Sec-Fetch-Site; over plain http
   * to a name that is not potentially trustworthy they send none (Fetch Metadata is only attached
   * to potentially trustworthy URLs), so the guard decides by Origin there.
   */
  reason: Record<Transport, PerBrowser<string>>;
  /** Fixture cases this scenario reproduces, per transport. */
  fixture?: Partial<Record<Transport, string>>;
}

const FORM = (enctype: string) => (action: string) =>
  `/form?enctype=${encodeURIComponent(enctype)}&action=${encodeURIComponent(action)}`;
const PAGE = (path: string) => (action: string) => `${path}?action=${encodeURIComponent(action)}`;
const URLENCODED = 'application/x-www-form-urlencoded';

const SCENARIOS: Scenario[] = [
  {
    id: 'attacker form, urlencoded',
    from: 'evil.test',
    page: FORM(URLENCODED),
    target: '/transfer',
    method: 'POST',
    allowed: false,
    reason: { https: 'sec-fetch-site-cross-site', http: 'origin-mismatch' },
    fixture: { https: 'cross-site-form-post-urlencoded', http: 'legacy-browser-cross-origin' },
  },
  {
    id: 'attacker form, multipart',
    from: 'evil.test',
    page: FORM('multipart/form-data'),
    target: '/transfer',
    method: 'POST',
    allowed: false,
    reason: { https: 'sec-fetch-site-cross-site', http: 'origin-mismatch' },
    fixture: { https: 'cross-site-form-post-multipart' },
  },
  {
    id: 'attacker form, text/plain',
    from: 'evil.test',
    page: FORM('text/plain'),
    target: '/transfer',
    method: 'POST',
    allowed: false,
    reason: { https: 'sec-fetch-site-cross-site', http: 'origin-mismatch' },
    fixture: { https: 'cross-site-form-post-text-plain' },
  },
  {
    id: 'attacker no-cors fetch',
    from: 'evil.test',
    page: PAGE('/no-cors'),
    target: '/transfer',
    method: 'POST',
    allowed: false,
    reason: { https: 'sec-fetch-site-cross-site', http: 'origin-mismatch' },
    fixture: { https: 'no-cors-fetch-cross-site' },
  },
  {
    id: 'attacker sandboxed iframe form (Origin: null)',
    from: 'evil.test',
    page: PAGE('/sandbox'),
    target: '/transfer',
    method: 'POST',
    allowed: false,
    reason: { https: 'sec-fetch-site-cross-site', http: 'origin-null' },
    fixture: { https: 'sandboxed-iframe-origin-null', http: 'sandboxed-iframe-origin-null-legacy' },
  },
  {
    id: 'sibling subdomain form',
    from: 'blog.app.test',
    page: FORM(URLENCODED),
    target: '/transfer',
    method: 'POST',
    allowed: false,
    reason: { https: 'sec-fetch-site-same-site', http: 'origin-mismatch' },
    fixture: { https: 'sibling-subdomain-same-site', http: 'sibling-subdomain-legacy' },
  },
  {
    id: 'sibling subdomain form, sameSite allow',
    from: 'blog.app.test',
    page: FORM(URLENCODED),
    target: '/transfer-same-site',
    method: 'POST',
    allowed: true,
    reason: { https: 'same-site-allowed', http: 'same-site-allowed' },
    fixture: { https: 'same-site-allowed', http: 'same-site-allowed-legacy' },
  },
  {
    id: 'same form on the app, urlencoded',
    from: 'app.test',
    page: FORM(URLENCODED),
    target: '/transfer',
    method: 'POST',
    allowed: true,
    reason: { https: 'sec-fetch-site-same-origin', http: 'origin-match' },
    fixture: { https: 'same-origin-form-post', http: 'legacy-browser-same-origin' },
  },
  {
    id: 'same form on the app, multipart',
    from: 'app.test',
    page: FORM('multipart/form-data'),
    target: '/transfer',
    method: 'POST',
    allowed: true,
    reason: { https: 'sec-fetch-site-same-origin', http: 'origin-match' },
    fixture: { https: 'same-origin-form-post-multipart' },
  },
  {
    id: 'same form on the app, text/plain',
    from: 'app.test',
    page: FORM('text/plain'),
    target: '/transfer',
    method: 'POST',
    allowed: true,
    reason: { https: 'sec-fetch-site-same-origin', http: 'origin-match' },
  },
  {
    id: 'same-origin fetch POST JSON',
    from: 'app.test',
    page: PAGE('/fetch'),
    target: '/transfer',
    method: 'POST',
    allowed: true,
    reason: { https: 'sec-fetch-site-same-origin', http: 'origin-match' },
    fixture: { https: 'same-origin-fetch-json' },
  },
  {
    id: 'top-level navigation GET from another site',
    from: 'evil.test',
    page: PAGE('/navigate'),
    target: '/',
    method: 'GET',
    allowed: true,
    reason: { https: 'safe-method', http: 'safe-method' },
    fixture: { https: 'top-level-navigation-get' },
  },
];

/** What each browser sends as Sec-Fetch-Site for an http page posting to https on the same host (observed). */
const HTTP_TO_HTTPS_SITE: Record<BrowserName, string> = { chromium: 'cross-site', firefox: 'cross-site' };

const cases = new Map<string, CsrfCase>(
  loadTables('csrf').flatMap((t) => t.cases.map((c) => [c.id, c] as const)),
);
const APP_FIXTURE_ORIGIN = 'https://app.example.com';

/** The case's headers, by lower-case name. */
function caseHeader(c: CsrfCase, name: string): string | undefined {
  return c.request.headers.find(([n]) => n.toLowerCase() === name)?.[1];
}

/** Origin as a kind, so the fixture (app.example.com) and the loopback run (app.test:port) compare. */
function originKind(value: string | undefined, app: string): string {
  if (value === undefined) return 'absent';
  if (value === 'null') return 'null';
  return value === app ? 'app' : 'other';
}

/** The browser really sends what the fixture case says (Fetch Metadata, Origin kind, body type). */
function expectMatchesFixture(seen: Seen, c: CsrfCase, app: string, compareBodyType: boolean): void {
  for (const name of ['sec-fetch-site', 'sec-fetch-mode', 'sec-fetch-dest']) {
    expect(seen.headers[name], `${name} of fixture ${c.id}`).toBe(caseHeader(c, name));
  }
  expect(originKind(seen.headers.origin, app), `Origin of fixture ${c.id}`).toBe(
    originKind(caseHeader(c, 'origin'), APP_FIXTURE_ORIGIN),
  );
  const ct = caseHeader(c, 'content-type');
  if (compareBodyType && ct !== undefined && c.request.method !== 'GET') {
    expect(seen.headers['content-type']?.split(';')[0], `content-type of fixture ${c.id}`).toBe(
      ct.split(';')[0],
    );
  }
  expect(seen.reason, `reason of fixture ${c.id}`).toBe(c.expect.reason);
}

interface Driver {
  open(url: string): Promise<void>;
  /** Leaves the scenario's page (about:blank). */
  reset(): Promise<void>;
  close(): Promise<void>;
}

async function launchChromium(): Promise<Driver> {
  const b: PwBrowser = await chromium.launch({
    executablePath: CHROMIUM_PATH,
    headless: true,
    args: CHROMIUM_ARGS,
    timeout: 60_000,
  });
  // The https site's certificate is the harness's self-signed test certificate.
  const context = await b.newContext({ ignoreHTTPSErrors: true });
  // One page for every scenario (opening a tab per scenario made Chromium 156 refuse new tabs).
  const page = await context.newPage();
  return {
    async open(url) {
      // The page navigates again by itself (form submit); the server's record is what counts.
      await page.goto(url, { waitUntil: 'commit', timeout: 10_000 }).catch(() => {});
    },
    async reset() {
      await blank(() => page.goto('about:blank', { timeout: 5_000 }));
    },
    async close() {
      await context.close().catch(() => {});
      await b.close().catch(() => {});
    },
  };
}

async function launchFirefox(): Promise<Driver> {
  const b: PpBrowser = await puppeteer.launch({
    browser: 'firefox',
    executablePath: FIREFOX_PATH,
    headless: true,
    acceptInsecureCerts: true,
    extraPrefsFirefox: FIREFOX_OFFLINE_PREFS,
    timeout: 60_000,
  });
  const page = await b.newPage();
  return {
    async open(url) {
      await page.goto(url, { waitUntil: 'load', timeout: 10_000 }).catch(() => {});
    },
    async reset() {
      await blank(() => page.goto('about:blank', { timeout: 5_000 }));
    },
    async close() {
      await b.close().catch(() => {});
    },
  };
}

/** Back to about:blank, retrying when a navigation the page started interrupts it (bounded). */
async function blank(go: () => Promise<unknown>): Promise<void> {
  for (let i = 0; i < 3; i++) {
    if (
      await go().then(
        () => true,
        () => false,
      )
    )
      return;
  }
}

const BROWSERS = [
  { name: 'chromium' as const, launch: launchChromium },
  { name: 'firefox' as const, launch: launchFirefox },
];

const pick = <T>(v: PerBrowser<T>, b: BrowserName): T =>
  typeof v === 'object' && v !== null && 'chromium' in v ? v[b] : (v as T);

for (const browser of BROWSERS) {
  // The harness's one availability policy: run; or, with the browser missing, fail under CI=true
  // and skip (reason printed) elsewhere.
  describeWithBrowser(browser.name, `CSRF guard in real ${browser.name}`, () => {
    const sites = {} as Record<Transport, CsrfSite>;
    let driver: Driver | undefined;

    beforeAll(async () => {
      sites.http = await CsrfSite.start();
      // The harness's test certificate (*.test); both browsers are told to accept it.
      sites.https = await CsrfSite.start(await testCertificate());
      driver = await browser.launch();
    });

    afterAll(async () => {
      await driver?.close();
      await sites.http?.close();
      await sites.https?.close();
    });

    let counter = 0;
    /**
     * Opens the page, waits for the app's server to record the request carrying this scenario's
     * nonce (so a late request of an earlier scenario can never be taken for this one), then leaves.
     */
    async function run(
      site: CsrfSite,
      from: Host,
      page: (action: string) => string,
      target: string,
    ): Promise<Seen> {
      counter += 1;
      const nonce = `${browser.name}-${counter}`;
      const action = `${site.origin('app.test')}${target}?n=${nonce}`;
      const start = site.seen.length;
      await driver!.open(`${site.origin(from)}${page(action)}`);
      try {
        return await site.waitFor(start, (x) => x.nonce === nonce, 8_000);
      } finally {
        await driver!.reset();
      }
    }

    for (const transport of ['https', 'http'] as const) {
      describe(`over ${transport}`, () => {
        it.each(SCENARIOS.map((s) => [s.id, s] as const))('%s', async (_id, s) => {
          const site = sites[transport];
          const seen = await run(site, s.from, s.page, s.target);
          expect({ path: seen.path, method: seen.method }).toEqual({ path: s.target, method: s.method });
          // The server saw the request and answered it: 403 for an attack, 200 for the app's own.
          expect({ status: seen.status, allowed: seen.allowed, reason: seen.reason }).toEqual({
            status: s.allowed ? 200 : 403,
            allowed: s.allowed,
            reason: pick(s.reason[transport], browser.name),
          });
          // The refusal as the adapter wrote it: Vary names the headers that decided.
          if (!s.allowed) expect(seen.vary).toMatch(/^Sec-Fetch-Site, Origin\b/);
          const fixture = s.fixture?.[transport];
          if (fixture !== undefined) {
            const c = cases.get(fixture);
            expect(c, `fixture ${fixture} exists`).toBeDefined();
            expectMatchesFixture(seen, c!, site.origin('app.test'), transport === 'https');
          }
        });
      });
    }

    it('an http page of the same host posting to the https app is refused, even with sameSite allow', async () => {
      // The page is on the http site; the form targets the https site's app.
      counter += 1;
      const nonce = `${browser.name}-${counter}`;
      const action = `${sites.https.origin('app.test')}/transfer-same-site?n=${nonce}`;
      const start = sites.https.seen.length;
      await driver!.open(`${sites.http.origin('app.test')}${FORM(URLENCODED)(action)}`);
      const seen = await sites.https
        .waitFor(start, (x) => x.nonce === nonce, 8_000)
        .finally(() => driver!.reset());
      expect(seen.headers.origin).toBe(sites.http.origin('app.test'));
      expect({ status: seen.status, allowed: seen.allowed }).toEqual({ status: 403, allowed: false });
      // Browsers compute Sec-Fetch-Site schemefully: an http page is cross-site to an https URL.
      expect(seen.headers['sec-fetch-site']).toBe(HTTP_TO_HTTPS_SITE[browser.name]);
      expect(seen.reason).toBe(`sec-fetch-site-${HTTP_TO_HTTPS_SITE[browser.name]}`);
      expectMatchesFixture(seen, cases.get('http-page-to-https-app')!, sites.https.origin('app.test'), true);
    });
  });
}
