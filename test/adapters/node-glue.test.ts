/**
 * The node glue keeps `Vary` merged when the application sets it after the middleware ran, on
 * every path the glue takes: the shared per-list wrapper (node's own writeHead, frozen names), the
 * per-response state (a writeHead another library wrapped, names that are not frozen, a second
 * middleware adding other names), and Vary passed to writeHead itself. Expected values are what
 * the glue answered before the shared wrapper existed.
 */
import { createServer, IncomingMessage, type Server, ServerResponse } from 'node:http';
import { type AddressInfo, Socket } from 'node:net';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { type HttpCore, type HttpDecision, middlewareWith, NodeRequestView } from '../../src/_http/index.js';
import { corsGlue } from '../../src/adapters/_shared.js';
import { corsMiddleware } from '../../src/adapters/node.js';
import { createCorsPolicy } from '../../src/server/index.js';

const ORIGIN = 'https://a.example';
const listed = corsMiddleware({ origins: [ORIGIN] });
const publicPolicy = corsMiddleware(createCorsPolicy({ origins: '*' }));
const quiet = { onError: () => {} };
const core = (vary: readonly string[]): HttpCore => ({
  handle: () => ({ allowed: true, headers: [], vary, end: false }),
});
const unfrozen = middlewareWith(corsGlue(core(['Accept-Language', 'origin']), quiet));
const frozen = middlewareWith(corsGlue(core(Object.freeze(['X-A'])), quiet));
const unfrozenOnly = middlewareWith(corsGlue(core(['X-B', 'X-C']), quiet));

type Route = (req: IncomingMessage, res: ServerResponse) => void;
/** The application: optionally touch the response, then end it. */
const app =
  (res: ServerResponse, touch: (res: ServerResponse) => void = () => {}) =>
  () => {
    touch(res);
    res.end('x');
  };
const setVary = (value: string) => (res: ServerResponse) => res.setHeader('Vary', value);

function wrapWriteHead(res: ServerResponse): void {
  const previous = res.writeHead as (...a: unknown[]) => ServerResponse;
  res.writeHead = function (this: ServerResponse, ...args: unknown[]) {
    this.setHeader('x-wrapped', '1');
    return previous.apply(this, args);
  } as ServerResponse['writeHead'];
}

/** [case, route, expected Vary, expected Access-Control-Allow-Origin]. */
const CASES: [string, Route, string | null, string | null][] = [
  [
    'app sets Vary later',
    (q, s) => listed(q, s, app(s, setVary('Accept-Encoding'))),
    'Accept-Encoding, Origin',
    ORIGIN,
  ],
  [
    'app removes Vary',
    (q, s) =>
      listed(
        q,
        s,
        app(s, (r) => r.removeHeader('vary')),
      ),
    'Origin',
    ORIGIN,
  ],
  ['app sets nothing', (q, s) => listed(q, s, app(s)), 'Origin', ORIGIN],
  [
    'Vary passed to writeHead (object)',
    (q, s) =>
      listed(
        q,
        s,
        app(s, (r) => r.writeHead(200, { Vary: 'Cookie' })),
      ),
    'Cookie, Origin',
    ORIGIN,
  ],
  [
    'Vary passed to writeHead (flat array, with a reason)',
    (q, s) =>
      listed(
        q,
        s,
        app(s, (r) => r.writeHead(200, 'OK', ['Vary', 'Cookie', 'Content-Type', 'text/plain'])),
      ),
    'Cookie, Origin',
    ORIGIN,
  ],
  [
    'explicit writeHead without Vary',
    (q, s) =>
      listed(
        q,
        s,
        app(s, (r) => r.setHeader('vary', 'Accept').writeHead(200)),
      ),
    'Accept, Origin',
    ORIGIN,
  ],
  [
    'writeHead wrapped by another library before',
    (q, s) => {
      wrapWriteHead(s);
      listed(q, s, app(s, setVary('Accept')));
    },
    'Accept, Origin',
    ORIGIN,
  ],
  [
    'writeHead wrapped by another library after',
    (q, s) =>
      listed(
        q,
        s,
        app(s, (r) => {
          wrapWriteHead(r);
          r.setHeader('vary', 'Accept');
        }),
      ),
    'Accept, Origin',
    ORIGIN,
  ],
  [
    'second middleware, names not frozen',
    (q, s) => listed(q, s, () => unfrozen(q, s, app(s, setVary('Cookie')))),
    'Cookie, Origin, Accept-Language',
    ORIGIN,
  ],
  [
    'second middleware, same names',
    (q, s) => listed(q, s, () => listed(q, s, app(s, setVary('Cookie')))),
    'Cookie, Origin',
    ORIGIN,
  ],
  [
    'second middleware, other frozen names',
    (q, s) => listed(q, s, () => frozen(q, s, app(s, setVary('Cookie')))),
    'Cookie, Origin, X-A',
    ORIGIN,
  ],
  [
    'names not frozen only',
    (q, s) => unfrozenOnly(q, s, app(s, setVary('Cookie'))),
    'Cookie, X-B, X-C',
    null,
  ],
  ['public policy (no Vary names)', (q, s) => publicPolicy(q, s, app(s, setVary('Cookie'))), 'Cookie', '*'],
  [
    'Vary set before the middleware',
    (q, s) => {
      s.setHeader('vary', 'Accept');
      listed(q, s, app(s));
    },
    'Accept, Origin',
    ORIGIN,
  ],
  [
    'Vary set before and replaced after',
    (q, s) => {
      s.setHeader('vary', 'Accept');
      listed(q, s, app(s, setVary('Cookie')));
    },
    'Cookie, Origin',
    ORIGIN,
  ],
  ['app sets Vary: *', (q, s) => listed(q, s, app(s, setVary('*'))), '*', ORIGIN],
];

let server: Server;
let base: string;
beforeAll(async () => {
  const routes = new Map<string, Route>(CASES.map(([, route], i) => [`/${i}`, route]));
  server = createServer((req, res) => routes.get(req.url ?? '')?.(req, res) ?? res.end());
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  base = `http://127.0.0.1:${(server.address() as AddressInfo).port}`;
});
afterAll(() => new Promise<void>((resolve) => server.close(() => resolve())));

describe('node glue: Vary stays merged', () => {
  it.each(CASES.map((c, i) => [c[0], i, c[2], c[3]] as const))('%s', async (_name, i, vary, acao) => {
    const res = await fetch(`${base}/${i}`, { headers: { origin: ORIGIN } });
    await res.text();
    expect(res.headers.get('vary')).toBe(vary);
    expect(res.headers.get('access-control-allow-origin')).toBe(acao);
  });
});

describe('NodeRequestView reads the header lines as req.headers combines them', () => {
  // Raw request heads node:http parses; each line as sent (case, repeats, odd spacing).
  const HEADS: string[][] = [
    ['Origin: https://a.example'],
    ['origin: https://a.example', 'ORIGIN: https://b.example'],
    ['Origin:   https://a.example  '],
    ['Access-Control-Request-Headers: x-a', 'access-control-request-headers: X-B, x-c'],
    ['Access-Control-Request-Method: PUT', 'Origin: null'],
    ['Referer: https://a.example/1', 'referer: https://b.example/2'],
    ['Content-Type: text/plain', 'Content-Type: application/json'],
    ['Cookie: a=1', 'cookie: b=2'],
    ['Sec-Fetch-Site: cross-site', 'Sec-Fetch-Site: same-origin'],
    ['User-Agent: a', 'user-agent: b', 'Authorization: x', 'authorization: y'],
    ['X-Empty:', 'Origin:'],
    [],
  ];
  const NAMES = [
    'origin',
    'access-control-request-method',
    'access-control-request-headers',
    'access-control-request-private-network',
    'referer',
    'content-type',
    'cookie',
    'sec-fetch-site',
    'user-agent',
    'authorization',
    'x-empty',
    'host',
  ];
  let server: Server;
  let port: number;
  const results: { head: string[]; name: string; view: string | null; node: string | null }[] = [];
  beforeAll(async () => {
    server = createServer((req, res) => {
      const view = new NodeRequestView(req);
      const head = JSON.parse(decodeURIComponent((req.url ?? '/').slice(1))) as string[];
      // The view first, so it cannot lean on a headers object already built.
      const fromView = NAMES.map((n) => view.header(n));
      for (const [i, name] of NAMES.entries()) {
        const v = req.headers[name];
        results.push({
          head,
          name,
          view: fromView[i] ?? null,
          node: v === undefined ? null : Array.isArray(v) ? v.join(', ') : v,
        });
      }
      res.end();
    });
    await new Promise<void>((r) => server.listen(0, '127.0.0.1', r));
    port = (server.address() as AddressInfo).port;
  });
  afterAll(() => new Promise<void>((r) => server.close(() => r())));

  it('for every name, on every head', async () => {
    const { connect } = await import('node:net');
    for (const head of HEADS) {
      const path = `/${encodeURIComponent(JSON.stringify(head))}`;
      const text = [
        `GET ${path} HTTP/1.1`,
        `Host: 127.0.0.1:${port}`,
        ...head,
        'Connection: close',
        '',
        '',
      ].join('\r\n');
      await new Promise<void>((resolve, reject) => {
        const socket = connect(port, '127.0.0.1', () => socket.end(text));
        socket.on('error', reject);
        socket.on('close', () => resolve());
        socket.resume();
      });
    }
    expect(results.length).toBe(HEADS.length * NAMES.length);
    for (const r of results) {
      // Every repeated line joined (", ", cookie "; "), also where node's req.headers keeps only
      // the first line (Host, Referer, User-Agent, Authorization …): the view's contract.
      const lines = r.head
        .filter((h) => h.slice(0, h.indexOf(':')).toLowerCase() === r.name)
        .map((h) => h.slice(h.indexOf(':') + 1).trim());
      const joined = lines.length === 0 ? null : lines.join(r.name === 'cookie' ? '; ' : ', ');
      const want = r.name === 'host' ? r.node : joined;
      expect(r.view, `${r.name} in ${JSON.stringify(r.head)}`).toBe(want);
      if (lines.length <= 1 && r.name !== 'host') expect(r.view).toBe(r.node);
    }
    // The cases exercise joining and first-line-only names, not only absences.
    expect(results.filter((r) => r.node?.includes(', ')).length).toBeGreaterThanOrEqual(3);
    expect(results.some((r) => r.name === 'cookie' && r.node === 'a=1; b=2')).toBe(true);
    expect(results.some((r) => r.name === 'referer' && r.node === 'https://a.example/1')).toBe(true);
    expect(results.some((r) => r.name === 'referer' && r.view?.startsWith('https://a.example/1, '))).toBe(
      true,
    );
  });

  it('matches names in any case', () => {
    const view = new NodeRequestView({
      method: 'GET',
      rawHeaders: [
        'ORIGIN',
        'https://a.example',
        'oRiGiN',
        'https://b.example',
        'Access-Control-Request-Method',
        'PUT',
        'origin-x',
        'no',
        'origi',
        'no',
      ],
    } as unknown as IncomingMessage);
    expect(view.header('origin')).toBe('https://a.example, https://b.example');
    expect(view.header('access-control-request-method')).toBe('PUT');
    expect(view.header('cookie')).toBeNull();
  });

  it('falls back to headers for a request object without rawHeaders', () => {
    const view = new NodeRequestView({
      method: 'GET',
      headers: { origin: 'https://a.example' },
    } as unknown as IncomingMessage);
    expect(view.header('origin')).toBe('https://a.example');
    expect(view.header('referer')).toBeNull();
  });
});

describe('a decision applied after the headers went out', () => {
  const decisions: [string, HttpDecision][] = [
    ['headers', { allowed: true, headers: [['access-control-allow-origin', ORIGIN]], vary: [], end: false }],
    ['Vary only', { allowed: true, headers: [], vary: Object.freeze(['Origin']), end: false }],
    ['nothing', { allowed: true, headers: [], vary: [], end: false }],
    ['an answer', { allowed: false, headers: [], vary: [], end: true, status: 403, body: 'no' }],
  ];
  it.each(decisions)('%s: reported as too late, nothing set, the request goes on', (_, d) => {
    const errors: unknown[] = [];
    const mw = middlewareWith(corsGlue({ handle: () => d }, { onError: (e) => errors.push(e) }));
    const req = new IncomingMessage(new Socket());
    req.method = 'GET';
    req.headers = { origin: ORIGIN };
    const res = new ServerResponse(req);
    res.setHeader('x-app', '1');
    res.writeHead(200);
    let next = 0;
    mw(req, res, () => next++);
    expect(errors.map((e) => (e as Error).message)).toEqual([
      'crossorigin: headers already sent; the middleware ran too late',
    ]);
    expect(res.getHeaderNames()).toEqual(['x-app']);
    expect(next).toBe(1);
    expect(res.statusCode).toBe(200);
  });
});
