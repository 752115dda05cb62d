/**
 * Self-test of the real-browser harness: a handful of cases whose outcome in real browsers is known,
 * asserted on what Chromium and Firefox actually did (not on the engine).
 */
import { beforeAll, expect, it } from 'vitest';
import type { HeaderList } from '../fixtures/schema.js';
import type { BrowserName, HarnessCase, Observation } from './harness/index.js';
import { describeBrowser } from './harness/vitest.js';

const ORIGIN = 'http://app.test';
const ACAO: HeaderList = [['Access-Control-Allow-Origin', 'http://app.test']];

const cases: HarnessCase[] = [
  {
    id: 'self-get-no-acao',
    description: 'simple GET, server sends no ACAO',
    request: { origin: ORIGIN, url: 'http://api.test/data', method: 'GET' },
    server: { actual: { status: 200, headers: [['Content-Type', 'text/plain']] } },
  },
  {
    id: 'self-get-acao',
    description: 'simple GET, exact ACAO, a custom header not exposed',
    request: { origin: ORIGIN, url: 'http://api.test/data', method: 'GET' },
    server: {
      actual: { status: 200, headers: [...ACAO, ['X-Secret', '1'], ['Content-Type', 'text/plain']] },
    },
  },
  {
    id: 'self-get-aceh',
    description: 'simple GET, ACEH exposes x-custom',
    request: { origin: ORIGIN, url: 'http://api.test/data', method: 'GET' },
    server: {
      actual: {
        status: 200,
        headers: [...ACAO, ['X-Custom', '1'], ['Access-Control-Expose-Headers', 'X-Custom']],
      },
    },
  },
  {
    id: 'self-put-preflight',
    description: 'PUT with a custom header, preflight allows it, cached for 60 s, sent twice',
    repeat: 2,
    request: { origin: ORIGIN, url: 'http://api.test/data', method: 'PUT', headers: [['X-Foo', '1']] },
    server: {
      preflight: {
        status: 200,
        headers: [
          ...ACAO,
          ['Access-Control-Allow-Methods', 'PUT'],
          ['Access-Control-Allow-Headers', 'X-Foo'],
          ['Access-Control-Max-Age', '60'],
        ],
      },
      actual: { status: 200, headers: ACAO },
    },
  },
  {
    id: 'self-put-preflight-204',
    description: 'the same with a 204 preflight answer',
    repeat: 2,
    request: { origin: ORIGIN, url: 'http://api.test/data', method: 'PUT', headers: [['X-Foo', '1']] },
    server: {
      preflight: {
        status: 204,
        headers: [
          ...ACAO,
          ['Access-Control-Allow-Methods', 'PUT'],
          ['Access-Control-Allow-Headers', 'X-Foo'],
          ['Access-Control-Max-Age', '60'],
        ],
      },
      actual: { status: 200, headers: ACAO },
    },
  },
  {
    id: 'self-no-cors',
    description: 'no-cors GET is opaque',
    request: { origin: ORIGIN, url: 'http://api.test/data', method: 'GET', mode: 'no-cors' },
    server: { actual: { status: 200, headers: [] } },
  },
  {
    id: 'self-redirect-same-origin',
    description: 'a same-origin hop on the api server, then the answer',
    request: { origin: ORIGIN, url: 'http://api.test/start', method: 'GET' },
    server: {
      hops: { '/start': { status: 302, headers: ACAO, location: '/final' } },
      actual: { status: 200, headers: ACAO },
    },
  },
  {
    id: 'self-xhr-no-acao',
    description: 'XHR GET without ACAO',
    request: { origin: ORIGIN, url: 'http://api.test/data', method: 'GET', initiator: 'XMLHttpRequest' },
    server: { actual: { status: 200, headers: [] } },
  },
  {
    id: 'self-cookie-cross-site',
    description: 'credentialed GET app.test -> api.test',
    request: { origin: ORIGIN, url: 'http://api.test/data', method: 'GET', credentials: 'include' },
    server: { actual: { status: 200, headers: [...ACAO, ['Access-Control-Allow-Credentials', 'true']] } },
  },
  {
    id: 'self-cookie-same-site',
    description: 'credentialed GET localhost:{app} -> localhost:{api} (same site, cross-origin)',
    request: {
      origin: 'http://localhost:{app}',
      url: 'http://localhost:{api}/data',
      method: 'GET',
      credentials: 'include',
    },
    server: {
      actual: {
        status: 200,
        headers: [
          ['Access-Control-Allow-Origin', 'http://localhost:{app}'],
          ['Access-Control-Allow-Credentials', 'true'],
        ],
      },
    },
  },
  {
    id: 'self-ip-page',
    description: 'a page on 127.0.0.1 fetching localhost on another port (cross-origin, cross-site)',
    request: { origin: 'http://127.0.0.1:{app}', url: 'http://localhost:{api}/data', method: 'GET' },
    server: { actual: { status: 200, headers: [['Access-Control-Allow-Origin', 'http://127.0.0.1:{app}']] } },
  },
  {
    id: 'self-outside-name',
    description: 'a name outside *.test must not resolve to anything that answers',
    request: { origin: ORIGIN, url: 'http://example.com/x', method: 'GET', mode: 'no-cors' },
    server: { actual: { status: 200, headers: [] } },
  },
];

const MISSING: Record<BrowserName, string> = {
  chromium:
    "has been blocked by CORS policy: No 'Access-Control-Allow-Origin' header is present on the requested resource.",
  firefox: '(Reason: CORS header ‘Access-Control-Allow-Origin’ missing). Status code: 200.',
};
const FAILED: Record<BrowserName, { name: string; message: string }> = {
  chromium: { name: 'TypeError', message: 'Failed to fetch' },
  firefox: { name: 'TypeError', message: 'NetworkError when attempting to fetch resource.' },
};

for (const browser of ['chromium', 'firefox'] as const) {
  describeBrowser(browser, (runner) => {
    let obs: Map<string, Observation>;
    const get = (id: string) => {
      const o = obs.get(id);
      if (!o) throw new Error(`no observation for ${id}`);
      return o;
    };
    beforeAll(async () => {
      obs = new Map((await runner().runCases(cases)).map((o) => [o.id, o]));
    });

    it('blocks a GET without ACAO after sending it, with the browser error and console text', () => {
      const o = get('self-get-no-acao');
      expect(o.outcome).toBe('blocked');
      expect(o.preflight).toBeNull();
      expect(o.actualSent).toBe(true);
      expect(o.error).toEqual(FAILED[browser]);
      const url = `${runner().servers.origin('api')}/c/self-get-no-acao/data`;
      expect(o.console.some((m) => m.includes(MISSING[browser]) && m.includes(url))).toBe(true);
    });

    it('allows a GET with the exact ACAO and hides non-safelisted headers', () => {
      const o = get('self-get-acao');
      expect(o.outcome).toBe('allowed');
      expect(o.status).toBe(200);
      expect(o.readableHeaders).toEqual(['content-length', 'content-type']);
      expect(o.console).toEqual([]);
    });

    it('exposes a header named in ACEH', () => {
      expect(get('self-get-aceh').readableHeaders).toEqual(['content-length', 'x-custom']);
    });

    it('preflights a PUT with a custom header, then serves the repeat from the preflight cache', () => {
      const o = get('self-put-preflight');
      expect(o.preflight?.method).toBe('PUT');
      expect(o.preflight?.requestHeaders).toBe('x-foo');
      expect(o.actualSent).toBe(true);
      expect(o.outcome).toBe('allowed');
      expect(o.repeats).toHaveLength(1);
      expect(o.repeats[0]?.preflights).toBe(0);
      expect(o.repeats[0]?.actualSent).toBe(true);
      expect(o.repeats[0]?.outcome).toBe('allowed');
    });

    it('caches a 204 preflight answer too', () => {
      const o = get('self-put-preflight-204');
      expect(o.preflights).toBe(1);
      expect(o.outcome).toBe('allowed');
      expect(o.repeats[0]?.outcome).toBe('allowed');
      expect(o.repeats[0]?.preflights).toBe(0);
    });

    it('gives an opaque response in no-cors mode', () => {
      const o = get('self-no-cors');
      expect(o.outcome).toBe('opaque');
      expect(o.status).toBe(0);
      expect(o.readableHeaders).toEqual([]);
    });

    it('follows a same-origin hop and records both requests', () => {
      const o = get('self-redirect-same-origin');
      expect(o.outcome).toBe('allowed');
      expect(o.requests.map((r) => [r.method, r.path, r.status])).toEqual([
        ['GET', '/start', 302],
        ['GET', '/final', 200],
      ]);
    });

    it('sends the harness cookie same-site in both browsers, cross-site over http only in Firefox', () => {
      expect(get('self-cookie-same-site').outcome).toBe('allowed');
      expect(get('self-cookie-same-site').cookieSent).toBe(true);
      expect(get('self-cookie-cross-site').outcome).toBe('allowed');
      expect(get('self-cookie-cross-site').cookieSent).toBe(browser === 'firefox');
    });

    it('serves pages on 127.0.0.1 and requests to localhost', () => {
      const o = get('self-ip-page');
      expect(o.outcome).toBe('allowed');
      expect(o.requests[0]?.headers).toContainEqual([
        'Origin',
        `http://127.0.0.1:${runner().servers.ports.app}`,
      ]);
    });

    it('reaches nothing outside loopback: an outside name fails', () => {
      const o = get('self-outside-name');
      expect(o.outcome).toBe('blocked');
      expect(o.requests).toEqual([]);
    });

    it('reports an XHR failure as an error event, with the console text', () => {
      const o = get('self-xhr-no-acao');
      expect(o.outcome).toBe('blocked');
      expect(o.error).toEqual({ name: 'ProgressEvent', message: 'error' });
      expect(o.console.some((m) => m.includes(MISSING[browser]))).toBe(true);
    });
  });
}
