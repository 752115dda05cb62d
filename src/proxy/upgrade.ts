/**
 * Upgrades. WebSocket upgrades on fixed routes are proxied (byte pipe both ways); any other
 * upgrade (`h2c`, which curl sends with `--http2` on plain http, or anything unknown) is ignored
 * and the request answered as HTTP/1.1, as RFC 9110 §7.8 lets a server do.
 * https://www.rfc-editor.org/rfc/rfc9110#section-7.8
 */
import type { EventEmitter } from 'node:events';
import type http from 'node:http';
import type { Duplex } from 'node:stream';
import { pipeline } from 'node:stream';
import type { Dispatcher } from 'undici';
import { NodeRequestView } from '../_http/index.js';
import type { CompiledRoute } from './config.js';
import type { ProxyContext } from './context.js';
import {
  failureText,
  loopDetected,
  ProxyFailure,
  STATUS_TEXT,
  toFailure,
  tooManyUpstream,
} from './failure.js';
import { HOP_BY_HOP, upstreamRequestHeaders } from './headers.js';
import { decideCors, originRefused } from './policy.js';
import { checkRate } from './rate.js';
import { requestPath } from './request-target.js';
import { resolveTarget } from './routes.js';
import type { CheckedTarget } from './target.js';

/** The `upgrade` listener: never throws; a refusal is written as an HTTP/1.1 answer and the socket closed. */
export function handleUpgrade(
  ctx: ProxyContext,
  req: http.IncomingMessage,
  socket: Duplex,
  head: Buffer,
): void {
  socket.on('error', () => socket.destroy());
  const server = (socket as { server?: EventEmitter }).server;
  if (!offersWebSocket(req.headers.upgrade) && server) {
    answerAsHttp11(server, req, socket, head);
    return;
  }
  upgradeWebSocket(ctx, req, socket, head).catch((err: unknown) => {
    const failure = toFailure(err);
    if (!socket.destroyed && socket.writable) {
      const text = failureText(failure);
      socket.end(
        `HTTP/1.1 ${failure.status} ${STATUS_TEXT[failure.status] ?? 'Error'}\r\nContent-Type: text/plain; charset=utf-8\r\nContent-Length: ${Buffer.byteLength(text)}\r\nConnection: close\r\n\r\n${text}`,
      );
    } else socket.destroy();
  });
}

function offersWebSocket(upgrade: string | undefined): boolean {
  if (!upgrade) return false;
  for (const part of upgrade.split(',')) if (part.trim().toLowerCase() === 'websocket') return true;
  return false;
}

/**
 * Ignores an upgrade the proxy does not support: the request head is written again without
 * `Upgrade` (and without the `upgrade` token of `Connection`, which keeps naming the upgrade's
 * own hop-by-hop headers such as HTTP2-Settings so they are still dropped), put back in front of
 * the bytes that followed it, and the socket handed back to the HTTP server as a connection. The
 * request is then parsed and answered like any other, keep-alive and pipelining included.
 */
function answerAsHttp11(server: EventEmitter, req: http.IncomingMessage, socket: Duplex, head: Buffer): void {
  let text = `${req.method} ${req.url} HTTP/${req.httpVersion}\r\n`;
  const raw = req.rawHeaders;
  for (let i = 0; i < raw.length; i += 2) {
    const name = raw[i]!.toLowerCase();
    let value = raw[i + 1]!;
    if (name === 'upgrade') continue;
    if (name === 'connection') {
      value = value
        .split(',')
        .map((t) => t.trim())
        .filter((t) => t !== '' && t.toLowerCase() !== 'upgrade')
        .join(', ');
      if (value === '') continue;
    }
    text += `${raw[i]}: ${value}\r\n`;
  }
  socket.unshift(Buffer.concat([Buffer.from(`${text}\r\n`, 'latin1'), head]));
  // An https server parses HTTP on its 'secureConnection' event (TLS is already set up).
  server.emit((socket as { encrypted?: boolean }).encrypted ? 'secureConnection' : 'connection', socket);
}

/**
 * WebSocket upgrades, fixed routes only.
 * 1. Rate limits; the Origin must be granted by the CORS policy (cross-site WebSocket hijacking
 *    defence: browsers send Origin and WebSockets are not subject to CORS).
 * 2. The route, the loop check, the route's WebSocket switch, and the slots (per client, global).
 * 3. undici's upgrade to the target (head timeout), then the 101 head to the client (hop-by-hop
 *    and, unless the route forwards cookies, Set-Cookie dropped) and a byte pipe both ways.
 */
async function upgradeWebSocket(
  ctx: ProxyContext,
  req: http.IncomingMessage,
  socket: Duplex,
  head: Buffer,
): Promise<void> {
  // 1.
  if (ctx.store) await checkRate(ctx, req);
  // The upgrade is judged as the GET it is sent as.
  const view = new NodeRequestView(req, 'GET');
  const decision = await decideCors(ctx.corsGlue, view);
  const origin = view.header('origin');
  if (origin !== null && !decision.allowed) throw originRefused(decision, origin);
  // 2.
  const { target, route } = resolveTarget(ctx.config, requestPath(req.url));
  if (ctx.looped(view)) throw loopDetected();
  if (!route?.websocket) {
    throw new ProxyFailure(403, 'host-not-allowed', 'WebSocket upgrades are proxied on fixed routes only');
  }
  const client = ctx.clientKey(req);
  if (!ctx.clients.tryAcquire(client)) throw tooManyUpstream('from this client');
  if (!ctx.inflight.tryAcquire()) {
    ctx.clients.release(client);
    throw tooManyUpstream('on this proxy');
  }
  const release = () => {
    ctx.inflight.release();
    ctx.clients.release(client);
  };
  // 3.
  let upstream: Duplex;
  let upstreamHeaders: Record<string, string | string[] | undefined>;
  try {
    ({ upstream, upstreamHeaders } = await connectUpstream(ctx, req, socket, target, route));
  } catch (err) {
    release();
    throw err;
  }
  if (socket.destroyed) {
    release();
    upstream.destroy();
    return;
  }
  let lines = 'HTTP/1.1 101 Switching Protocols\r\nUpgrade: websocket\r\nConnection: Upgrade\r\n';
  for (const [name, value] of Object.entries(upstreamHeaders)) {
    if (value === undefined || HOP_BY_HOP.has(name) || (name === 'set-cookie' && !route.cookies)) continue;
    for (const v of Array.isArray(value) ? value : [value]) lines += `${name}: ${v}\r\n`;
  }
  socket.write(`${lines}\r\n`);
  if (head.length > 0) upstream.write(head);
  let done = false;
  const finish = () => {
    if (done) return;
    done = true;
    release();
    socket.destroy();
    upstream.destroy();
  };
  pipeline(socket, upstream, finish);
  pipeline(upstream, socket, finish);
}

/** undici's upgrade to the route's target, within the response-headers timeout. */
async function connectUpstream(
  ctx: ProxyContext,
  req: http.IncomingMessage,
  socket: Duplex,
  target: CheckedTarget,
  route: CompiledRoute,
): Promise<{ upstream: Duplex; upstreamHeaders: Record<string, string | string[] | undefined> }> {
  const headers = upstreamRequestHeaders(
    req.rawHeaders,
    {
      cookies: route.cookies,
      origin: route.originMode,
      trustForwarded: ctx.config.trustForwarded,
      via: ctx.via,
      websocket: true,
    },
    {
      clientAddress: req.socket.remoteAddress ?? '',
      host: req.headers.host,
      proto: 'http',
      targetOrigin: target.origin,
    },
  );
  headers.push('host', target.host);
  const ac = new AbortController();
  const timer = setTimeout(() => ac.abort(), ctx.limits.headersTimeoutMs);
  socket.once('close', () => ac.abort());
  // undici's types omit `origin` on UpgradeOptions; an Agent needs it (it is a DispatchOptions field).
  const options = {
    origin: target.origin,
    path: target.path,
    method: 'GET',
    headers,
    protocol: 'websocket',
    signal: ac.signal,
  };
  try {
    const r = await ctx.fixedAgent.upgrade(options as Dispatcher.UpgradeOptions);
    return {
      upstream: r.socket,
      upstreamHeaders: r.headers as Record<string, string | string[] | undefined>,
    };
  } catch (err) {
    if ((err as { message?: string }).message === 'bad upgrade') {
      throw new ProxyFailure(
        502,
        'upstream-bad-response',
        'the upstream did not accept the WebSocket upgrade',
      );
    }
    throw err;
  } finally {
    clearTimeout(timer);
  }
}
