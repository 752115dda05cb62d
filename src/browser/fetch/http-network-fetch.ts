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
