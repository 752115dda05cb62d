/**
 * Keeping `Vary` merged on a node response: a decision's Vary names are merged again just before
 * the headers go out, whatever the application did to `Vary` in the meantime (setHeader, Express's
 * res.set/res.vary/res.append, removeHeader, or a Vary passed to writeHead itself).
 * https://www.rfc-editor.org/rfc/rfc9110#field.vary
 */
import type { OutgoingHttpHeader, ServerResponse } from 'node:http';
import { mergeVary } from './decision.js';

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
  mergeResponseVary(res, names, unchanged);
  return [reason, headers];
}

/**
 * Merges `names` into the response's own Vary unless the headers went out already or the value
 * still equals `unchanged` (what we set: merging it again would give it back).
 */
function mergeResponseVary(res: ServerResponse, names: readonly string[], unchanged: string): void {
  // Vary first: in the common case it is unchanged and `headersSent` is not asked (one property
  // lookup less on the response; see applyDecision in node.ts).
  const current = res.getHeader('vary');
  if (current === unchanged || res.headersSent) return;
  const value = mergeVary(current, names);
  if (value !== current) res.setHeader('vary', value);
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

/**
 * node's writeHead, as found when this module loaded. Reached through `process.getBuiltinModule`
 * (Node >= 20.16) rather than an import, so that this folder loads on runtimes without node:http
 * (the fetch adapter on Workers imports it too); there, no response ever reaches this code.
 */
const nodeWriteHead = (globalThis.process?.getBuiltinModule?.('node:http')?.ServerResponse.prototype
  .writeHead ?? null) as WriteHead | null;

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
    // node's writeHead held in this function's scope, not read from the module's: bundlers turn a
    // module's top-level `const` into `var`, which V8 cannot take as constant, and the call then
    // goes through the generic Function.prototype.call. From here V8 calls (and inlines) node's
    // writeHead directly: corsMiddleware in node:http 15,412 -> 15,295 instructions per request.
    const target = nodeWriteHead as WriteHead;
    wrapper = function writeHeadKeepingVary(
      this: ServerResponse,
      statusCode: number,
      reason?: unknown,
      headers?: unknown,
    ): ServerResponse {
      if (reason === undefined && headers === undefined) {
        // The common case (res.end() or res.write() sending the headers implicitly).
        mergeResponseVary(this, names, joined);
        return target.call(this, statusCode);
      }
      const args = varyBeforeWriteHead(this, names, joined, reason, headers);
      return target.call(this, statusCode, args[0], args[1]);
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

// Express gives every response its own prototype chain (app.response → express.response → node's
// ServerResponse.prototype). There, a property added to each response (the shared wrapper above, or
// any symbol) costs more than the whole CORS decision: measured in Express 5 without sockets, about
// 2-3 µs per request against ~0 for a WeakMap entry (BENCHMARKS.md, "Express without sockets"),
// since it gives every later access to the response a second object shape. So on such a chain the
// hook lives once on the framework's top prototype (the one directly above node's: shared by every
// app and mounted sub-app of that Express copy) and finds each response's names in a WeakMap; a
// response with no entry goes straight to node's writeHead. node's own prototype is never touched.

const nodeResponsePrototype = (
  nodeWriteHead === null ? null : globalThis.process.getBuiltinModule!('node:http').ServerResponse.prototype
) as object | null;

/**
 * node's writeHead as it is now, looked up at each call: the hook shadows node's prototype for every
 * response of that framework copy (ours or not), so whatever wrapped `ServerResponse.prototype.writeHead`
 * after this module loaded (an APM agent, an on-headers style library) must still run.
 */
function liveNodeWriteHead(): WriteHead {
  return (nodeResponsePrototype as { writeHead: WriteHead }).writeHead;
}

/** Vary names per response, for the prototype hook (responses are never given a property). */
const namesByResponse = new WeakMap<ServerResponse, readonly string[]>();

function writeHeadOnPrototype(
  this: ServerResponse,
  statusCode: number,
  reason?: unknown,
  headers?: unknown,
): ServerResponse {
  const names = namesByResponse.get(this);
  if (names === undefined) return liveNodeWriteHead().call(this, statusCode, reason, headers);
  let out: ServerResponse;
  if (reason === undefined && headers === undefined) {
    // The common case (res.end() or res.write() sending the headers implicitly): no arguments to
    // merge into, so only the response's own Vary, and no array for them.
    mergeResponseVary(this, names, varyValue(undefined, names));
    out = liveNodeWriteHead().call(this, statusCode, reason, headers);
  } else {
    const args = varyBeforeWriteHead(this, names, varyValue(undefined, names), reason, headers);
    out = liveNodeWriteHead().call(this, statusCode, args[0], args[1]);
  }
  // The head is built: the entry has done its work. Dropped now rather than by the collector, so
  // the map holds the responses in flight, not every response since the last collection (a weak
  // map's entries cost the collector per entry).
  namesByResponse.delete(this);
  return out;
}

/**
 * Puts the hook on the framework prototype directly above node's, when the response has one that
 * leaves writeHead to node; true when the hook is (now) what the response's writeHead resolves to.
 */
function hookPrototype(res: ServerResponse): boolean {
  if (nodeResponsePrototype === null) return false;
  let top = Object.getPrototypeOf(res) as object | null;
  if (top === nodeResponsePrototype) return false;
  while (top !== null) {
    const above = Object.getPrototypeOf(top) as object | null;
    if (above === nodeResponsePrototype) break;
    top = above;
  }
  if (top === null || Object.hasOwn(top, 'writeHead') || !Object.isExtensible(top)) return false;
  Object.defineProperty(top, 'writeHead', {
    value: writeHeadOnPrototype,
    writable: true,
    configurable: true,
    enumerable: false,
  });
  return res.writeHead === (writeHeadOnPrototype as unknown);
}

/** Remembers `names` for a response whose writeHead is the prototype hook (merged with earlier ones). */
function rememberNames(res: ServerResponse, names: readonly string[]): void {
  const earlier = namesByResponse.get(res);
  if (earlier === undefined || earlier === names) {
    namesByResponse.set(res, names);
    return;
  }
  // A second middleware (CORS then CSRF) on the same response: one frozen list with every name.
  const all = [...earlier];
  for (const n of names) if (!all.includes(n)) all.push(n);
  namesByResponse.set(res, Object.freeze(all));
}

/**
 * Keeps `names` merged into the response's Vary until its headers go out (`value`: the Vary just
 * set). Small enough for V8 to inline where a decision is applied: the two common cases (Express's
 * prototype hook already in place; a plain node:http response and the names of the last call)
 * are decided here, everything else in keepVaryOther.
 */
export function keepVary(res: VaryKeepingResponse, names: readonly string[], value: string): void {
  const current = res.writeHead as WriteHead | SharedWriteHead | undefined;
  if ((current as unknown) === writeHeadOnPrototype) {
    rememberNames(res, names);
  } else if (
    names === lastNames &&
    current === nodeWriteHead &&
    Object.getPrototypeOf(res) === nodeResponsePrototype
  ) {
    // What sharedWrapper(names) answers for these names (hookPrototype declines node's own prototype).
    res.writeHead = lastWrapper as ServerResponse['writeHead'];
  } else {
    keepVaryOther(res, names, value, current);
  }
}

function keepVaryOther(
  res: VaryKeepingResponse,
  names: readonly string[],
  value: string,
  current: WriteHead | SharedWriteHead | undefined,
): void {
  // A response object without writeHead (a test double of cors's (req, res, next) shape) has no
  // head to merge into later: the Vary set now is all there is.
  if (typeof current !== 'function') return;
  if (current === nodeWriteHead && current !== null) {
    if (hookPrototype(res)) {
      rememberNames(res, names);
      return;
    }
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
