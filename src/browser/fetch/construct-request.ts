/**
 * `new Request(input, init)` as the page's fetch() runs it: the request normalized once (method,
 * header list through the guard, the body's type as `Content-Type`), the refusals the constructor
 * throws, and the body extracted to bytes.
 * https://fetch.spec.whatwg.org/#dom-request
 */
import { requestConstructorRefusal } from '../classify.js';
import { normalizeRequest } from '../request.js';
import type { BodyKind, Initiator } from '../types.js';
import type { FetchContext, FetchParams } from './context.js';

/** `RequestInit` plus what a page's API implies: who made the request. */
export interface BrowserRequestInit extends RequestInit {
  /** Default `fetch`; `XMLHttpRequest` changes the console text as Chromium's does. */
  initiator?: Initiator;
}

function bodyKindOf(body: unknown): BodyKind {
  if (body === undefined || body === null) return 'none';
  if (typeof body === 'string') return 'string';
  if (body instanceof URLSearchParams || body instanceof FormData) return 'form';
  if (body instanceof ReadableStream) return 'stream';
  return 'blob';
}

/** The entries of a `HeadersInit`, in order, names and values as given. */
function headerInitEntries(init: HeadersInit | undefined | null): [string, string][] {
  if (init === undefined || init === null) return [];
  if (init instanceof Headers) return [...init];
  if (Array.isArray(init)) return init.map((pair) => [String(pair[0]), String(pair[1])]);
  return Object.entries(init as Record<string, string>).map(([n, v]) => [n, String(v)]);
}

/** A body extracted: its type (or null) and a way to read its bytes once the request stands. */
interface ExtractedBody {
  type: string | null;
  read: () => Promise<BodyInit | null>;
}

const encoder = new TextEncoder();

/**
 * Extracts a body (the type first, the bytes when asked): a string or URLSearchParams is UTF-8
 * text, a Blob keeps its type, a buffer has none; FormData (and anything else fetch() accepts)
 * goes through a Response, which writes the multipart body and its boundary.
 * https://fetch.spec.whatwg.org/#concept-bodyinit-extract
 */
function extractBody(body: unknown): ExtractedBody {
  if (typeof body === 'string') {
    return { type: 'text/plain;charset=UTF-8', read: async () => encoder.encode(body) };
  }
  if (body instanceof URLSearchParams) {
    const text = body.toString();
    return {
      type: 'application/x-www-form-urlencoded;charset=UTF-8',
      read: async () => encoder.encode(text),
    };
  }
  if (body instanceof Blob) {
    return {
      type: body.type === '' ? null : body.type,
      read: async () => new Uint8Array(await body.arrayBuffer()),
    };
  }
  if (body instanceof ArrayBuffer) return { type: null, read: async () => new Uint8Array(body.slice(0)) };
  if (ArrayBuffer.isView(body)) {
    const copy = new Uint8Array(body.byteLength);
    copy.set(new Uint8Array(body.buffer, body.byteOffset, body.byteLength));
    return { type: null, read: async () => copy };
  }
  const res = new Response(body as BodyInit);
  return { type: res.headers.get('content-type'), read: async () => new Uint8Array(await res.arrayBuffer()) };
}

/**
 * The fetch params for a page's `fetch(input, init)`: the request normalized once, and its body.
 * Throws the TypeError `new Request()` would throw (an invalid URL, method or header; a forbidden
 * method; a method no-cors refuses; a body on GET or HEAD).
 * https://fetch.spec.whatwg.org/#dom-request
 */
export async function constructRequest(
  ctx: FetchContext,
  input: string | URL | Request,
  init: BrowserRequestInit,
): Promise<FetchParams> {
  const source = input instanceof Request ? input : null;
  const rawBody = init.body !== undefined ? init.body : source ? source.body : null;
  // A Request given as input keeps its body as it is (a stream of its bytes, not a stream body).
  const sourceBody = source?.body != null && init.body === undefined;
  const bodyKind: BodyKind = sourceBody ? 'blob' : bodyKindOf(rawBody);
  const extracted = bodyKind === 'none' || bodyKind === 'stream' || sourceBody ? null : extractBody(rawBody);
  const mode = (init.mode ?? (source ? source.mode : 'cors')) as string;
  // 5-33. The request: URL, method, mode, credentials, redirect mode, and the header list through
  //       the guard; 36: the body's type as `Content-Type` when the headers have none.
  const n = normalizeRequest(
    {
      url: source ? source.url : input instanceof URL ? input.href : String(input),
      origin: ctx.origin,
      method: init.method ?? source?.method ?? 'GET',
      headers: headerInitEntries(init.headers ?? source?.headers),
      mode: (mode === 'navigate' ? 'cors' : mode) as 'cors',
      credentials: (init.credentials ?? source?.credentials ?? 'same-origin') as 'same-origin',
      redirect: (init.redirect ?? source?.redirect ?? 'follow') as 'follow',
      body: bodyKind,
      initiator: init.initiator ?? 'fetch',
      ...(extracted?.type ? { bodyType: extracted.type } : {}),
    },
    ctx.profile,
  );
  if (!n.ok) throw new TypeError(n.problem);
  const request = n.request;
  // 25. A forbidden method; 32. a method "no-cors" does not allow: throw a TypeError.
  const refusal = requestConstructorRefusal(request, ctx.profile);
  if (refusal !== null) {
    ctx.emit({ type: 'blocked', error: refusal });
    throw new TypeError(refusal.message, { cause: refusal });
  }
  // 34. A body with a GET or HEAD request: throw a TypeError.
  if (rawBody !== null && rawBody !== undefined && (request.method === 'GET' || request.method === 'HEAD'))
    throw new TypeError('Request with GET/HEAD method cannot have body.');
  let body: BodyInit | null = null;
  if (bodyKind === 'stream' || sourceBody) body = rawBody as ReadableStream;
  else if (extracted !== null) body = await extracted.read();
  return { request, body, signal: init.signal ?? null, redirectCount: 0 };
}
