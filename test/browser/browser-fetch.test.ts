/**
 * createBrowserFetch beyond the fixture tables: events, the preflight cache across calls, cookies
 * (tough-cookie) with SameSite as modelled, the Response it returns, transport failures, aborts,
 * and expectCorsAllowed.
 */
import { createServer, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { CookieJar } from 'tough-cookie';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import {
  type BrowserFetchEvent,
  createBrowserFetch,
  expectCorsAllowed,
  type HeaderList,
} from '../../src/browser/index.js';
import {
  createScriptedFetch,
  type ScriptedRequest,
  type ScriptedServer,
} from '../../src/browser/scripted-fetch.js';

const APP = 'http://app.test';
const API = 'http://api.test/data';
const ACAO: HeaderList = [['Access-Control-Allow-Origin', APP]];
const CREDS: HeaderList = [...ACAO, ['Access-Control-Allow-Credentials', 'true']];

function scripted(server: ScriptedServer, extra: Partial<Parameters<typeof createBrowserFetch>[0]> = {}) {
  const log: ScriptedRequest[] = [];
  const events: BrowserFetchEvent[] = [];
  const f = createBrowserFetch({
    origin: APP,
    fetch: createScriptedFetch(server, log),
    onEvent: (e) => events.push(e),
    ...extra,
  });
  const header = (q: ScriptedRequest | undefined, name: string) =>
    q?.headers.find(([n]) => n.toLowerCase() === name)?.[1];
  return { f, log, events, header };
}

describe('createBrowserFetch', () => {
  it('reports each step of a preflighted exchange, then a cache hit', async () => {
    const { f, events } = scripted({
      preflight: {
        status: 204,
        headers: [...ACAO, ['Access-Control-Allow-Methods', 'PUT'], ['Access-Control-Max-Age', '60']],
      },
      actual: { status: 200, headers: ACAO },
    });
    await f(API, { method: 'PUT' });
    expect(events.map((e) => e.type)).toEqual([
      'preflight-sent',
      'preflight-answered',
      'actual-sent',
      'done',
    ]);
    events.length = 0;
    await f(API, { method: 'PUT' });
    expect(events.map((e) => e.type)).toEqual(['cache-hit', 'actual-sent', 'done']);
    expect(f.cache.size).toBe(1);
  });

  it('reports a block with the error and rejects as Chromium does', async () => {
    const { f, events } = scripted({ actual: { status: 200, headers: [] } });
    const err = await f(API).catch((e: unknown) => e);
    expect(err).toBeInstanceOf(TypeError);
    expect((err as TypeError).message).toBe('Failed to fetch');
    expect((err as { cause: { kind: string } }).cause.kind).toBe('missing-allow-origin-header');
    expect(events.at(-1)).toMatchObject({ type: 'blocked', error: { kind: 'missing-allow-origin-header' } });
  });

  it('rejects as Firefox does for the firefox profile', async () => {
    const { f } = scripted({ actual: { status: 200, headers: [] } }, { browser: 'firefox' });
    await expect(f(API)).rejects.toThrow('NetworkError when attempting to fetch resource.');
  });

  it('a no-cors PUT rejects with the TypeError the browser throws', async () => {
    const { f, log } = scripted({ actual: { status: 200, headers: [] } });
    await expect(f(API, { method: 'PUT', mode: 'no-cors' })).rejects.toThrow(
      "Failed to execute 'fetch' on 'Window': 'PUT' is unsupported in no-cors mode.",
    );
    expect(log).toEqual([]);
  });

  it('returns a CORS response: type, url, redirected, status and only the readable headers', async () => {
    const { f } = scripted({
      actual: { status: 302, headers: ACAO, location: 'http://api.test/final' },
      hops: {
        '/final': { status: 201, headers: [...ACAO, ['X-Hidden', '1'], ['Content-Type', 'text/plain']] },
      },
    });
    const res = await f(API);
    expect([res.type, res.url, res.redirected, res.status]).toEqual([
      'cors',
      'http://api.test/final',
      true,
      201,
    ]);
    expect([...res.headers.keys()].sort()).toEqual(['content-length', 'content-type']);
    expect(await res.text()).toBe('ok');
  });

  it('clone() keeps the filtered view: type, url, redirected, readable headers, and both bodies read', async () => {
    const { f } = scripted({
      actual: { status: 200, headers: [...ACAO, ['X-Hidden', '1'], ['Content-Type', 'text/plain']] },
    });
    const res = await f(API);
    const copy = res.clone();
    for (const r of [res, copy]) {
      expect(r).toBeInstanceOf(Response);
      expect([r.type, r.url, r.redirected, r.status]).toEqual(['cors', API, false, 200]);
      expect(r.headers.get('x-hidden')).toBeNull();
      expect(r.headers.get('content-type')).toBe('text/plain');
    }
    // The clone's headers are its own copy, as a Response's are.
    copy.headers.set('x-page', '1');
    expect(res.headers.get('x-page')).toBeNull();
    expect(await Promise.all([res.text(), copy.text()])).toEqual(['ok', 'ok']);
  });

  it('returns an opaque response in no-cors mode', async () => {
    const { f } = scripted({ actual: { status: 200, headers: [['X-A', '1']] } });
    const res = await f(API, { mode: 'no-cors' });
    expect([res.type, res.status, res.ok, [...res.headers], res.body]).toEqual([
      'opaque',
      0,
      false,
      [],
      null,
    ]);
  });

  it('resolves relative URLs against the page and sends no Origin on a same-origin GET', async () => {
    const { f, log, header } = scripted({ actual: { status: 200, headers: [] } });
    const res = await f('/local');
    expect(res.type).toBe('basic');
    expect(log[0]?.url).toBe('http://app.test/local');
    expect(header(log[0], 'origin')).toBeUndefined();
    // http://app.test is not potentially trustworthy: no Fetch metadata (as observed in both browsers).
    expect(header(log[0], 'sec-fetch-site')).toBeUndefined();
  });

  describe('Fetch metadata only to a potentially trustworthy URL (observed in Chromium 156 and Firefox ESR 153)', () => {
    const ALLOW: HeaderList = [
      ['Access-Control-Allow-Origin', '*'],
      ['Access-Control-Allow-Methods', 'PUT'],
    ];
    // [page, url, browser, actual Sec-Fetch-* expected, preflight Sec-Fetch-* expected]
    const CASES: [string, string, 'chromium' | 'firefox' | 'spec', string[], string[]][] = [
      ['http://app.test', 'http://api.test/x', 'chromium', [], ['sec-fetch-mode=cors']],
      ['http://app.test', 'http://api.test/x', 'firefox', [], []],
      ['http://app.test', 'http://api.test/x', 'spec', [], []],
      ...(['chromium', 'firefox', 'spec'] as const).flatMap(
        (b) =>
          [
            [
              'http://app.test',
              'http://127.0.0.1:8080/x',
              b,
              ['sec-fetch-dest=empty', 'sec-fetch-mode=cors', 'sec-fetch-site=cross-site'],
              ['sec-fetch-dest=empty', 'sec-fetch-mode=cors', 'sec-fetch-site=cross-site'],
            ],
            [
              'http://localhost:3000',
              'http://localhost:3000/x',
              b,
              ['sec-fetch-dest=empty', 'sec-fetch-mode=cors', 'sec-fetch-site=same-origin'],
              [],
            ],
            [
              'https://app.example.com',
              'https://api.example.com/x',
              b,
              ['sec-fetch-dest=empty', 'sec-fetch-mode=cors', 'sec-fetch-site=same-site'],
              ['sec-fetch-dest=empty', 'sec-fetch-mode=cors', 'sec-fetch-site=same-site'],
            ],
          ] as [string, string, 'chromium' | 'firefox' | 'spec', string[], string[]][],
      ),
    ];
    it.each(CASES)('%s -> %s (%s)', async (page, url, browser, actual, preflight) => {
      const log: ScriptedRequest[] = [];
      const f = createBrowserFetch({
        origin: page,
        browser,
        fetch: createScriptedFetch(
          { preflight: { status: 204, headers: ALLOW }, actual: { status: 200, headers: ALLOW } },
          log,
        ),
      });
      await f(url);
      await f(url, { method: 'PUT' });
      const metadata = (q: ScriptedRequest | undefined) =>
        (q?.headers ?? [])
          .filter(([n]) => n.toLowerCase().startsWith('sec-fetch-'))
          .map(([n, v]) => `${n.toLowerCase()}=${v}`)
          .sort();
      expect(metadata(log[0]), 'GET').toEqual(actual);
      const sentPreflight = log.find((q) => q.method === 'OPTIONS');
      if (sentPreflight) expect(metadata(sentPreflight), 'preflight').toEqual(preflight);
      else expect(preflight, 'a same-origin PUT needs no preflight').toEqual([]);
    });
  });

  describe("no-cors: the body's own Content-Type replaces one the guard dropped (observed in both browsers)", () => {
    it.each([
      ['application/json', 'x', 'text/plain;charset=UTF-8'],
      ['application/xml', new URLSearchParams('a=1'), 'application/x-www-form-urlencoded;charset=UTF-8'],
      ['text/plain', 'x', 'text/plain'],
    ] as const)('page Content-Type %s', async (given, body, sent) => {
      const { f, log, header } = scripted({ actual: { status: 200, headers: [] } });
      const res = await f(API, { method: 'POST', mode: 'no-cors', headers: { 'content-type': given }, body });
      expect(res.type).toBe('opaque');
      expect(header(log[0], 'content-type')).toBe(sent);
    });

    it('a multipart body keeps a boundary that matches its bytes', async () => {
      const { f, log, header } = scripted({ actual: { status: 200, headers: [] } });
      const form = new FormData();
      form.append('a', '1');
      await f(API, {
        method: 'POST',
        mode: 'no-cors',
        headers: { 'content-type': 'application/json' },
        body: form,
      });
      const type = header(log[0], 'content-type') ?? '';
      expect(type).toMatch(/^multipart\/form-data; boundary=/);
      const boundary = type.split('boundary=')[1] ?? '';
      expect(new TextDecoder().decode(log[0]?.body as Uint8Array)).toContain(`--${boundary}`);
    });
  });

  it('accepts a Request object', async () => {
    const { f, log, header } = scripted({ actual: { status: 200, headers: ACAO } });
    await f(new Request(API, { method: 'POST', body: 'hi', headers: { 'Content-Language': 'en' } }));
    expect(log[0]?.method).toBe('POST');
    expect(header(log[0], 'content-language')).toBe('en');
    expect(header(log[0], 'content-type')).toBe('text/plain;charset=UTF-8');
  });

  describe('cookies', () => {
    async function jarWith(...cookies: string[]) {
      const jar = new CookieJar();
      for (const c of cookies) await jar.setCookie(c, 'http://api.test/');
      return jar;
    }
    it('credentials include: Firefox sends cross-site cookies but not Lax ones; Chromium blocks third-party cookies', async () => {
      const jar = await jarWith('a=1', 'b=2; SameSite=Lax', 'c=3; SameSite=None');
      const { f, log, header } = scripted(
        { actual: { status: 200, headers: CREDS } },
        { cookies: jar, browser: 'firefox' },
      );
      await f(API, { credentials: 'include' });
      // firefox: no Lax-by-default, so `a` goes; `b` is Lax (cross-site: not sent); `c` is None.
      expect(header(log[0], 'cookie')).toBe('a=1; c=3');
      // chromium: third-party cookies are blocked, so nothing goes cross-site...
      const chromium = scripted({ actual: { status: 200, headers: CREDS } }, { cookies: jar });
      await chromium.f(API, { credentials: 'include' });
      expect(chromium.header(chromium.log[0], 'cookie')).toBeUndefined();
      // ...and when they are allowed, `a` (no SameSite) is Lax by default.
      const allowed = scripted(
        { actual: { status: 200, headers: CREDS } },
        { cookies: jar, thirdPartyCookies: true },
      );
      await allowed.f(API, { credentials: 'include' });
      expect(allowed.header(allowed.log[0], 'cookie')).toBe('c=3');
    });
    it('same-site requests carry Lax cookies', async () => {
      const jar = new CookieJar();
      await jar.setCookie('s=1; SameSite=Lax', 'http://app.test/');
      const { f, log, header } = scripted({ actual: { status: 200, headers: [] } }, { cookies: jar });
      await f('/x');
      expect(header(log[0], 'cookie')).toBe('s=1');
    });
    it('credentials same-origin (the default) sends no cookies cross-origin; omit never', async () => {
      const jar = await jarWith('c=3; SameSite=None');
      const { f, log, header } = scripted({ actual: { status: 200, headers: ACAO } }, { cookies: jar });
      await f(API);
      await f(API, { credentials: 'omit' });
      expect(log.map((q) => header(q, 'cookie'))).toEqual([undefined, undefined]);
    });
    it('stores Set-Cookie from a credentialed response, even a blocked one', async () => {
      const jar = new CookieJar();
      const { f } = scripted(
        { actual: { status: 200, headers: [...ACAO, ['Set-Cookie', 'sid=9; SameSite=None']] } },
        { cookies: jar, browser: 'firefox' },
      );
      await expect(f(API, { credentials: 'include' })).rejects.toThrow();
      // (the response lacked Access-Control-Allow-Credentials, yet the cookie is kept, as browsers keep it)
      expect(await jar.getCookieString('http://api.test/', { sameSiteContext: 'none' })).toBe('sid=9');
    });
    it('never sends cookies on a preflight', async () => {
      const jar = await jarWith('c=3; SameSite=None');
      const { f, log, header } = scripted(
        {
          preflight: { status: 204, headers: [...CREDS, ['Access-Control-Allow-Methods', 'PUT']] },
          actual: { status: 200, headers: CREDS },
        },
        { cookies: jar, browser: 'firefox' },
      );
      await f(API, { method: 'PUT', credentials: 'include' });
      expect(log.map((q) => [q.method, header(q, 'cookie')])).toEqual([
        ['OPTIONS', undefined],
        ['PUT', 'c=3'],
      ]);
    });
  });

  it('expectCorsAllowed throws the console line and the fix', async () => {
    const { f } = scripted({ actual: { status: 200, headers: [['Access-Control-Allow-Origin', '*']] } });
    await expect(expectCorsAllowed(f, API)).resolves.toBeInstanceOf(Response);
    const err = await expectCorsAllowed(f, API, { credentials: 'include' }).catch((e: Error) => e);
    expect((err as Error).message).toBe(
      "Access to fetch at 'http://api.test/data' from origin 'http://app.test' has been blocked by CORS policy: The value of the 'Access-Control-Allow-Origin' header in the response must not be the wildcard '*' when the request's credentials mode is 'include'.\n" +
        "Fix: With credentials, `*` is refused. Keep an allowlist (here `http://app.test`) and on the response to GET http://api.test/data send `Access-Control-Allow-Origin` with the request's Origin only when it is on the list, with `Access-Control-Allow-Credentials: true` and `Vary: Origin` (never echo every Origin); or make the request with credentials: 'omit'.",
    );
  });

  it('refuses misuse at creation', () => {
    expect(() => createBrowserFetch({ origin: 'not a url' })).toThrow(TypeError);
    expect(() => createBrowserFetch({ origin: 'file:///x' })).toThrow(TypeError);
    expect(() => createBrowserFetch({ origin: APP, browser: 'netscape' as never })).toThrow(TypeError);
  });
});

describe('createBrowserFetch over real sockets', () => {
  let server: Server;
  let base: string;
  beforeAll(async () => {
    server = createServer((req, res) => {
      if (req.url === '/slow') {
        setTimeout(() => res.end('late'), 2000).unref();
        return;
      }
      res.writeHead(200, { 'Access-Control-Allow-Origin': '*' }).end('ok');
    });
    await new Promise<void>((r) => server.listen(0, '127.0.0.1', () => r()));
    base = `http://127.0.0.1:${(server.address() as AddressInfo).port}`;
  });
  afterAll(async () => {
    server.closeAllConnections();
    await new Promise<void>((r) => server.close(() => r()));
  });

  it('works on Node’s own fetch', async () => {
    const f = createBrowserFetch({ origin: 'http://localhost:1' });
    const res = await f(`${base}/x`);
    expect([res.status, res.type, await res.text()]).toEqual([200, 'cors', 'ok']);
  });

  it('a refused connection is a network error, rejected as Failed to fetch', async () => {
    const closed = createServer();
    await new Promise<void>((r) => closed.listen(0, '127.0.0.1', () => r()));
    const port = (closed.address() as AddressInfo).port;
    await new Promise<void>((r) => closed.close(() => r()));
    const f = createBrowserFetch({ origin: 'http://localhost:1' });
    const err = await f(`http://127.0.0.1:${port}/`).catch((e: unknown) => e);
    expect((err as Error).message).toBe('Failed to fetch');
    expect((err as { cause: { kind: string; logged: boolean } }).cause).toMatchObject({
      kind: 'network-error',
      logged: false,
    });
  });

  it('an abort passes through as the AbortError', async () => {
    const f = createBrowserFetch({ origin: 'http://localhost:1' });
    const ac = new AbortController();
    const p = f(`${base}/slow`, { signal: ac.signal });
    setTimeout(() => ac.abort(), 20);
    await expect(p).rejects.toMatchObject({ name: 'AbortError' });
  });
});

describe('createBrowserFetch and URLs with credentials', () => {
  const server: ScriptedServer = {
    actual: { status: 307, headers: [], location: 'http://user:secret@app.test/final' },
    hops: { '/final': { status: 200, headers: [] } },
  };
  it('firefox follows a same-origin redirect to a URL with credentials, without them in the URL', async () => {
    const { f, log } = scripted(server, { browser: 'firefox' });
    const res = await f('/start', { method: 'POST', body: 'x' });
    expect(res.status).toBe(200);
    expect(log.map((q) => q.url)).toEqual(['http://app.test/start', 'http://app.test/final']);
  });
  it('chromium refuses any redirect to a URL with credentials, printing no CORS line', async () => {
    const { f, log } = scripted(server);
    const err = await f('/start', { method: 'POST', body: 'x' }).catch((e: unknown) => e);
    expect((err as Error).message).toBe('Failed to fetch');
    expect((err as { cause: unknown }).cause).toMatchObject({
      kind: 'redirect-to-url-with-credentials',
      logged: false,
    });
    expect(log.map((q) => q.url)).toEqual(['http://app.test/start']);
  });
});

describe('the preflight cache after a blocked response', () => {
  it.each([
    ['chromium', ['cache-hit', 'actual-sent', 'blocked']],
    ['firefox', ['preflight-sent', 'preflight-answered', 'actual-sent', 'blocked']],
  ] as const)('%s: the second identical request gives %j', async (browser, second) => {
    const { f, events } = scripted(
      {
        preflight: {
          status: 204,
          headers: [...ACAO, ['Access-Control-Allow-Methods', 'PUT'], ['Access-Control-Max-Age', '60']],
        },
        actual: { status: 200, headers: [] },
      },
      { browser },
    );
    await expect(f(API, { method: 'PUT' })).rejects.toThrow(TypeError);
    events.length = 0;
    await expect(f(API, { method: 'PUT' })).rejects.toThrow(TypeError);
    expect(events.map((e) => e.type)).toEqual(second);
  });
});

describe('permanent redirects and the HTTP cache', () => {
  it.each([
    ['chromium', ['/final']],
    ['firefox', ['/start', '/final']],
  ] as const)('%s: the second request sends %j', async (browser, second) => {
    const { f, log } = scripted(
      {
        actual: { status: 301, headers: ACAO, location: 'http://api.test/final' },
        hops: { '/final': { status: 200, headers: ACAO } },
      },
      { browser },
    );
    await f('http://api.test/start');
    log.length = 0;
    const res = await f('http://api.test/start');
    expect(res.url).toBe('http://api.test/final');
    expect(log.map((q) => new URL(q.url).pathname)).toEqual(second);
  });
});
