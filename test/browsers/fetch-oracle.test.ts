/**
 * Real browsers (Chromium and Firefox from Debian's packages) as the oracle for the Fetch
 * primitives. Three kinds of probe, all driven by the fixture tables:
 * - network: each sendable case of `fetch-safelisted-request-headers`,
 *   `fetch-unsafe-request-header-names` and `fetch-safelist-profiles` is sent cross-origin by
 *   `fetch()`; a loopback server records whether a preflight came and its
 *   `Access-Control-Request-Headers`, which must equal corsUnsafeRequestHeaderNames with that
 *   browser's profile;
 * - in-page API: `new Request()` methods, `Headers#append`, forbidden and no-cors headers, against
 *   normalizeMethod, isHeaderName/isHeaderValue/normalizeHeaderValue, isForbiddenRequestHeader and
 *   isNoCorsSafelistedRequestHeader;
 * - lists: `Access-Control-Allow-Methods` and `Access-Control-Expose-Headers` lines from the
 *   extractHeaderListValues cases, answered by the server and judged by what the page could do.
 * A count of departures from the spec shows the profiles still matter.
 *
 * Availability policy as in test/browsers: a missing browser fails under CI=true, and elsewhere the
 * suite is skipped with the reason printed.
 */
import { createServer, type IncomingMessage, type Server, type ServerResponse } from 'node:http';
import type { AddressInfo } from 'node:net';
import puppeteer, { type Browser, type Page } from 'puppeteer-core';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import {
  corsUnsafeRequestHeaderNames,
  extractHeaderListValues,
  type HeaderListGrammar,
  isByteCaseInsensitiveMatch,
  isCorsSafelistedResponseHeaderName,
  isForbiddenMethod,
  isForbiddenRequestHeader,
  isForbiddenResponseHeaderName,
  isHeaderName,
  isHeaderValue,
  isMethod,
  isNoCorsSafelistedRequestHeader,
  normalizeHeaderValue,
  normalizeMethod,
} from '../../src/_fetch/index.js';
import { type BrowserProfile, PROFILES, profileForRelease, releaseOf } from '../../src/browser/index.js';
import { expandFetchValue, loadTable } from '../fixtures/schema.js';
import { browserPath } from './harness/available.js';
import { describeWithBrowser } from './harness/vitest.js';

type BrowserName = 'chromium' | 'firefox';
type Headers = [string, string][];
interface Seen {
  preflight: boolean;
  /** Access-Control-Request-Headers of the preflight (null: absent or no preflight). */
  acrh: string | null;
}
interface OracleCase {
  id: string;
  headers: Headers;
}

const PATHS: Record<BrowserName, string> = {
  chromium: browserPath('chromium'),
  firefox: browserPath('firefox'),
};

function sendable(headers: Headers): boolean {
  return headers.every(([n, v]) => isHeaderName(n) && isHeaderValue(v) && !isForbiddenRequestHeader(n, v));
}

function oracleCases(): OracleCase[] {
  const out: OracleCase[] = [];
  for (const table of [
    'fetch-safelisted-request-headers',
    'fetch-unsafe-request-header-names',
    'fetch-safelist-profiles',
  ]) {
    for (const c of loadTable(table, 'fetch-primitive').cases) {
      const args = expandFetchValue(c.args) as unknown[];
      if (c.fn === 'corsSafelistedRequestHeaderFailure') {
        out.push({ id: `${table}/${c.id}`, headers: [[args[0] as string, args[1] as string]] });
      } else if (c.fn === 'corsUnsafeRequestHeaderNames') {
        out.push({ id: `${table}/${c.id}`, headers: args[0] as Headers });
      }
    }
  }
  return out.filter((c) => sendable(c.headers));
}

/** What a browser with this profile sends for these headers. */
function expected(headers: Headers, browser: BrowserProfile): Seen {
  const profile = browser.requestHeaders;
  const names = corsUnsafeRequestHeaderNames(headers, profile);
  return names.length ? { preflight: true, acrh: names.join(',') } : { preflight: false, acrh: null };
}

/**
 * A probe of the Fetch API itself, run inside the page with no network: what `new Request()` does
 * with a method, what `Headers#append` accepts and stores, which headers a request keeps (forbidden
 * ones are dropped silently), and which a no-cors request keeps.
 */
type ApiProbe =
  | { id: string; kind: 'method'; method: string }
  | { id: string; kind: 'append' | 'keep' | 'no-cors'; name: string; value: string };
type ApiResult = string | boolean | null;

function apiProbes(): ApiProbe[] {
  const out: ApiProbe[] = [];
  const seenKeys = new Set<string>();
  const add = (p: ApiProbe) => {
    const key = JSON.stringify({ ...p, id: '' });
    if (!seenKeys.has(key)) {
      seenKeys.add(key);
      out.push(p);
    }
  };
  const methodFns = ['isMethod', 'normalizeMethod', 'isForbiddenMethod', 'isCorsSafelistedMethod'];
  const noCorsFns = [
    'isNoCorsSafelistedRequestHeader',
    'corsSafelistedRequestHeaderFailure',
    'isCorsSafelistedRequestHeader',
  ];
  for (const table of [
    'fetch-methods',
    'fetch-header-syntax',
    'fetch-header-classes',
    'fetch-safelisted-request-headers',
    'fetch-safelist-profiles',
  ]) {
    for (const c of loadTable(table, 'fetch-primitive').cases) {
      const [a0, a1] = expandFetchValue(c.args) as unknown[];
      const id = `${table}/${c.id}`;
      if (methodFns.includes(c.fn)) add({ id, kind: 'method', method: a0 as string });
      else if (c.fn === 'isHeaderName') add({ id, kind: 'append', name: a0 as string, value: 'v' });
      else if (c.fn === 'isHeaderValue' || c.fn === 'normalizeHeaderValue') {
        add({ id, kind: 'append', name: 'x-test', value: a0 as string });
      } else if (c.fn === 'isForbiddenRequestHeader') {
        add({ id, kind: 'keep', name: a0 as string, value: a1 as string });
      } else if (noCorsFns.includes(c.fn) && typeof a0 === 'string' && typeof a1 === 'string') {
        add({ id, kind: 'no-cors', name: a0, value: a1 });
      }
    }
  }
  return out;
}

/** What the Fetch API in a browser with this profile does for the probe, by our primitives. */
function apiExpected(p: ApiProbe, browser: BrowserProfile): ApiResult {
  const profile = browser.requestHeaders;
  if (p.kind === 'method') {
    // new Request(): not a method, or a forbidden method, throws; else the method is normalized.
    return isMethod(p.method) && !isForbiddenMethod(p.method) ? normalizeMethod(p.method) : null;
  }
  // Headers#append normalizes the value, then throws unless name and value are valid.
  const value = normalizeHeaderValue(p.value);
  if (!isHeaderName(p.name) || !isHeaderValue(value)) return null;
  if (p.kind === 'append') return value;
  if (p.kind === 'keep') return !isForbiddenRequestHeader(p.name, value, profile);
  return isNoCorsSafelistedRequestHeader(p.name, value, profile);
}

const probes = apiProbes();

/**
 * `Access-Control-Allow-Methods` and `Access-Control-Expose-Headers` as the browser parses them:
 * each `extractHeaderListValues` case whose lines can be sent is answered by the server, and the
 * page reports whether a PUT passed the preflight (`#method`) or which headers it could read
 * (`#field-name`). A list that fails to parse allows nothing and exposes nothing.
 */
interface ListCase {
  id: string;
  grammar: HeaderListGrammar;
  /** Which response header carries the lines. */
  use: 'allow-methods' | 'expose-headers' | 'allow-headers';
  lines: string[] | null;
}
/** Response headers the `#field-name` cases may expose (compared on these names only). */
const EXPOSABLE = [
  'x-foo',
  'x-bar',
  'x-a',
  'etag',
  'authorization',
  'set-cookie',
  'cache-control',
  'content-language',
  'content-type',
  'expires',
  'last-modified',
  'pragma',
];

function listCases(): ListCase[] {
  const out: ListCase[] = [];
  for (const c of loadTable('fetch-header-syntax', 'fetch-primitive').cases) {
    if (c.fn !== 'extractHeaderListValues' || c.args.length !== 2) continue;
    const [lines, grammar] = expandFetchValue(c.args) as [string[] | null, HeaderListGrammar];
    if (lines !== null && !lines.every(isHeaderValue)) continue;
    if (grammar === 'method') out.push({ id: `acam/${c.id}`, grammar, use: 'allow-methods', lines });
    else {
      out.push({ id: `aceh/${c.id}`, grammar, use: 'expose-headers', lines });
      out.push({ id: `acah/${c.id}`, grammar, use: 'allow-headers', lines });
    }
  }
  return out;
}

/** What the page sees for a list case, by our primitives (credentials are omitted). */
function listExpected(c: ListCase): { allowed: boolean } | { exposed: string[] } {
  const parsed = extractHeaderListValues(c.lines, c.grammar);
  const values = parsed?.ok ? parsed.values : [];
  const all = values.includes('*');
  // A PUT passes when PUT or * is allowed; a request with `X-Foo` when x-foo or * is allowed.
  if (c.use === 'allow-methods') return { allowed: values.includes('PUT') || all };
  if (c.use === 'allow-headers')
    return { allowed: all || values.some((v) => isByteCaseInsensitiveMatch(v, 'x-foo')) };
  return {
    exposed: EXPOSABLE.filter((h) =>
      // `*` exposes every name, but a response's Headers never show a forbidden response-header name.
      all ? !isForbiddenResponseHeaderName(h) : isCorsSafelistedResponseHeaderName(h, values),
    ).sort(),
  };
}

const lists = listCases();

async function listen(handler: (req: IncomingMessage, res: ServerResponse) => void): Promise<Server> {
  const server = createServer(handler);
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  return server;
}

const port = (s: Server) => (s.address() as AddressInfo).port;

const cases = oracleCases();

/** The loopback servers (started by the outer suite) and what the target server saw, by id. */
const servers: { page?: Server; target?: Server; seen: Map<string, Seen> } = { seen: new Map() };
/** List cases by request id (`<browser>-list/<case id>`), for the target server to answer. */
const listById = new Map<string, ListCase>(
  (['chromium', 'firefox'] as const).flatMap((b) => lists.map((c) => [`${b}-${c.id}`, c] as const)),
);

/** The suite for one browser: launch it, send every case from one page, compare. */
function browserSuite(browserName: BrowserName): void {
  describeWithBrowser(browserName, `real ${browserName}`, () => {
    let browser: Browser | undefined;
    let page: Page;
    const results = new Map<string, Seen | 'not-sent'>();
    const apiResults = new Map<string, ApiResult>();
    const listResults = new Map<string, { allowed: boolean } | { exposed: string[] }>();
    let profile: BrowserProfile = PROFILES[browserName];

    beforeAll(async () => {
      browser = await puppeteer.launch(
        browserName === 'chromium'
          ? {
              browser: 'chrome',
              executablePath: PATHS.chromium,
              headless: true,
              args: ['--no-sandbox', '--disable-gpu'],
            }
          : { browser: 'firefox', executablePath: PATHS.firefox, headless: true },
      );
      // The profile of the release running here (src/browser/releases.ts): Chromium 150 safelists
      // ranges that 156 does not.
      const release = releaseOf(await browser.version());
      if (release === null) throw new Error(`no release in ${await browser.version()}`);
      profile = profileForRelease(browserName, release);
      page = await browser.newPage();
      await page.goto(`http://127.0.0.1:${port(servers.page as Server)}/`);
      const prefix = `${browserName}-`;
      const target = `http://127.0.0.1:${port(servers.target as Server)}/t`;
      await page.evaluate(
        async (target: string, prefix: string, list: { id: string; headers: Headers }[]) => {
          for (const c of list) {
            try {
              await fetch(`${target}?id=${encodeURIComponent(prefix + c.id)}`, {
                headers: c.headers,
                cache: 'no-store',
              });
            } catch {
              // A refused preflight or a network error: the server log says what was sent.
            }
          }
        },
        target,
        prefix,
        cases.map(({ id, headers }) => ({ id, headers })),
      );
      for (const c of cases) results.set(c.id, servers.seen.get(prefix + c.id) ?? 'not-sent');
      const api = await page.evaluate((list: ApiProbe[]) => {
        const url = 'http://127.0.0.1:1/';
        const out: Record<string, string | boolean | null> = {};
        for (const p of list) {
          try {
            if (p.kind === 'method') {
              out[p.id] = new Request(url, { method: p.method }).method;
            } else if (p.kind === 'append') {
              const h = new Headers();
              h.append(p.name, p.value);
              out[p.id] = h.get(p.name);
            } else {
              const init: RequestInit = { method: 'POST', headers: [[p.name, p.value]] };
              if (p.kind === 'no-cors') init.mode = 'no-cors';
              out[p.id] = new Request(url, init).headers.has(p.name);
            }
          } catch {
            out[p.id] = null;
          }
        }
        return out;
      }, probes);
      for (const [id, r] of Object.entries(api)) apiResults.set(id, r);
      const listOut = await page.evaluate(
        async (target: string, prefix: string, list: { id: string; use: string }[]) => {
          const out: Record<string, { allowed: boolean } | { exposed: string[] }> = {};
          for (const c of list) {
            const url = `${target}?id=${encodeURIComponent(prefix + c.id)}`;
            try {
              const res = await fetch(url, {
                method: c.use === 'allow-methods' ? 'PUT' : 'GET',
                headers: c.use === 'allow-headers' ? { 'x-foo': '1' } : {},
                cache: 'no-store',
              });
              out[c.id] =
                c.use === 'expose-headers' ? { exposed: [...res.headers.keys()] } : { allowed: true };
            } catch {
              out[c.id] = c.use === 'expose-headers' ? { exposed: ['<blocked>'] } : { allowed: false };
            }
          }
          return out;
        },
        `http://127.0.0.1:${port(servers.target as Server)}/t`,
        `${browserName}-`,
        lists.map(({ id, use }) => ({ id, use })),
      );
      for (const [id, r] of Object.entries(listOut)) {
        listResults.set(
          id,
          'exposed' in r ? { exposed: r.exposed.filter((h) => EXPOSABLE.includes(h)).sort() } : r,
        );
      }

      if (process.env.ORACLE_DUMP) {
        for (const c of cases) {
          const o = results.get(c.id);
          if (JSON.stringify(o) !== JSON.stringify(expected(c.headers, profile)))
            process.stderr.write(
              `DIFF ${browserName} ${c.id} ${JSON.stringify(c.headers).slice(0, 120)} profile=${JSON.stringify(expected(c.headers, profile))} got=${JSON.stringify(o)}\n`,
            );
        }
      }
    }, 120_000);

    afterAll(async () => {
      await browser?.close();
    });

    it.each(cases.map((c) => [c.id, c] as const))('%s', (_id, c) => {
      expect(results.get(c.id)).toEqual(expected(c.headers, profile));
    });

    it.each(probes.map((p) => [`api ${p.kind} ${p.id}`, p] as const))('%s', (_id, p) => {
      expect(apiResults.get(p.id)).toEqual(apiExpected(p, profile));
    });

    it.each(lists.map((c) => [c.id, c] as const))('%s', (_id, c) => {
      expect(listResults.get(c.id)).toEqual(listExpected(c));
    });

    it('departs from the spec in some cases (the profile matters)', () => {
      const departures = cases.filter(
        (c) => JSON.stringify(results.get(c.id)) !== JSON.stringify(expected(c.headers, PROFILES.spec)),
      );
      expect(departures.length).toBeGreaterThan(3);
    });
  });
}

describe('Fetch primitives in real browsers', () => {
  beforeAll(async () => {
    servers.page = await listen((_req, res) => {
      res.writeHead(200, { 'content-type': 'text/html' }).end('<!doctype html><title>oracle</title>');
    });
    servers.target = await listen((req, res) => {
      const id = new URL(req.url ?? '/', 'http://x').searchParams.get('id') ?? '';
      const acao = { 'access-control-allow-origin': '*' };
      const list = listById.get(id);
      if (list !== undefined) {
        // A list case: the lines go out as Access-Control-Allow-Methods or -Allow-Headers on the
        // preflight, or as Access-Control-Expose-Headers on the response.
        const preflight = req.method === 'OPTIONS';
        res.setHeader('access-control-allow-origin', '*');
        res.setHeader('connection', 'close');
        if (list.use === 'allow-methods' && preflight && list.lines) {
          res.setHeader('access-control-allow-methods', list.lines);
        }
        if (list.use === 'allow-headers' && preflight && list.lines) {
          res.setHeader('access-control-allow-headers', list.lines);
        }
        if (list.use === 'expose-headers' && !preflight) {
          for (const h of EXPOSABLE) res.setHeader(h, '1');
          if (list.lines) res.setHeader('access-control-expose-headers', list.lines);
        }
        res.writeHead(preflight ? 204 : 200).end();
        return;
      }
      if (req.method === 'OPTIONS' && req.headers['access-control-request-method']) {
        const acrh = req.headers['access-control-request-headers'] ?? null;
        servers.seen.set(id, { preflight: true, acrh: typeof acrh === 'string' ? acrh : null });
        res
          .writeHead(204, {
            ...acao,
            'access-control-allow-methods': 'GET',
            'access-control-allow-headers': acrh ?? '',
          })
          .end();
        return;
      }
      if (!servers.seen.has(id)) servers.seen.set(id, { preflight: false, acrh: null });
      res.writeHead(200, { ...acao, 'content-type': 'text/plain' }).end('ok');
    });
  });

  afterAll(async () => {
    await Promise.all([servers.page, servers.target].map((s) => new Promise((r) => s?.close(r))));
  });

  it('the tables give enough sendable cases, of both outcomes', () => {
    expect(cases.length).toBeGreaterThan(150);
    expect(cases.filter((c) => !expected(c.headers, PROFILES.spec).preflight).length).toBeGreaterThan(40);
    const outcomes = lists.map((c) => JSON.stringify(listExpected(c)));
    expect(lists.length).toBeGreaterThan(25);
    expect(outcomes).toContain(JSON.stringify({ allowed: true }));
    expect(outcomes).toContain(JSON.stringify({ allowed: false }));
    const safelisted = [
      'cache-control',
      'content-language',
      'content-type',
      'expires',
      'last-modified',
      'pragma',
    ];
    expect(outcomes).toContain(JSON.stringify({ exposed: safelisted }));
    expect(new Set(outcomes).size).toBeGreaterThan(5);
    expect(probes.length).toBeGreaterThan(150);
  });

  browserSuite('chromium');
  browserSuite('firefox');
});
