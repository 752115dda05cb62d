/**
 * The proxy's request path. One function per step, in the order a request meets them:
 * connection pipeline (admission.ts) → CORS policy decision (policy.ts) → rate limits (rate.ts) →
 * origin granted? → request target and route (request-target.ts, routes.ts) → preflight answer →
 * required header → the upstream exchange (forward.ts: per-client and global slots, body limits,
 * connect-time SSRF check in the lookup, response head rewrite, streamed body with backpressure).
 * Upgrades: upgrade.ts. Failures: failure.ts.
 */
import type http from 'node:http';
import type { Duplex } from 'node:stream';
import { appendDecisionHeaders, applyDecision, type HttpDecision, NodeRequestView } from '../_http/index.js';
import { compileProxyOptions } from './compile.js';
import type { ProxyOptions } from './config.js';
import { createContext, type Exchange, type ProxyContext } from './context.js';
import { describeConfig } from './describe.js';
import { failureText, loopDetected, ProxyFailure, toFailure } from './failure.js';
import { forward } from './forward.js';
import { decideCors, NO_DECISION, originRefused } from './policy.js';
import { checkRate } from './rate.js';
import { requestPath } from './request-target.js';
import { resolveTarget } from './routes.js';
import { handleUpgrade } from './upgrade.js';

/** A running proxy's request handlers. */
export interface CrossoriginProxy {
  /** The `request` listener of a `node:http` server. */
  readonly handleRequest: (req: http.IncomingMessage, res: http.ServerResponse) => void;
  /**
   * The `upgrade` listener of a `node:http` server: WebSockets on fixed routes; any other upgrade
   * is ignored and the request answered as HTTP/1.1.
   */
  readonly handleUpgrade: (req: http.IncomingMessage, socket: Duplex, head: Buffer) => void;
  /** Closes the upstream connection pools. */
  close(): Promise<void>;
  /** What the proxy allows, for people (the CLI prints it). */
  describe(): string[];
}

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
  const ctx = createContext(compileProxyOptions(options));
  const start = (ex: Exchange) => handleExchange(ctx, ex);
  return {
    handleRequest: (req, res) => {
      const ex: Exchange = { req, res, view: null, cors: null, closeHook: null };
      if (!ctx.pipeline.enter(req.socket, ex, start)) {
        answerFailure(
          ex,
          new ProxyFailure(
            503,
            'too-many-pipelined-requests',
            'too many pipelined requests on this connection; the connection is closed after this answer',
            1,
          ),
          true,
        );
      }
    },
    handleUpgrade: (req, socket, head) => handleUpgrade(ctx, req, socket, head),
    async close() {
      await Promise.all([ctx.fixedAgent.close(), ctx.openAgent?.close()]);
    },
    describe: () => describeConfig(ctx.config),
  };
}

/**
 * Runs one exchange; never lets an exception out of the `request` listener. The path is
 * synchronous up to the upstream dispatch unless the policy or the rate-limit store answers
 * asynchronously (no promise per request otherwise); every failure, thrown or reported later by
 * the upstream exchange, is answered by `failExchange`.
 */
function handleExchange(ctx: ProxyContext, ex: Exchange): void {
  try {
    const pending = run(ctx, ex);
    if (pending !== undefined) pending.catch((err: unknown) => failExchange(ex, err));
  } catch (err) {
    failExchange(ex, err);
  }
}

/** Answers a failed exchange (see answerFailure); if even that fails, cuts the connection. */
function failExchange(ex: Exchange, err: unknown): void {
  try {
    answerFailure(ex, toFailure(err), false);
  } catch {
    ex.res.destroy();
  }
}

/**
 * One request, in order:
 * 1. The CORS policy first (it is cheap and pure), so that every answer, refusals included,
 *    carries its headers and the page can read the explanation. The proxy never decides CORS.
 * 2. Rate limits, before any target work.
 * 3. An Origin the policy does not grant is refused (403).
 * 4. The request target and the route (a preflight for a refused target is refused), the loop check.
 * 5. A preflight (or any answer the policy ends with, such as a refused preflight) is the policy's.
 * 6. The required header: a page opened directly has none.
 * 7. Forward.
 * Steps 1-2 here (a promise only when the policy or the store is asynchronous), 3-7 in `proceed`.
 * Throws (or rejects with) the failure to answer.
 */
function run(ctx: ProxyContext, ex: Exchange): Promise<void> | undefined {
  // 1. (The view reads the header lines as received: node's `req.headers` object is never built.)
  const view = new NodeRequestView(ex.req);
  ex.view = view;
  const pending = decideCors(ctx.corsGlue, view);
  if (pending instanceof Promise || ctx.store) return decideThenProceed(ctx, ex, pending);
  ex.cors = pending;
  proceed(ctx, ex, view, pending);
  return undefined;
}

/** Steps 1-2 of `run` when either is asynchronous, then `proceed`. */
async function decideThenProceed(
  ctx: ProxyContext,
  ex: Exchange,
  pending: HttpDecision | Promise<HttpDecision>,
): Promise<void> {
  // 1.
  const decision = pending instanceof Promise ? await pending : pending;
  ex.cors = decision;
  // 2.
  if (ctx.store) await checkRate(ctx, ex.req);
  proceed(ctx, ex, ex.view!, decision);
}

/** Steps 3-7 of `run`. */
function proceed(ctx: ProxyContext, ex: Exchange, view: NodeRequestView, decision: HttpDecision): void {
  const { req, res } = ex;
  const { config } = ctx;
  // 3.
  const origin = view.header('origin');
  if (origin !== null && !decision.end && !decision.allowed) throw originRefused(decision, origin);
  // 4.
  const { target, route } = resolveTarget(config, requestPath(req.url));
  if (ctx.looped(view)) throw loopDetected();
  // 5.
  if (decision.end) {
    applyDecision(res, decision);
    return;
  }
  // 6.
  if (config.requireHeaders.length > 0 && !config.requireHeaders.some((h) => view.header(h) !== null)) {
    throw new ProxyFailure(
      400,
      'missing-required-header',
      `missing required request header; send one of: ${config.requireHeaders.join(', ')} (this proxy is meant to be called from script, not opened directly)`,
    );
  }
  // 7.
  forward(ctx, ex, target, route, failExchange);
}

/**
 * Answers a failure: the policy's headers (so the page can read why), Retry-After on 429 and
 * 503, and `Connection: close` when the request body was not read (rather than draining an
 * arbitrary amount) or when `close` is asked for. After the head was sent, the only way to tell
 * the client is to cut the connection.
 */
function answerFailure(ex: Exchange, failure: ProxyFailure, close: boolean): void {
  const { res } = ex;
  if (res.headersSent || res.destroyed) {
    res.destroy();
    return;
  }
  const headers = [
    'content-type',
    'text/plain; charset=utf-8',
    'x-content-type-options',
    'nosniff',
    'cache-control',
    'no-store',
  ];
  appendDecisionHeaders(headers, ex.cors ?? NO_DECISION, null);
  if (failure.status === 429 || failure.status === 503)
    headers.push('retry-after', String(failure.retryAfter ?? 1));
  const text = failureText(failure);
  headers.push('content-length', String(Buffer.byteLength(text)));
  if (close || !ex.req.complete) headers.push('connection', 'close');
  res.writeHead(failure.status, headers);
  res.end(ex.req.method === 'HEAD' ? undefined : text);
}
