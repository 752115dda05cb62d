/**
 * A `RequestView` over node's `IncomingMessage`, for every Node-based adapter (node, Express, Koa,
 * Fastify) and the proxy. Types only from node:http: nothing Node is loaded here.
 */
import type { IncomingMessage } from 'node:http';
import type { RequestView } from './decision.js';

/**
 * A `RequestView` over node's `IncomingMessage`. It reads the header lines as received
 * (`rawHeaders`), so that repeated lines are joined as the view's contract says: with ", " (`cookie`
 * with "; "), for every name, and a core sees a repeated `Host` or `Referer` rather than only its
 * first line (node's `req.headers` keeps the first). (It does not save node building `req.headers`:
 * node's own server reads `Host` and `Expect` from it for every HTTP/1.1 request.) A request object
 * without `rawHeaders` (a test double) is read through `headers`.
 */
export class NodeRequestView implements RequestView {
  readonly method: string;
  readonly #req: IncomingMessage;
  /**
   * @param method judge the request as this method instead of its own (the proxy judges a
   *   WebSocket upgrade as the GET it is sent as).
   */
  constructor(req: IncomingMessage, method?: string) {
    this.#req = req;
    this.method = method ?? req.method ?? 'GET';
  }
  /** `name` is lower-case, as every caller passes it. */
  header(name: string): string | null {
    const raw = this.#req.rawHeaders as string[] | undefined;
    if (raw === undefined || raw === null) return nodeHeader(this.#req.headers?.[name]);
    const length = name.length;
    let found: string | null = null;
    for (let i = 0; i + 1 < raw.length; i += 2) {
      const n = raw[i]!;
      if (n.length !== length || (n !== name && !sameName(n, name))) continue;
      const v = raw[i + 1]!;
      found = found === null ? v : `${found}${name === 'cookie' ? '; ' : ', '}${v}`;
    }
    return found;
  }
  get url(): string {
    return this.#req.url ?? '/';
  }
}

// The last received name that matched, and its lower case. Every browser names the line `Origin`:
// remembering it saves the `toLowerCase` (a new string) on nearly every request, since comparing
// two short strings allocates nothing. corsMiddleware in node:http: 15,747 -> 15,618 instructions
// per request (bench/http-ir.ts; the `view` variant alone moved from 14,895 only to 14,891, and to
// 14,757 when any last name was remembered). Only a match is remembered, so that the other names
// of the same length a browser sends (`Accept`, `Cookie`) do not push it out. (Comparing first
// letters before lower-casing, to skip those without allocating, cost more: `view` 14,946.)
let lastName = '';
let lastLower = '';

/** Whether `received` lower-cased equals `lower`. */
function sameName(received: string, lower: string): boolean {
  if (received === lastName) return lastLower === lower;
  const lowered = received.toLowerCase();
  if (lowered !== lower) return false;
  lastName = received;
  lastLower = lowered;
  return true;
}

/** Node's IncomingHttpHeaders value, joined the way the view promises. */
export function nodeHeader(value: string | string[] | undefined): string | null {
  if (value === undefined) return null;
  return typeof value === 'string' ? value : value.join(', ');
}
