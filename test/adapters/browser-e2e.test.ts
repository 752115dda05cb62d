/**
 * Real browsers against the adapters: policies from a table are served by every node-hosted
 * adapter (Express, the fetch adapter over node:http, node, Koa, Fastify, Hono) and by the fetch
 * adapter inside real workerd, Deno and Bun, all on 127.0.0.1, and pages on
 * `http://app.test:{port}` (allowed) and `http://evil.test:{port}` (not allowed) run `fetch()`
 * requests against them, in real Chromium (playwright-core over CDP) and in real Firefox ESR
 * (puppeteer-core over WebDriver BiDi). For each request, what the browser allowed must equal what
 * the policy promised, computed from the policy's own decisions for the preflight (when the browser
 * sends one) and the actual request. The table, the servers and the promise are shared; one
 * describe per browser. Uses the harness's runners (test/browsers/harness: Chromium's flags,
 * Firefox's offline prefs with every name resolved to 127.0.0.1, the preflight-cache warm-up) and
 * its availability policy: without a browser its suite fails under CI=true.
 *
 * The promise does not depend on the preflight cache: every fetch has its own URL (the `case`
 * query names browser, adapter, policy and fetch), so no preflight is served from a cache; and one
 * that were would have been answered by the same policy for the same origin. (Firefox's first few
 * preflights are never cached, test/browsers/README.md; the runner's warm-up runs anyway.) The
 * page runs one API's fetches per call, sequentially: a WebDriver BiDi round trip per fetch would
 * cost Firefox about 25 s more.
 */
import { createServer, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { HttpDecision, RequestView } from '../../src/_http/index.js';
import { type CorsPolicy, createCorsPolicy } from '../../src/server/index.js';
import { type BrowserName, ChromiumRunner, FirefoxRunner } from '../browsers/harness/index.js';
import { describeWithBrowser } from '../browsers/harness/vitest.js';
import { type PageObserved as Observed, type PageRequest, pageFetches } from './_page-fetch.js';
import { type Launched, launch, RUNTIMES } from './runtime/launch.js';
import { type Running, STARTERS } from './servers.js';

/** A request as the page makes it, with what the browser sends for it (test data). */
interface PageFetch extends PageRequest {
  id: string;
  /** Whether the browser sends a preflight, and the Access-Control-Request-Headers it sends. */
  preflight: boolean;
  acrh?: string;
}

const FETCHES: PageFetch[] = [
  { id: 'get', method: 'GET', preflight: false },
  { id: 'get-credentials', method: 'GET', credentials: 'include', preflight: false },
  { id: 'head', method: 'HEAD', preflight: false },
  { id: 'post-text', method: 'POST', headers: { 'content-type': 'text/plain' }, body: 'x', preflight: false },
  {
    id: 'post-json',
    method: 'POST',
    headers: { 'content-type': 'application/json' },
    body: '{}',
    preflight: true,
    acrh: 'content-type',
  },
  { id: 'put', method: 'PUT', body: 'x', preflight: true },
  { id: 'put-credentials', method: 'PUT', body: 'x', credentials: 'include', preflight: true },
  { id: 'delete', method: 'DELETE', preflight: true },
  { id: 'get-x-token', method: 'GET', headers: { 'x-token': '1' }, preflight: true, acrh: 'x-token' },
  { id: 'get-x-other', method: 'GET', headers: { 'x-other': '1' }, preflight: true, acrh: 'x-other' },
  {
    id: 'get-two-headers',
    method: 'GET',
    headers: { 'x-token': '1', 'content-type': 'application/json' },
    preflight: true,
    acrh: 'content-type,x-token',
  },
  // `Access-Control-Allow-Headers: *` would let this through in Chromium 156 and Firefox 153
  // (docs/browser-differences.md, row 6) but not by the Fetch Standard: a policy allows it only
  // when `authorization` is listed, and then names it.
  {
    id: 'get-authorization',
    method: 'GET',
    headers: { authorization: 'Bearer x' },
    preflight: true,
    acrh: 'authorization',
  },
];

/** Policies from a table; `{page}` is the page server's port. */
const POLICIES: { id: string; config: (page: number) => Record<string, unknown> }[] = [
  {
    id: 'listed',
    config: (page) => ({
      origins: [`http://app.test:${page}`],
      methods: ['PUT'],
      requestHeaders: ['content-type', 'x-token'],
      exposeHeaders: ['x-app'],
    }),
  },
  {
    id: 'credentials',
    // Loopback test pages are http: a credentialed policy for them needs the dangerous option.
    config: (page) => ({
      origins: [`http://app.test:${page}`],
      credentials: true,
      dangerouslyTolerateInsecureOrigins: true,
      methods: ['PUT', 'DELETE'],
      requestHeaders: ['x-token'],
    }),
  },
  {
    id: 'public',
    config: () => ({ origins: '*', methods: ['PUT'], requestHeaders: '*', exposeHeaders: '*' }),
  },
  {
    id: 'public-authorization',
    config: () => ({ origins: '*', requestHeaders: ['*', 'authorization'] }),
  },
];

const ADAPTERS = STARTERS.filter(
  (s) => s.http && ['express', 'fetch (node:http)', 'node', 'koa', 'fastify', 'hono'].includes(s.name),
);

function view(method: string, headers: Record<string, string>): RequestView {
  const lower = Object.fromEntries(Object.entries(headers).map(([k, v]) => [k.toLowerCase(), v]));
  return { method, url: '/api', header: (n) => lower[n] ?? null };
}

function header(d: HttpDecision, name: string): string | undefined {
  return d.headers.find(([n]) => n === name)?.[1];
}

/** What the policy promised for this fetch from this origin: will the browser expose the response? */
async function promised(
  policy: CorsPolicy,
  origin: string,
  f: PageFetch,
): Promise<{ allowed: boolean; exposed: boolean }> {
  const include = f.credentials === 'include';
  const passes = (d: HttpDecision) => {
    const acao = header(d, 'access-control-allow-origin');
    if (include) return acao === origin && header(d, 'access-control-allow-credentials') === 'true';
    return acao === '*' || acao === origin;
  };
  if (f.preflight) {
    const pre = await policy.handle(
      view('OPTIONS', {
        origin,
        'access-control-request-method': f.method,
        ...(f.acrh ? { 'access-control-request-headers': f.acrh } : {}),
      }),
    );
    if (!pre.end || pre.status !== 204 || !passes(pre)) return { allowed: false, exposed: false };
  }
  const actual = await policy.handle(view(f.method, { origin, ...(f.headers ?? {}) }));
  const allowed = passes(actual);
  const aceh = (header(actual, 'access-control-expose-headers') ?? '')
    .split(',')
    .map((s) => s.trim().toLowerCase());
  return { allowed, exposed: allowed && (aceh.includes('x-app') || (aceh.includes('*') && !include)) };
}

/** One launched browser with one page. */
interface Driver {
  version: string;
  goto(url: string): Promise<void>;
  run(list: { url: string; f: PageFetch }[]): Promise<Observed[]>;
  close(): Promise<void>;
}

/** What playwright's and puppeteer's runners have in common, as far as this suite uses them. */
interface Runner {
  version: string;
  page: {
    goto(url: string, options: { waitUntil: 'load' }): Promise<unknown>;
    evaluate(fn: typeof pageFetches, list: { url: string; f: PageFetch }[]): Promise<Observed[]>;
  };
  close(): Promise<void>;
}

function driverOf(r: Runner): Driver {
  return {
    version: r.version,
    goto: async (url) => {
      await r.page.goto(url, { waitUntil: 'load' });
    },
    run: (list) => r.page.evaluate(pageFetches, list),
    close: () => r.close(),
  };
}

interface BrowserUnderTest {
  name: BrowserName;
  title: string;
  /** How a blocked `fetch()` rejects (docs/browser-differences.md, row 24). */
  rejection: string;
  launch(): Promise<Driver>;
}

const BROWSERS: BrowserUnderTest[] = [
  {
    name: 'chromium',
    title: 'Chromium',
    rejection: 'TypeError: Failed to fetch',
    launch: async () => driverOf(await ChromiumRunner.launch()),
  },
  {
    name: 'firefox',
    title: 'Firefox',
    rejection: 'TypeError: NetworkError when attempting to fetch resource.',
    launch: async () => driverOf(await FirefoxRunner.launch()),
  },
];

interface Api {
  adapter: string;
  policy: string;
  port: number;
  core: CorsPolicy;
  query: string;
}

/** Set up once by the outer suite, read by each browser's suite. */
let pageServer: Server | undefined;
let pagePort = 0;
const running: Running[] = [];
const launched: Launched[] = [];
const apis: Api[] = [];

describe('real browsers end to end against the adapters', () => {
  beforeAll(async () => {
    pageServer = createServer((_req, res) => {
      res.setHeader('content-type', 'text/html; charset=utf-8');
      res.end('<!doctype html><title>page</title>');
    });
    await new Promise<void>((r) => pageServer?.listen(0, '127.0.0.1', r));
    pagePort = (pageServer.address() as AddressInfo).port;
    for (const adapter of ADAPTERS) {
      for (const p of POLICIES) {
        const core = createCorsPolicy(
          p.config(pagePort) as unknown as Parameters<typeof createCorsPolicy>[0],
        );
        const r = await adapter.start('cors', core, () => {});
        running.push(r);
        if (!r.port) throw new Error(`${adapter.name} has no port`);
        apis.push({ adapter: adapter.name, policy: p.id, port: r.port, core, query: '' });
      }
    }
    // The fetch adapter inside real workerd, Deno and Bun, one process each serving every policy.
    for (const runtime of RUNTIMES) {
      const configs = POLICIES.map((p) => p.config(pagePort));
      const server = await launch(
        runtime,
        configs.map((config) => ({ kind: 'cors', config })),
      );
      launched.push(server);
      POLICIES.forEach((p, i) => {
        const core = createCorsPolicy(configs[i] as unknown as Parameters<typeof createCorsPolicy>[0]);
        apis.push({
          adapter: `fetch in ${runtime.name}`,
          policy: p.id,
          port: server.port,
          core,
          query: `suite-setup=${i}&`,
        });
      });
    }
  }, 120_000);

  afterAll(async () => {
    for (const r of running) await r.close();
    for (const l of launched) await l.close();
    await new Promise<void>((r) => (pageServer ? pageServer.close(() => r()) : r()));
  });

  it('has adapters, including Express and the fetch adapter', () => {
    expect(ADAPTERS.map((a) => a.name)).toEqual(expect.arrayContaining(['express', 'fetch (node:http)']));
    expect(new Set(apis.map((a) => a.adapter))).toEqual(
      new Set([...ADAPTERS.map((a) => a.name), 'fetch in workerd', 'fetch in deno', 'fetch in bun']),
    );
  });

  // The harness's policy: without the browser, skipped with the reason printed (a failure under CI=true).
  for (const browser of BROWSERS)
    describeWithBrowser(browser.name, browser.title, () => browserSuite(browser));
});

/** One browser's cases against every adapter (inside the harness's availability policy). */
function browserSuite(browser: BrowserUnderTest): void {
  let driver: Driver | undefined;

  beforeAll(async () => {
    driver = await browser.launch();
  }, 120_000);

  afterAll(async () => {
    await driver?.close();
  });

  for (const pageHost of ['app.test', 'evil.test']) {
    it(`from http://${pageHost}: what ${browser.title} allows equals what each policy promised`, async () => {
      if (!driver) throw new Error(`${browser.name} not launched`);
      const origin = `http://${pageHost}:${pagePort}`;
      await driver.goto(`${origin}/`);
      const mismatches: string[] = [];
      let allowedCount = 0;
      let total = 0;
      /** What the browser did, per `policy/fetch`, over every adapter. */
      const outcomes = new Map<string, Set<boolean>>();
      for (const api of apis) {
        const list = FETCHES.map((f) => ({
          url: `http://api.test:${api.port}/api?${api.query}case=${encodeURIComponent(`${browser.name}-${api.adapter}-${api.policy}-${f.id}`)}`,
          f,
        }));
        const observed = await driver.run(list);
        expect(observed).toHaveLength(FETCHES.length);
        for (const [i, f] of FETCHES.entries()) {
          const seen = observed[i] as Observed;
          const want = await promised(api.core, origin, f);
          total++;
          if (want.allowed) allowedCount++;
          const key = `${api.policy}/${f.id}`;
          outcomes.set(key, (outcomes.get(key) ?? new Set()).add(seen.ok));
          const label = `${api.adapter} / ${api.policy} / ${f.id}`;
          if (seen.ok !== want.allowed) {
            mismatches.push(
              `${label}: ${browser.title} ${seen.ok ? 'allowed' : `blocked (${seen.error})`}, policy promised ${want.allowed ? 'allowed' : 'blocked'}`,
            );
            continue;
          }
          if (seen.ok) {
            if (seen.status !== 200) mismatches.push(`${label}: status ${seen.status}`);
            if (seen.body !== (f.method === 'HEAD' ? '' : `app:${f.method}`))
              mismatches.push(`${label}: body ${seen.body}`);
            const exposed = seen.xApp === 'reached';
            if (exposed !== want.exposed)
              mismatches.push(`${label}: x-app exposed ${exposed}, promised ${want.exposed}`);
          } else if (seen.error !== browser.rejection) {
            // A CORS refusal is a network error; anything else (a timeout, an exception thrown
            // before sending) is not what the policy promised.
            mismatches.push(`${label}: rejected with ${seen.error}, not ${browser.rejection}`);
          }
        }
      }
      console.log(
        `${browser.title} ${driver.version} from ${origin}: ${total} fetches, ${allowedCount} allowed as promised, ${total - allowedCount} blocked as promised`,
      );
      expect(mismatches).toEqual([]);
      // The table must exercise both outcomes from the allowed page, and only refusals from evil,
      // except for the public policy.
      if (pageHost === 'app.test') {
        expect(allowedCount).toBeGreaterThan(0);
        expect(allowedCount).toBeLessThan(total);
        // Authorization: refused under `requestHeaders: '*'` although the browser would take
        // `Access-Control-Allow-Headers: *` for it; allowed once listed.
        expect(outcomes.get('public/get-authorization')).toEqual(new Set([false]));
        expect(outcomes.get('public-authorization/get-authorization')).toEqual(new Set([true]));
      } else {
        expect(allowedCount).toBeGreaterThan(0); // the public policy
      }
    }, 120_000);
  }
}
