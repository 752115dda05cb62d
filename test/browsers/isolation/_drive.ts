/**
 * A thin driver over the harness runners' pages (playwright's for Chromium, puppeteer's for
 * Firefox): navigate, evaluate an expression, and collect console lines. The runners come from
 * the one harness (`describeBrowser`), which also sets the `harness=1` cookie on localhost.
 */
import type { BrowserRunner } from '../harness/types.js';

export interface ConsoleLine {
  text: string;
  url: string;
}

/** A request the browser reports as failed, with its network error text (`net::ERR_BLOCKED_BY_ORB`...). */
export interface FailedRequest {
  url: string;
  error: string;
}

export interface IsolationPage {
  readonly browser: 'chromium' | 'firefox';
  readonly console: ConsoleLine[];
  readonly failures: FailedRequest[];
  /** URLs whose request finished or failed (the DevTools protocol's report), since the last reset. */
  readonly settled: Set<string>;
  goto(url: string): Promise<void>;
  evaluate<T>(expression: string): Promise<T>;
}

interface AnyPage {
  on(event: 'console', cb: (m: { text(): string; location(): { url?: string } }) => void): unknown;
  on(event: 'pageerror', cb: (e: unknown) => void): unknown;
  on(
    event: 'requestfailed',
    cb: (r: { url(): string; failure(): { errorText: string } | null }) => void,
  ): unknown;
  on(event: 'requestfinished', cb: (r: { url(): string }) => void): unknown;
  goto(url: string, opts: { waitUntil: 'load' }): Promise<unknown>;
  evaluate(expr: string): Promise<unknown>;
}

const wired = new WeakMap<object, IsolationPage>();

/** The runner's page as an {@link IsolationPage} (one per runner; listeners attached once). */
export function isolationPage(runner: BrowserRunner): IsolationPage {
  const page = (runner as unknown as { page: AnyPage }).page;
  const known = wired.get(page);
  if (known) return known;
  const log: ConsoleLine[] = [];
  page.on('console', (m) => log.push({ text: m.text(), url: m.location().url ?? '' }));
  const failures: FailedRequest[] = [];
  const settled = new Set<string>();
  page.on('requestfailed', (r) => {
    failures.push({ url: r.url(), error: r.failure()?.errorText ?? '' });
    settled.add(r.url());
  });
  page.on('requestfinished', (r) => settled.add(r.url()));
  if (runner.browser === 'firefox') {
    page.on('pageerror', (e) => log.push({ text: e instanceof Error ? e.message : String(e), url: '' }));
  }
  const out: IsolationPage = {
    browser: runner.browser,
    console: log,
    failures,
    settled,
    goto: async (url) => {
      await page.goto(url, { waitUntil: 'load' });
    },
    evaluate: async <T>(expr: string) => (await page.evaluate(expr)) as T,
  };
  wired.set(page, out);
  return out;
}
