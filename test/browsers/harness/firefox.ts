/**
 * Real Firefox ESR (Debian's /usr/bin/firefox-esr) driven by puppeteer-core over WebDriver BiDi.
 *
 * One browser, one page; cases run sequentially. `network.dns.forceResolve` sends every host name
 * to 127.0.0.1, and the prefs below switch off every service that would reach out (remote settings,
 * telemetry, safe browsing, captive portal, DoH, updates).
 *
 * Console: Firefox reports "Cross-Origin Request Blocked: ..." as an nsIScriptError of the page's
 * window; WebDriver BiDi forwards it as a `log.entryAdded` entry of type `javascript`, which
 * puppeteer emits as `pageerror` (console API calls arrive as `console`). Both are captured.
 */
import puppeteer, { type Browser, type Page } from 'puppeteer-core';
import { browserPath } from './available.js';
import { type ConsoleEntry, type PageDriver, runCasesWith, WARM_UP_CASES } from './runner.js';
import { CaseServers, type CookieSpec, DEFAULT_COOKIES } from './servers.js';
import type { BrowserRunner, HarnessCase, Observation, RunnerOptions } from './types.js';

export const FIREFOX_PATH = browserPath('firefox');

/** Prefs for an offline, loopback-only Firefox: every name to 127.0.0.1, nothing goes out. */
export const FIREFOX_OFFLINE_PREFS: Record<string, unknown> = {
  // Every name resolves to loopback; no proxy; no DNS over HTTPS.
  'network.dns.forceResolve': '127.0.0.1',
  'network.proxy.type': 0,
  'network.trr.mode': 5,
  'network.dns.disablePrefetch': true,
  'network.prefetch-next': false,
  'network.http.speculative-parallel-limit': 0,
  'network.http.http3.enable': false,
  // Plain http stays plain http.
  'dom.security.https_first': false,
  'dom.security.https_first_pbm': false,
  'dom.security.https_first_schemeless': false,
  'dom.security.https_only_mode': false,
  // Local network access prompts (newer Firefox): loopback to loopback anyway, but never prompt.
  'network.lna.blocking': false,
  'network.lna.enabled': false,
  // No outside connections.
  'services.settings.server': 'http://127.0.0.1:9/remote-settings',
  'messaging-system.rsexperimentloader.enabled': false,
  'app.normandy.enabled': false,
  'app.shield.optoutstudies.enabled': false,
  'app.update.enabled': false,
  'app.update.auto': false,
  'extensions.update.enabled': false,
  'extensions.getAddons.cache.enabled': false,
  'extensions.blocklist.enabled': false,
  'browser.safebrowsing.malware.enabled': false,
  'browser.safebrowsing.phishing.enabled': false,
  'browser.safebrowsing.downloads.enabled': false,
  'browser.safebrowsing.blockedURIs.enabled': false,
  'browser.safebrowsing.provider.mozilla.updateURL': '',
  'browser.safebrowsing.provider.google4.updateURL': '',
  'datareporting.healthreport.uploadEnabled': false,
  'datareporting.policy.dataSubmissionEnabled': false,
  'toolkit.telemetry.enabled': false,
  'toolkit.telemetry.unified': false,
  'toolkit.telemetry.server': '',
  'network.captive-portal-service.enabled': false,
  'network.connectivity-service.enabled': false,
  'browser.region.network.url': '',
  'browser.region.update.enabled': false,
  'browser.search.geoip.url': '',
  'browser.newtabpage.enabled': false,
  'browser.startup.page': 0,
  'browser.ping-centre.telemetry': false,
  'media.gmp-manager.url': '',
  'captivedetect.canonicalURL': '',
};

/** Cookie prefs of the harness, on top of the offline ones. */
export const FIREFOX_COOKIE_PREFS: Record<string, unknown> = {
  // Cookies: accept all (no Total Cookie Protection partitioning), SameSite=None without Secure
  // allowed, no Lax by default; so a cookie set for api.test goes out on credentialed requests.
  'network.cookie.cookieBehavior': 0,
  'network.cookie.cookieBehavior.pbmode': 0,
  'network.cookie.sameSite.noneRequiresSecure': false,
  'network.cookie.sameSite.laxByDefault': false,
  'privacy.trackingprotection.enabled': false,
  'privacy.trackingprotection.pbmode.enabled': false,
};

/** The harness's prefs: offline and loopback-only, with cookies that work cross-site over http. */
export const FIREFOX_PREFS: Record<string, unknown> = { ...FIREFOX_OFFLINE_PREFS, ...FIREFOX_COOKIE_PREFS };

/**
 * A 1280x900 window set at launch (`--width`/`--height`, with puppeteer's `defaultViewport: null`),
 * not by `page.setViewport`: that sends the BiDi command `emulation.setScreenOrientationOverride`,
 * which Firefox ESR 140 does not know (it fails the whole suite's set-up there; ESR 153 knows it).
 */
export const FIREFOX_WINDOW: { args: string[]; defaultViewport: null } = {
  args: ['--width=1280', '--height=900'],
  defaultViewport: null,
};

export interface FirefoxLaunchOptions extends RunnerOptions {
  servers?: CaseServers;
  /** Cookies set before any case (`name=value` per host name). Default: {@link DEFAULT_COOKIES}. */
  cookies?: CookieSpec[];
  /** Forward Firefox's stdout/stderr (noisy; for debugging). */
  dumpio?: boolean;
}

export class FirefoxRunner implements BrowserRunner {
  readonly browser = 'firefox' as const;
  private constructor(
    readonly servers: CaseServers,
    private readonly ownServers: boolean,
    private readonly b: Browser,
    readonly page: Page,
    private readonly driver: PageDriver,
    private readonly options: RunnerOptions,
    readonly version: string,
  ) {}

  get origin(): string {
    return this.servers.origin('app');
  }

  static async launch(options: FirefoxLaunchOptions = {}): Promise<FirefoxRunner> {
    const servers = options.servers ?? (await CaseServers.start());
    const ownServers = !options.servers;
    let b: Browser | undefined;
    try {
      b = await puppeteer.launch({
        browser: 'firefox',
        executablePath: FIREFOX_PATH,
        headless: true,
        acceptInsecureCerts: options.acceptTestCertificate === true,
        extraPrefsFirefox: FIREFOX_PREFS,
        dumpio: options.dumpio ?? false,
        timeout: 60_000,
        protocolTimeout: 60_000,
      });
      const page = await b.newPage();
      // Cookies: a first-party navigation to the host's /__cookie endpoint (Set-Cookie with
      // SameSite=None and no Secure, which the prefs above allow over http).
      for (const { host, pair } of options.cookies ?? DEFAULT_COOKIES) {
        await page.goto(`http://${host}:${servers.ports.api}/__cookie?${encodeURIComponent(pair)}`);
      }
      const log: ConsoleEntry[] = [];
      page.on('console', (m) => log.push({ text: m.text(), url: m.location().url ?? '' }));
      page.on('pageerror', (e) => log.push({ text: e instanceof Error ? e.message : String(e), url: '' }));
      const driver: PageDriver = {
        console: log,
        pageOrigin: '',
        consoleWaitMs: 1000,
        goto: async (url) => {
          await page.goto(url, { waitUntil: 'load' });
        },
        evaluate: (expr) => page.evaluate(expr),
      };
      await runCasesWith('firefox', driver, servers, WARM_UP_CASES);
      return new FirefoxRunner(servers, ownServers, b, page, driver, options, await b.version());
    } catch (e) {
      await b?.close().catch(() => {});
      if (ownServers) await servers.close();
      throw e;
    }
  }

  runCases(cases: HarnessCase[]): Promise<Observation[]> {
    return runCasesWith('firefox', this.driver, this.servers, cases, this.options);
  }

  async close(): Promise<void> {
    await this.b.close().catch(() => {});
    if (this.ownServers) await this.servers.close();
  }
}
