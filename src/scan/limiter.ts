/**
 * The scan's politeness: one limiter for every request of every target (global concurrency), a
 * per-host limit (`host:port`), a delay between two requests to one host, retries with backoff on
 * 429 and 503, and a request budget. Host entries are dropped when idle, and the scan's own
 * connection pool (at most `perHost` connections to an origin, an origin's pool dropped once its
 * connections close) is closed with the scan, so memory stays flat in the number of targets.
 */
import {
  type Agents,
  createAgents,
  headerValues,
  type ProbeRequest,
  type ProbeResult,
  send,
  sendUpgrade,
} from './http.js';

export interface LimiterOptions {
  concurrency: number;
  perHost: number;
  delay: number;
  retries: number;
  maxRequests: number;
  timeout: number;
  signal?: AbortSignal;
}

interface Slot {
  active: number;
  queue: (() => void)[];
}

interface HostSlot extends Slot {
  /** Earliest time (performance.now()) of the next request to this host. */
  next: number;
}

/** How long an idle connection is kept for the next probe of the same target, milliseconds. */
const KEEP_ALIVE = 2_000;

/** Longest wait a Retry-After header can impose, milliseconds. */
const MAX_RETRY_AFTER = 10_000;
const FIRST_BACKOFF = 200;

async function acquire(slot: Slot, max: number): Promise<void> {
  if (slot.active >= max) await new Promise<void>((resolve) => slot.queue.push(resolve));
  slot.active++;
}

function release(slot: Slot): void {
  slot.active--;
  slot.queue.shift()?.();
}

const sleep = (ms: number) => new Promise<void>((resolve) => setTimeout(resolve, ms));

/** How long to wait before retry `attempt` (0-based): Retry-After (seconds) or doubling backoff. */
export function backoff(headers: readonly (readonly [string, string])[], attempt: number): number {
  const after = Number(headerValues(headers, 'retry-after')[0]);
  if (Number.isFinite(after) && after >= 0) return Math.min(after * 1000, MAX_RETRY_AFTER);
  return Math.min(FIRST_BACKOFF * 2 ** attempt, MAX_RETRY_AFTER);
}

export class ScanLimiter {
  /** Requests sent so far (retries included). */
  sent = 0;
  private readonly global: Slot = { active: 0, queue: [] };
  private readonly hosts = new Map<string, HostSlot>();
  private readonly agents: Agents;
  constructor(readonly options: LimiterOptions) {
    this.agents = createAgents(options.perHost, KEEP_ALIVE);
  }

  /** Number of hosts with requests in flight, queued or waiting out a delay (bounded by the targets in progress). */
  get hostEntries(): number {
    return this.hosts.size;
  }

  /** Closes the scan's connections (idle ones at once; a request still in flight is cut). */
  close(): void {
    this.agents.http.destroy();
    this.agents.https.destroy();
  }

  /** Whether the budget is spent. */
  get exhausted(): boolean {
    return this.sent >= this.options.maxRequests;
  }

  /** Sends `req` within the limits; retries 429/503. Never throws unless the scan is aborted. */
  async request(req: ProbeRequest): Promise<ProbeResult & { attempts: number }> {
    const key = new URL(req.url).host;
    let attempts = 0;
    for (;;) {
      if (this.exhausted) {
        return { ok: false, error: 'request budget (maxRequests) exhausted', budget: true, attempts };
      }
      const r = await this.once(key, req);
      if (!r.ok && r.budget) return { ...r, attempts };
      attempts++;
      const status = r.ok ? r.response.status : 0;
      if ((status !== 429 && status !== 503) || attempts > this.options.retries || !r.ok) {
        return { ...r, attempts };
      }
      await sleep(backoff(r.response.headers, attempts - 1));
    }
  }

  private async once(key: string, req: ProbeRequest): Promise<ProbeResult> {
    let host = this.hosts.get(key);
    if (host === undefined) {
      host = { active: 0, queue: [], next: 0 };
      this.hosts.set(key, host);
    }
    await acquire(host, this.options.perHost);
    try {
      const wait = host.next - performance.now();
      if (wait > 0) await sleep(wait);
      host.next = performance.now() + this.options.delay;
      await acquire(this.global, this.options.concurrency);
      try {
        if (this.exhausted)
          return { ok: false, error: 'request budget (maxRequests) exhausted', budget: true };
        this.sent++;
        if (req.upgrade) return await sendUpgrade(req, this.options.timeout, this.options.signal);
        return await send(req, this.options.timeout, this.options.signal, this.agents);
      } finally {
        release(this.global);
      }
    } finally {
      release(host);
      this.forget(key, host);
    }
  }

  /**
   * Drops an idle host's entry; one still inside its politeness delay is dropped when the delay
   * ends (kept until then, so the next request to it still waits).
   */
  private forget(key: string, host: HostSlot): void {
    if (host.active > 0 || host.queue.length > 0 || this.hosts.get(key) !== host) return;
    const wait = host.next - performance.now();
    if (wait <= 0) this.hosts.delete(key);
    else setTimeout(() => this.forget(key, host), wait).unref();
  }
}
