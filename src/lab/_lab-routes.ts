/**
 * The lab API and the other site: `/c/{case}/{run}/…` answered as the case's setup says (a
 * crossorigin/server policy, raw headers, or no CORS), every request recorded; `/proxy/…` is
 * crossorigin/proxy in front of the other origin; the attacker's page on the other site.
 */
import type http from 'node:http';
import { handleCors, handleCsrf } from '../adapters/node.js';
import {
  ID,
  type LabState,
  PNG,
  rawHeaderList,
  recordEntry,
  responseHeaderList,
  sendJson,
} from './_lab-http.js';
import { ATTACKER_HTML } from './attacker.js';
import { POPUP_HTML } from './popup.js';
import type { CompiledSetup } from './setup.js';
import type { WireEntry } from './types.js';

/** The popup page (kind popup), with the case's Cross-Origin-Opener-Policy. */
function popupAnswer(setup: CompiledSetup, res: http.ServerResponse, head: boolean) {
  if (setup.popupCoop) res.setHeader('cross-origin-opener-policy', setup.popupCoop);
  res.setHeader('content-type', 'text/html; charset=utf-8');
  res.setHeader('content-length', Buffer.byteLength(POPUP_HTML));
  res.end(head ? undefined : POPUP_HTML);
}

function appAnswer(
  st: LabState,
  setup: CompiledSetup,
  req: http.IncomingMessage,
  res: http.ServerResponse,
  rest: string,
  id: string,
) {
  st.counter++;
  res.setHeader('x-request-id', String(st.counter));
  res.setHeader('x-internal-build', 'lab');
  res.setHeader('cache-control', 'no-store');
  const head = req.method === 'HEAD';
  if (rest === 'popup') {
    popupAnswer(setup, res, head);
    return;
  }
  if (rest.endsWith('.png')) {
    // A Content-Type the case's raw answer wrote stays: it is what the lesson (or its fix) is about.
    if (!res.hasHeader('content-type')) res.setHeader('content-type', 'image/png');
    res.setHeader('content-length', PNG.length);
    res.end(head ? undefined : PNG);
    return;
  }
  if ((req.headers['content-type'] ?? '').startsWith('application/x-www-form-urlencoded')) {
    const body = '<!doctype html><title>Done</title><p>Transfer done: the server acted on the request.</p>';
    res.setHeader('content-type', 'text/html; charset=utf-8');
    res.end(head ? undefined : body);
    return;
  }
  const body = JSON.stringify({ ok: true, case: id, method: req.method, path: rest });
  if (!res.hasHeader('content-type')) res.setHeader('content-type', 'application/json');
  res.setHeader('content-length', Buffer.byteLength(body));
  res.end(head ? undefined : body);
}

async function handleCase(
  st: LabState,
  server: 'api' | 'other',
  req: http.IncomingMessage,
  res: http.ServerResponse,
  id: string,
  run: string,
  rest: string,
) {
  const setup = st.cases.get(id);
  if (!setup) {
    sendJson(res, 404, { error: `unknown case ${id}: the page configures it first` });
    return;
  }
  const method = req.method ?? 'GET';
  const preflight =
    method === 'OPTIONS' &&
    req.headers.origin !== undefined &&
    req.headers['access-control-request-method'] !== undefined;
  const policy = setup.policy;
  if (policy.type === 'crossorigin') {
    if (await handleCors(policy.policy, req, res)) return;
  } else if (policy.type === 'raw') {
    const answer = preflight ? policy.preflight : policy.actual;
    const echo = req.headers.origin ?? '';
    for (const [n, v] of answer.headers) {
      const value = v.replaceAll('{origin}', echo);
      if (/[\r\n\0]/.test(value)) continue;
      res.appendHeader(n, value);
    }
    res.statusCode = answer.status;
    if (preflight) {
      res.end();
      return;
    }
  } else if (method === 'OPTIONS') {
    res.writeHead(404, { 'content-type': 'text/plain; charset=utf-8' });
    res.end(`Cannot OPTIONS /${rest}`);
    return;
  }
  if (setup.csrf && server === 'api' && (await handleCsrf(setup.csrf, req, res))) return;
  if (rest === 'start' && setup.redirect && server === 'api') {
    const base = setup.redirect.to === 'api' ? st.origins.api : st.origins.other;
    res.statusCode = setup.redirect.status;
    res.setHeader('location', `${base}/c/${id}/${run}/final`);
    res.setHeader('cache-control', 'no-store');
    res.end();
    return;
  }
  appAnswer(st, setup, req, res, rest, id);
}

export function caseRoute(
  st: LabState,
  server: 'api' | 'other' | 'proxy',
  req: http.IncomingMessage,
  res: http.ServerResponse,
) {
  const url = req.url ?? '/';
  const pathOnly = url.split('?')[0] ?? '/';
  const parts = pathOnly.split('/');
  // ['', 'c', id, run, ...rest] or ['', 'proxy', 'c', id, run, ...rest]
  const offset = server === 'proxy' ? 1 : 0;
  if (parts[1 + offset] !== 'c') return false;
  const id = parts[2 + offset] ?? '';
  const run = parts[3 + offset] ?? '';
  if (!ID.test(id) || !ID.test(run)) return false;
  const rest = parts.slice(4 + offset).join('/');
  const method = req.method ?? 'GET';
  const entry: WireEntry = {
    server,
    method,
    path: url,
    preflight:
      method === 'OPTIONS' &&
      req.headers.origin !== undefined &&
      req.headers['access-control-request-method'] !== undefined,
    headers: rawHeaderList(req),
    response: null,
  };
  recordEntry(st, `${id}/${run}`, entry);
  res.on('finish', () => {
    entry.response = { status: res.statusCode, headers: responseHeaderList(res) };
  });
  if (server === 'proxy') st.proxy.handleRequest(req, res);
  else
    handleCase(st, server, req, res, id, run, rest).catch(() => {
      if (!res.headersSent) sendJson(res, 500, { error: 'lab server failure' });
      else res.destroy();
    });
  return true;
}

export function serveOther(st: LabState, req: http.IncomingMessage, res: http.ServerResponse) {
  const url = req.url ?? '/';
  if (url === '/attacker.html' || url.startsWith('/attacker.html?')) {
    res.writeHead(200, {
      'content-type': 'text/html; charset=utf-8',
      'cache-control': 'no-store',
      'content-length': Buffer.byteLength(ATTACKER_HTML),
    });
    res.end(ATTACKER_HTML);
    return;
  }
  if (caseRoute(st, 'other', req, res)) return;
  res.writeHead(404, { 'content-type': 'text/plain; charset=utf-8' });
  res.end('Another site (the attacker, or a third-party API): /attacker.html and /c/{case}/{run}/…\n');
}
/** The lab API server's handler. */
export function serveApi(st: LabState, req: http.IncomingMessage, res: http.ServerResponse): void {
  const url = req.url ?? '/';
  if (url.startsWith('/proxy/') && caseRoute(st, 'proxy', req, res)) return;
  if (caseRoute(st, 'api', req, res)) return;
  sendJson(res, 404, { error: 'the lab API answers /c/{case}/{run}/… and /proxy/c/{case}/{run}/…' });
}
