/**
 * The forwarding handler: one upstream exchange, from admission (per-client and global slots) and
 * the request body's limits, through undici's dispatch, to the response streamed into the
 * client's `res` with backpressure and the response head rewritten.
 */
import { type Dispatcher, util } from 'undici';
import { appendDecisionHeaders } from '../_http/index.js';
import type { ClientCloseHook } from './admission.js';
import { watchRequestBody } from './admission.js';
import type { CompiledRoute } from './config.js';
import type { Exchange, ProxyContext } from './context.js';
import { bodyTooLarge, ProxyFailure, tooManyUpstream } from './failure.js';
import { connectionListed, HOP_BY_HOP, isCorsResponseHeader, upstreamRequestHeaders } from './headers.js';
import { LimitedBody } from './limited-body.js';
import { NO_DECISION } from './policy.js';
import { rewriteLocation } from './routes.js';
import type { CheckedTarget } from './target.js';

/**
 * A response header name, lower-case: undici's lookup of the well-known names answers without
 * allocating (else latin1, lower-cased). Read once: not a property access per header.
 */
const headerName = util.headerNameToString;

/** Grace before the minimum body rate applies (the first bytes of a body may be slow). */
const BODY_RATE_GRACE_MS = 5_000;

/** Where a failure of the upstream exchange goes (server.ts answers it). */
export type ExchangeFailed = (ex: Exchange, err: Error) => void;

/**
 * Forwards one request and streams the answer.
 * 1. A declared body larger than the limit is refused before anything (413).
 * 2. Admission: a slot of this client (per-client cap), then a global slot; either full is a 503.
 * 3. The upstream request head (see headers.ts), and the body: as is when its length is declared,
 *    counted against the limit when chunked; a watchdog refuses a body that stalls or trickles.
 * 4. Dispatch through the pool for fixed or open targets; `ForwardHandler` streams the answer.
 * Refusals of steps 1-2 are thrown; a failure of the exchange itself goes to `failed` (in a
 * microtask, after the handler's own cleanup), once, after the slots were released.
 */
export function forward(
  ctx: ProxyContext,
  ex: Exchange,
  target: CheckedTarget,
  route: CompiledRoute | null,
  failed: ExchangeFailed,
): void {
  const { req } = ex;
  const { limits } = ctx;
  // 1.
  const { declared, chunked, host } = bodyAndHost(req.rawHeaders);
  if (declared !== undefined && Number(declared) > limits.maxBodyBytes)
    throw bodyTooLarge(limits.maxBodyBytes);
  // 2.
  const client = ctx.clientKey(req);
  if (!ctx.clients.tryAcquire(client)) throw tooManyUpstream('from this client');
  if (!ctx.inflight.tryAcquire()) {
    ctx.clients.release(client);
    throw tooManyUpstream('on this proxy');
  }
  // 3.
  const headers = upstreamRequestHeaders(
    req.rawHeaders,
    {
      cookies: route?.cookies ?? false,
      origin: route ? route.originMode : (ctx.config.open?.originMode ?? 'remove'),
      trustForwarded: ctx.config.trustForwarded,
      via: ctx.via,
    },
    {
      clientAddress: req.socket.remoteAddress ?? '',
      host,
      proto: (req.socket as { encrypted?: boolean }).encrypted ? 'https' : 'http',
      targetOrigin: target.origin,
      contentLength: chunked ? undefined : declared,
    },
  );
  headers.push('host', target.host);
  let body: Dispatcher.DispatchOptions['body'] = null;
  if (chunked) body = new LimitedBody(req, limits.maxBodyBytes);
  else if (declared !== undefined && declared !== '0') body = req;
  // 4.
  const agent = route ? ctx.fixedAgent : ctx.openAgent!;
  const handler = new ForwardHandler(ctx, ex, target, route, client, failed);
  if (body !== null) {
    handler.stopWatch = watchRequestBody(
      req,
      {
        idleMs: limits.requestBodyIdleTimeoutMs,
        minBytesPerSecond: limits.minRequestBodyBytesPerSecond,
        graceMs: BODY_RATE_GRACE_MS,
      },
      (failure) => handler.abort(failure),
    );
  }
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
}

/**
 * The request's Content-Length, whether it is chunked, and its Host, read from the header lines as
 * received in one pass (as node's `req.headers` would give them: the first Content-Length and Host
 * line; node's parser refuses conflicting lengths), without making node build `req.headers`.
 */
function bodyAndHost(raw: readonly string[]): {
  declared: string | undefined;
  chunked: boolean;
  host: string | undefined;
} {
  let declared: string | undefined;
  let chunked = false;
  let host: string | undefined;
  for (let i = 0; i + 1 < raw.length; i += 2) {
    const name = raw[i]!;
    if (name.length === 4) {
      if (host === undefined && name.toLowerCase() === 'host') host = raw[i + 1];
    } else if (name.length === 14) {
      if (declared === undefined && name.toLowerCase() === 'content-length') declared = raw[i + 1];
    } else if (name.length === 17 && name.toLowerCase() === 'transfer-encoding') chunked = true;
  }
  return { declared, chunked, host };
}

/**
 * Streams one upstream exchange into the client's response, with undici's handler interface
 * (no intermediate stream: a chunk goes from the upstream socket to `res.write`, and a full
 * `res` pauses the upstream until 'drain'). Owns the exchange's total timeout, the slots taken in
 * `forward` and the body watchdog, and aborts the upstream when the client goes away (the
 * connection pipeline's 'close' listener tells it: `clientClosed`).
 */
class ForwardHandler implements ClientCloseHook {
  private abortUpstream: ((reason?: Error) => void) | null = null;
  private failure: Error | null = null;
  private finished = false;
  private readonly timer: NodeJS.Timeout;
  /** undici's resume, listening to 'drain' once a write found `res` full (null: not yet). */
  private resume: (() => void) | null = null;
  private drainHooked = false;
  /** Stops the request-body watchdog (null: no body). */
  stopWatch: (() => void) | null = null;

  constructor(
    private readonly ctx: ProxyContext,
    private readonly ex: Exchange,
    private readonly target: CheckedTarget,
    private readonly route: CompiledRoute | null,
    private readonly client: string,
    private readonly failed: ExchangeFailed,
  ) {
    this.timer = setTimeout(totalTimeout, ctx.limits.totalTimeoutMs, this);
    ex.closeHook = this;
  }

  /** The client's response closed: unless it was answered completely, the exchange is aborted. */
  clientClosed(): void {
    if (!this.ex.res.writableFinished) this.abort(new Error('client closed the connection'));
  }

  /** The total timeout elapsed. */
  timedOut(): void {
    const total = this.ctx.limits.totalTimeoutMs;
    this.abort(
      new ProxyFailure(504, 'upstream-timeout', `the upstream exchange took longer than ${total} ms`),
    );
  }

  abort(reason: Error): void {
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
    const { ex, ctx } = this;
    ex.closeHook = null;
    this.stopWatch?.();
    ctx.inflight.release();
    ctx.clients.release(this.client);
    // Answered after the current call (an `abort` in progress finishes first).
    if (err) queueMicrotask(() => this.failed(ex, err));
  }

  /** From the first write that found `res` full on, every 'drain' resumes the upstream. */
  private waitDrain(): void {
    if (this.drainHooked) return;
    this.drainHooked = true;
    this.ex.res.on('drain', this.resume!);
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
    this.resume = resume;
    if (!res.writableNeedDrain) return true;
    this.waitDrain();
    return false;
  }

  onData(chunk: Buffer): boolean {
    if (this.ex.res.write(chunk)) return true;
    this.waitDrain();
    return false;
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
      const name = headerName(raw[i]!);
      // 1.
      if (HOP_BY_HOP.has(name)) {
        if (name === 'connection') listed = connectionListed(raw[i + 1]!.toString('latin1'));
        continue;
      }
      // 2.
      if (isCorsResponseHeader(name) || (name === 'set-cookie' && !cookies)) continue;
      // (Values are decoded only for the headers kept.)
      const value = raw[i + 1]!.toString('latin1');
      if (name === 'vary') {
        vary = vary === null ? value : `${vary}, ${value}`;
        continue;
      }
      // 3.
      if (name === 'location' && status >= 300 && status < 400) {
        out.push('location', rewriteLocation(this.ctx.config, value, this.target, this.route));
        continue;
      }
      out.push(name, value);
    }
    if (listed) {
      for (let i = out.length - 2; i >= 0; i -= 2) if (listed.has(out[i]!)) out.splice(i, 2);
    }
    // 4.
    appendDecisionHeaders(out, this.ex.cors ?? NO_DECISION, vary);
    return out;
  }
}

function totalTimeout(handler: ForwardHandler): void {
  handler.timedOut();
}
