/**
 * The cors-exchange tables (test/fixtures/cors-*.json) through the whole engine: createBrowserFetch
 * over (1) an in-memory transport that answers as the harness servers do, and (2) the harness's
 * real loopback servers with an undici fetch that maps *.test to 127.0.0.1. Each case is judged
 * for the chromium, firefox and spec profiles against the expectations written from real browsers
 * and the Fetch Standard.
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createLoopbackFetch, type LoopbackFetch } from '../../test/browsers/harness/net.js';
import { CaseServers } from '../../test/browsers/harness/servers.js';
import {
  type CorsExchangeCase,
  type ExchangeExpectation,
  expectationFor,
  type HeaderList,
  loadTables,
  type Profile,
} from '../../test/fixtures/schema.js';
import type { CorsError } from './errors/index.js';
import { type BrowserFetchEvent, createBrowserFetch } from './index.js';
import { createScriptedFetch, type ScriptedRequest } from './scripted-fetch.js';

const tables = loadTables('cors-exchange').filter((t) => t.table.startsWith('cors-'));
const cases: CorsExchangeCase[] = tables.flatMap((t) => t.cases);
const PROFILES: Profile[] = ['chromium', 'firefox', 'spec'];

interface Seen {
  method: string;
  preflight: boolean;
  headers: Record<string, string>;
}

interface RunResult {
  preflight: boolean;
  actualSent: boolean;
  outcome: 'allowed' | 'blocked' | 'opaque';
  error?: string;
  message?: string;
  readableHeaders: string[];
  preflightHeaders?: Record<string, string>;
  actualHeaders?: Record<string, string>;
}

function lowerHeaders(list: HeaderList | [string, string][]): Record<string, string> {
  const out: Record<string, string> = {};
  for (const [n, v] of list) {
    const k = n.toLowerCase();
    out[k] = out[k] === undefined ? v : `${out[k]}, ${v}`;
  }
  return out;
}

/** The body and init a page script would pass (same as the harness's page script). */
function pageInit(c: CorsExchangeCase): RequestInit & { initiator?: 'fetch' | 'XMLHttpRequest' } {
  const r = c.request;
  const body =
    r.body === 'string'
      ? 'hello'
      : r.body === 'form'
        ? new URLSearchParams('a=1')
        : r.body === 'blob'
          ? new Blob(['hello'])
          : undefined;
  return {
    method: r.method,
    headers: (r.headers ?? []) as [string, string][],
    ...(r.mode ? { mode: r.mode } : {}),
    // XMLHttpRequest: withCredentials true is `include`, false is `same-origin`.
    credentials: r.credentials ?? 'same-origin',
    ...(r.redirect ? { redirect: r.redirect } : {}),
    ...(body !== undefined ? { body } : {}),
    ...(r.initiator ? { initiator: r.initiator } : {}),
  };
}

/** Runs a case `repeat` times through one fetch function (one page, one preflight cache). */
async function runCase(
  c: CorsExchangeCase,
  url: string,
  pageFetch: ReturnType<typeof createBrowserFetch>,
  events: BrowserFetchEvent[],
  seen: () => Seen[],
  clear: () => void,
): Promise<RunResult[]> {
  const runs: RunResult[] = [];
  for (let i = 0; i < (c.repeat ?? 1); i++) {
    events.length = 0;
    clear();
    let outcome: RunResult['outcome'];
    let readable: string[] = [];
    let error: CorsError | undefined;
    try {
      const res = await pageFetch(url, pageInit(c));
      outcome = res.type === 'opaque' || res.type === 'opaqueredirect' ? 'opaque' : 'allowed';
      readable = [...res.headers.keys()].sort();
      await res.arrayBuffer().catch(() => undefined);
    } catch (e) {
      outcome = 'blocked';
      error = (e as { cause?: CorsError }).cause;
      if (!(e instanceof TypeError) || error?.name !== 'CorsError') throw e;
    }
    const requests = seen();
    const pre = requests.find((r) => r.preflight);
    const actual = requests.filter((r) => !r.preflight);
    runs.push({
      preflight: pre !== undefined,
      actualSent: actual.length > 0,
      outcome,
      ...(error ? { error: error.kind } : {}),
      ...(error?.logged ? { message: error.message } : {}),
      readableHeaders: readable,
      ...(pre ? { preflightHeaders: pre.headers } : {}),
      ...(actual.length ? { actualHeaders: (actual[actual.length - 1] as Seen).headers } : {}),
    });
  }
  return runs;
}

function judge(
  got: RunResult,
  want: Omit<ExchangeExpectation, 'repeats'>,
  unlocalize: (s: string) => string,
): void {
  expect(got.outcome, 'outcome').toBe(want.outcome);
  expect(got.preflight, 'preflight sent').toBe(want.preflight);
  expect(got.actualSent, 'actual request sent').toBe(want.actualSent);
  if (want.outcome === 'blocked') expect(got.error, 'error kind').toBe(want.error);
  else expect(got.error, 'no error').toBeUndefined();
  if (want.readableHeaders) expect(got.readableHeaders, 'readable headers').toEqual(want.readableHeaders);
  if (want.message !== undefined)
    expect(unlocalize(got.message ?? '(no console message)'), 'console message').toBe(want.message);
  for (const [name, value] of Object.entries(want.preflightHeaders ?? {})) {
    const v = got.preflightHeaders?.[name];
    expect(v === undefined ? null : unlocalize(v), `preflight header ${name}`).toBe(value);
  }
  for (const [name, value] of Object.entries(want.actualHeaders ?? {})) {
    const v = got.actualHeaders?.[name];
    expect(v === undefined ? null : unlocalize(v), `actual header ${name}`).toBe(value);
  }
}

/**
 * Where the loopback transport (undici's fetch) cannot carry what a browser sends or sees, the
 * engine's result differs in a known way; each such case is asserted as it is, so that a change
 * is noticed. See docs/browser.md, "Limits of createBrowserFetch".
 */
/** An expectation that does not judge one request header (on the preflight or the actual request). */
function withoutHeader(want: ExchangeExpectation, name: string): ExchangeExpectation {
  const drop = (h: Record<string, string | null> | undefined) =>
    h === undefined ? undefined : Object.fromEntries(Object.entries(h).filter(([n]) => n !== name));
  const out: ExchangeExpectation = { ...want };
  const actual = drop(want.actualHeaders);
  const preflight = drop(want.preflightHeaders);
  if (actual !== undefined) out.actualHeaders = actual;
  if (preflight !== undefined) out.preflightHeaders = preflight;
  return out;
}

const TRANSPORT_LIMITS: Record<
  string,
  {
    profiles: Profile[];
    transports: ('memory' | 'loopback' | 'loopback-fetch')[];
    why: string;
    patch: Partial<ExchangeExpectation>;
  }
> = {
  // A Headers object joins the two Access-Control-Allow-Origin lines into one, so Firefox's
  // "multiple lines" diagnosis becomes "does not match" when the transport is a fetch (or the
  // in-memory one); the default transport hands the engine each line.
  'get-acao-two-lines': {
    profiles: ['firefox'],
    transports: ['memory', 'loopback-fetch'],
    why: 'header lines are combined by the transport',
    patch: {
      error: 'allow-origin-mismatch',
      message:
        'Cross-Origin Request Blocked: The Same Origin Policy disallows reading the remote resource at http://api.test/data. (Reason: CORS header ‘Access-Control-Allow-Origin’ does not match ‘http://app.test, http://app.test’).',
    },
  },
};

describe('cors-exchange tables, in memory', () => {
  it('has the tables', () => {
    expect(tables.map((t) => t.table).sort()).toEqual([
      'cors-caching',
      'cors-credentials',
      'cors-exposure',
      'cors-no-cors',
      'cors-preflight',
      'cors-redirects',
      'cors-simple',
    ]);
  });
  for (const profile of PROFILES) {
    describe(profile, () => {
      it.each(cases.map((c) => [c.id, c] as const))('%s', async (_id, c) => {
        const log: ScriptedRequest[] = [];
        const events: BrowserFetchEvent[] = [];
        const pageFetch = createBrowserFetch({
          origin: c.request.origin,
          browser: profile,
          fetch: createScriptedFetch(c.server, log),
          onEvent: (e) => events.push(e),
        });
        const runs = await runCase(
          c,
          c.request.url,
          pageFetch,
          events,
          () =>
            log.map((r) => ({ method: r.method, preflight: r.preflight, headers: lowerHeaders(r.headers) })),
          () => {
            log.length = 0;
          },
        );
        let want = expectationFor(c, profile);
        const limit = TRANSPORT_LIMITS[c.id];
        if (limit?.profiles.includes(profile) && limit.transports.includes('memory'))
          want = { ...want, ...limit.patch };
        judge(runs[0] as RunResult, want, (s) => s);
        for (const [i, w] of (want.repeats ?? []).entries()) judge(runs[i + 1] as RunResult, w, (s) => s);
      });
    });
  }
});

for (const transport of ['loopback', 'loopback-fetch'] as const) {
  describe(`cors-exchange tables, over loopback HTTP (harness servers, ${transport === 'loopback' ? 'default dispatcher transport' : "undici's fetch as the transport"})`, () => {
    let servers: CaseServers;
    let loop: LoopbackFetch;
    beforeAll(async () => {
      servers = await CaseServers.start();
      loop = createLoopbackFetch();
    });
    afterAll(async () => {
      await loop?.close();
      await servers?.close();
    });
    for (const profile of PROFILES) {
      describe(profile, () => {
        it.each(cases.map((c) => [c.id, c] as const))('%s', async (_id, c) => {
          const local = servers.register(c);
          const events: BrowserFetchEvent[] = [];
          const pageFetch = createBrowserFetch({
            origin: local.request.origin,
            browser: profile,
            ...(transport === 'loopback' ? { dispatcher: loop.dispatcher } : { fetch: loop.fetch }),
            onEvent: (e) => events.push(e),
          });
          const seen = (): Seen[] =>
            servers
              .requests(c.id)
              .map((r) => ({ method: r.method, preflight: r.preflight, headers: lowerHeaders(r.headers) }));
          const ports = servers.ports;
          const unlocalize = (s: string): string =>
            s
              .replaceAll(`/c/${c.id}`, '')
              .replace(/((?:app|api|other)\.test):(\d+)/gi, (m, host: string, port: string) =>
                Object.values(ports).includes(Number(port)) ? host : m,
              );
          const runs = await runCase(c, local.request.url, pageFetch, events, seen, () =>
            servers.clearLog(c.id),
          );
          let want = expectationFor(c, profile);
          const limit = TRANSPORT_LIMITS[c.id];
          if (limit?.profiles.includes(profile) && limit.transports.includes(transport))
            want = { ...want, ...limit.patch };
          // undici's fetch sets Sec-Fetch-Mode itself on every request (to `cors`, whatever the
          // mode, and whether or not the URL is potentially trustworthy): not judged through it.
          if (transport === 'loopback-fetch') want = withoutHeader(want, 'sec-fetch-mode');
          judge(runs[0] as RunResult, want, unlocalize);
          for (const [i, w] of (want.repeats ?? []).entries()) judge(runs[i + 1] as RunResult, w, unlocalize);
        });
      });
    }
  });
}
