/**
 * The node:http glue shared by `crossorigin/node` and `crossorigin/express`: a request view over
 * `IncomingMessage`, and a decision applied to `ServerResponse`, with `Vary` kept merged even when
 * the application sets it later. Private: not exported from the package.
 */
import { type IncomingMessage, type OutgoingHttpHeader, ServerResponse } from 'node:http';
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

/**
 * A `RequestView` over node's `IncomingMessage`. It reads the header lines as received
 * (`rawHeaders`) and joins EVERY repeated line with ", " (`cookie` with "; "), as the view's
 * contract says: unlike `req.headers`, which keeps only the first `Host` or `Referer` line (so a
 * second `Host` could not be seen, and the CSRF guard must see it to refuse it). It does not make node build
 * `req.headers` (node builds that object on first access, for every header of the request: a cost
 * a handler that never reads it does not otherwise pay). A request object without `rawHeaders`
 * (a test double) is read through `headers`.
 */
export class NodeRequestView implements RequestView {
  readonly method: string;
  readonly #req: IncomingMessage;
  constructor(req: IncomingMessage) {
    this.#req = req;
    this.method = req.method ?? 'GET';
  }
  /** `name` is lower-case, as every caller passes it. */
  header(name: string): string | null {
    const raw = this.#req.rawHeaders as string[] | undefined;
    if (raw === undefined || raw === null) return nodeHeader(this.#req.headers?.[name]);
    const length = name.length;
    let found: string | null = null;
    for (let i = 0; i + 1 < raw.length; i += 2) {
      const n = raw[i]!;
      if (n.length !== length || (n !== name && n.toLowerCase() !== name)) continue;
      const v = raw[i + 1]!;
      if (found === null) {
        found = v;
      } else {
        found = `${found}${name === 'cookie' ? '; ' : ', '}${v}`;
      }
    }
    return found;
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

type WriteHead = (statusCode: number, reason?: unknown, headers?: unknown) => ServerResponse;

/**
 * Merges our Vary names into what is about to be sent, just before the headers go out: into the
 * headers passed to writeHead itself when they carry a Vary, else into the response's Vary unless it
 * still equals `unchanged` (what we set). Returns the writeHead arguments to pass on.
 */
function varyBeforeWriteHead(
  res: ServerResponse,
  names: readonly string[],
  unchanged: string,
  reason: unknown,
  headers: unknown,
): [unknown, unknown] {
  if (res.headersSent) return [reason, headers];
  const explicit = typeof reason === 'string' ? headers : reason;
  const merged = explicit === undefined ? null : mergeVaryInto(explicit as HeaderArg, names);
  if (merged !== null) {
    if (res.hasHeader('vary')) res.removeHeader('vary');
    return typeof reason === 'string' ? [reason, merged] : [merged, headers];
  }
  const current = res.getHeader('vary');
  if (current !== unchanged) {
    const value = mergeVary(current, names);
    if (value !== current) res.setHeader('vary', value);
  }
  return [reason, headers];
}

// Installed on a response whose decision had Vary names. Every way of sending headers ends here
// (res.end and res.write call writeHead implicitly), so whatever the application did to Vary in the
// meantime (setHeader, Express's res.set/res.vary/res.append, removeHeader, or a Vary passed to
// writeHead itself) is merged with our names exactly once, just before the headers go out.
//
// The common case costs one property on the response and no allocation: a decision's Vary names
// are a frozen array shared by every request it answers, so one wrapper per array knows the names,
// and the response's writeHead is node's own (also behind Express's response prototype). Anything
// else (a writeHead another library wrapped or overrode, names that are not frozen, a second
// middleware adding other names) keeps its state on the response under a symbol.

/** node's writeHead, as found when this module loaded. */
const nodeWriteHead = ServerResponse.prototype.writeHead as WriteHead;

const kNames = Symbol('crossorigin.varyNames');
type SharedWriteHead = WriteHead & { [kNames]: readonly string[] };

const sharedWrappers = new WeakMap<readonly string[], SharedWriteHead>();
let lastNames: readonly string[] | null = null;
let lastWrapper: SharedWriteHead | null = null;

function sharedWrapper(names: readonly string[]): SharedWriteHead | null {
  if (names === lastNames) return lastWrapper;
  if (!Object.isFrozen(names)) return null;
  let wrapper = sharedWrappers.get(names);
  if (wrapper === undefined) {
    const joined = mergeVary(undefined, names);
    wrapper = function writeHeadKeepingVary(
      this: ServerResponse,
      statusCode: number,
      reason?: unknown,
      headers?: unknown,
    ): ServerResponse {
      if (reason === undefined && headers === undefined) {
        // The common case (res.end() or res.write() sending the headers implicitly).
        if (!this.headersSent) {
          const current = this.getHeader('vary');
          if (current !== joined) {
            const value = mergeVary(current, names);
            if (value !== current) this.setHeader('vary', value);
          }
        }
        return nodeWriteHead.call(this, statusCode);
      }
      const args = varyBeforeWriteHead(this, names, joined, reason, headers);
      return nodeWriteHead.call(this, statusCode, args[0], args[1]);
    } as SharedWriteHead;
    wrapper[kNames] = names;
    sharedWrappers.set(names, wrapper);
  }
  lastNames = names;
  lastWrapper = wrapper;
  return wrapper;
}

function writeHeadKeepingVaryState(
  this: VaryKeepingResponse,
  statusCode: number,
  reason?: unknown,
  headers?: unknown,
): ServerResponse {
  const state = this[kVary]!;
  const args = varyBeforeWriteHead(this, state.names, state.value, reason, headers);
  return (state.writeHead as WriteHead).call(this, statusCode, args[0], args[1]);
}

const joinedVaries = new WeakMap<readonly string[], string>();
let lastJoinedNames: readonly string[] | null = null;
let lastJoined = '';

/**
 * The Vary value for `names` over an existing value. With nothing set yet (the common case), a
 * frozen list (a core's decisions share one per policy) is joined once and remembered.
 */
export function varyValue(existing: OutgoingHttpHeader | undefined, names: readonly string[]): string {
  if (existing !== undefined) return mergeVary(existing, names);
  if (names.length === 1) return names[0]!;
  if (names === lastJoinedNames) return lastJoined;
  if (!Object.isFrozen(names)) return mergeVary(undefined, names);
  let joined = joinedVaries.get(names);
  if (joined === undefined) {
    joined = mergeVary(undefined, names);
    joinedVaries.set(names, joined);
  }
  lastJoinedNames = names;
  lastJoined = joined;
  return joined;
}

function keepVary(res: VaryKeepingResponse, names: readonly string[], value: string): void {
  const current = res.writeHead as WriteHead | SharedWriteHead;
  if (current === nodeWriteHead) {
    // Nobody wrapped or overrode it: the shared wrapper calls node's writeHead itself.
    const wrapper = sharedWrapper(names);
    if (wrapper !== null) {
      res.writeHead = wrapper as ServerResponse['writeHead'];
      return;
    }
  }
  const state = res[kVary];
  if (state !== undefined && current === writeHeadKeepingVaryState) {
    // A second middleware (CORS then CSRF) on the same response: copy, then add.
    const all = [...state.names];
    for (const n of names) if (!all.includes(n)) all.push(n);
    state.names = all;
    state.value = value;
    return;
  }
  const shared = (current as Partial<SharedWriteHead>)[kNames];
  if (shared !== undefined) {
    // Our shared wrapper is there already (a second middleware): one state with every name.
    if (shared === names) return;
    const all = [...shared];
    for (const n of names) if (!all.includes(n)) all.push(n);
    res[kVary] = { names: all, value, writeHead: nodeWriteHead as ServerResponse['writeHead'] };
  } else {
    res[kVary] = { names: names as string[], value, writeHead: current as ServerResponse['writeHead'] };
  }
  res.writeHead = writeHeadKeepingVaryState as ServerResponse['writeHead'];
}

/**
 * Applies a decision to a node response. Returns true when the response was ended. Throws only if
 * the response refuses the headers (e.g. they were already sent); callers catch.
 */
function apply(res: ServerResponse, d: HttpDecision): boolean {
  if (res.headersSent) throw new Error('crossorigin: headers already sent; the middleware ran too late');
  const headers = d.headers;
  for (let i = 0; i < headers.length; i++) {
    const header = headers[i]!;
    res.setHeader(header[0], header[1]);
  }
  const names = d.vary;
  if (names.length > 0) {
    const value = varyValue(res.getHeader('vary'), names);
    res.setHeader('vary', value);
    if (!d.end) keepVary(res, names, value);
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
