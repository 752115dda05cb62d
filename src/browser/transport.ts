/**
 * The default transport of `createBrowserFetch()`: one HTTP exchange over an undici `Dispatcher`
 * (`dispatcher.request()`), handed back as a standard `Response`.
 *
 * Why not `fetch()`: the engine already does the Fetch Standard's part (main fetch, CORS, redirects,
 * cookies), so a second implementation underneath only costs time (undici's `fetch` takes about
 * twice as long as `request()` per exchange on loopback) and changes what is sent: it overwrites
 * `Sec-Fetch-Mode` with `cors` even for a `no-cors` request. This transport sends the engine's
 * header list as it is and adds only what a browser's network layer adds when absent, as undici's
 * fetch does (https://fetch.spec.whatwg.org/#http-network-or-cache-fetch steps 8.12-8.19):
 * `Accept: *\/*`, `Accept-Language`, `User-Agent`, `Accept-Encoding` (`identity` with `Range`), and
 * `Connection: keep-alive` on every request, as both browsers send it.
 * It never follows redirects, and decodes content codings as fetch does (gzip, x-gzip, deflate,
 * br, zstd where the runtime has it; at most 5; an unknown coding leaves the body as it is).
 */
import { pipeline, Readable } from 'node:stream';
import zlib from 'node:zlib';
import type { Dispatcher } from 'undici';

/** What the engine passes: always a header list of pairs and `redirect: 'manual'`. */
type TransportInit = RequestInit & { duplex?: 'half' };

/** https://fetch.spec.whatwg.org/#null-body-status */
const NULL_BODY_STATUS = new Set([101, 103, 204, 205, 304]);
const MAX_CONTENT_CODINGS = 5;
const DEFAULT_USER_AGENT = 'node';

const hasZstd = typeof (zlib as { createZstdDecompress?: unknown }).createZstdDecompress === 'function';

function decoderFor(coding: string): NodeJS.ReadWriteStream | null {
  switch (coding) {
    case 'gzip':
    case 'x-gzip':
      // As fetch (and curl) do: lenient about a missing end of stream.
      return zlib.createGunzip({
        flush: zlib.constants.Z_SYNC_FLUSH,
        finishFlush: zlib.constants.Z_SYNC_FLUSH,
      });
    case 'deflate':
      return zlib.createInflate({
        flush: zlib.constants.Z_SYNC_FLUSH,
        finishFlush: zlib.constants.Z_SYNC_FLUSH,
      });
    case 'br':
      return zlib.createBrotliDecompress({
        flush: zlib.constants.BROTLI_OPERATION_FLUSH,
        finishFlush: zlib.constants.BROTLI_OPERATION_FLUSH,
      });
    case 'zstd':
      return hasZstd
        ? (zlib as unknown as { createZstdDecompress(): NodeJS.ReadWriteStream }).createZstdDecompress()
        : null;
    default:
      return null;
  }
}

/** The decoders for a Content-Encoding value, outermost last; empty for none or an unknown coding. */
function decoders(contentEncoding: string): NodeJS.ReadWriteStream[] | 'too-many' {
  const codings = contentEncoding.toLowerCase().split(',');
  if (codings.length > MAX_CONTENT_CODINGS) return 'too-many';
  const out: NodeJS.ReadWriteStream[] = [];
  for (let i = codings.length - 1; i >= 0; i--) {
    const d = decoderFor((codings[i] as string).trim());
    if (d === null) return [];
    out.push(d);
  }
  return out;
}

function ignore(): void {
  // see the callers
}

function failed(cause: unknown): TypeError {
  return new TypeError('fetch failed', { cause });
}

function abortReason(signal: AbortSignal): unknown {
  return signal.reason ?? new DOMException('This operation was aborted', 'AbortError');
}

/**
 * One web stream over a node stream, read on demand. (Response would wrap an async iterable in two
 * streams, and node 20's `Readable.toWeb` can enqueue into a stream already closed.) Chunks are
 * plain Uint8Array views, as fetch gives; an error in the node stream errors the web stream;
 * cancelling destroys the node stream.
 */
function webStream(body: Readable): ReadableStream<Uint8Array> {
  const chunks = body[Symbol.asyncIterator]() as AsyncIterator<Buffer>;
  return new ReadableStream<Uint8Array>({
    async pull(controller) {
      const { value, done } = await chunks.next();
      if (done) controller.close();
      else controller.enqueue(new Uint8Array(value.buffer, value.byteOffset, value.byteLength));
    },
    async cancel() {
      await chunks.return?.();
    },
  });
}

/** The request's header list as undici takes it (flat), plus the defaults a browser adds. */
function requestHeaders(init: TransportInit, https: boolean): string[] {
  const flat: string[] = [];
  let accept = false;
  let language = false;
  let agent = false;
  let encoding = false;
  let range = false;
  const given = (init.headers ?? []) as [string, string][];
  for (const [name, value] of given) {
    const n = name.toLowerCase();
    if (n === 'accept') accept = true;
    else if (n === 'accept-language') language = true;
    else if (n === 'user-agent') agent = true;
    else if (n === 'accept-encoding') encoding = true;
    else if (n === 'range') range = true;
    else if (n === 'host') continue;
    flat.push(name, value);
  }
  if (!accept) flat.push('accept', '*/*');
  if (!language) flat.push('accept-language', '*');
  if (!agent) flat.push('user-agent', DEFAULT_USER_AGENT);
  if (range) flat.push('accept-encoding', 'identity');
  else if (!encoding) flat.push('accept-encoding', https ? 'br, gzip, deflate' : 'gzip, deflate');
  return flat;
}

/**
 * The response's header list for the engine: names lower-cased and sorted, each line apart (as
 * received, in order; a `Headers` object would join repeated lines with ", ", losing what Firefox
 * reports as "Multiple CORS header"), `Set-Cookie` lines after the others; values latin1-decoded as
 * fetch does.
 */
function responseHeaders(headers: Record<string, string | string[] | undefined>): [string, string][] {
  const out: [string, string][] = [];
  const names = Object.keys(headers).sort();
  let cookies: string | string[] | undefined;
  for (const name of names) {
    const v = headers[name];
    if (v === undefined) continue;
    if (name === 'set-cookie') cookies = v;
    else if (typeof v === 'string') out.push([name, v]);
    else for (const line of v) out.push([name, line]);
  }
  if (typeof cookies === 'string') out.push(['set-cookie', cookies]);
  else if (cookies !== undefined) for (const c of cookies) out.push(['set-cookie', c]);
  return out;
}

function requestBody(body: unknown): Dispatcher.DispatchOptions['body'] {
  if (body === null || body === undefined) return null;
  if (body instanceof Uint8Array || typeof body === 'string') return body;
  if (body instanceof ReadableStream) return Readable.fromWeb(body as never);
  if (body instanceof ArrayBuffer) return new Uint8Array(body);
  throw new TypeError('crossorigin: the dispatcher transport takes bytes or a stream as a body');
}

/**
 * A response dropped unread would hold its connection (undici pauses the socket once its buffer is
 * full). When the Response is collected with its body neither read nor teed, the body is destroyed,
 * which frees the connection, as undici's fetch does for its responses.
 */
const unread = new FinalizationRegistry<{ node: Readable; web: WeakRef<ReadableStream<Uint8Array>> }>(
  (held) => {
    if (held.web.deref()?.locked) return;
    if (!held.node.destroyed && !held.node.readableEnded) held.node.destroy();
  },
);

/** One exchange: the response (its headers only with `withHeaders`) and its header list. */
export interface Exchange {
  response: Response;
  headers: [string, string][];
}

/**
 * undici's global dispatcher, loaded on first use: importing undici costs a short CLI run (a
 * one-host scan, which never sends through this transport) more than its whole probing.
 */
async function globalDispatcher(): Promise<Dispatcher> {
  return (await import('undici')).getGlobalDispatcher();
}

/**
 * One HTTP exchange over `dispatcher` (default: undici's global dispatcher, which Node's own fetch
 * shares): sends exactly the header list it is given (plus the absent defaults), follows no
 * redirect, and resolves as soon as the response's headers arrive. Failures reject as fetch's do
 * (`TypeError: fetch failed` with the cause; an abort with the signal's reason). The Response
 * carries the headers only when `withHeaders` is set: the engine reads the list and gives the page
 * a Response with only the readable ones, so building the full Headers object would be wasted.
 * `url` must be HTTP(S).
 */
export async function exchange(
  dispatcher: Dispatcher | undefined,
  url: URL,
  init: TransportInit,
  withHeaders: boolean,
): Promise<Exchange> {
  const signal = init.signal ?? undefined;
  if (signal?.aborted) throw abortReason(signal);
  const method = init.method ?? 'GET';
  let data: Dispatcher.ResponseData;
  try {
    data = await (dispatcher ?? (await globalDispatcher())).request({
      origin: url.origin,
      path: url.pathname + url.search,
      method: method as Dispatcher.HttpMethod,
      headers: requestHeaders(init, url.protocol === 'https:'),
      body: requestBody(init.body),
      // Chromium 156 and Firefox ESR 153 send `Connection: keep-alive` on every request, HEAD too
      // (observed); undici closes after a HEAD unless told not to.
      reset: false,
      ...(signal ? { signal } : {}),
    });
  } catch (err) {
    if (signal?.aborted) throw abortReason(signal);
    throw failed(err);
  }
  // A body nobody reads may still fail (a reset connection): a reader sees the error through
  // the iterator; without one it must not become an uncaught exception.
  data.body.on('error', ignore);
  const status = data.statusCode;
  const headers = responseHeaders(data.headers);
  let body: Readable | null = data.body;
  if (NULL_BODY_STATUS.has(status)) {
    data.body.dump().catch(ignore);
    body = null;
  } else if (method !== 'HEAD' && method !== 'CONNECT') {
    const coding = data.headers['content-encoding'];
    if (coding !== undefined) {
      const chain = decoders(Array.isArray(coding) ? coding.join(', ') : coding);
      if (chain === 'too-many') {
        data.body.dump().catch(ignore);
        throw failed(new Error('too many content-encodings in response'));
      }
      if (chain.length > 0) {
        body = (pipeline as (...s: unknown[]) => Readable)(data.body, ...chain, () => {
          // an error reaches the reader through the last stream
        });
      }
    }
  }
  // A status outside 200-599 cannot be constructed.
  const stream = body === null ? null : webStream(body);
  const inRange = status >= 200 && status <= 599;
  const responseInit: ResponseInit = { status: inRange ? status : 200 };
  if (withHeaders) responseInit.headers = headers;
  let response: Response;
  try {
    response = new Response(stream, { ...responseInit, statusText: data.statusText ?? '' });
  } catch {
    try {
      // A reason phrase Response refuses: keep the exchange, drop the phrase.
      response = new Response(stream, responseInit);
    } catch (err) {
      data.body.dump().catch(ignore);
      throw failed(err);
    }
  }
  if (stream !== null) unread.register(response, { node: data.body, web: new WeakRef(stream) });
  if (!inRange) {
    Object.defineProperty(response, 'status', { value: status, enumerable: true });
    Object.defineProperty(response, 'ok', { value: false, enumerable: true });
  }
  return { response, headers };
}

/** {@link exchange} as a fetch-shaped function (the Response with every header). */
export function dispatcherTransport(dispatcher?: Dispatcher): typeof globalThis.fetch {
  const transport = async (input: string | URL | Request, init: TransportInit = {}): Promise<Response> => {
    const url =
      typeof input === 'string' ? new URL(input) : input instanceof URL ? input : new URL(input.url);
    if (url.protocol !== 'http:' && url.protocol !== 'https:') return globalThis.fetch(input, init);
    return (await exchange(dispatcher, url, init, true)).response;
  };
  return transport as typeof globalThis.fetch;
}
