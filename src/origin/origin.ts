/**
 * Origins as the HTML Standard defines them, obtained from URLs as the URL Standard defines them.
 *
 * - origin: https://html.spec.whatwg.org/multipage/browsers.html#concept-origin
 * - URL's origin: https://url.spec.whatwg.org/#concept-url-origin
 * - serialization: https://html.spec.whatwg.org/multipage/browsers.html#ascii-serialisation-of-an-origin
 * - same origin: https://html.spec.whatwg.org/multipage/browsers.html#same-origin
 *
 * Parsing is Node's WHATWG `URL` (ada); nothing here parses a URL by hand.
 */

/** A tuple origin: scheme, host and port. `host` is serialized as the URL Standard does (punycode, IPv6 in brackets); `port` is null when it is the scheme's default. */
export type TupleOrigin = {
  readonly type: 'tuple';
  readonly scheme: string;
  readonly host: string;
  readonly port: number | null;
};

/** An opaque origin. Each one made is unique: two opaque origins are the same origin only if they have the same `id`. */
export type OpaqueOrigin = { readonly type: 'opaque'; readonly id: number };

export type Origin = TupleOrigin | OpaqueOrigin;

/** Schemes whose URLs have a tuple origin (URL Standard, "origin", the http/https/ws/wss/ftp branch). */
export const TUPLE_ORIGIN_SCHEMES: ReadonlySet<string> = new Set(['http', 'https', 'ws', 'wss', 'ftp']);

/** The URL Standard's default ports of the special schemes that have tuple origins. */
export const DEFAULT_PORTS: Readonly<Record<string, number>> = Object.freeze({
  http: 80,
  https: 443,
  ws: 80,
  wss: 443,
  ftp: 21,
});

let nextOpaqueId = 0;

/** A new opaque origin, different from every other one. */
export function opaqueOrigin(): OpaqueOrigin {
  nextOpaqueId += 1;
  return Object.freeze({ type: 'opaque', id: nextOpaqueId });
}

/** @internal Builds a frozen tuple origin from already-serialized parts (no validation). */
export function tupleOrigin(scheme: string, host: string, port: number | null): TupleOrigin {
  return Object.freeze({ type: 'tuple', scheme, host, port });
}

/**
 * The origin of a URL. https://url.spec.whatwg.org/#concept-url-origin
 *
 * Throws a `TypeError` when `url` is a string that is not a valid URL (misuse of the API; use
 * {@link parseOriginHeader} for untrusted header values).
 *
 * @example
 * parseOrigin('https://EXAMPLE.com:443/a?b') // { type: 'tuple', scheme: 'https', host: 'example.com', port: null }
 * parseOrigin('https://münchen.example')     // host: 'xn--mnchen-3ya.example'
 * parseOrigin('data:text/plain,hi')           // { type: 'opaque', id: <new> }
 */
export function parseOrigin(url: string | URL): Origin {
  if (url instanceof URL) return urlOrigin(url);
  // A URL object from another realm (vm context, another copy of undici) is read through its href.
  const text =
    typeof url === 'string'
      ? url
      : typeof url === 'object' && url !== null && typeof (url as { href?: unknown }).href === 'string'
        ? (url as { href: string }).href
        : undefined;
  if (text === undefined) throw new TypeError('parseOrigin: expected a URL string or a URL object');
  const parsed = URL.parse(text);
  if (parsed === null)
    throw new TypeError(`parseOrigin: not a valid URL: ${JSON.stringify(text.slice(0, 200))}`);
  return urlOrigin(parsed);
}

/** The URL Standard's origin getter on a parsed URL, step by step. */
function urlOrigin(url: URL): Origin {
  const scheme = url.protocol.slice(0, -1);
  // 1. Switch on url's scheme:
  switch (scheme) {
    // "blob"
    case 'blob': {
      // 1. If url's blob URL entry is non-null, return its environment's origin. (No blob URL store in Node.)
      // 2. Let pathURL be the result of parsing the result of URL path serializing url.
      const pathURL = URL.parse(url.pathname);
      // 3. If pathURL is failure, then return a new opaque origin.
      if (pathURL === null) return opaqueOrigin();
      // 4. If pathURL's scheme is "http", "https", or "file", then return pathURL's origin.
      //    (A file: URL's origin is a new opaque origin here, so only http(s) yields a tuple.)
      const inner = pathURL.protocol;
      if (inner === 'http:' || inner === 'https:' || inner === 'file:') return urlOrigin(pathURL);
      // 5. Return a new opaque origin.
      return opaqueOrigin();
    }
    // "ftp", "http", "https", "ws", "wss": return the tuple origin (url's scheme, host, port).
    case 'ftp':
    case 'http':
    case 'https':
    case 'ws':
    case 'wss':
      // Node's URL gives the serialized host (IPv6 in brackets, IDN in punycode) and '' for a default port.
      return tupleOrigin(scheme, url.hostname, url.port === '' ? null : Number(url.port));
    // "file": unfortunate as it is, this is left as an exercise to the reader. When in doubt, return a new opaque origin.
    // Otherwise: return a new opaque origin.
    default:
      return opaqueOrigin();
  }
}

/**
 * The ASCII serialization of an origin: `scheme://host[:port]`, or `null` for an opaque origin.
 * https://html.spec.whatwg.org/multipage/browsers.html#ascii-serialisation-of-an-origin
 */
export function serializeOrigin(origin: Origin): string {
  // 1. If origin is an opaque origin, then return "null".
  if (origin.type === 'opaque') return 'null';
  // 2-4. scheme, "://", host serialized.
  let result = `${origin.scheme}://${origin.host}`;
  // 5. If origin's port is non-null, append ":" and origin's port, serialized.
  if (origin.port !== null) result += `:${origin.port}`;
  // 6. Return result.
  return result;
}

/**
 * Same origin: https://html.spec.whatwg.org/multipage/browsers.html#same-origin
 *
 * Two distinct opaque origins are NOT the same origin, although both serialize to `null`.
 */
export function isSameOrigin(a: Origin, b: Origin): boolean {
  // 1. If A and B are the same opaque origin, then return true.
  if (a.type === 'opaque') return b.type === 'opaque' && a.id === b.id;
  if (b.type === 'opaque') return false;
  // 2. If A and B are both tuple origins and their schemes, hosts, and port are identical, then return true.
  // 3. Return false.
  return a.scheme === b.scheme && a.host === b.host && a.port === b.port;
}
