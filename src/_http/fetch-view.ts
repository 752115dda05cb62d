/**
 * A `RequestView` over a Fetch `Request`: the fetch adapter, Hono on every runtime, and recipes for
 * frameworks built on Request/Response (Next.js, H3). No Node APIs.
 */
import type { RequestView } from './decision.js';

/**
 * A `RequestView` over a Fetch `Request`. `Headers#get` already joins repeated header lines with
 * ", ". The URL's path and query are computed only if a core asks.
 */
export class FetchRequestView implements RequestView {
  readonly method: string;
  readonly #request: Request;
  constructor(request: Request) {
    this.#request = request;
    this.method = request.method;
  }
  header(name: string): string | null {
    try {
      return this.#request.headers.get(name);
    } catch {
      // Headers#get throws on a name that is not a header name (e.g. HTTP/2's ':authority'):
      // such a header cannot be present.
      return null;
    }
  }
  get url(): string {
    return pathAndQuery(this.#request.url);
  }
}

/** The path and query of an absolute URL string (no fragment). */
export function pathAndQuery(absolute: string): string {
  const scheme = absolute.indexOf('://');
  const start = scheme < 0 ? -1 : absolute.indexOf('/', scheme + 3);
  if (start < 0) {
    const q = scheme < 0 ? -1 : absolute.indexOf('?', scheme + 3);
    return q < 0 ? '/' : `/${stripFragment(absolute.slice(q))}`;
  }
  return stripFragment(absolute.slice(start));
}

function stripFragment(s: string): string {
  const hash = s.indexOf('#');
  return hash < 0 ? s : s.slice(0, hash);
}
