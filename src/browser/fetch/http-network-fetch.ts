/**
 * HTTP-network fetch: one exchange over the transport, following no redirect. The default transport
 * (undici's `request()`, ../transport.ts) gives the full header list beside a Response without
 * headers; a fetch given as the transport gives only the Response.
 * https://fetch.spec.whatwg.org/#http-network-fetch
 */
import { errorDetails } from '../classify.js';
import { makeCorsError } from '../errors/index.js';
import type { NormalizedRequest } from '../types.js';
import { type FetchContext, type NetworkError, networkError } from './context.js';

/** What the network answered: the transport's Response, and its header list when the transport gave it. */
export interface Answer {
  res: Response;
  headers: [string, string][] | null;
}

/**
 * The default transport, loaded on first use: it needs Node (undici, node:stream, node:zlib), and a
 * page bundle that always passes `fetch` (the lab) must not load it.
 */
let defaultExchange: typeof import('../transport.js').exchange | undefined;

async function loadExchange(): Promise<typeof import('../transport.js').exchange> {
  defaultExchange ??= (await import('../transport.js')).exchange;
  return defaultExchange;
}

/** The request as the transport takes it: always `redirect: 'manual'`. */
export type TransportInit = RequestInit & { redirect: 'manual' };

/**
 * Sends one request. A transport failure is a network error (an abort rethrows the signal's reason,
 * as fetch() rejects with it).
 */
export async function httpNetworkFetch(
  ctx: FetchContext,
  req: NormalizedRequest,
  url: URL,
  init: TransportInit,
): Promise<Answer | NetworkError> {
  // A URL's user name and password are not sent as part of it (a fetch() transport refuses them);
  // a redirect may still lead to such a URL when it is same-origin or in no-cors mode.
  if (url.username !== '' || url.password !== '') {
    url = new URL(url.href);
    url.username = '';
    url.password = '';
  }
  try {
    if (ctx.transport === undefined) {
      const x = await (defaultExchange ?? (await loadExchange()))(ctx.dispatcher, url, init, false);
      return { res: x.response, headers: x.headers };
    }
    return { res: await ctx.transport(url.href, init), headers: null };
  } catch (err) {
    if (init.signal?.aborted) throw err;
    return networkError(ctx, transportFailure(ctx, req, err));
  }
}

/** The first bytes of an answer's body, and whether they are all of it. */
export interface BodyPeek {
  bytes: Uint8Array;
  /** The body ended within the bytes read. */
  complete: boolean;
}

const EMPTY_PEEK: BodyPeek = Object.freeze({ bytes: new Uint8Array(0), complete: true });

/**
 * Reads the first `max` bytes of `answer.res`'s body (or all of it when shorter) for the checks
 * that sniff it (opaque-response blocking), without losing the rest: `answer.res` becomes a
 * Response with the same status, status text and headers whose body gives the bytes read, then the
 * rest as it arrives (nothing beyond the chunks already read is buffered). Reading stops at `max`,
 * so memory stays bounded; the wait for a slow body is bounded by the caller's signal and the
 * transport's body timeout (undici's dispatcher: 300 s by default), as in a browser. A body that fails mid-read is a network error (an abort rethrows the signal's reason).
 * https://fetch.spec.whatwg.org/#http-network-fetch (the response body's stream)
 */
export async function peekBody(
  ctx: FetchContext,
  req: NormalizedRequest,
  answer: Answer,
  max: number,
  signal: AbortSignal | null,
): Promise<BodyPeek | NetworkError> {
  const res = answer.res;
  if (res.body === null || res.bodyUsed) return EMPTY_PEEK;
  signal?.throwIfAborted();
  const reader = res.body.getReader();
  const chunks: Uint8Array[] = [];
  let size = 0;
  let complete = false;
  // An abort stops the wait even when the transport does not tie its body to the signal.
  const onAbort = () => {
    reader.cancel(signal?.reason).catch(() => undefined);
  };
  signal?.addEventListener('abort', onAbort, { once: true });
  try {
    while (size < max) {
      const r = await reader.read();
      if (signal?.aborted) throw signal.reason;
      if (r.done) {
        complete = true;
        break;
      }
      chunks.push(r.value);
      size += r.value.byteLength;
    }
  } catch (err) {
    reader.releaseLock();
    if (signal?.aborted) throw signal.reason ?? err;
    return networkError(ctx, transportFailure(ctx, req, err));
  } finally {
    signal?.removeEventListener('abort', onAbort);
  }
  answer.res = replay(res, chunks, complete ? null : reader);
  return { bytes: joinBytes(chunks, Math.min(size, max)), complete };
}

/** The first `n` bytes of `chunks`, in one array. */
function joinBytes(chunks: readonly Uint8Array[], n: number): Uint8Array {
  if (chunks.length === 1 && (chunks[0] as Uint8Array).byteLength === n) return chunks[0] as Uint8Array;
  const out = new Uint8Array(n);
  let at = 0;
  for (const c of chunks) {
    if (at >= n) break;
    const part = c.subarray(0, n - at);
    out.set(part, at);
    at += part.byteLength;
  }
  return out;
}

/** A Response like `res` whose body gives `chunks`, then what `rest` still holds. */
function replay(
  res: Response,
  chunks: Uint8Array[],
  rest: ReadableStreamDefaultReader<Uint8Array> | null,
): Response {
  let next = 0;
  const body = new ReadableStream<Uint8Array>({
    async pull(controller) {
      if (next < chunks.length) {
        controller.enqueue(chunks[next] as Uint8Array);
        chunks[next++] = EMPTY_PEEK.bytes; // handed on: not kept here
        return;
      }
      const r = rest === null ? { done: true as const, value: undefined } : await rest.read();
      if (r.done) controller.close();
      else controller.enqueue(r.value);
    },
    async cancel(reason) {
      await rest?.cancel(reason);
    },
  });
  // A status outside 200-599 cannot be constructed (the default transport keeps it as a property).
  const inRange = res.status >= 200 && res.status <= 599;
  const out = new Response(body, {
    status: inRange ? res.status : 200,
    statusText: res.statusText,
    headers: res.headers,
  });
  if (!inRange) {
    Object.defineProperty(out, 'status', { value: res.status, enumerable: true });
    Object.defineProperty(out, 'ok', { value: false, enumerable: true });
  }
  return out;
}

/** The network error for a transport failure: the failure's own message is the hint. */
function transportFailure(ctx: FetchContext, req: NormalizedRequest, err: unknown) {
  const hint =
    err instanceof Error ? (err.cause instanceof Error ? err.cause.message : err.message) : String(err);
  // The page's origin as the request origin, even after a tainting redirect (no Origin was judged).
  return makeCorsError(
    errorDetails(req, 'network-error', { requestOrigin: ctx.origin, hint }),
    ctx.profile.name,
  );
}
