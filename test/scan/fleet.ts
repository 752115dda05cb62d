/**
 * A fleet of loopback servers for the scanner: one per misconfiguration class and per common
 * framework misuse, plus correctly configured ones. Every server plays the API of the site
 * `https://app.victim.test` (the scanner is told so with `origin`), and its data depends on the
 * session cookie `session=s3cret`, so a trusted attacker origin with credentials can read
 * something private. The `expected` table is the exact set of findings each must produce.
 */
import http from 'node:http';
import type { AddressInfo } from 'node:net';
import cors from 'cors';
import express from 'express';
import { corsMiddleware } from '../../src/adapters/node.js';
import type { FindingClass, Severity } from '../../src/scan/index.js';

export const SITE = 'https://app.victim.test';
export const COOKIE = 'session=s3cret';

type Handler = (req: http.IncomingMessage, res: http.ServerResponse) => void;

/** The private answer: the user's data with the session cookie, a public stub without. */
function data(req: http.IncomingMessage): string {
  const signedIn = (req.headers.cookie ?? '').split(/;\s*/).includes(COOKIE);
  return JSON.stringify(signedIn ? { user: 'alice', email: 'alice@victim.test' } : { user: null });
}

function json(req: http.IncomingMessage, res: http.ServerResponse): void {
  res.setHeader('content-type', 'application/json');
  res.end(data(req));
}

/**
 * A hand-written CORS layer as found in the wild: `trust(origin)` decides, the origin is echoed
 * with credentials, `Vary: Origin` is sent (unless `vary: false`), and preflights list PUT and
 * content-type (unless `reflectPreflight`).
 */
function handRolled(
  trust: (origin: string) => boolean,
  opts: { credentials?: boolean; vary?: boolean; reflectPreflight?: boolean } = {},
): Handler {
  const credentials = opts.credentials ?? true;
  return (req, res) => {
    const origin = req.headers.origin;
    if (opts.vary !== false) res.setHeader('vary', 'Origin');
    if (typeof origin === 'string' && trust(origin)) {
      res.setHeader('access-control-allow-origin', origin);
      if (credentials) res.setHeader('access-control-allow-credentials', 'true');
    }
    if (req.method === 'OPTIONS' && req.headers['access-control-request-method']) {
      if (opts.reflectPreflight) {
        res.setHeader('access-control-allow-methods', String(req.headers['access-control-request-method']));
        const acrh = req.headers['access-control-request-headers'];
        if (acrh) res.setHeader('access-control-allow-headers', String(acrh));
      } else {
        res.setHeader('access-control-allow-methods', 'PUT');
        res.setHeader('access-control-allow-headers', 'content-type');
      }
      res.statusCode = 204;
      res.end();
      return;
    }
    json(req, res);
  };
}

const exact = (list: string[]) => (o: string) => list.includes(o);
const hostname = (o: string) => URL.parse(o)?.hostname ?? '';

export interface FleetServer {
  name: string;
  /** How the server is (mis)configured, as a person would describe it. */
  what: string;
  handler: Handler;
  /** The exact findings: class -> severity (with the session cookie). */
  expected: Partial<Record<FindingClass, Severity>>;
}

export const FLEET: FleetServer[] = [
  {
    name: 'cors-origin-true',
    what: "express + cors({ origin: true, credentials: true }) (the `cors` package's echo-everything mode)",
    handler: express()
      .use(cors({ origin: true, credentials: true }))
      .get('/', json) as unknown as Handler,
    // The cors package also echoes Access-Control-Request-Headers unless allowedHeaders is set.
    expected: { 'origin-reflection': 'high', 'preflight-reflection': 'low' },
  },
  {
    name: 'reflect-any-no-credentials',
    what: 'echoes any Origin, without Access-Control-Allow-Credentials',
    handler: handRolled(() => true, { credentials: false }),
    expected: { 'origin-reflection': 'low' },
  },
  {
    name: 'unanchored-regexp',
    what: '/https:\\/\\/app\\.victim\\.test/.test(origin) (no ^ or $)',
    handler: handRolled((o) => /https:\/\/app\.victim\.test/.test(o)),
    expected: { 'prefix-match': 'high' },
  },
  {
    name: 'starts-with',
    what: "origin.startsWith('https://app.victim.test')",
    handler: handRolled((o) => o.startsWith(SITE)),
    expected: { 'prefix-match': 'high' },
  },
  {
    name: 'ends-with',
    what: "origin.endsWith('victim.test')",
    // endsWith ignores the scheme and the label boundary: http:, any subdomain and eviltarget all pass.
    handler: handRolled((o) => o.endsWith('victim.test')),
    expected: { 'suffix-match': 'high', 'arbitrary-subdomain': 'low', 'insecure-origin': 'medium' },
  },
  {
    name: 'substring-of-domain',
    what: "origin is https: and 'app.victim.test'.includes(new URL(origin).hostname)",
    // (Without the length test, origins URL.parse refuses give '' and ''.includes passes: the
    // scanner then also reports special-characters, which is right but not this server's class.)
    handler: handRolled(
      (o) => o.startsWith('https://') && hostname(o).length > 0 && 'app.victim.test'.includes(hostname(o)),
    ),
    expected: { 'partial-domain-match': 'high' },
  },
  {
    name: 'unescaped-dot',
    what: '/^https:\\/\\/app.victim\\.test$/ (the first dot unescaped)',
    handler: handRolled((o) => /^https:\/\/app.victim\.test$/.test(o)),
    expected: { 'unescaped-dot': 'high' },
  },
  {
    name: 'special-characters',
    what: 'prefix check that refuses a following dot but not other characters',
    handler: handRolled((o) => o === SITE || /^https:\/\/app\.victim\.test[^./:a-z0-9]/.test(o)),
    expected: { 'special-characters': 'medium' },
  },
  {
    name: 'reflected-null',
    what: "allowlist ['null', 'https://app.victim.test'] with credentials",
    handler: handRolled(exact(['null', SITE])),
    expected: { 'null-origin': 'high' },
  },
  {
    name: 'wildcard-credentials',
    what: 'Access-Control-Allow-Origin: * and Access-Control-Allow-Credentials: true',
    handler: (req, res) => {
      res.setHeader('access-control-allow-origin', '*');
      res.setHeader('access-control-allow-credentials', 'true');
      json(req, res);
    },
    expected: { 'wildcard-with-credentials': 'low' },
  },
  {
    name: 'dynamic-without-vary',
    what: 'exact allowlist, origin echoed, no Vary: Origin',
    handler: handRolled(exact([SITE]), { vary: false }),
    expected: { 'missing-vary-origin': 'low' },
  },
  {
    name: 'preflight-reflects',
    what: 'exact allowlist, but preflights echo Access-Control-Request-Method / -Headers',
    handler: handRolled(exact([SITE]), { reflectPreflight: true }),
    expected: { 'preflight-reflection': 'info' },
  },
  {
    name: 'jsonp',
    what: '?callback=name wraps the user data in name(...) as text/javascript',
    handler: (req, res) => {
      const cb = new URL(req.url ?? '/', 'http://x').searchParams.get('callback');
      if (cb && /^[\w$.]+$/.test(cb)) {
        res.setHeader('content-type', 'text/javascript; charset=utf-8');
        res.end(`/**/${cb}(${data(req)});`);
        return;
      }
      json(req, res);
    },
    expected: { jsonp: 'high' },
  },
  {
    name: 'http-origin-trusted',
    what: "allowlist ['https://app.victim.test', 'http://app.victim.test'] with credentials",
    handler: handRolled(exact([SITE, 'http://app.victim.test'])),
    expected: { 'insecure-origin': 'medium' },
  },
  {
    name: 'third-party-developer-origins',
    what: 'allowlist with /\\.github\\.io$/ and https://codepen.io (for demos) with credentials',
    handler: handRolled(
      (o) => o === SITE || o === 'https://codepen.io' || /^https:\/\/[a-z0-9-]+\.github\.io$/.test(o),
    ),
    expected: { 'third-party-origin': 'high' },
  },
  {
    name: 'multiple-values',
    what: 'two Access-Control-Allow-Origin lines (application and proxy both add one)',
    handler: (req, res) => {
      res.setHeader('access-control-allow-origin', [SITE, 'https://admin.victim.test']);
      json(req, res);
    },
    expected: { 'multiple-allow-origin': 'info' },
  },
  {
    name: 'invalid-value',
    what: 'Access-Control-Allow-Origin: https://app.victim.test/ (trailing slash)',
    handler: (req, res) => {
      res.setHeader('access-control-allow-origin', `${SITE}/`);
      json(req, res);
    },
    expected: { 'invalid-allow-origin': 'info' },
  },
  // Correctly configured: nothing to report (the public API's wildcard is informational only).
  {
    name: 'crossorigin-server-credentials',
    what: "crossorigin/server { origins: ['https://app.victim.test'], credentials: true, methods: ['PUT'], requestHeaders: ['content-type'] }",
    handler: withMiddleware(
      corsMiddleware({
        origins: [SITE],
        credentials: true,
        methods: ['PUT'],
        requestHeaders: ['content-type'],
      }),
    ),
    expected: {},
  },
  {
    name: 'crossorigin-server-list',
    what: "crossorigin/server { origins: ['https://app.victim.test', 'https://admin.victim.test'] }",
    handler: withMiddleware(corsMiddleware({ origins: [SITE, 'https://admin.victim.test'] })),
    expected: {},
  },
  {
    name: 'cors-package-allowlist',
    what: "express + cors({ origin: ['https://app.victim.test'], credentials: true, allowedHeaders: ['content-type'] })",
    handler: express()
      .use(cors({ origin: [SITE], credentials: true, allowedHeaders: ['content-type'] }))
      .get('/', json) as unknown as Handler,
    expected: {},
  },
  {
    name: 'no-cors',
    what: 'no CORS headers at all (same-origin only)',
    handler: json,
    expected: {},
  },
  {
    name: 'public-wildcard-api',
    what: "crossorigin/server { origins: '*' } on public data",
    handler: withMiddleware(corsMiddleware({ origins: '*' }), (_req, res) => {
      res.setHeader('content-type', 'application/json');
      res.end('{"public":true}');
    }),
    expected: { 'wildcard-origin': 'info' },
  },
];

function withMiddleware(
  mw: (req: http.IncomingMessage, res: http.ServerResponse, next: () => void) => void,
  inner: Handler = json,
): Handler {
  return (req, res) => mw(req, res, () => inner(req, res));
}

export interface Running {
  name: string;
  url: string;
  close(): Promise<void>;
}

/** Starts one server on 127.0.0.1, port 0. */
export async function listen(name: string, handler: Handler): Promise<Running> {
  const server = http.createServer(handler);
  server.keepAliveTimeout = 1000;
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  const { port } = server.address() as AddressInfo;
  return {
    name,
    url: `http://127.0.0.1:${port}/`,
    close: () =>
      new Promise<void>((resolve) => {
        server.closeAllConnections();
        server.close(() => resolve());
      }),
  };
}
