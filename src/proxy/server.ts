/**
 * The proxy's request path. One function per step, in the order a request meets them:
 * CORS policy decision → rate limits → origin granted? → route / target checks → preflight answer →
 * required header → concurrency cap → upstream exchange (connect-time SSRF check in the lookup) →
 * response header rewrite (hop-by-hop, cookies, upstream CORS replaced by the policy's, Location)
 * → streamed body with backpressure.
 */
import { randomBytes } from 'node:crypto';
import http from 'node:http';
import type { Duplex } from 'node:stream';
import { pipeline, Transform } from 'node:stream';
import ipaddr from 'ipaddr.js';
import { Agent, type Dispatcher } from 'undici';
import { type HttpCore, type HttpDecision, mergeVary, type RequestView } from '../_http/index.js';
import {
  type CompiledConfig,
  type CompiledRoute,
  compileProxyOptions,
  DEFAULT_LIMITS,
  type ProxyOptions,
} from './config.js';
import {
  connectionListed,
  HOP_BY_HOP,
  isCorsResponseHeader,
  type OriginMode,
  upstreamRequestHeaders,
} from './headers.js';
import { createMemoryRateLimitStore, InFlight, type RateLimitStore } from './limits.js';
import { createCheckedLookup, systemResolver, TargetRefusedError } from './lookup.js';
import { type CheckedTarget, checkOpenTarget, makeTarget, parseOpenTarget } from './target.js';

/** A running proxy's request handlers. */
export interface CrossoriginProxy {
  /** The `request` listener of a `node:http` server. */
  readonly handleRequest: (req: http.IncomingMessage, res: http.ServerResponse) => void;
  /** The `upgrade` listener of a `node:http` server (WebSockets on fixed routes). */
  readonly handleUpgrade: (req: http.IncomingMessage, socket: Duplex, head: Buffer) => void;
  /** Closes the upstream connection pools. */
  close(): Promise<void>;
  /** What the proxy allows, for people (the CLI prints it). */
  describe(): string[];
}

/** The short explanation bodies the proxy answers with. */
export type ProxyFailureCode =
  | 'no-route'
  | 'bad-target'
  | 'scheme-not-allowed'
  | 'credentials-in-target'
  | 'private-address'
  | 'host-not-allowed'
  | 'origin-not-allowed'
  | 'missing-required-header'
  | 'rate-limited'
  | 'body-too-large'
  | 'too-many-upstream-requests'
  | 'upstream-unreachable'
  | 'upstream-bad-response'
  | 'bad-redirect'
  | 'upstream-timeout'
  | 'loop-detected'
  | 'internal-error';

const STATUS_TEXT: Record<number, string> = {
  400: 'Bad Request',
  403: 'Forbidden',
  404: 'Not Found',
  413: 'Content Too Large',
  429: 'Too Many Requests',
  500: 'Internal Server Error',
  502: 'Bad Gateway',
  503: 'Service Unavailable',
  504: 'Gateway Timeout',
  508: 'Loop Detected',
};

class ProxyFailure extends Error {
  constructor(
    readonly status: number,
    readonly code: ProxyFailureCode,
    readonly reason: string,
  ) {
    super(reason);
  }
}

interface Exchange {
  readonly req: http.IncomingMessage;
  readonly res: http.ServerResponse;
  cors: HttpDecision | null;
}

const NO_DECISION: HttpDecision = { allowed: true, headers: [], vary: [], end: false };

/**
 * Creates the proxy. Validates every option first and throws one `ProxyConfigError` listing each
 * problem. See docs/proxy.md.
 *
 * @example
 * ```ts
 * import http from 'node:http';
 * import { createCorsPolicy } from 'crossorigin/server';
 * import { createProxy } from 'crossorigin/proxy';
 * const proxy = createProxy({
 *   cors: createCorsPolicy({ origins: ['http://localhost:5173'] }),
 *   routes: [{ prefix: '/api', target: 'http://localhost:8080' }],
 * });
 * const server = http.createServer(proxy.handleRequest).on('upgrade', proxy.handleUpgrade);
 * server.listen(8787, '127.0.0.1');
 * ```
 */
export function createProxy(options: ProxyOptions): CrossoriginProxy {
  const config = compileProxyOptions(options);
  const resolver = config.resolver ?? systemResolver;
  const limits = config.limits;
  const agentOptions = (check: boolean): Agent.Options => ({
    connect: {
      timeout: limits.connectTimeoutMs,
      lookup: createCheckedLookup({ resolver, check, mapCheckedAddress: config.internal.mapCheckedAddress }),
      ...(config.internal.ca ? { ca: config.internal.ca } : {}),
    } as Agent.Options['connect'],
    headersTimeout: limits.headersTimeoutMs,
    bodyTimeout: limits.totalTimeoutMs,
    maxHeaderSize: limits.maxHeaderBytes,
    keepAliveTimeout: 4_000,
  });
  // Fixed targets were configured explicitly: resolved, not checked. Open targets: checked.
  const fixedAgent = new Agent(agentOptions(false));
  const openAgent = config.open ? new Agent(agentOptions(!config.open.dangerouslyAllowPrivateTargets)) : null;
  const store: RateLimitStore | null =
    config.perClient || config.perOrigin ? (config.store ?? createMemoryRateLimitStore()) : null;
  const inflight = new InFlight(limits.maxConcurrentUpstream);
  // This instance's Via entry: a request that already carries it has looped back through us.
  const viaToken = `crossorigin-${randomBytes(6).toString('hex')}`;
  const via = `1.1 ${viaToken}`;
  const looped = (req: http.IncomingMessage): boolean => {
    const v = req.headers.via;
    return v?.includes(viaToken) ?? false;
  };

  const handleRequest = (req: http.IncomingMessage, res: http.ServerResponse): void => {
    const ex: Exchange = { req, res, cors: null };
    run(ex).catch((err: unknown) => {
      try {
        fail(ex, err);
      } catch {
        res.destroy(); // never an exception out of the handler
      }
    });
  };

  async function run(ex: Exchange): Promise<void> {
    const { req, res } = ex;
    // The CORS policy first (it is cheap and pure), so that every answer, refusals included,
    // carries its headers and the page can read the explanation. The proxy never decides CORS.
    const pending = decideCors(config.cors, req.method ?? 'GET', req.url, req.headers);
    const decision = pending instanceof Promise ? await pending : pending;
    ex.cors = decision;
    // Rate limits: before any target work.
    if (store) await checkRate(req);
    const origin = req.headers.origin;
    if (origin !== undefined && !decision.end && !grants(decision)) {
      throw new ProxyFailure(403, 'origin-not-allowed', refusalText(decision, origin));
    }
    // Route and target, checked before any answer (a preflight for a refused target is refused).
    const { target, route } = resolveTarget(req.url ?? '/');
    if (looped(req))
      throw new ProxyFailure(508, 'loop-detected', 'this request already passed through this proxy');
    // A preflight (or any answer the policy ends with, such as a refused preflight) is the policy's.
    if (decision.end) {
      writeDecision(res, decision);
      return;
    }
    // Required header: a page opened directly has none.
    if (
      config.requireHeaders.length > 0 &&
      !config.requireHeaders.some((h) => req.headers[h] !== undefined)
    ) {
      throw new ProxyFailure(
        400,
        'missing-required-header',
        `missing required request header; send one of: ${config.requireHeaders.join(', ')} (this proxy is meant to be called from script, not opened directly)`,
      );
    }
    await forward(ex, target, route);
  }

  async function checkRate(req: http.IncomingMessage): Promise<void> {
    const now = Date.now();
    // A failing store (a shared store that is down) refuses: fail closed.
    const take = async (key: string, rule: NonNullable<CompiledConfig['perClient']>) => {
      try {
        return await store!.take(key, rule, now);
      } catch {
        throw new ProxyFailure(503, 'internal-error', 'the rate-limit store is unavailable; retry shortly');
      }
    };
    if (config.perClient) {
      const d = await take(`client:${clientRateKey(clientAddress(req))}`, config.perClient);
      if (!d.allowed) throw rateLimited(d.retryAfterSeconds, 'this client address');
    }
    const origin = req.headers.origin;
    if (config.perOrigin && origin !== undefined) {
      const d = await take(`origin:${origin.slice(0, 512)}`, config.perOrigin);
      if (!d.allowed) throw rateLimited(d.retryAfterSeconds, 'this origin');
    }
  }

  function resolveTarget(url: string): { target: CheckedTarget; route: CompiledRoute | null } {
    for (const route of config.routes) {
      const p = route.prefix;
      if (
        url.startsWith(p) &&
        (url.length === p.length || url[p.length] === '/' || url[p.length] === '?' || p === '/')
      ) {
        let rest = p === '/' ? url : url.slice(p.length);
        if (rest === '' || rest.startsWith('?')) rest = `/${rest}`;
        // Dot segments (`..`, `%2e%2e`) and backslashes are resolved as the URL Standard does
        // before joining, so `/api/../admin` cannot climb out of the target's base path.
        if (DOT_OR_BACKSLASH.test(rest)) {
          const u = new URL(rest, 'http://x');
          rest = u.pathname + u.search;
        }
        return { target: makeTarget(route.targetUrl, route.hostname, route.basePath + rest), route };
      }
    }
    if (config.open && url.length > 1) {
      const t = parseOpenTarget(url, config.open);
      if (t.kind === 'refused') throw new ProxyFailure(t.status, t.code, t.reason);
      return { target: t, route: null };
    }
    throw new ProxyFailure(
      404,
      'no-route',
      config.open
        ? 'no route matches this path; open targets look like /https://host/path'
        : 'no route matches this path',
    );
  }

  async function forward(ex: Exchange, target: CheckedTarget, route: CompiledRoute | null): Promise<void> {
    const { req } = ex;
    // Body size: refuse early when declared, count when chunked.
    const declared = req.headers['content-length'];
    const chunked = req.headers['transfer-encoding'] !== undefined;
    if (declared !== undefined && Number(declared) > limits.maxBodyBytes)
      throw bodyTooLarge(limits.maxBodyBytes);
    if (!inflight.tryAcquire()) {
      throw new ProxyFailure(
        503,
        'too-many-upstream-requests',
        'too many upstream requests in flight; retry shortly',
      );
    }
    const originMode: OriginMode = route ? route.originMode : (config.open?.originMode ?? 'remove');
    const headers = upstreamRequestHeaders(
      req.rawHeaders,
      { cookies: route?.cookies ?? false, origin: originMode, trustForwarded: config.trustForwarded, via },
      {
        clientAddress: req.socket.remoteAddress ?? '',
        host: req.headers.host,
        proto: (req.socket as { encrypted?: boolean }).encrypted ? 'https' : 'http',
        targetOrigin: target.origin,
        contentLength: chunked ? undefined : declared,
      },
    );
    headers.push('host', target.host);
    let body: Dispatcher.DispatchOptions['body'] = null;
    if (chunked) {
      let seen = 0;
      const max = limits.maxBodyBytes;
      const limiter = new Transform({
        transform(chunk: Buffer, _enc, cb) {
          seen += chunk.length;
          if (seen > max) cb(bodyTooLarge(max));
          else cb(null, chunk);
        },
      });
      pipeline(req, limiter, () => {});
      body = limiter;
    } else if (declared !== undefined && declared !== '0') {
      body = req;
    }
    const agent = route ? fixedAgent : openAgent!;
    await new Promise<void>((resolve, reject) => {
      const handler = new ForwardHandler(ex, target, route, limits.totalTimeoutMs, (err) => {
        inflight.release();
        if (err) reject(err);
        else resolve();
      });
      agent.dispatch(
        {
          origin: target.origin,
          path: target.path,
          method: req.method as Dispatcher.HttpMethod,
          headers,
          body,
        },
        handler as unknown as Dispatcher.DispatchHandler,
      );
    });
  }

  /**
   * Streams one upstream exchange into the client's response, with undici's handler interface
   * (no intermediate stream: a chunk goes from the upstream socket to `res.write`, and a full
   * `res` pauses the upstream until 'drain'). Owns the exchange's total timeout and aborts the
   * upstream when the client goes away.
   */
  class ForwardHandler {
    private abortUpstream: ((reason?: Error) => void) | null = null;
    private failure: Error | null = null;
    private finished = false;
    private readonly timer: NodeJS.Timeout;
    private readonly onClientClose: () => void;

    constructor(
      private readonly ex: Exchange,
      private readonly target: CheckedTarget,
      private readonly route: CompiledRoute | null,
      totalTimeoutMs: number,
      private readonly done: (err: Error | null) => void,
    ) {
      this.timer = setTimeout(() => {
        this.abort(
          new ProxyFailure(
            504,
            'upstream-timeout',
            `the upstream exchange took longer than ${totalTimeoutMs} ms`,
          ),
        );
      }, totalTimeoutMs);
      this.onClientClose = () => {
        if (!ex.res.writableFinished) this.abort(new Error('client closed the connection'));
      };
      ex.res.once('close', this.onClientClose);
    }

    private abort(reason: Error): void {
      if (this.finished) return;
      this.failure ??= reason;
      if (this.abortUpstream) this.abortUpstream(reason);
      // Headers already sent: the only way to tell the client is to cut the connection.
      if (this.ex.res.headersSent) this.ex.res.destroy();
    }

    private finish(err: Error | null): void {
      if (this.finished) return;
      this.finished = true;
      clearTimeout(this.timer);
      this.ex.res.off('close', this.onClientClose);
      this.done(err);
    }

    onConnect(abort: (reason?: Error) => void): void {
      if (this.failure) abort(this.failure);
      else this.abortUpstream = abort;
    }

    onHeaders(statusCode: number, raw: Buffer[], resume: () => void): boolean {
      if (statusCode < 200) return true; // 1xx interim answers are not forwarded
      const { res } = this.ex;
      try {
        res.writeHead(statusCode, this.responseHeaders(statusCode, raw));
      } catch (err) {
        // A refused redirect: answer with the refusal instead (abort, then report it).
        this.abort(err as Error);
        return false;
      }
      res.on('drain', resume);
      return !res.writableNeedDrain;
    }

    onData(chunk: Buffer): boolean {
      return this.ex.res.write(chunk);
    }

    onComplete(): void {
      this.ex.res.end();
      this.finish(null);
    }

    onError(err: Error): void {
      this.finish(this.failure ?? err);
    }

    /**
     * The response head for the client, from the upstream's raw headers:
     * 1. drop hop-by-hop headers and the names the upstream lists in Connection;
     * 2. drop the upstream's CORS headers (the proxy's policy owns them) and Set-Cookie unless the
     *    route forwards cookies;
     * 3. rewrite Location of a redirect through the proxy (or refuse it);
     * 4. add the policy's headers and merge Vary.
     */
    private responseHeaders(status: number, raw: Buffer[]): string[] {
      const out: string[] = [];
      let listed: Set<string> | null = null;
      let vary: string | null = null;
      const cookies = this.route?.cookies ?? false;
      for (let i = 0; i < raw.length; i += 2) {
        const name = raw[i]!.toString('latin1').toLowerCase();
        const value = raw[i + 1]!.toString('latin1');
        // 1.
        if (HOP_BY_HOP.has(name)) {
          if (name === 'connection') listed = connectionListed(value);
          continue;
        }
        // 2.
        if (isCorsResponseHeader(name) || (name === 'set-cookie' && !cookies)) continue;
        if (name === 'vary') {
          vary = vary === null ? value : `${vary}, ${value}`;
          continue;
        }
        // 3.
        if (name === 'location' && status >= 300 && status < 400) {
          out.push('location', rewriteLocation(value, this.target, this.route));
          continue;
        }
        out.push(name, value);
      }
      if (listed) {
        for (let i = out.length - 2; i >= 0; i -= 2) if (listed.has(out[i]!)) out.splice(i, 2);
      }
      // 4.
      const cors = this.ex.cors ?? NO_DECISION;
      for (const [name, value] of cors.headers) out.push(name, value);
      if (cors.vary.length > 0) out.push('vary', mergeVary(vary, cors.vary));
      else if (vary !== null) out.push('vary', vary);
      return out;
    }
  }

  /**
   * Redirects are passed back to the client with Location rewritten through the proxy; the client's
   * next request is checked like any other (allowlist, literal IPs, connect-time DNS). Here:
   * 1. Resolve Location against the upstream URL; unparsable → 502.
   * 2. Credentials in the Location → refused (403).
   * 3. Fixed route, same target origin under the base path → the route's prefix.
   * 4. Open targets enabled: the static open-target checks must pass → `/https://host/path`;
   *    refused → 403 with the reason.
   * 5. Otherwise (a fixed route redirecting elsewhere, no open mode) → passed unchanged: the proxy
   *    never fetches it.
   */
  function rewriteLocation(location: string, target: CheckedTarget, route: CompiledRoute | null): string {
    // 1.
    let url: URL;
    try {
      url = new URL(location, `${target.origin}${target.path}`);
    } catch {
      throw new ProxyFailure(502, 'bad-redirect', 'the upstream sent a redirect with an invalid Location');
    }
    // 2.
    if (url.username !== '' || url.password !== '') {
      throw new ProxyFailure(
        403,
        'credentials-in-target',
        'the upstream redirected to a URL with a user name or password',
      );
    }
    // 3.
    if (route) {
      const sameOrigin =
        url.protocol === route.targetUrl.protocol && url.host.replace(/\.+(?=:|$)/, '') === route.host;
      if (
        sameOrigin &&
        (url.pathname === route.basePath ||
          url.pathname.startsWith(`${route.basePath}/`) ||
          route.basePath === '')
      ) {
        const rest = url.pathname.slice(route.basePath.length) || '/';
        const prefix = route.prefix === '/' ? '' : route.prefix;
        return `${prefix}${rest}${url.search}${url.hash}`;
      }
    }
    // 4.
    if (config.open) {
      const checked = checkOpenTarget(url, config.open);
      if (checked.kind === 'refused') {
        throw new ProxyFailure(
          403,
          checked.code,
          `the upstream redirected to a target that is refused: ${checked.reason}`,
        );
      }
      return `/${checked.origin}${checked.path}${url.hash}`;
    }
    // 5.
    if (url.protocol !== 'http:' && url.protocol !== 'https:') {
      throw new ProxyFailure(403, 'scheme-not-allowed', `the upstream redirected to a ${url.protocol} URL`);
    }
    return url.href;
  }

  function fail(ex: Exchange, err: unknown): void {
    const { res } = ex;
    const failure = toFailure(err);
    if (res.headersSent || res.destroyed) {
      res.destroy();
      return;
    }
    const cors = ex.cors ?? NO_DECISION;
    const headers: Record<string, string> = {
      'content-type': 'text/plain; charset=utf-8',
      'x-content-type-options': 'nosniff',
      'cache-control': 'no-store',
    };
    for (const [name, value] of cors.headers) headers[name] = value;
    if (cors.vary.length > 0) headers.vary = mergeVary(null, cors.vary);
    if (failure.status === 429 || failure.status === 503)
      headers['retry-after'] = String((failure as RateFailure).retryAfter ?? 1);
    const text = `${failure.status} ${STATUS_TEXT[failure.status] ?? ''}: ${failure.reason} [${failure.code}]\n`;
    headers['content-length'] = String(Buffer.byteLength(text));
    // Unread request body: close after answering rather than draining an arbitrary amount.
    if (!ex.req.complete) headers.connection = 'close';
    res.writeHead(failure.status, headers);
    res.end(ex.req.method === 'HEAD' ? undefined : text);
  }

  const handleUpgrade = (req: http.IncomingMessage, socket: Duplex, head: Buffer): void => {
    upgrade(req, socket, head).catch((err: unknown) => {
      const failure = toFailure(err);
      if (!socket.destroyed && socket.writable) {
        const text = `${failure.status} ${STATUS_TEXT[failure.status] ?? ''}: ${failure.reason} [${failure.code}]\n`;
        socket.end(
          `HTTP/1.1 ${failure.status} ${STATUS_TEXT[failure.status] ?? 'Error'}\r\nContent-Type: text/plain; charset=utf-8\r\nContent-Length: ${Buffer.byteLength(text)}\r\nConnection: close\r\n\r\n${text}`,
        );
      } else socket.destroy();
    });
  };

  /**
   * WebSocket upgrades, fixed routes only: rate limits, the Origin granted by the CORS policy
   * (cross-site WebSocket hijacking defence: browsers send Origin and WebSockets are not subject to
   * CORS), then undici's upgrade to the target and a byte pipe both ways.
   */
  async function upgrade(req: http.IncomingMessage, socket: Duplex, head: Buffer): Promise<void> {
    socket.on('error', () => socket.destroy());
    if ((req.headers.upgrade ?? '').toLowerCase() !== 'websocket') {
      throw new ProxyFailure(400, 'bad-target', 'only WebSocket upgrades are proxied');
    }
    if (store) await checkRate(req);
    // The upgrade is a GET with the page's Origin: judged as one.
    const decision = await decideCors(config.cors, 'GET', req.url, req.headers);
    if (req.headers.origin !== undefined && !grants(decision)) {
      throw new ProxyFailure(403, 'origin-not-allowed', refusalText(decision, req.headers.origin));
    }
    const { target, route } = resolveTarget(req.url ?? '/');
    if (looped(req))
      throw new ProxyFailure(508, 'loop-detected', 'this request already passed through this proxy');
    if (!route?.websocket) {
      throw new ProxyFailure(403, 'host-not-allowed', 'WebSocket upgrades are proxied on fixed routes only');
    }
    if (!inflight.tryAcquire()) {
      throw new ProxyFailure(
        503,
        'too-many-upstream-requests',
        'too many upstream requests in flight; retry shortly',
      );
    }
    let upstream: Duplex;
    let upstreamHeaders: Record<string, string | string[] | undefined>;
    try {
      const headers = upstreamRequestHeaders(
        req.rawHeaders,
        {
          cookies: route.cookies,
          origin: route.originMode,
          trustForwarded: config.trustForwarded,
          via,
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
      const timer = setTimeout(() => ac.abort(), limits.headersTimeoutMs);
      socket.once('close', () => ac.abort());
      try {
        // undici's types omit `origin` on UpgradeOptions; an Agent needs it (it is a DispatchOptions field).
        const upgradeOptions = {
          origin: target.origin,
          path: target.path,
          method: 'GET',
          headers,
          protocol: 'websocket',
          signal: ac.signal,
        };
        const r = await fixedAgent.upgrade(upgradeOptions as Dispatcher.UpgradeOptions);
        upstream = r.socket;
        upstreamHeaders = r.headers as Record<string, string | string[] | undefined>;
      } finally {
        clearTimeout(timer);
      }
    } catch (err) {
      inflight.release();
      if ((err as { message?: string }).message === 'bad upgrade') {
        throw new ProxyFailure(
          502,
          'upstream-bad-response',
          'the upstream did not accept the WebSocket upgrade',
        );
      }
      throw err;
    }
    if (socket.destroyed) {
      inflight.release();
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
      inflight.release();
      socket.destroy();
      upstream.destroy();
    };
    pipeline(socket, upstream, finish);
    pipeline(upstream, socket, finish);
  }

  return {
    handleRequest,
    handleUpgrade,
    async close() {
      await Promise.all([fixedAgent.close(), openAgent?.close()]);
    },
    describe: () => describeConfig(config),
  };
}

const DOT_OR_BACKSLASH = /(^|\/|\\)(\.|%2e)|\\/i;

function clientAddress(req: http.IncomingMessage): string {
  return req.socket.remoteAddress ?? 'unknown';
}

/**
 * The rate-limit key of a client address: an IPv4 address (IPv4-mapped IPv6 included) as is, an
 * IPv6 address by its /64, since one subscriber usually holds a whole /64.
 */
export function clientRateKey(address: string): string {
  if (address.startsWith('::ffff:') && address.includes('.')) return address.slice(7);
  if (!address.includes(':') || !ipaddr.IPv6.isValid(address)) return address;
  const parts = ipaddr.IPv6.parse(address).parts;
  return `${parts
    .slice(0, 4)
    .map((p) => p.toString(16))
    .join(':')}::/64`;
}

interface RateFailure {
  retryAfter?: number;
}

function bodyTooLarge(max: number): ProxyFailure {
  return new ProxyFailure(413, 'body-too-large', `the request body is larger than ${max} bytes`);
}

function rateLimited(retryAfter: number, who: string): ProxyFailure {
  const f = new ProxyFailure(
    429,
    'rate-limited',
    `too many requests from ${who}; retry after ${retryAfter} s`,
  );
  (f as RateFailure).retryAfter = retryAfter;
  return f;
}

/** Reads the policy's decision through the shared RequestView (synchronously when the policy can). */
function decideCors(
  policy: HttpCore,
  method: string,
  url: string | undefined,
  headers: http.IncomingHttpHeaders,
): HttpDecision | Promise<HttpDecision> {
  const view: RequestView = {
    method,
    url,
    header(name) {
      const v = headers[name];
      return v === undefined ? null : Array.isArray(v) ? v.join(', ') : v;
    },
  };
  try {
    const d = policy.handle(view);
    return d instanceof Promise ? d.catch(policyFailed) : d;
  } catch {
    return policyFailed();
  }
}

function policyFailed(): never {
  throw new ProxyFailure(500, 'internal-error', 'the CORS policy failed');
}

/** True when the policy's decision lets the requesting origin read the response. */
function grants(decision: HttpDecision): boolean {
  // A crossorigin/server decision says so; any other HttpCore grants by emitting the header.
  const allowed = (decision as { allowed?: unknown }).allowed;
  if (typeof allowed === 'boolean') return allowed;
  for (const [name] of decision.headers) if (name === 'access-control-allow-origin') return true;
  return false;
}

function refusalText(decision: HttpDecision, origin: string): string {
  const detail = (decision as { detail?: unknown }).detail;
  const base = `the origin ${truncate(origin)} is not allowed to use this proxy by its CORS policy`;
  return typeof detail === 'string' && detail ? `${base} (${truncate(detail)})` : base;
}

function writeDecision(res: http.ServerResponse, decision: HttpDecision): void {
  const headers: Record<string, string> = {};
  for (const [name, value] of decision.headers) headers[name] = value;
  if (decision.vary.length > 0) headers.vary = mergeVary(null, decision.vary);
  const body = decision.body ?? '';
  if (body) {
    headers['content-type'] = decision.contentType ?? 'text/plain; charset=utf-8';
  }
  headers['content-length'] = String(Buffer.byteLength(body));
  res.writeHead(decision.status ?? 204, headers);
  res.end(body || undefined);
}

/** Maps any error to the failure the client is told about. */
function toFailure(err: unknown): ProxyFailure {
  if (err instanceof ProxyFailure) return err;
  if (err instanceof TargetRefusedError) return new ProxyFailure(403, 'private-address', err.message);
  const e = err as { code?: string; name?: string; cause?: unknown; message?: string };
  if (e?.cause instanceof TargetRefusedError)
    return new ProxyFailure(403, 'private-address', e.cause.message);
  if (e?.cause instanceof ProxyFailure) return e.cause;
  switch (e?.code) {
    case 'UND_ERR_CONNECT_TIMEOUT':
      return new ProxyFailure(504, 'upstream-timeout', 'connecting to the upstream timed out');
    case 'UND_ERR_HEADERS_TIMEOUT':
      return new ProxyFailure(504, 'upstream-timeout', 'the upstream did not answer in time');
    case 'UND_ERR_BODY_TIMEOUT':
      return new ProxyFailure(504, 'upstream-timeout', 'the upstream body stalled');
    case 'UND_ERR_HEADERS_OVERFLOW':
      return new ProxyFailure(502, 'upstream-bad-response', 'the upstream response headers are too large');
    case 'ENOTFOUND':
    case 'EAI_AGAIN':
    case 'EAI_FAIL':
    case 'EAI_NONAME':
      return new ProxyFailure(502, 'upstream-unreachable', 'the upstream host name could not be resolved');
    case 'ECONNREFUSED':
    case 'ECONNRESET':
    case 'EHOSTUNREACH':
    case 'ENETUNREACH':
    case 'EPIPE':
    case 'UND_ERR_SOCKET':
    case 'UND_ERR_CLOSED':
      return new ProxyFailure(
        502,
        'upstream-unreachable',
        'the upstream could not be reached or closed the connection',
      );
    default:
      if (
        typeof e?.code === 'string' &&
        /^(ERR_TLS_|ERR_SSL_|CERT_|DEPTH_ZERO|SELF_SIGNED|UNABLE_TO_)/.test(e.code)
      ) {
        return new ProxyFailure(
          502,
          'upstream-bad-response',
          `the upstream's TLS certificate was not accepted (${e.code})`,
        );
      }
      if (e?.name === 'AbortError')
        return new ProxyFailure(504, 'upstream-timeout', 'the upstream exchange was aborted');
      return new ProxyFailure(502, 'upstream-bad-response', 'the upstream exchange failed');
  }
}

function truncate(text: string): string {
  const clean = text.replace(/[^\x20-\x7e]/g, '?');
  return clean.length > 100 ? `${clean.slice(0, 100)}…` : clean;
}

/** Lines for people: routes, open-target rules, limits. */
export function describeConfig(config: CompiledConfig): string[] {
  const lines: string[] = [];
  for (const r of config.routes) {
    lines.push(
      `route ${r.prefix} -> ${r.targetUrl.href}${r.cookies ? ' (cookies forwarded)' : ''}${r.websocket ? ' (+WebSocket)' : ''}, Origin ${r.originMode}`,
    );
  }
  if (config.open) {
    const hosts = config.open.dangerouslyAllowAnyTarget
      ? 'ANY host (dangerouslyAllowAnyTarget)'
      : (config.open.allowHost?.patterns.join(', ') ?? '');
    lines.push(`open targets /https://host/path for: ${hosts}`);
    lines.push(
      config.open.dangerouslyAllowPrivateTargets
        ? 'private and loopback addresses ALLOWED (dangerouslyAllowPrivateTargets)'
        : 'private, loopback, link-local and other non-public addresses refused at connect time',
    );
  }
  if (config.requireHeaders.length)
    lines.push(`required request header: one of ${config.requireHeaders.join(', ')}`);
  if (config.perClient)
    lines.push(`rate limit per client: ${config.perClient.requests} per ${config.perClient.windowSeconds} s`);
  if (config.perOrigin)
    lines.push(`rate limit per origin: ${config.perOrigin.requests} per ${config.perOrigin.windowSeconds} s`);
  const l = config.limits;
  lines.push(
    `limits: body ${l.maxBodyBytes} B, headers ${l.maxHeaderBytes} B, connect ${l.connectTimeoutMs} ms, response ${l.headersTimeoutMs} ms, total ${l.totalTimeoutMs} ms, ${l.maxConcurrentUpstream} upstream requests in flight`,
  );
  return lines;
}

/** Options of `listenProxy`. */
export interface ListenOptions {
  /** Default 0 (an ephemeral port). */
  readonly port?: number;
  /** Default 127.0.0.1. */
  readonly host?: string;
}

/** A listening proxy server. */
export interface ListeningProxy {
  readonly server: http.Server;
  readonly proxy: CrossoriginProxy;
  /** e.g. `http://127.0.0.1:8787` */
  readonly url: string;
  /** Stops accepting, ends open connections and closes upstream pools. */
  close(): Promise<void>;
}

/**
 * Creates the proxy and a `node:http` server for it (request head limit, slow-client timeouts,
 * WebSocket upgrades), and listens. Defaults: port 0 (ephemeral), host 127.0.0.1.
 *
 * @example
 * ```ts
 * import { listenProxy } from 'crossorigin/proxy';
 * const running = await listenProxy(
 *   { cors: { origins: ['https://app.example.com'] }, openTargets: { allowHosts: ['api.example.com'] } },
 *   { port: 8787 },
 * );
 * console.log(running.url); // http://127.0.0.1:8787
 * await running.close();
 * ```
 */
export async function listenProxy(
  options: ProxyOptions,
  listen: ListenOptions = {},
): Promise<ListeningProxy> {
  const proxy = createProxy(options);
  // createProxy validated the limits; read them without compiling the options a second time.
  const limits = { ...DEFAULT_LIMITS, ...options.limits };
  const server = http.createServer(
    {
      maxHeaderSize: limits.maxHeaderBytes,
      headersTimeout: Math.min(20_000, limits.totalTimeoutMs),
      requestTimeout: limits.totalTimeoutMs,
      keepAliveTimeout: 5_000,
    },
    proxy.handleRequest,
  );
  server.on('upgrade', proxy.handleUpgrade);
  server.on('clientError', (err: NodeJS.ErrnoException, socket) => {
    if (!socket.writable) {
      socket.destroy();
      return;
    }
    const overflow = err.code === 'HPE_HEADER_OVERFLOW';
    const status = overflow ? '431 Request Header Fields Too Large' : '400 Bad Request';
    const text = `${status}: ${overflow ? `the request head is larger than ${limits.maxHeaderBytes} bytes` : 'malformed request'}\n`;
    socket.end(
      `HTTP/1.1 ${status}\r\nContent-Type: text/plain; charset=utf-8\r\nContent-Length: ${Buffer.byteLength(text)}\r\nConnection: close\r\n\r\n${text}`,
    );
  });
  const host = listen.host ?? '127.0.0.1';
  await new Promise<void>((resolve, reject) => {
    server.once('error', reject);
    server.listen(listen.port ?? 0, host, () => {
      server.off('error', reject);
      resolve();
    });
  });
  const address = server.address();
  const port = typeof address === 'object' && address ? address.port : 0;
  const shown = host.includes(':') ? `[${host}]` : host;
  return {
    server,
    proxy,
    url: `http://${shown}:${port}`,
    async close() {
      await new Promise<void>((resolve) => {
        server.close(() => resolve());
        server.closeAllConnections();
      });
      await proxy.close();
    },
  };
}
