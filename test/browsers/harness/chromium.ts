/**
 * Real Chromium (Debian's /usr/bin/chromium) driven by playwright-core over CDP.
 *
 * One browser, one fresh profile (a new context), one page; cases run sequentially. `*.test` is
 * mapped to 127.0.0.1 by `--host-resolver-rules`. Console messages (CORS errors are Log entries of
 * source `network`/`javascript`) come through `page.on('console')`.
 */
import { type Browser, type BrowserContext, chromium, type Page } from 'playwright-core';
import { browserPath } from './available.js';
import { type ConsoleEntry, type PageDriver, runCasesWith, WARM_UP_CASES } from './runner.js';
import { CaseServers, type CookieSpec, DEFAULT_COOKIES } from './servers.js';
import { CHROMIUM_TLS_ARGS } from './tls.js';
import type { BrowserRunner, HarnessCase, Observation, RunnerOptions } from './types.js';

export const CHROMIUM_PATH = browserPath('chromium');

/** The flags every headless Chromium of the test suites starts with (no name resolution rule). */
export const CHROMIUM_BASE_ARGS: readonly string[] = [
  '--headless',
  '--no-sandbox',
  '--disable-gpu',
  '--disable-quic',
  '--no-first-run',
  '--disable-background-networking',
  '--disable-component-update',
  '--disable-sync',
  '--disable-default-apps',
  '--disable-extensions',
];

/** Every name but localhost and 127.0.0.1 fails to resolve: nothing can leave the machine. */
export const CHROMIUM_LOOPBACK_ONLY =
  '--host-resolver-rules=MAP * ~NOTFOUND, EXCLUDE localhost, EXCLUDE 127.0.0.1';

/** The harness's flags: *.test to loopback; every other name but localhost and 127.0.0.1 fails. */
export const CHROMIUM_ARGS = [
  ...CHROMIUM_BASE_ARGS,
  '--host-resolver-rules=MAP *.test 127.0.0.1, MAP * ~NOTFOUND, EXCLUDE localhost, EXCLUDE 127.0.0.1',
];

export interface LaunchOptions extends RunnerOptions {
  /** Servers to use; when absent the runner starts its own and closes them on close(). */
  servers?: CaseServers;
  /**
   * Cookies to set before any case (`name=value` for a host name; ports do not matter to cookies).
   * Default: {@link DEFAULT_COOKIES}.
   */
  cookies?: CookieSpec[];
}

export class ChromiumRunner implements BrowserRunner {
  readonly browser = 'chromium' as const;
  private constructor(
    readonly servers: CaseServers,
    private readonly ownServers: boolean,
    private readonly b: Browser,
    private readonly context: BrowserContext,
    readonly page: Page,
    private readonly driver: PageDriver,
    private readonly options: RunnerOptions,
    readonly version: string,
  ) {}

  get origin(): string {
    return this.servers.origin('app');
  }

  static async launch(options: LaunchOptions = {}): Promise<ChromiumRunner> {
    const servers = options.servers ?? (await CaseServers.start());
    const ownServers = !options.servers;
    let b: Browser | undefined;
    try {
      b = await chromium.launch({
        executablePath: CHROMIUM_PATH,
        headless: true,
        args: options.acceptTestCertificate ? [...CHROMIUM_ARGS, ...CHROMIUM_TLS_ARGS] : CHROMIUM_ARGS,
        timeout: 60_000,
      });
      const context = await b.newContext({ ignoreHTTPSErrors: options.acceptTestCertificate === true });
      const cookies = options.cookies ?? DEFAULT_COOKIES;
      if (cookies.length > 0) {
        // Set through CDP as SameSite=None; Secure. Chromium sends a Secure cookie over http only
        // to a potentially trustworthy host (localhost), and not cross-site at all here (third-
        // party cookies are blocked): so cookies go out on same-site credentialed requests such as
        // localhost:{app} -> localhost:{api}, never app.test -> api.test. See README.md.
        await context.addCookies(
          cookies.map(({ host, pair }) => {
            const [name, ...v] = pair.split('=');
            return {
              name: name as string,
              value: v.join('='),
              domain: host,
              path: '/',
              sameSite: 'None' as const,
              secure: true,
            };
          }),
        );
      }
      const page = await context.newPage();
      const log: ConsoleEntry[] = [];
      page.on('console', (m) => log.push({ text: m.text(), url: m.location().url ?? '' }));
      const driver: PageDriver = {
        console: log,
        pageOrigin: '',
        consoleWaitMs: 1000,
        goto: async (url) => {
          await page.goto(url, { waitUntil: 'load' });
        },
        evaluate: (expr) => page.evaluate(expr),
      };
      await runCasesWith('chromium', driver, servers, WARM_UP_CASES);
      return new ChromiumRunner(servers, ownServers, b, context, page, driver, options, b.version());
    } catch (e) {
      await b?.close().catch(() => {});
      if (ownServers) await servers.close();
      throw e;
    }
  }

  runCases(cases: HarnessCase[]): Promise<Observation[]> {
    return runCasesWith('chromium', this.driver, this.servers, cases, this.options);
  }

  async close(): Promise<void> {
    await this.context.close().catch(() => {});
    await this.b.close().catch(() => {});
    if (this.ownServers) await this.servers.close();
  }
}
