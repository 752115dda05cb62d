/**
 * Applying a decision to node's `ServerResponse`: written once for `crossorigin/node`, Express,
 * Koa's continuing requests and the proxy. Headers are set, `Vary` is merged with what the
 * application set (and kept merged until the headers go out), and an ending decision is answered.
 */
import type { IncomingMessage, ServerResponse } from 'node:http';
import { type PlainCopy, plainCopy } from '../_util/index.js';
import { type HttpDecision, mergeVary, type RequestView } from './decision.js';
import { keepVary, varyValue } from './node-vary.js';
import { NodeRequestView } from './node-view.js';
import { bodyType, decide, endStatus, type Glue, hasBody, isThenable, report } from './run.js';

/** A `(req, res, next?)` middleware, usable with node:http, Connect and Express. */
export type NodeMiddleware = (
  req: IncomingMessage,
  res: ServerResponse,
  next?: (error?: unknown) => void,
) => void;

/**
 * Applies a decision to a node response: sets its headers, merges its Vary names into the
 * response's `Vary` (and, when the request continues, keeps them merged until writeHead), and when
 * the decision ends the request answers it (status, body, length) and ends the response. Returns
 * `d.end`. Throws only if the response refuses the headers (they were already sent).
 */
export function applyDecision(res: ServerResponse, d: HttpDecision): boolean {
  const headers = d.headers;
  const names = d.vary;
  // A decision that sets something finds out from the response itself: node's setHeader throws
  // before setting anything once the headers went out. Asking `res.headersSent` first would be one
  // more property lookup on the response per request, which Express makes expensive (its responses
  // change shape on every request, so every lookup misses V8's caches: about 1,500 instructions).
  if ((d.end || (headers.length === 0 && names.length === 0)) && res.headersSent) throw tooLate();
  try {
    // Our policy's shared decisions carry unfrozen copies (see _util/plain-copy.ts).
    const plain = plainCopy(d);
    if (plain !== undefined && !d.end) return setPlain(res, plain, names);
    if (plain !== undefined) {
      const flat = plain.headers;
      for (let i = 0; i + 1 < flat.length; i += 2) res.setHeader(flat[i]!, flat[i + 1]!);
    } else {
      for (let i = 0; i < headers.length; i++) {
        const header = headers[i]!;
        res.setHeader(header[0], header[1]);
      }
    }
    if (names.length > 0) {
      const existing = res.getHeader('vary');
      const value = existing === undefined && plain !== undefined ? plain.vary : varyValue(existing, names);
      res.setHeader('vary', value);
      if (!d.end) keepVary(res, names, value);
    }
  } catch (error) {
    throw res.headersSent ? tooLate() : error;
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

/**
 * Sets a continuing decision's headers from its plain copy, then Vary, through ONE setHeader call
 * site: V8 inlines node's setHeader with its header checks at every site it inlines, and the
 * second site of the straightforward version did not fit its budget (the checks stayed calls).
 * corsMiddleware in node:http (bench/http-ir.ts, instructions per request, one bundle): 15,643
 * with both loops inline in applyDecision, 15,412 with this function (Express unchanged within
 * noise; see bench/results/zz-session-2026-12-04-evening-nodeperf2.md). Returns false (the request
 * continues).
 */
function setPlain(res: ServerResponse, plain: PlainCopy, names: readonly string[]): false {
  const flat = plain.headers;
  const n = flat.length;
  let vary = '';
  let count = n;
  if (names.length > 0) {
    // Read before anything is set: setting the decision's own headers never touches Vary.
    const existing = res.getHeader('vary');
    vary = existing === undefined ? plain.vary : varyValue(existing, names);
    count = n + 2;
  }
  for (let i = 0; i < count; i += 2) {
    const own = i < n;
    res.setHeader(own ? flat[i]! : 'vary', own ? flat[i + 1]! : vary);
  }
  if (count > n) keepVary(res, names, vary);
  return false;
}

function tooLate(): Error {
  return new Error('crossorigin: headers already sent; the middleware ran too late');
}

/**
 * Appends a decision's headers to a flat `[name, value, …]` header list (what `writeHead` takes),
 * with `Vary`: `vary` (the upstream's or the application's value, or null) merged with the
 * decision's names. Used where the whole head is written at once (the proxy).
 */
export function appendDecisionHeaders(out: string[], d: HttpDecision, vary: string | null): void {
  for (const [name, value] of d.headers) out.push(name, value);
  if (d.vary.length > 0) out.push('vary', mergeVary(vary, d.vary));
  else if (vary !== null) out.push('vary', vary);
}

/** Applies a decision; on failure reports it and applies the glue's fallback. True when ended. */
function applySafely(glue: Glue, view: RequestView, res: ServerResponse, d: HttpDecision): boolean {
  try {
    return applyDecision(res, d);
  } catch (error) {
    return recover(glue, view, res, error);
  }
}

// Apart from applySafely, which V8 inlines into the middleware: the less bytecode inlined there,
// the more of the application's own code (next()) still fits V8's inlining budget.
/** After applying a decision failed: reports it and applies the glue's fallback. True when ended. */
function recover(glue: Glue, view: RequestView, res: ServerResponse, error: unknown): boolean {
  report(glue, error, view);
  if (res.writableEnded) return true;
  if (res.headersSent) {
    // Too late for any answer: close the response rather than let the application write into it.
    if (glue.failure.end) res.end();
    return glue.failure.end;
  }
  try {
    return applyDecision(res, glue.failure);
  } catch {
    return true;
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
  if (isThenable<HttpDecision>(d)) return applyLater(glue, view, res, d);
  return applySafely(glue, view, res, d);
}

// The asynchronous continuations live in their own functions: a closure in the synchronous path
// would make V8 allocate a context for the captured variables on every request.

function applyLater(
  glue: Glue,
  view: RequestView,
  res: ServerResponse,
  d: PromiseLike<HttpDecision>,
): Promise<boolean> {
  return Promise.resolve(d).then((decision) => applySafely(glue, view, res, decision));
}

function continueLater(
  glue: Glue,
  req: IncomingMessage,
  done: Promise<boolean>,
  next: ((error?: unknown) => void) | undefined,
): void {
  done.then(
    (ended) => {
      if (!ended) next?.();
    },
    (error: unknown) => report(glue, error, new NodeRequestView(req)),
  );
}

/** Builds a `(req, res, next?)` middleware from a glue. */
export function middlewareWith(glue: Glue): NodeMiddleware {
  return function crossoriginMiddleware(req, res, next) {
    const done = handleWith(glue, req, res);
    if (done === false) {
      next?.();
    } else if (done !== true) {
      continueLater(glue, req, done, next);
    }
  };
}
