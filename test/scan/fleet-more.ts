/**
 * The fleet's servers for the classes added with issue 15 (and the isolation posture of issue 14),
 * and the correctly configured servers (at least 15 with the base fleet's).
 */
import type http from 'node:http';
import { WebSocketServer } from 'ws';
import { corsMiddleware } from '../../src/adapters/node.js';
import {
  data,
  exact,
  type FleetServer,
  type Handler,
  handRolled,
  json,
  SITE,
  signedIn,
  withMiddleware,
} from './fleet-kit.js';

const noServer = () => new WebSocketServer({ noServer: true });

/**
 * A WebSocket endpoint; `accept(req)` decides the handshake (else 403). A handshake without Host
 * is answered 400, as RFC 9112 section 3.2 requires of a server and as nginx does (Node's own
 * server lets it through to the upgrade listener).
 */
function websocket(accept: (req: http.IncomingMessage) => boolean): FleetServer['upgrade'] {
  const wss = noServer();
  return (req, socket, head) => {
    if (!req.headers.host) {
      socket.end('HTTP/1.1 400 Bad Request\r\nContent-Length: 0\r\nConnection: close\r\n\r\n');
      return;
    }
    if (!accept(req)) {
      socket.end('HTTP/1.1 403 Forbidden\r\nContent-Length: 0\r\nConnection: close\r\n\r\n');
      return;
    }
    wss.handleUpgrade(req, socket, head, (ws) => {
      ws.send(data(req));
      ws.on('message', () => ws.close());
    });
  };
}

/** JSONP on `param`, served as `type`, with `nosniff` or not, wrapping only for signed-in users or always. */
function jsonp(
  param: string,
  type: string,
  opts: { nosniff?: boolean; signedInOnly?: boolean } = {},
): Handler {
  return (req, res) => {
    const cb = new URL(req.url ?? '/', 'http://x').searchParams.get(param);
    if (cb && /^[\w$.]+$/.test(cb) && (!opts.signedInOnly || signedIn(req))) {
      res.setHeader('content-type', type);
      if (opts.nosniff) res.setHeader('x-content-type-options', 'nosniff');
      res.end(`${cb}(${data(req)});`);
      return;
    }
    json(req, res);
  };
}

/** Echo from an exact allowlist with credentials and `Cache-Control`, without Vary. */
function noVary(cacheControl: string): Handler {
  return (req, res) => {
    const o = req.headers.origin;
    if (o === SITE) {
      res.setHeader('access-control-allow-origin', o);
      res.setHeader('access-control-allow-credentials', 'true');
    }
    res.setHeader('cache-control', cacheControl);
    json(req, res);
  };
}

const PAGE =
  (coop: boolean): Handler =>
  (_req, res) => {
    res.setHeader('content-type', 'text/html; charset=utf-8');
    if (coop) res.setHeader('cross-origin-opener-policy', 'same-origin-allow-popups');
    res.end(
      '<!doctype html><button onclick="window.open(\'https://idp.victim.test/login\')">Sign in</button>',
    );
  };

export const CLASS_FLEET: FleetServer[] = [
  {
    name: 'preflight-only-trust',
    what: 'actual requests checked against an allowlist; preflights echo any Origin with credentials and PUT',
    handler: (req, res) => {
      const o = req.headers.origin;
      res.setHeader('vary', 'Origin');
      if (req.method === 'OPTIONS' && o) {
        res.setHeader('access-control-allow-origin', o);
        res.setHeader('access-control-allow-credentials', 'true');
        res.setHeader('access-control-allow-methods', 'GET, PUT, DELETE');
        res.setHeader('access-control-allow-headers', 'content-type');
        res.statusCode = 204;
        res.end();
        return;
      }
      if (o === SITE) {
        res.setHeader('access-control-allow-origin', o);
        res.setHeader('access-control-allow-credentials', 'true');
      }
      json(req, res);
    },
    expected: { 'preflight-only-trust': 'high' },
  },
  {
    name: 'allowlist-string-includes',
    what: "'https://app.victim.test https://admin.victim.test'.includes(origin) (one unsplit string)",
    handler: handRolled((o) => 'https://app.victim.test https://admin.victim.test'.includes(o)),
    expected: { 'partial-host-match': 'high' },
  },
  {
    name: 'unescaped-dot-in-public-suffix',
    what: '/^https:\\/\\/portal\\.example.com\\.au$/ for https://portal.example.com.au (dot inside com.au unescaped)',
    site: 'https://portal.example.com.au',
    handler: handRolled((o) => /^https:\/\/portal\.example.com\.au$/.test(o)),
    expected: { 'unescaped-dot': 'high' },
  },
  {
    name: 'tunnel-hosts',
    what: 'trusts *.ngrok-free.app, *.loca.lt and *.trycloudflare.com (left from a demo)',
    handler: handRolled(
      (o) => o === SITE || /^https:\/\/[a-z0-9-]+\.(ngrok-free\.app|loca\.lt|trycloudflare\.com)$/.test(o),
    ),
    expected: { 'third-party-origin': 'high' },
  },
  {
    name: 'jsonp-text-html',
    what: '?jsoncallback= wraps the data, served as text/html without nosniff',
    handler: jsonp('jsoncallback', 'text/html; charset=utf-8'),
    expected: { jsonp: 'high' },
  },
  {
    name: 'jsonp-signed-in-only',
    what: '?cb= wraps only for signed-in users, as application/json without nosniff',
    handler: jsonp('cb', 'application/json', { signedInOnly: true }),
    expected: { jsonp: 'high' },
  },
  {
    name: 'jsonp-nosniff-json',
    what: '?callback= wraps, but as application/json with nosniff (browsers refuse to run it)',
    handler: jsonp('callback', 'application/json', { nosniff: true }),
    expected: { jsonp: 'info' },
  },
  {
    name: 'development-origin',
    what: "allowlist ['https://app.victim.test', 'http://localhost:3000'] with credentials",
    handler: handRolled(exact([SITE, 'http://localhost:3000'])),
    expected: { 'development-origin': 'medium' },
  },
  {
    name: 'http-origin-hsts',
    what: 'trusts its own http: origin, but sends HSTS with includeSubDomains (site https://localhost:<port>)',
    host: 'localhost',
    handler: (req, res) => {
      res.setHeader('strict-transport-security', 'max-age=31536000; includeSubDomains');
      const port = (req.headers.host ?? '').split(':')[1] ?? '';
      handRolled(exact([`https://localhost:${port}`, `http://localhost:${port}`]))(req, res);
    },
    expected: { 'insecure-origin': 'low' },
  },
  {
    name: 'decoding-parser',
    what: 'percent-decodes the Origin, echoes the decoded value when it starts with the site',
    handler: (req, res) => {
      const o = String(req.headers.origin ?? '');
      let d = o;
      try {
        d = decodeURIComponent(o);
      } catch {}
      res.setHeader('vary', 'Origin');
      // (Only printable ASCII is echoed: %0b decodes to a control character no header may carry.)
      if ((d === SITE || (d !== o && d.startsWith(SITE))) && /^[\x21-\x7e]+$/.test(d)) {
        res.setHeader('access-control-allow-origin', d);
        res.setHeader('access-control-allow-credentials', 'true');
      }
      json(req, res);
    },
    expected: { 'broken-parser': 'info' },
  },
  {
    name: 'volatile-reflection',
    what: 'echoes any Origin with credentials; every answer carries a request id and a timestamp',
    handler: (req, res) => {
      if (req.headers.origin) {
        res.setHeader('access-control-allow-origin', req.headers.origin);
        res.setHeader('access-control-allow-credentials', 'true');
        res.setHeader('vary', 'Origin');
      }
      res.setHeader('content-type', 'application/json');
      res.setHeader('cross-origin-resource-policy', 'same-site');
      const id = `${Math.random().toString(16).slice(2)}${Date.now()}`;
      res.end(`{"requestId":"${id}","at":"${new Date().toISOString()}","data":${data(req)}}`);
    },
    expected: { 'origin-reflection': 'high' },
  },
  {
    name: 'no-vary-public-cache',
    what: 'exact allowlist echoed without Vary, Cache-Control: public, max-age=600',
    handler: noVary('public, max-age=600'),
    expected: { 'missing-vary-origin': 'medium' },
  },
  {
    name: 'websocket-any-origin',
    what: 'WebSocket endpoint accepting any Origin (its first message is the data the cookie unlocks)',
    handler: json,
    upgrade: websocket(() => true),
    expected: { 'websocket-hijacking': 'medium' },
  },
  {
    name: 'websocket-strict-front-end',
    what: 'WebSocket endpoint accepting any Origin behind a strict front end (only a complete RFC 6455 handshake: Host, version 13, a 16-byte key)',
    handler: json,
    upgrade: websocket(
      (req) =>
        req.headers['sec-websocket-version'] === '13' &&
        Buffer.from(String(req.headers['sec-websocket-key'] ?? ''), 'base64').length === 16,
    ),
    expected: { 'websocket-hijacking': 'medium' },
  },
  {
    name: 'websocket-session-only',
    what: 'WebSocket endpoint accepting any Origin, but only with the session cookie',
    handler: json,
    upgrade: websocket((req) => signedIn(req)),
    expected: { 'websocket-hijacking': 'high' },
  },
  {
    name: 'post-only',
    what: 'answers GET with 405 and Allow: POST',
    handler: (req, res) => {
      if (req.method !== 'POST') {
        res.statusCode = 405;
        res.setHeader('allow', 'POST');
        res.end();
        return;
      }
      json(req, res);
    },
    expected: { 'method-hint': 'info' },
  },
  {
    name: 'sensitive-json-no-corp',
    what: 'correct CORS, user data as JSON without Cross-Origin-Resource-Policy',
    handler: withMiddleware(corsMiddleware({ origins: [SITE], credentials: true }), (req, res) => {
      res.setHeader('content-type', 'application/json');
      res.end(data(req));
    }),
    expected: { 'missing-corp': 'info' },
  },
  {
    name: 'popup-page-no-coop',
    what: 'an HTML page that calls window.open, without Cross-Origin-Opener-Policy',
    handler: PAGE(false),
    expected: { 'missing-coop': 'info' },
  },
];

export const CORRECT_FLEET: FleetServer[] = [
  {
    name: 'anchored-escaped-regexp',
    what: '/^https:\\/\\/(app|admin)\\.victim\\.test$/ with credentials',
    handler: handRolled((o) => /^https:\/\/(app|admin)\.victim\.test$/.test(o)),
    expected: {},
  },
  {
    name: 'hand-rolled-exact-set',
    what: 'new Set([...]).has(origin) with credentials and Vary',
    handler: handRolled((o) => new Set([SITE, 'https://admin.victim.test']).has(o)),
    expected: {},
  },
  {
    name: 'no-vary-no-store',
    what: 'exact allowlist echoed without Vary, but Cache-Control: no-store (nothing to poison)',
    handler: noVary('no-store'),
    expected: {},
  },
  {
    name: 'jsonp-ignored',
    what: 'a callback parameter is ignored (plain JSON)',
    handler: json,
    expected: {},
  },
  {
    name: 'websocket-origin-checked',
    what: 'WebSocket endpoint accepting only https://app.victim.test',
    handler: json,
    upgrade: websocket((req) => req.headers.origin === SITE),
    expected: {},
  },
  {
    name: 'popup-page-with-coop',
    what: 'an HTML page that calls window.open, with COOP same-origin-allow-popups',
    handler: PAGE(true),
    expected: {},
  },
  {
    name: 'preflight-same-allowlist',
    what: 'crossorigin/server with credentials, PUT and DELETE (preflight and actual share one policy)',
    handler: withMiddleware(
      corsMiddleware({
        origins: [SITE],
        credentials: true,
        methods: ['PUT', 'DELETE'],
        requestHeaders: ['content-type'],
      }),
    ),
    expected: {},
  },
  {
    name: 'static-allow-origin',
    what: 'always Access-Control-Allow-Origin: https://app.victim.test (no echo, credentials)',
    handler: (req, res) => {
      res.setHeader('access-control-allow-origin', SITE);
      res.setHeader('access-control-allow-credentials', 'true');
      json(req, res);
    },
    expected: {},
  },
  {
    name: 'subdomain-list-no-dev',
    what: 'exact allowlist of three production origins, development origins only in dev config',
    handler: handRolled(exact([SITE, 'https://admin.victim.test', 'https://www.victim.test'])),
    expected: {},
  },
  {
    name: 'rate-limited-then-ok',
    what: 'answers every third request 429 Retry-After: 0 (retried), otherwise a correct policy',
    handler: (() => {
      let n = 0;
      const inner = withMiddleware(corsMiddleware({ origins: [SITE], credentials: true }));
      return (req: http.IncomingMessage, res: http.ServerResponse) => {
        if (++n % 3 === 0) {
          res.statusCode = 429;
          res.setHeader('retry-after', '0');
          res.end();
          return;
        }
        inner(req, res);
      };
    })(),
    expected: {},
  },
];
