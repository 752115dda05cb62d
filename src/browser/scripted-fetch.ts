/**
 * A fetch that answers from a script instead of the network, for tests and for tools that replay a
 * recorded exchange through `createBrowserFetch` (the CLI's `check --offline`, the lab). It answers
 * as the harness servers do (test/browsers/harness/servers.ts): a preflight (OPTIONS with
 * Access-Control-Request-Method) gets `preflight` (or a 404 without CORS headers), any other request
 * gets `hops['<host><path>']`, else `hops['<path>']`, else `actual`. The body is `ok`, with a
 * Content-Length, and `Connection: keep-alive` is added as node:http adds it (plus `extraHeaders`).
 */
import type { HeaderList } from './types.js';

export interface ScriptedAnswer {
  status: number;
  headers: HeaderList;
  /** Added as a `Location` header. */
  location?: string;
}

export interface ScriptedServer {
  preflight?: ScriptedAnswer;
  actual: ScriptedAnswer;
  hops?: Record<string, ScriptedAnswer>;
}

export interface ScriptedRequest {
  method: string;
  url: string;
  preflight: boolean;
  /** As sent, names as given. */
  headers: [string, string][];
  /** The body when it was sent as bytes (the engine's form for every body but a stream). */
  body?: Uint8Array;
}

const NO_CORS_PREFLIGHT: ScriptedAnswer = { status: 404, headers: [['Content-Type', 'text/plain']] };

/** A fetch over a scripted server; `log` receives every request it is asked for. */
export function createScriptedFetch(
  server: ScriptedServer,
  log: ScriptedRequest[] = [],
  extraHeaders: HeaderList = [],
): typeof globalThis.fetch {
  return (async (input: string | URL | Request, init?: RequestInit) => {
    const url = new URL(input instanceof Request ? input.url : String(input));
    const method = init?.method ?? (input instanceof Request ? input.method : 'GET');
    const headers = new Headers(init?.headers);
    const preflight = method === 'OPTIONS' && headers.has('access-control-request-method');
    log.push({
      method,
      url: url.href,
      preflight,
      headers: [...headers],
      ...(init?.body instanceof Uint8Array ? { body: init.body } : {}),
    });
    const hops = server.hops ?? {};
    const answer = preflight
      ? (server.preflight ?? NO_CORS_PREFLIGHT)
      : (hops[`${url.hostname}${url.pathname}`] ?? hops[url.pathname] ?? server.actual);
    const out = new Headers();
    for (const [n, v] of answer.headers) out.append(n, v);
    if (answer.location !== undefined) out.append('Location', answer.location);
    const nullBody = method === 'HEAD' || answer.status === 204 || answer.status === 304;
    const body = nullBody ? null : new TextEncoder().encode('ok');
    if (!out.has('content-length')) out.set('Content-Length', String(body === null ? 0 : body.length));
    out.set('Connection', 'keep-alive');
    for (const [n, v] of extraHeaders) out.append(n, v);
    return new Response(body, { status: answer.status, headers: out });
  }) as typeof globalThis.fetch;
}
