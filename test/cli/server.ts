/**
 * One loopback server whose paths each answer in a way a browser refuses (one path per CorsError
 * kind of the engine), plus paths that are allowed. The page origin in these tests is
 * `https://app.example`; the API is http://127.0.0.1:<port>.
 */
import http from 'node:http';
import type { AddressInfo } from 'node:net';

export const PAGE = 'https://app.example';

type Answer = { status?: number; headers?: Record<string, string | string[]>; body?: string };
/** Per path: the preflight (OPTIONS) answer and the actual answer. */
type Route = { preflight?: Answer; actual?: Answer | ((port: number, url: URL) => Answer) };

const ok: Record<string, string> = { 'access-control-allow-origin': PAGE };
const okCreds: Record<string, string> = { ...ok, 'access-control-allow-credentials': 'true' };
const preOk = (extra: Record<string, string> = {}): Answer => ({
  status: 204,
  headers: {
    ...okCreds,
    'access-control-allow-methods': 'PUT, POST',
    'access-control-allow-headers': 'x-token, content-type',
    ...extra,
  },
});

export const ROUTES: Record<string, Route> = {
  '/allowed': {
    preflight: preOk(),
    actual: {
      headers: { ...okCreds, 'access-control-expose-headers': 'x-total', 'x-total': '3', 'x-secret': 'no' },
      body: '{"ok":true}',
    },
  },
  '/missing': { actual: { body: 'no cors' } },
  '/wildcard': { actual: { headers: { 'access-control-allow-origin': '*' } } },
  '/multiple': { actual: { headers: { 'access-control-allow-origin': [PAGE, 'https://other.example'] } } },
  '/invalid': { actual: { headers: { 'access-control-allow-origin': 'https://app.example:99999' } } },
  '/mismatch': { actual: { headers: { 'access-control-allow-origin': 'https://other.example' } } },
  '/credentials': { actual: { headers: { ...ok, 'access-control-allow-credentials': 'TRUE' } } },
  '/pre-missing': { preflight: { status: 204, headers: { 'access-control-allow-methods': 'PUT' } } },
  '/pre-wildcard': {
    preflight: {
      status: 204,
      headers: { 'access-control-allow-origin': '*', 'access-control-allow-methods': 'PUT' },
    },
  },
  '/pre-multiple': {
    preflight: {
      status: 204,
      headers: { 'access-control-allow-origin': [PAGE, PAGE], 'access-control-allow-methods': 'PUT' },
    },
  },
  '/pre-invalid': {
    preflight: {
      status: 204,
      headers: {
        'access-control-allow-origin': 'https://app.example:99999',
        'access-control-allow-methods': 'PUT',
      },
    },
  },
  '/pre-mismatch': {
    preflight: {
      status: 204,
      headers: { 'access-control-allow-origin': 'http://app.example', 'access-control-allow-methods': 'PUT' },
    },
  },
  '/pre-credentials': {
    preflight: {
      status: 204,
      headers: { ...ok, 'access-control-allow-credentials': 'yes', 'access-control-allow-methods': 'PUT' },
    },
  },
  '/pre-status': {
    preflight: { status: 401, headers: { ...okCreds, 'access-control-allow-methods': 'PUT' } },
  },
  '/pre-redirect': { preflight: { status: 301, headers: { ...okCreds, location: '/allowed' } } },
  '/pre-bad-methods': { preflight: preOk({ 'access-control-allow-methods': 'PUT, (bad)' }) },
  '/pre-bad-headers': { preflight: preOk({ 'access-control-allow-headers': 'x-token, (bad)' }) },
  '/pre-method': { preflight: preOk({ 'access-control-allow-methods': 'POST' }) },
  '/pre-header': { preflight: preOk({ 'access-control-allow-headers': 'content-type' }) },
  '/redirect-credentials': {
    actual: (port) => ({
      status: 302,
      headers: { ...okCreds, location: `http://user:pw@127.0.0.1:${port}/allowed` },
    }),
  },
  '/redirect': { actual: { status: 302, headers: { ...okCreds, location: '/allowed' } } },
  '/redirect-scheme': { actual: { status: 302, headers: { ...okCreds, location: 'ftp://127.0.0.1/x' } } },
  '/redirect-invalid': { actual: { status: 302, headers: { ...okCreds, location: 'http://[::1' } } },
  '/loop': { actual: { status: 302, headers: { ...okCreds, location: '/loop' } } },
  '/redirect-307': {
    preflight: preOk(),
    actual: { status: 307, headers: { ...okCreds, location: '/allowed' } },
  },
};

export interface TestServer {
  url: string;
  port: number;
  close(): Promise<void>;
}

export async function startServer(): Promise<TestServer> {
  let port = 0;
  const server = http.createServer((req, res) => {
    const url = new URL(req.url ?? '/', 'http://x');
    const route = ROUTES[url.pathname];
    const isPreflight =
      req.method === 'OPTIONS' && req.headers['access-control-request-method'] !== undefined;
    const spec = route ? (isPreflight ? route.preflight : route.actual) : undefined;
    const answer: Answer =
      typeof spec === 'function' ? spec(port, url) : (spec ?? { status: isPreflight ? 404 : 404 });
    res.shouldKeepAlive = false;
    res.statusCode = answer.status ?? 200;
    for (const [n, v] of Object.entries(answer.headers ?? {})) res.setHeader(n, v);
    req.resume();
    req.on('end', () => res.end(answer.body ?? ''));
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  port = (server.address() as AddressInfo).port;
  return {
    url: `http://127.0.0.1:${port}`,
    port,
    close: () =>
      new Promise<void>((resolve) => {
        server.closeAllConnections();
        server.close(() => resolve());
      }),
  };
}
