/**
 * The browser-independent part of running cases: register each case with the servers, put the page
 * on the case's origin, run the request in the page, then read what the servers received and which
 * console messages the browser logged for the case's URLs.
 */
import { type PageResult, pageExpression } from './page-script.js';
import type { CaseServers, LocalCase } from './servers.js';
import type {
  BrowserName,
  HarnessCase,
  Observation,
  PreflightObservation,
  RecordedRequest,
  RunnerOptions,
  RunObservation,
} from './types.js';

export interface ConsoleEntry {
  text: string;
  /** The source URL the browser attached to the entry, if any. */
  url: string;
}

/** What a browser binding gives the runner. */
export interface PageDriver {
  goto(url: string): Promise<void>;
  evaluate(expression: string): Promise<unknown>;
  /** Console entries in arrival order (appended by the binding). */
  readonly console: ConsoleEntry[];
  /** The origin the page is on ('' before the first navigation); the runner updates it. */
  pageOrigin: string;
  /** How long to wait for a console message after a blocked request (0: the binding cannot see any). */
  readonly consoleWaitMs: number;
}

/**
 * Preflighted requests run right after launch. In a fresh Firefox 153 the first few preflights are
 * not served from the preflight cache (an identical request right after preflights again, whatever
 * the status or max-age); after about five preflights the cache works as specified. Spending them
 * here keeps that start-up artefact out of the cases. Chromium does not need it; it runs them too.
 */
export const WARM_UP_CASES: HarnessCase[] = Array.from({ length: 3 }, (_, i) => warmUp(i));

function warmUp(i: number): HarnessCase {
  return {
    id: `harness-warm-up-${i}`,
    repeat: 2,
    description: 'warm-up: one preflighted request',
    request: {
      origin: 'http://app.test',
      url: 'http://api.test/warm-up',
      method: 'PUT',
      headers: [['X-Warm-Up', '1']],
    },
    server: {
      preflight: {
        status: 200,
        headers: [
          ['Access-Control-Allow-Origin', 'http://app.test'],
          ['Access-Control-Allow-Methods', 'PUT'],
          ['Access-Control-Allow-Headers', 'X-Warm-Up'],
          ['Access-Control-Max-Age', '1'],
        ],
      },
      actual: { status: 200, headers: [['Access-Control-Allow-Origin', 'http://app.test']] },
    },
  };
}

/** The messages of a network error: Chromium's and Firefox's fetch rejections, and XHR's error event. */
export const NETWORK_ERRORS = new Set([
  'Failed to fetch',
  'NetworkError when attempting to fetch resource.',
  'error',
]);

const sleep = (ms: number) => new Promise<void>((r) => setTimeout(r, ms));

function header(list: [string, string][], name: string): string | null {
  for (const [n, v] of list) if (n.toLowerCase() === name) return v;
  return null;
}

function preflightOf(requests: RecordedRequest[]): PreflightObservation | null {
  const p = requests.find((r) => r.preflight);
  if (!p) return null;
  return {
    headers: p.headers,
    method: header(p.headers, 'access-control-request-method'),
    requestHeaders: header(p.headers, 'access-control-request-headers'),
  };
}

function originOf(url: string): string {
  return new URL(url).origin;
}

export async function runCasesWith(
  browser: BrowserName,
  driver: PageDriver,
  servers: CaseServers,
  cases: HarnessCase[],
  options: RunnerOptions = {},
): Promise<Observation[]> {
  const timeoutMs = options.requestTimeoutMs ?? 10_000;
  const out: Observation[] = [];
  let n = 0;
  for (const c of cases) {
    const local: LocalCase = servers.register(c);
    const origin = originOf(local.request.origin);
    if (origin !== driver.pageOrigin) {
      await driver.goto(`${origin}/`);
      driver.pageOrigin = origin;
    }
    const runs: RunObservation[] = [];
    const repeat = Math.max(1, Math.min(c.repeat ?? 1, 5));
    for (let i = 0; i < repeat; i++) runs.push(await runOnce(driver, servers, local, timeoutMs));
    const [first, ...rest] = runs as [RunObservation, ...RunObservation[]];
    out.push({ id: c.id, browser, ...first, repeats: rest });
    n++;
    if (options.progressEvery && n % options.progressEvery === 0) {
      process.stderr.write(`[${browser}] ${n}/${cases.length} cases\n`);
    }
  }
  return out;
}

async function runOnce(
  driver: PageDriver,
  servers: CaseServers,
  c: LocalCase,
  timeoutMs: number,
): Promise<RunObservation> {
  const logStart = servers.requests(c.id).length;
  const consoleStart = driver.console.length;
  const r = c.request;
  const result = (await driver.evaluate(
    pageExpression({
      url: r.url,
      method: r.method,
      headers: r.headers ?? [],
      ...(r.mode ? { mode: r.mode } : {}),
      ...(r.credentials ? { credentials: r.credentials } : {}),
      ...(r.redirect ? { redirect: r.redirect } : {}),
      ...(r.body && r.body !== 'none' ? { body: r.body } : {}),
      ...(r.initiator ? { initiator: r.initiator } : {}),
      timeoutMs,
    }),
  )) as PageResult;
  const marker = `/c/${c.id}/`;
  const mine = () =>
    driver.console.slice(consoleStart).filter((e) => e.text.includes(marker) || e.url.includes(marker));
  // A network error (not an exception thrown before sending) is when a browser logs something.
  const networkError = result.outcome === 'blocked' && NETWORK_ERRORS.has(result.error?.message ?? '');
  if (networkError && driver.consoleWaitMs > 0) {
    const deadline = Date.now() + driver.consoleWaitMs;
    while (mine().length === 0 && Date.now() < deadline) await sleep(5);
    // Let companion messages (e.g. "Failed to load resource") arrive.
    await sleep(25);
  }
  const requests = servers.requests(c.id).slice(logStart);
  const actual = requests.filter((q) => !q.preflight);
  return {
    preflight: preflightOf(requests),
    preflights: requests.filter((q) => q.preflight).length,
    actualSent: actual.length > 0,
    cookieSent: actual.some((q) => header(q.headers, 'cookie') !== null),
    outcome: result.outcome,
    responseType: result.responseType,
    status: result.status,
    readableHeaders: result.readableHeaders,
    error: result.error,
    console: mine().map((e) => e.text),
    requests,
  };
}
