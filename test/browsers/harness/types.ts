/**
 * Types shared by the real-browser harness (servers, Chromium, Firefox) and its users: the
 * differential test, the record script, the lab and the server's end-to-end tests.
 */
import type { CorsExchangeCase, HeaderList } from '../../fixtures/schema.js';
import type { CaseServers } from './servers.js';

export type BrowserName = 'chromium' | 'firefox';

/** The three loopback servers. Each serves the blank page at `/` and every case under `/c/<id>/`. */
export type Role = 'app' | 'api' | 'other';

/**
 * A 'cors-exchange' case as the harness runs it. A fixture case is one (its `expect` is not read
 * by the harness); a generated case has no `expect` (the engine decides, the browsers judge).
 *
 * URL convention (see README.md): hosts `app.test`, `api.test` and `other.test` written WITHOUT a
 * port get the port of that server; `{app}`, `{api}`, `{other}` are replaced by the port numbers
 * anywhere (so `http://127.0.0.1:{app}` and `http://localhost:{api}` work). The path of a request
 * URL or a Location on one of our servers is moved under `/c/<id>`.
 */
export type HarnessCase = Omit<CorsExchangeCase, 'expect'> & {
  expect?: CorsExchangeCase['expect'];
  /**
   * Run the same request this many times in a row (default 1), e.g. 2 to see whether the second
   * request is served from the preflight cache.
   */
  repeat?: number;
};

/** One request a server received. */
export interface RecordedRequest {
  /** Which server received it. */
  role: Role;
  method: string;
  /** The path below the case prefix, e.g. `/data?x=1` for `/c/<id>/data?x=1`. */
  path: string;
  /** Every header as received, in order, names as sent (Node's rawHeaders). */
  headers: HeaderList;
  /** True for OPTIONS carrying Access-Control-Request-Method (the Fetch definition of a preflight). */
  preflight: boolean;
  /** Status the server answered with. */
  status: number;
}

export interface PreflightObservation {
  headers: HeaderList;
  /** Access-Control-Request-Method as sent, or null. */
  method: string | null;
  /** Access-Control-Request-Headers as sent, or null when absent. */
  requestHeaders: string | null;
}

/** What one run of a case did in a real browser. */
export interface RunObservation {
  /** The first preflight of this run, or null when none reached a server. */
  preflight: PreflightObservation | null;
  /** Number of preflights that reached a server in this run. */
  preflights: number;
  /** Whether any non-preflight request reached a server in this run. */
  actualSent: boolean;
  /** Whether a non-preflight request carried a Cookie header. */
  cookieSent: boolean;
  outcome: 'allowed' | 'blocked' | 'opaque';
  /** `Response.type` (fetch) or `'xhr'`; null when blocked. */
  responseType: string | null;
  /** Status visible to script (0 for opaque or blocked). */
  status: number;
  /** Header names script can read, lower-case, sorted. */
  readableHeaders: string[];
  /** The rejection (fetch) or the error event (XHR), or the exception thrown before sending. */
  error: { name: string; message: string } | null;
  /** Console messages logged for this run's URLs (all levels, text only, in order). */
  console: string[];
  /** Every request the servers received in this run, in order. */
  requests: RecordedRequest[];
}

/** What a case did in a real browser: the first run's fields, plus later runs for `repeat`. */
export interface Observation extends RunObservation {
  id: string;
  browser: BrowserName;
  /** Runs 2..n when `repeat` > 1. */
  repeats: RunObservation[];
}

/** The options every browser runner takes. */
export interface RunnerOptions {
  /** Print progress every N cases to stderr (0: never). */
  progressEvery?: number;
  /** Per-request timeout inside the page, ms (default 10000). */
  requestTimeoutMs?: number;
  /** Accept the test HTTPS certificate (tls.ts): Chromium ignores certificate errors, Firefox accepts insecure certs. */
  acceptTestCertificate?: boolean;
}

export interface BrowserRunner {
  readonly browser: BrowserName;
  /** The browser's version string as the browser reports it. */
  readonly version: string;
  /** The loopback servers the cases are served from. */
  readonly servers: CaseServers;
  /** The app origin the page is on (`http://app.test:<port>`). */
  readonly origin: string;
  /** Runs the cases sequentially in one page. The page is navigated to each case's origin as needed. */
  runCases(cases: HarnessCase[]): Promise<Observation[]>;
  close(): Promise<void>;
}
