/**
 * Admission: what one client or one connection may hold at once, so that a few hostile clients
 * cannot take the upstream slots from everyone else.
 * - `ClientSlots`: upstream requests in flight per client key (an address, or the key function's
 *   answer); over the cap is a 503 for that client only.
 * - `ConnectionPipeline`: requests of one connection handled at once (HTTP/1.1 pipelining); the
 *   rest wait their turn in order, and a connection with too many waiting is answered 503 and
 *   closed.
 * - `watchRequestBody`: a request body must keep arriving (an idle timeout and a minimum average
 *   rate), the slowloris of bodies.
 */
import type http from 'node:http';
import type { Socket } from 'node:net';
import ipaddr from 'ipaddr.js';
import { ProxyFailure } from './failure.js';

/** How many keys at zero `ClientSlots` keeps before sweeping them out. */
const IDLE_KEYS_KEPT = 1024;

/**
 * Counts upstream requests in flight per client key, with a cap per key. A key whose count falls
 * to zero stays in the map at zero (deleting and re-adding the one key of a client that sends a
 * request at a time made V8 rebuild the map's table on nearly every request) until more than
 * `IDLE_KEYS_KEPT` such keys are held; then all of them are swept out, so memory stays bounded by
 * the keys in flight plus that many.
 */
export class ClientSlots {
  private readonly active = new Map<string, number>();
  /** Keys held at zero. */
  private idle = 0;
  constructor(readonly max: number) {}

  tryAcquire(key: string): boolean {
    const n = this.active.get(key);
    if (n === undefined) {
      if (this.max <= 0) return false;
      this.active.set(key, 1);
      return true;
    }
    if (n >= this.max) return false;
    if (n === 0) this.idle--;
    this.active.set(key, n + 1);
    return true;
  }

  release(key: string): void {
    const n = this.active.get(key);
    if (n === undefined || n === 0) return;
    this.active.set(key, n - 1);
    if (n === 1 && ++this.idle > IDLE_KEYS_KEPT) this.sweep();
  }

  private sweep(): void {
    for (const [key, n] of this.active) if (n === 0) this.active.delete(key);
    this.idle = 0;
  }

  /** Keys holding at least one slot (tests: nothing leaks). */
  get size(): number {
    return this.active.size - this.idle;
  }

  /** Keys held in memory, at zero included (tests: bounded). */
  get retained(): number {
    return this.active.size;
  }
}

interface PipeState {
  active: number;
  readonly waiting: (() => void)[];
}

/** What is told when a pipelined request's response closes (the upstream exchange, once started). */
export interface ClientCloseHook {
  clientClosed(): void;
}

/** One request in a connection's pipeline: its response, and whom its 'close' concerns. */
export interface PipelineEntry {
  readonly res: http.ServerResponse;
  /** Called after the pipeline's own bookkeeping when `res` closes; null: nobody. */
  closeHook: ClientCloseHook | null;
}

/**
 * HTTP/1.1 pipelining, per connection: at most `window` requests are handled at once; later ones
 * wait in order (node:http writes the answers in order anyway). More than `maxQueued` waiting is
 * refused: the caller answers 503 with `Connection: close`, so the queue is bounded. The one
 * 'close' listener of each response also tells the entry's `closeHook` (so the exchange needs no
 * listener of its own).
 */
export class ConnectionPipeline {
  private readonly pipes = new WeakMap<Socket, PipeState>();
  constructor(
    readonly window: number,
    readonly maxQueued: number,
  ) {}

  /**
   * Runs `start(entry)` now or when a place frees up; returns false (and never runs it) when the
   * connection already has `maxQueued` requests waiting.
   */
  enter<T extends PipelineEntry>(socket: Socket, entry: T, start: (entry: T) => void): boolean {
    let pipe = this.pipes.get(socket);
    if (!pipe) {
      pipe = { active: 0, waiting: [] };
      this.pipes.set(socket, pipe);
    }
    if (pipe.active < this.window) {
      begin(pipe, entry, start);
      return true;
    }
    if (pipe.waiting.length >= this.maxQueued) return false;
    const state = pipe;
    state.waiting.push(() => begin(state, entry, start));
    return true;
  }
}

function begin<T extends PipelineEntry>(pipe: PipeState, entry: T, start: (entry: T) => void): void {
  pipe.active++;
  let left = false;
  entry.res.on('close', () => {
    if (left) return;
    left = true;
    pipe.active--;
    pipe.waiting.shift()?.();
    entry.closeHook?.clientClosed();
  });
  start(entry);
}

/** Options of the request-body watchdog. */
export interface BodyRateRules {
  /** No body byte for this long: refused (408). */
  readonly idleMs: number;
  /** After `graceMs`, the body's average rate must stay at or above this. */
  readonly minBytesPerSecond: number;
  readonly graceMs: number;
}

/**
 * Watches a request body while it is forwarded, once a second, reading only the socket's byte
 * count (no per-chunk work). Time during which the proxy itself holds unread body data (the
 * upstream is applying backpressure) is not held against the client. Each judgement runs after the
 * I/O already pending is read (setImmediate after the timer): on a busy proxy, bytes the client
 * sent may still wait unread in the kernel when the timer fires. (The proxy's own event-loop lag
 * is deliberately not excused: under an attack of slow bodies the lag is the attack's.)
 * 1. Body complete: stop.
 * 2. Data waiting on our side: the client is not the slow one; restart the idle clock.
 * 3. No new byte for `idleMs`: refuse.
 * 4. After `graceMs`, fewer than `minBytesPerSecond` on average since the body began: refuse.
 * Returns a function that stops the watch.
 */
export function watchRequestBody(
  req: http.IncomingMessage,
  rules: BodyRateRules,
  refuse: (failure: ProxyFailure) => void,
): () => void {
  const socket = req.socket;
  const began = Date.now();
  const firstByte = socket.bytesRead;
  let lastBytes = firstByte;
  let lastProgress = began;
  let excused = 0;
  let stopped = false;
  const stop = () => {
    stopped = true;
    clearInterval(timer);
  };
  const judge = () => {
    // 1.
    if (stopped) return;
    if (req.complete || socket.destroyed) {
      stop();
      return;
    }
    const now = Date.now();
    const bytes = socket.bytesRead;
    // 2.
    if (req.readableLength > 0 || req.isPaused()) {
      excused += now - lastProgress;
      lastProgress = now;
      lastBytes = bytes;
      return;
    }
    if (bytes > lastBytes) {
      lastBytes = bytes;
      lastProgress = now;
    }
    // 3.
    if (now - lastProgress >= rules.idleMs) {
      stop();
      refuse(tooSlow(`no request body data for ${rules.idleMs} ms`));
      return;
    }
    // 4.
    const elapsed = now - began - excused;
    if (elapsed >= rules.graceMs && ((bytes - firstByte) * 1000) / elapsed < rules.minBytesPerSecond) {
      stop();
      refuse(tooSlow(`the request body arrives slower than ${rules.minBytesPerSecond} bytes/s`));
    }
  };
  const timer = setInterval(() => setImmediate(judge), TICK_MS);
  timer.unref();
  return stop;
}

/** How often the body watchdog looks. */
const TICK_MS = 1000;

const tooSlow = (reason: string) => new ProxyFailure(408, 'body-too-slow', reason);

/**
 * The default client key of an address: an IPv4 address (IPv4-mapped IPv6 included) as is, an
 * IPv6 address by its /64, since one subscriber usually holds a whole /64.
 */
export function clientRateKey(address: string): string {
  if (address.startsWith('::ffff:') && address.includes('.')) return address.slice(7);
  if (!address.includes(':') || !ipaddr.IPv6.isValid(address)) return address;
  const parts = ipaddr.IPv6.parse(address).parts;
  return `${parts
    .slice(0, 4)
    .map((p) => p.toString(16))
    .join(':')}::/64`;
}
