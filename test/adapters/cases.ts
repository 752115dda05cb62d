/**
 * The shared adapter suite's table: the server and CSRF fixture tables (test/fixtures/server-*.json,
 * csrf-*.json, every case as written) plus the adapter-specific cases below (Vary set by the
 * application before and after the middleware, preflight 204 without body, refusals, OPTIONS that
 * is not a preflight, HEAD, failing cores). Every case is also judged against the core's own
 * decision for the same request, computed in-process: the adapter must translate it exactly.
 */
import { existsSync, readdirSync, readFileSync } from 'node:fs';
import { METHODS } from 'node:http';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';
import type { HeaderList } from '../fixtures/schema.js';
import { loadTable } from '../fixtures/schema.js';
import type { Setup } from './setups.js';

export interface AdapterCase {
  id: string;
  description: string;
  /** Where the case comes from: `adapters` or a fixture table name. */
  source: string;
  setup: Setup;
  request: { method: string; path: string; headers: HeaderList };
  /** Expectations beyond "translate the decision exactly". */
  expect?: {
    status?: number;
    reached?: boolean;
    /** Header values on the final response; `null`: absent. Vary is compared as a set of names. */
    headers?: Record<string, string | null>;
    /** Names the final Vary must contain. */
    varyIncludes?: string[];
  };
}

const APP = 'https://app.example';
const EVIL = 'https://evil.example';

export const CORS_APP: Setup = {
  kind: 'cors',
  config: {
    origins: [APP],
    credentials: true,
    methods: ['PUT', 'DELETE'],
    requestHeaders: ['content-type', 'x-token'],
    exposeHeaders: ['x-app'],
    maxAge: 600,
  },
};
export const CORS_PUBLIC: Setup = { kind: 'cors', config: { origins: '*' } };
export const CSRF_APP: Setup = { kind: 'csrf', config: { origin: APP } };

const special = (kind: 'cors' | 'csrf', s: NonNullable<Setup['special']>): Setup => ({
  kind,
  special: s,
  config: kind === 'cors' ? CORS_APP.config : CSRF_APP.config,
});

const O = (origin: string): [string, string] => ['Origin', origin];
const preflight = (origin: string, method: string, headers?: string): HeaderList => [
  O(origin),
  ['Access-Control-Request-Method', method],
  ...(headers ? ([['Access-Control-Request-Headers', headers]] as HeaderList) : []),
];

const OWN: Omit<AdapterCase, 'source'>[] = [
  {
    id: 'actual-allowed',
    description: 'GET from an allowed origin reaches the app with ACAO, ACAC and Vary: Origin',
    setup: CORS_APP,
    request: { method: 'GET', path: '/', headers: [O(APP)] },
    expect: {
      status: 200,
      reached: true,
      headers: { 'access-control-allow-origin': APP, 'access-control-allow-credentials': 'true' },
      varyIncludes: ['Origin'],
    },
  },
  {
    id: 'actual-allowed-vary-after',
    description: 'the app sets Vary after the middleware ran: both names survive, once each',
    setup: CORS_APP,
    request: { method: 'GET', path: '/vary-after', headers: [O(APP)] },
    expect: { status: 200, reached: true, varyIncludes: ['Origin', 'Accept-Encoding'] },
  },
  {
    id: 'actual-allowed-vary-before',
    description: 'a middleware before ours set Vary: both names survive, once each',
    setup: CORS_APP,
    request: { method: 'GET', path: '/vary-before', headers: [O(APP)] },
    expect: { status: 200, reached: true, varyIncludes: ['Origin', 'Accept-Encoding'] },
  },
  {
    id: 'actual-allowed-vary-writehead',
    description: 'the app passes Vary to writeHead (node:http/Express; a plain header set elsewhere)',
    setup: CORS_APP,
    request: { method: 'GET', path: '/vary-writehead', headers: [O(APP)] },
    expect: { status: 200, reached: true, varyIncludes: ['Origin', 'Accept-Encoding'] },
  },
  {
    id: 'preflight-vary-before',
    description: 'a preflight keeps the Vary a middleware before ours set',
    setup: CORS_APP,
    request: { method: 'OPTIONS', path: '/vary-before', headers: preflight(APP, 'PUT') },
    expect: { status: 204, reached: false, varyIncludes: ['Accept-Encoding'] },
  },
  {
    id: 'actual-disallowed-origin',
    description: 'GET from a disallowed origin reaches the app without CORS headers',
    setup: CORS_APP,
    request: { method: 'GET', path: '/', headers: [O(EVIL)] },
    expect: { status: 200, reached: true, headers: { 'access-control-allow-origin': null } },
  },
  {
    id: 'not-cors',
    description: 'GET without Origin reaches the app without CORS headers',
    setup: CORS_APP,
    request: { method: 'GET', path: '/', headers: [] },
    expect: { status: 200, reached: true, headers: { 'access-control-allow-origin': null } },
  },
  {
    id: 'post-allowed',
    description: 'POST from an allowed origin reaches the app with CORS headers',
    setup: CORS_APP,
    request: { method: 'POST', path: '/', headers: [O(APP), ['Content-Type', 'text/plain']] },
    expect: { status: 200, reached: true, headers: { 'access-control-allow-origin': APP } },
  },
  {
    id: 'put-allowed',
    description: 'PUT (after its preflight) reaches the app with CORS headers',
    setup: CORS_APP,
    request: { method: 'PUT', path: '/', headers: [O(APP)] },
    expect: { status: 200, reached: true, headers: { 'access-control-allow-origin': APP } },
  },
  {
    id: 'head-allowed',
    description: 'HEAD from an allowed origin reaches the app with CORS headers and no body',
    setup: CORS_APP,
    request: { method: 'HEAD', path: '/', headers: [O(APP)] },
    expect: { status: 200, reached: true, headers: { 'access-control-allow-origin': APP } },
  },
  {
    id: 'preflight-allowed',
    description: 'an allowed preflight ends with 204, no body, and never reaches the app',
    setup: CORS_APP,
    request: { method: 'OPTIONS', path: '/', headers: preflight(APP, 'PUT', 'content-type, x-token') },
    expect: {
      status: 204,
      reached: false,
      headers: { 'access-control-allow-origin': APP, 'access-control-allow-credentials': 'true' },
    },
  },
  {
    id: 'preflight-split-acrh',
    description: 'ACRH split over two header lines (as some proxies do) is one list',
    setup: CORS_APP,
    request: {
      method: 'OPTIONS',
      path: '/',
      headers: [...preflight(APP, 'PUT', 'content-type'), ['Access-Control-Request-Headers', 'x-token']],
    },
    expect: { status: 204, reached: false, headers: { 'access-control-allow-origin': APP } },
  },
  {
    id: 'preflight-disallowed-origin',
    description: 'a preflight from a disallowed origin ends with 403 and no CORS headers',
    setup: CORS_APP,
    request: { method: 'OPTIONS', path: '/', headers: preflight(EVIL, 'PUT') },
    expect: { status: 403, reached: false, headers: { 'access-control-allow-origin': null } },
  },
  {
    id: 'preflight-disallowed-method',
    description: 'a preflight for a method not allowed ends with 403',
    setup: CORS_APP,
    request: { method: 'OPTIONS', path: '/', headers: preflight(APP, 'PATCH') },
    expect: { status: 403, reached: false, headers: { 'access-control-allow-origin': null } },
  },
  {
    id: 'preflight-disallowed-header',
    description: 'a preflight for a request header not allowed ends with 403',
    setup: CORS_APP,
    request: { method: 'OPTIONS', path: '/', headers: preflight(APP, 'PUT', 'x-other') },
    expect: { status: 403, reached: false },
  },
  {
    id: 'options-without-acrm',
    description: 'OPTIONS with Origin but no Access-Control-Request-Method is the app’s',
    setup: CORS_APP,
    request: { method: 'OPTIONS', path: '/', headers: [O(APP)] },
    expect: { status: 200, reached: true },
  },
  {
    id: 'options-no-origin',
    description: 'OPTIONS without Origin (even with ACRM) is the app’s',
    setup: CORS_APP,
    request: { method: 'OPTIONS', path: '/', headers: [['Access-Control-Request-Method', 'PUT']] },
    expect: { status: 200, reached: true, headers: { 'access-control-allow-origin': null } },
  },
  {
    id: 'public-actual',
    description: 'a public policy answers any origin with *',
    setup: CORS_PUBLIC,
    request: { method: 'GET', path: '/vary-after', headers: [O(EVIL)] },
    expect: {
      status: 200,
      reached: true,
      headers: { 'access-control-allow-origin': '*' },
      varyIncludes: ['Accept-Encoding'],
    },
  },
  {
    id: 'public-preflight',
    description: 'a public policy answers a simple preflight with 204',
    setup: CORS_PUBLIC,
    request: { method: 'OPTIONS', path: '/', headers: preflight(EVIL, 'GET') },
    expect: { status: 204, reached: false, headers: { 'access-control-allow-origin': '*' } },
  },
  {
    id: 'malformed-origin',
    description: 'a malformed Origin gets a well-defined answer (the app, no CORS headers)',
    setup: CORS_APP,
    request: { method: 'GET', path: '/', headers: [O('https://app.example, https://evil.example')] },
    expect: { status: 200, reached: true, headers: { 'access-control-allow-origin': null } },
  },
  {
    id: 'flooded-acrh',
    description: 'an over-long ACRH is refused in bounded time, not thrown',
    setup: CORS_APP,
    request: {
      method: 'OPTIONS',
      path: '/',
      headers: preflight(APP, 'PUT', Array(2000).fill('x-token').join(',')),
    },
    expect: { status: 403, reached: false },
  },
  {
    id: 'async-core-actual',
    description: 'an asynchronous core (answering later) is awaited: actual request',
    setup: special('cors', 'async'),
    request: { method: 'GET', path: '/vary-after', headers: [O(APP)] },
    expect: {
      status: 200,
      reached: true,
      headers: { 'access-control-allow-origin': APP },
      varyIncludes: ['Origin', 'Accept-Encoding'],
    },
  },
  {
    id: 'async-core-preflight',
    description: 'an asynchronous core (answering later) is awaited: preflight',
    setup: special('cors', 'async'),
    request: { method: 'OPTIONS', path: '/', headers: preflight(APP, 'PUT') },
    expect: { status: 204, reached: false, headers: { 'access-control-allow-origin': APP } },
  },
  {
    id: 'cors-core-throws-actual',
    description: 'a CORS core that throws: the request continues without CORS headers (no 500)',
    setup: special('cors', 'throws'),
    request: { method: 'GET', path: '/', headers: [O(APP)] },
    expect: { status: 200, reached: true, headers: { 'access-control-allow-origin': null } },
  },
  {
    id: 'cors-core-throws-preflight',
    description: 'a CORS core that throws on a preflight: the app answers, without CORS headers',
    setup: special('cors', 'throws'),
    request: { method: 'OPTIONS', path: '/', headers: preflight(APP, 'PUT') },
    expect: { status: 200, reached: true, headers: { 'access-control-allow-origin': null } },
  },
  {
    id: 'cors-core-rejects',
    description: 'a CORS core that rejects: the request continues without CORS headers',
    setup: special('cors', 'rejects'),
    request: { method: 'GET', path: '/', headers: [O(APP)] },
    expect: { status: 200, reached: true, headers: { 'access-control-allow-origin': null } },
  },
  {
    id: 'cors-core-garbage',
    description: 'a CORS core that returns no decision: the request continues without CORS headers',
    setup: special('cors', 'garbage'),
    request: { method: 'GET', path: '/', headers: [O(APP)] },
    expect: { status: 200, reached: true, headers: { 'access-control-allow-origin': null } },
  },
  {
    id: 'csrf-cross-site-post',
    description: 'a cross-site POST (Sec-Fetch-Site) is refused with 403 before the app',
    setup: CSRF_APP,
    request: {
      method: 'POST',
      path: '/transfer',
      headers: [
        ['Sec-Fetch-Site', 'cross-site'],
        O(EVIL),
        ['Content-Type', 'application/x-www-form-urlencoded'],
      ],
    },
    expect: { status: 403, reached: false },
  },
  {
    id: 'csrf-same-origin-post',
    description: 'a same-origin POST reaches the app',
    setup: CSRF_APP,
    request: { method: 'POST', path: '/transfer', headers: [['Sec-Fetch-Site', 'same-origin'], O(APP)] },
    expect: { status: 200, reached: true },
  },
  {
    id: 'csrf-origin-mismatch',
    description: 'without Sec-Fetch-Site, a foreign Origin on POST is refused',
    setup: CSRF_APP,
    request: { method: 'POST', path: '/transfer', headers: [O(EVIL)] },
    expect: { status: 403, reached: false },
  },
  {
    id: 'csrf-cross-site-get',
    description: 'a cross-site GET (safe method) reaches the app',
    setup: CSRF_APP,
    request: { method: 'GET', path: '/', headers: [['Sec-Fetch-Site', 'cross-site']] },
    expect: { status: 200, reached: true },
  },
  {
    id: 'csrf-cross-site-head',
    description: 'a cross-site HEAD (safe method) reaches the app',
    setup: CSRF_APP,
    request: { method: 'HEAD', path: '/', headers: [['Sec-Fetch-Site', 'cross-site']] },
    expect: { status: 200, reached: true },
  },
  {
    id: 'csrf-non-browser-post',
    description: 'a POST without Sec-Fetch-Site, Origin or Referer (a non-browser client) reaches the app',
    setup: CSRF_APP,
    request: { method: 'POST', path: '/api', headers: [] },
    expect: { status: 200, reached: true },
  },
  {
    id: 'csrf-core-throws',
    description: 'a CSRF core that throws: refused with 403 (never allowed, no 500)',
    setup: special('csrf', 'throws'),
    request: { method: 'POST', path: '/', headers: [['Sec-Fetch-Site', 'same-origin']] },
    expect: { status: 403, reached: false },
  },
  {
    id: 'csrf-core-rejects',
    description: 'a CSRF core that rejects: refused with 403',
    setup: special('csrf', 'rejects'),
    request: { method: 'POST', path: '/', headers: [['Sec-Fetch-Site', 'same-origin']] },
    expect: { status: 403, reached: false },
  },
];

export const ADAPTER_CASES: AdapterCase[] = OWN.map((c) => ({ ...c, source: 'adapters' }));

const fixtures = join(dirname(fileURLToPath(import.meta.url)), '..', 'fixtures');

/** Every case of the server-policy and csrf fixture tables, as adapter cases. */
export function fixtureCases(): AdapterCase[] {
  if (!existsSync(fixtures)) return [];
  const out: AdapterCase[] = [];
  for (const file of readdirSync(fixtures).sort()) {
    if (!file.endsWith('.json')) continue;
    const name = file.slice(0, -5);
    const kind = (JSON.parse(readFileSync(join(fixtures, file), 'utf8')) as { kind?: string }).kind;
    if (kind === 'server-policy') {
      const table = loadTable(name, 'server-policy');
      for (const c of table.cases) {
        const headers: Record<string, string | null> = {};
        for (const [k, v] of Object.entries(c.expect.headers ?? {})) headers[k.toLowerCase()] = v;
        out.push({
          id: `${name}/${c.id}`,
          description: c.description,
          source: name,
          setup: { kind: 'cors', config: c.policy },
          request: { method: c.request.method, path: '/', headers: c.request.headers },
          expect: {
            reached: c.expect.continue,
            ...(c.expect.continue ? { status: 200 } : c.expect.status ? { status: c.expect.status } : {}),
            headers,
          },
        });
      }
    } else if (kind === 'csrf') {
      const table = loadTable(name, 'csrf');
      for (const c of table.cases) {
        const url = c.request.url;
        const abs = /^[a-z][a-z0-9+.-]*:\/\//i.test(url) ? new URL(url) : null;
        const headers: HeaderList = [...c.request.headers];
        if (abs && !headers.some(([n]) => n.toLowerCase() === 'host')) headers.push(['Host', abs.host]);
        out.push({
          id: `${name}/${c.id}`,
          description: c.description,
          source: name,
          setup: { kind: 'csrf', config: c.options ?? {} },
          request: { method: c.request.method, path: abs ? abs.pathname + abs.search : url, headers },
          expect: c.expect.allowed ? { status: 200, reached: true } : { reached: false },
        });
      }
    }
  }
  return out;
}

const HTTP_METHODS = new Set(METHODS);

/**
 * What a transport refuses before any handler runs (each a reason, as observed; see the adapter
 * docs). A case the transport refuses cannot test an adapter there, so it is excluded and listed.
 */
export interface Transport {
  /** Methods outside node's list (e.g. lower-case `get`). */
  unknownMethod?: string;
  /** A request without Host (only fixture cases meant without one: the suite's own cases get one). */
  missingHost?: string;
  /** A Host that is not a URL host (userinfo, port out of range). */
  nonUrlHost?: string;
  /** More than one Host line (the request is refused by the transport itself, so the attack fails there). */
  repeatedHost?: string;
  /** In-process `new Request()`: the Fetch API upper-cases delete/get/head/options/post/put. */
  fetchRequest?: boolean;
}

const FETCH_NORMALIZED = /^(delete|get|head|options|post|put)$/i;

/** Whether the case is meant to be sent without a Host header (the client adds one otherwise). */
export function meantWithoutHost(c: AdapterCase): boolean {
  return (
    c.setup.kind === 'csrf' &&
    c.source !== 'adapters' &&
    !c.request.headers.some(([n]) => n.toLowerCase() === 'host')
  );
}

/**
 * Why a case cannot be run on an adapter (null: it runs). Every exclusion is a property of the
 * transport, not of the adapter, and the suite lists each one with its reason.
 */
export function exclusion(c: AdapterCase, t: Transport): string | null {
  const m = c.request.method;
  if (c.request.headers.some(([, v]) => /[\r\n\0]/.test(v))) {
    return 'a header value with CR, LF or NUL cannot be sent over HTTP nor put in Fetch Headers';
  }
  if (t.unknownMethod && !HTTP_METHODS.has(m)) return `${JSON.stringify(m)}: ${t.unknownMethod}`;
  if (t.fetchRequest && FETCH_NORMALIZED.test(m) && m !== m.toUpperCase()) {
    return `the Fetch API normalizes the method ${JSON.stringify(m)} to upper case`;
  }
  if (t.missingHost && meantWithoutHost(c)) return t.missingHost;
  if (t.repeatedHost && c.request.headers.filter(([n]) => n.toLowerCase() === 'host').length > 1)
    return t.repeatedHost;
  const host = c.request.headers.find(([n]) => n.toLowerCase() === 'host')?.[1];
  if (t.nonUrlHost && host !== undefined) {
    let ok = false;
    try {
      const u = new URL(`http://${host}/`);
      ok = !u.username && !u.password && u.host === host.toLowerCase();
    } catch {}
    if (!ok) return `Host ${JSON.stringify(host)}: ${t.nonUrlHost}`;
  }
  return null;
}
