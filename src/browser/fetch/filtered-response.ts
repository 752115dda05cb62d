/**
 * Filtered responses: what the page sees of the transport's Response. A basic or CORS filtered
 * response keeps the body and status but only the readable headers; an opaque (no-cors) or
 * opaque-redirect filtered response has status 0, no headers and no body.
 * https://fetch.spec.whatwg.org/#concept-filtered-response
 */
import {
  byteLowercase,
  CORS_SAFELISTED_RESPONSE_HEADER_NAMES,
  extractHeaderListValues,
} from '../../_fetch/index.js';
import type { NormalizedRequest, ResponseTainting } from '../types.js';

/** The response headers the CORS algorithm reads (besides the safelisted and exposed ones). */
const CORS_RESPONSE_HEADERS = [
  'access-control-allow-origin',
  'access-control-allow-credentials',
  'access-control-expose-headers',
  'location',
];

/** The names a compact header list reads when there is no `Access-Control-Expose-Headers`. */
const COMPACT_HEADER_NAMES: readonly string[] = [
  ...CORS_RESPONSE_HEADERS,
  ...CORS_SAFELISTED_RESPONSE_HEADER_NAMES,
];

/** What the checks of an opaque answer read besides (CORP; ORB: `Content-Type` is safelisted, `nosniff`). */
const OPAQUE_HEADER_NAMES: readonly string[] = [
  ...COMPACT_HEADER_NAMES,
  'cross-origin-resource-policy',
  'x-content-type-options',
];

/**
 * A shorter header list for a `cors` or `opaque` response when nobody looks at every header: the
 * headers the algorithm reads, the CORS-safelisted response headers and those named in
 * `Access-Control-Expose-Headers`. Null when every header may be readable (a basic response, or
 * `Access-Control-Expose-Headers: *` without credentials): then the full list is needed.
 */
export function compactHeaderList(
  res: Response,
  req: NormalizedRequest,
  tainting: ResponseTainting,
): [string, string][] | null {
  if (tainting === 'basic') return null;
  const h = res.headers;
  const aceh = h.get('access-control-expose-headers');
  let names: Iterable<string> = tainting === 'opaque' ? OPAQUE_HEADER_NAMES : COMPACT_HEADER_NAMES;
  if (aceh !== null) {
    const parsed = extractHeaderListValues([aceh], 'field-name');
    if (parsed?.ok) {
      if (req.credentials !== 'include' && parsed.values.includes('*')) return null;
      const set = new Set<string>(CORS_RESPONSE_HEADERS);
      for (const v of parsed.values) set.add(byteLowercase(v));
      for (const n of tainting === 'opaque' ? OPAQUE_HEADER_NAMES : CORS_SAFELISTED_RESPONSE_HEADER_NAMES)
        set.add(n);
      names = set;
    }
  }
  const out: [string, string][] = [];
  for (const n of names) {
    if (n === 'set-cookie') continue;
    const v = n === 'access-control-expose-headers' ? aceh : h.get(n);
    if (v !== null) out.push([n, v]);
  }
  return out;
}

/** A Response's full header list (`set-cookie` lines one by one). */
export function responseHeaderList(res: Response): [string, string][] {
  const out: [string, string][] = [];
  for (const [n, v] of res.headers) if (n !== 'set-cookie') out.push([n, v]);
  for (const c of res.headers.getSetCookie()) out.push(['set-cookie', c]);
  return out;
}

/** Drops a body nobody will read. */
export async function discard(res: Response): Promise<void> {
  try {
    await res.body?.cancel();
  } catch {
    // the body is unwanted; a failure to cancel it changes nothing
  }
}

/** What the page sees of a transport's Response: the filtered response's type, URL, redirected flag and readable headers. */
interface PresentedState {
  type: ResponseTainting;
  url: string;
  redirected: boolean;
  headers: Headers;
}

const PRESENTED: unique symbol = Symbol('crossorigin.presented');
type PresentedResponse = Response & { [PRESENTED]: PresentedState };

/**
 * One prototype per transport Response prototype: getters for the filtered response's fields and
 * a `clone()` that keeps them. Changing an object's prototype to a cached one is far cheaper than
 * defining own properties on every response.
 */
const PRESENTED_PROTOTYPES = new WeakMap<object, object>();

function getter(get: (state: PresentedState) => unknown): PropertyDescriptor {
  return {
    get(this: Response) {
      return get((this as PresentedResponse)[PRESENTED]);
    },
    configurable: true,
  };
}

function presentedPrototype(base: object): object {
  let proto = PRESENTED_PROTOTYPES.get(base);
  if (proto !== undefined) return proto;
  const clone = (base as Response).clone;
  proto = Object.create(base, {
    type: getter((s) => s.type),
    url: getter((s) => s.url),
    redirected: getter((s) => s.redirected),
    headers: getter((s) => s.headers),
    clone: {
      value: function clonePresented(this: Response): Response {
        const s = (this as PresentedResponse)[PRESENTED];
        return present(clone.call(this), s, new Headers(s.headers));
      },
      writable: true,
      configurable: true,
    },
  }) as object;
  PRESENTED_PROTOTYPES.set(base, proto);
  return proto;
}

/**
 * A basic or CORS filtered response: the transport's Response with the same body and status, but
 * only the readable headers and the filtered response's type, URL and redirected flag (`clone()`
 * keeps them).
 * https://fetch.spec.whatwg.org/#concept-filtered-response-basic
 */
export function present(
  res: Response,
  props: { type: ResponseTainting; url: string; redirected: boolean },
  headers: Headers,
): Response {
  (res as PresentedResponse)[PRESENTED] = {
    type: props.type,
    url: props.url,
    redirected: props.redirected,
    headers,
  };
  Object.setPrototypeOf(res, presentedPrototype(Object.getPrototypeOf(res) as object));
  return res;
}

/**
 * An opaque filtered response (no-cors) or opaque-redirect filtered response: status 0, no headers,
 * no body. https://fetch.spec.whatwg.org/#concept-filtered-response-opaque
 */
export function opaqueResponse(type: 'opaque' | 'opaqueredirect', url: string): Response {
  const res = Response.error();
  const props = { type, url: type === 'opaque' ? '' : url, redirected: false };
  for (const [k, v] of Object.entries(props)) Object.defineProperty(res, k, { value: v, enumerable: true });
  return res;
}
