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
const kSetHeader = Symbol('crossorigin.setHeader');
const kAppendHeader = Symbol('crossorigin.appendHeader');

interface VaryKeepingResponse extends ServerResponse {
  [kVary]?: string[];
  [kSetHeader]?: ServerResponse['setHeader'];
  [kAppendHeader]?: ServerResponse['appendHeader'];
}

function isVary(name: string): boolean {
  return name.length === 4 && name.toLowerCase() === 'vary';
}

// Installed on a response whose decision had Vary names: a later `setHeader('Vary', …)` (directly,
// through Express's res.set/res.vary, or through writeHead(status, { vary })) keeps our names.
function setHeaderKeepingVary(
  this: VaryKeepingResponse,
  name: string,
  value: number | string | readonly string[],
): ServerResponse {
  const original = this[kSetHeader]!;
  if (typeof name === 'string' && isVary(name) && this[kVary]) {
    return original.call(this, name, mergeVary(value as string | readonly string[], this[kVary]));
  }
  return original.call(this, name, value);
}

// writeHead(status, [name, value, …]) and appendHeader go through appendHeader: fold into one line.
function appendHeaderKeepingVary(
  this: VaryKeepingResponse,
  name: string,
  value: string | readonly string[],
): ServerResponse {
  const original = this[kAppendHeader]!;
  if (typeof name === 'string' && isVary(name) && this[kVary]) {
    const existing = this.getHeader('vary');
    const lines: string[] = [];
    if (existing !== undefined) lines.push(...(Array.isArray(existing) ? existing : [String(existing)]));
    lines.push(...(Array.isArray(value) ? value : [String(value)]));
    return this[kSetHeader]!.call(this, 'vary', mergeVary(lines, this[kVary]));
  }
  return original.call(this, name, value);
}

function keepVary(res: VaryKeepingResponse, names: readonly string[]): void {
  const kept = res[kVary];
  if (kept) {
    for (const n of names) if (!kept.includes(n)) kept.push(n);
    return;
  }
  res[kVary] = [...names];
  res[kSetHeader] = res.setHeader;
  res.setHeader = setHeaderKeepingVary as ServerResponse['setHeader'];
  if (typeof res.appendHeader === 'function') {
    res[kAppendHeader] = res.appendHeader;
    res.appendHeader = appendHeaderKeepingVary as ServerResponse['appendHeader'];
  }
}

/**
 * Applies a decision to a node response. Returns true when the response was ended. Throws only if
 * the response refuses the headers (e.g. they were already sent); callers catch.
 */
function apply(res: ServerResponse, d: HttpDecision): boolean {
  if (res.headersSent) throw new Error('crossorigin: headers already sent; the middleware ran too late');
  for (const [name, value] of d.headers) res.setHeader(name, value);
  if (d.vary.length > 0) {
    res.setHeader('vary', mergeVary(res.getHeader('vary') as OutgoingHttpHeader | undefined, d.vary));
    keepVary(res, d.vary);
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
