/**
 * The node:http glue shared by `crossorigin/node` and `crossorigin/express`: a request view over
 * `IncomingMessage`, and a decision applied to `ServerResponse`, with `Vary` kept merged even when
 * the application sets it later. Private: not exported from the package.
 */
import type { IncomingMessage, OutgoingHttpHeader, ServerResponse } from 'node:http';
import {
  bodyType,
  decide,
  endStatus,
  type Glue,
  type HttpDecision,
  hasBody,
  isThenable,
  mergeVary,
  nodeHeader,
  type RequestView,
  report,
} from './_shared.js';

/** A `(req, res, next?)` middleware, usable with node:http, Connect and Express. */
export type NodeMiddleware = (
  req: IncomingMessage,
  res: ServerResponse,
  next?: (error?: unknown) => void,
) => void;

/** A `RequestView` over node's `IncomingMessage` (repeated header lines are already joined). */
export class NodeRequestView implements RequestView {
  readonly method: string;
  readonly #req: IncomingMessage;
  constructor(req: IncomingMessage) {
    this.#req = req;
    this.method = req.method ?? 'GET';
  }
  header(name: string): string | null {
    return nodeHeader(this.#req.headers[name]);
  }
  get url(): string {
    return this.#req.url ?? '/';
  }
}

const kVary = Symbol('crossorigin.vary');

/** What a response whose decision had Vary names remembers, to merge them again at writeHead. */
interface VaryState {
  /** The names our decisions added. */
  names: string[];
  /** The Vary value we last set (when the header still equals it, nothing needs merging). */
  value: string;
  /** The response's own writeHead. */
  writeHead: ServerResponse['writeHead'];
}

interface VaryKeepingResponse extends ServerResponse {
  [kVary]?: VaryState;
}

function isVary(name: string): boolean {
  return name.length === 4 && name.toLowerCase() === 'vary';
}

type HeaderArg = Record<string, OutgoingHttpHeader | undefined> | (string | string[])[] | undefined;

/** Headers passed to writeHead with their Vary merged (a copy), or null when they carry no Vary. */
function mergeVaryInto(headers: HeaderArg, names: readonly string[]): HeaderArg | null {
  if (headers === undefined || headers === null || typeof headers !== 'object') return null;
  if (Array.isArray(headers)) {
    // Flat [name, value, name, value, …]: fold every Vary line into one, merged.
    const lines: (string | string[])[] = [];
    const rest: (string | string[])[] = [];
    for (let i = 0; i + 1 < headers.length; i += 2) {
      const name = headers[i];
      if (typeof name === 'string' && isVary(name)) lines.push(headers[i + 1]!);
      else rest.push(headers[i]!, headers[i + 1]!);
    }
    if (lines.length === 0) return null;
    rest.push('vary', mergeVary(lines.flat(), names));
    return rest;
  }
  let key: string | undefined;
  for (const k of Object.keys(headers)) if (isVary(k)) key = k;
  if (key === undefined) return null;
  const copy: Record<string, OutgoingHttpHeader | undefined> = { ...headers };
  copy[key] = mergeVary(headers[key] as string | string[] | number | undefined, names);
  return copy;
}

// Installed on a response whose decision had Vary names. Every way of sending headers ends here
// (res.end and res.write call writeHead implicitly), so whatever the application did to Vary in the
// meantime (setHeader, Express's res.set/res.vary/res.append, removeHeader, or a Vary passed to
// writeHead itself) is merged with our names exactly once, just before the headers go out.
function writeHeadKeepingVary(
  this: VaryKeepingResponse,
  statusCode: number,
  reason?: unknown,
  headers?: unknown,
): ServerResponse {
  const state = this[kVary]!;
  if (!this.headersSent) {
    const explicit = typeof reason === 'string' ? headers : reason;
    const merged = explicit === undefined ? null : mergeVaryInto(explicit as HeaderArg, state.names);
    if (merged !== null) {
      if (typeof reason === 'string') headers = merged;
      else reason = merged;
      if (this.hasHeader('vary')) this.removeHeader('vary');
    } else {
      const current = this.getHeader('vary');
      if (current !== state.value) this.setHeader('vary', mergeVary(current, state.names));
    }
  }
  return (state.writeHead as (s: number, r?: unknown, h?: unknown) => ServerResponse).call(
    this,
    statusCode,
    reason,
    headers,
  );
}

/** The Vary value for `names` over an existing value (fast path: nothing there yet). */
function varyValue(existing: OutgoingHttpHeader | undefined, names: readonly string[]): string {
  if (existing === undefined && names.length === 1) return names[0]!;
  return mergeVary(existing, names);
}

function keepVary(res: VaryKeepingResponse, names: readonly string[], value: string): void {
  const state = res[kVary];
  if (state) {
    // A second middleware (CORS then CSRF) on the same response: copy, then add.
    const all = [...state.names];
    for (const n of names) if (!all.includes(n)) all.push(n);
    state.names = all;
    state.value = value;
    return;
  }
  res[kVary] = { names: names as string[], value, writeHead: res.writeHead };
  res.writeHead = writeHeadKeepingVary as ServerResponse['writeHead'];
}

/**
 * Applies a decision to a node response. Returns true when the response was ended. Throws only if
 * the response refuses the headers (e.g. they were already sent); callers catch.
 */
function apply(res: ServerResponse, d: HttpDecision): boolean {
  if (res.headersSent) throw new Error('crossorigin: headers already sent; the middleware ran too late');
  for (const [name, value] of d.headers) res.setHeader(name, value);
  if (d.vary.length > 0) {
    const value = varyValue(res.getHeader('vary'), d.vary);
    res.setHeader('vary', value);
    if (!d.end) keepVary(res, d.vary, value);
  }
  if (!d.end) return false;
  const status = endStatus(d);
  res.statusCode = status;
  if (hasBody(d, status)) {
    res.setHeader('content-type', bodyType(d));
    res.setHeader('content-length', Buffer.byteLength(d.body));
    res.end(d.body);
  } else {
    if (status !== 204 && status !== 304) res.setHeader('content-length', '0');
    res.end();
  }
  return true;
}

/** Applies a decision; on failure reports it and applies the glue's fallback. True when ended. */
function applySafely(glue: Glue, view: RequestView, res: ServerResponse, d: HttpDecision): boolean {
  try {
    return apply(res, d);
  } catch (error) {
    report(glue, error, view);
    if (res.writableEnded) return true;
    if (res.headersSent) {
      // Too late for any answer: close the response rather than let the application write into it.
      if (glue.failure.end) res.end();
      return glue.failure.end;
    }
    try {
      return apply(res, glue.failure);
    } catch {
      return true;
    }
  }
}

/** Runs a glue on a request; true when the response is finished. Never throws or rejects. */
export function handleWith(
  glue: Glue,
  req: IncomingMessage,
  res: ServerResponse,
): boolean | Promise<boolean> {
  const view = new NodeRequestView(req);
  const d = decide(glue, view);
  if (isThenable<HttpDecision>(d)) return d.then((decision) => applySafely(glue, view, res, decision));
  return applySafely(glue, view, res, d);
}

/** Builds a `(req, res, next?)` middleware from a glue. */
export function middlewareWith(glue: Glue): NodeMiddleware {
  return function crossoriginMiddleware(req, res, next) {
    const done = handleWith(glue, req, res);
    if (done === false) {
      next?.();
    } else if (done !== true) {
      done.then(
        (ended) => {
          if (!ended) next?.();
        },
        (error: unknown) => report(glue, error, new NodeRequestView(req)),
      );
    }
  };
}
