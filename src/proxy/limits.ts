/**
 * Rate limits: a token bucket per client address and per Origin. The bucket arithmetic lives in a
 * small async store interface so that a shared store (Redis, a database) can back several proxy
 * instances; the in-memory store is the default and keeps at most `maxKeys` buckets (least recently
 * used evicted first), so memory stays bounded whatever the number of clients.
 */
import { LRUCache } from 'lru-cache';

/** A bucket's rule: `capacity` tokens, refilled at `capacity / windowSeconds` per second. */
export interface RateRule {
  /** Requests allowed in a burst (the bucket size). */
  readonly requests: number;
  /** The window over which `requests` are refilled, in seconds. */
  readonly windowSeconds: number;
}

/** The answer of a store for one request. */
export interface RateDecision {
  readonly allowed: boolean;
  /** Whole seconds until one token is available again (0 when allowed). */
  readonly retryAfterSeconds: number;
  /** Tokens left after this request. */
  readonly remaining: number;
}

/**
 * Where buckets live. `take` atomically refills the bucket of `key` for the time elapsed, then
 * takes one token if there is one. A Redis implementation does the same in one Lua script
 * (`EVAL`): read tokens and timestamp from a hash, refill, decrement, `PEXPIRE` to the window.
 */
export interface RateLimitStore {
  take(key: string, rule: RateRule, nowMs: number): Promise<RateDecision> | RateDecision;
}

interface Bucket {
  tokens: number;
  updatedMs: number;
}

/** The default store: token buckets in memory, bounded to `maxKeys` (default 100,000) buckets. */
export function createMemoryRateLimitStore(options: { maxKeys?: number } = {}): RateLimitStore {
  const buckets = new LRUCache<string, Bucket>({ max: options.maxKeys ?? 100_000 });
  return {
    take(key, rule, nowMs) {
      const ratePerMs = rule.requests / (rule.windowSeconds * 1000);
      const bucket = buckets.get(key) ?? { tokens: rule.requests, updatedMs: nowMs };
      // Refill for the elapsed time, capped at the capacity.
      const elapsed = Math.max(0, nowMs - bucket.updatedMs);
      bucket.tokens = Math.min(rule.requests, bucket.tokens + elapsed * ratePerMs);
      bucket.updatedMs = nowMs;
      let decision: RateDecision;
      if (bucket.tokens >= 1) {
        bucket.tokens -= 1;
        decision = { allowed: true, retryAfterSeconds: 0, remaining: Math.floor(bucket.tokens) };
      } else {
        const waitMs = (1 - bucket.tokens) / ratePerMs;
        decision = { allowed: false, retryAfterSeconds: Math.max(1, Math.ceil(waitMs / 1000)), remaining: 0 };
      }
      buckets.set(key, bucket);
      return decision;
    },
  };
}

/**
 * Parses `60/min`, `10/s`, `1000/hour`, `5/30s` into a rule; returns a problem text when invalid.
 */
export function parseRate(text: string): RateRule | string {
  const m = /^\s*(\d+)\s*\/\s*(\d*)\s*(s|sec|second|m|min|minute|h|hour)s?\s*$/i.exec(text);
  if (!m) return `rate "${text}" must look like 60/min, 10/s or 1000/hour`;
  const requests = Number(m[1]);
  const count = m[2] ? Number(m[2]) : 1;
  const unit = (m[3] ?? 's').toLowerCase();
  const seconds = unit.startsWith('h') ? 3600 : unit.startsWith('m') ? 60 : 1;
  if (!(requests >= 1) || !(count >= 1)) return `rate "${text}" must allow at least 1 request per window`;
  return { requests, windowSeconds: count * seconds };
}

/** A counter of in-flight upstream requests with a hard cap (no queue: over the cap is a 503). */
export class InFlight {
  active = 0;
  constructor(readonly max: number) {}
  tryAcquire(): boolean {
    if (this.active >= this.max) return false;
    this.active++;
    return true;
  }
  release(): void {
    this.active--;
  }
}
