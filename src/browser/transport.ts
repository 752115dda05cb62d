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
 * `Accept: *\/*`, `Accept-Language`, `User-Agent`, `Accept-Encoding` (`identity` with `Range`).
 * It never follows redirects, and decodes content codings as fetch does (gzip, x-gzip, deflate,
 * br, zstd where the runtime has it; at most 5; an unknown coding leaves the body as it is).
 */
import { pipeline, Readable } from 'node:stream';
import zlib from 'node:zlib';
import { type Dispatcher, getGlobalDispatcher } from 'undici';

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

/** The response's header list, names lower-cased and values latin1-decoded as fetch does. */
function responseHeaders(headers: Record<string, string | string[] | undefined>): [string, string][] {
  const out: [string, string][] = [];
  for (const name of Object.keys(headers)) {
    const v = headers[name];
    if (typeof v === 'string') out.push([name, v]);
    else if (Array.isArray(v)) for (const x of v) out.push([name, x]);
  }
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
 * A fetch-shaped function over `dispatcher` (default: undici's global dispatcher, which Node's own
 * fetch shares) that sends exactly the header list it is given, follows no redirect and resolves
 * with the response as soon as its headers arrive. Failures reject as fetch's do
 * (`TypeError: fetch failed` with the cause; an abort with the signal's reason).
 */
export function dispatcherTransport(dispatcher?: Dispatcher): typeof globalThis.fetch {
  const transport = async (input: string | URL | Request, init: TransportInit = {}): Promise<Response> => {
    const url =
      typeof input === 'string' ? new URL(input) : input instanceof URL ? input : new URL(input.url);
    if (url.protocol !== 'http:' && url.protocol !== 'https:') return globalThis.fetch(input, init);
    const signal = init.signal ?? undefined;
    if (signal?.aborted) throw abortReason(signal);
    const method = init.method ?? 'GET';
    let data: Dispatcher.ResponseData;
    try {
      data = await (dispatcher ?? getGlobalDispatcher()).request({
        origin: url.origin,
        path: url.pathname + url.search,
        method: method as Dispatcher.HttpMethod,
        headers: requestHeaders(init, url.protocol === 'https:'),
        body: requestBody(init.body),
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
    let body: AsyncIterable<Uint8Array> | null = data.body;
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
          body = (pipeline as (...s: unknown[]) => NodeJS.ReadableStream)(data.body, ...chain, () => {
            // an error reaches the reader through the last stream
          }) as unknown as AsyncIterable<Uint8Array>;
        }
      }
    }
    // Node's Response takes an async iterable as a body; status outside 200-599 cannot be constructed.
    const inRange = status >= 200 && status <= 599;
    let res: Response;
    try {
      res = new Response(body as BodyInit | null, {
        status: inRange ? status : 200,
        statusText: data.statusText ?? '',
        headers,
      });
    } catch {
      try {
        // A reason phrase Response refuses: keep the exchange, drop the phrase.
        res = new Response(body as BodyInit | null, { status: inRange ? status : 200, headers });
      } catch (err) {
        data.body.dump().catch(ignore);
        throw failed(err);
      }
    }
    if (!inRange) {
      Object.defineProperty(res, 'status', { value: status, enumerable: true });
      Object.defineProperty(res, 'ok', { value: false, enumerable: true });
    }
    return res;
  };
  return transport as typeof globalThis.fetch;
}
