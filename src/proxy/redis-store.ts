/**
 * A `RateLimitStore` in Redis, so that several proxy instances behind a load balancer share one
 * limit. Each `take` is one round trip: a Lua script (EVALSHA, EVAL once when Redis does not know
 * it yet) refills the bucket for the time elapsed and takes a token, atomically, with Redis's own
 * clock (`TIME`), so instances with skewed clocks still agree. Every bucket expires once it would
 * be full again: an absent key IS a full bucket, and no key outlives its window.
 *
 * Made for node-redis (`redis` on npm, an optional peer dependency): the store only calls the
 * client's `sendCommand(args)`, so the package is never imported here.
 */
import { createHash } from 'node:crypto';
import type { RateDecision, RateLimitStore, RateRule } from './limits.js';

/** What the store needs of a Redis client: node-redis's `sendCommand` (v5 and later). */
export interface RedisCommandClient {
  sendCommand(args: string[]): Promise<unknown>;
}

/** Options of `createRedisRateLimitStore`. */
export interface RedisRateLimitStoreOptions {
  /**
   * A connected node-redis client: `createClient({ url, disableOfflineQueue: true })`. With the
   * offline queue disabled, a command fails at once while Redis is away instead of waiting.
   */
  readonly client: RedisCommandClient;
  /** Prefix of every key. Default `crossorigin:rate:`. */
  readonly prefix?: string;
  /** A call that takes longer fails, and the proxy refuses the request (503). Default 500 ms. */
  readonly timeoutMs?: number;
}

/**
 * KEYS[1] the bucket; ARGV[1] capacity (requests), ARGV[2] window in ms.
 * 1. now from Redis's clock, in ms.
 * 2. Refill for the elapsed time at capacity/window per ms, capped at capacity (absent: full).
 * 3. Take one token if there is one; else the wait until one is there.
 * 4. Store tokens and time; expire when the bucket would be full again.
 * Returns { allowed (1/0), tokens left (string: Lua numbers are truncated to integers), wait ms }.
 */
export const TOKEN_BUCKET_LUA = `
if redis.replicate_commands then redis.replicate_commands() end
local capacity = tonumber(ARGV[1])
local window = tonumber(ARGV[2])
local rate = capacity / window
local t = redis.call('TIME')
local now = tonumber(t[1]) * 1000 + math.floor(tonumber(t[2]) / 1000)
local state = redis.call('HMGET', KEYS[1], 't', 'v')
local tokens = capacity
if state[1] and state[2] then
  tokens = math.min(capacity, tonumber(state[2]) + math.max(0, now - tonumber(state[1])) * rate)
end
local allowed = 0
local wait = 0
if tokens >= 1 then
  tokens = tokens - 1
  allowed = 1
else
  wait = math.ceil((1 - tokens) / rate)
end
redis.call('HSET', KEYS[1], 't', tostring(now), 'v', tostring(tokens))
redis.call('PEXPIRE', KEYS[1], math.ceil((capacity - tokens) / rate) + 1000)
return { allowed, tostring(tokens), wait }
`;

const SHA = createHash('sha1').update(TOKEN_BUCKET_LUA).digest('hex');

/**
 * Creates the store. A failing or slow Redis makes `take` reject, and the proxy then refuses the
 * request with 503 `rate-limit-unavailable` (fail closed); it serves again as soon as Redis answers.
 *
 * @example
 * ```ts
 * import { createClient } from 'redis';
 * import { createRedisRateLimitStore, listenProxy } from 'crossorigin/proxy';
 * const redis = createClient({ url: 'redis://127.0.0.1:6379', disableOfflineQueue: true });
 * redis.on('error', () => {}); // reconnects by itself; the proxy answers 503 meanwhile
 * await redis.connect();
 * const running = await listenProxy({
 *   cors: { origins: ['https://app.example.com'] },
 *   routes: [{ prefix: '/api', target: 'http://127.0.0.1:8080' }],
 *   rateLimit: { perClient: '60/min', store: createRedisRateLimitStore({ client: redis }) },
 * });
 * await running.close();
 * await redis.quit();
 * ```
 */
export function createRedisRateLimitStore(options: RedisRateLimitStoreOptions): RateLimitStore {
  const { client } = options;
  if (!client || typeof client.sendCommand !== 'function') {
    throw new TypeError(
      'createRedisRateLimitStore: options.client must be a node-redis client (with sendCommand)',
    );
  }
  const prefix = options.prefix ?? 'crossorigin:rate:';
  const timeoutMs = options.timeoutMs ?? 500;
  const run = async (key: string, rule: RateRule): Promise<unknown> => {
    const args = [prefix + key, String(rule.requests), String(Math.ceil(rule.windowSeconds * 1000))];
    try {
      return await client.sendCommand(['EVALSHA', SHA, '1', ...args]);
    } catch (err) {
      if (!String((err as Error)?.message).startsWith('NOSCRIPT')) throw err;
      return client.sendCommand(['EVAL', TOKEN_BUCKET_LUA, '1', ...args]);
    }
  };
  return {
    async take(key, rule) {
      const reply = await withTimeout(run(key, rule), timeoutMs);
      return toDecision(reply);
    },
  };
}

function toDecision(reply: unknown): RateDecision {
  if (!Array.isArray(reply) || reply.length !== 3)
    throw new Error('unexpected reply from the rate-limit script');
  const allowed = Number(reply[0]) === 1;
  const tokens = Number(reply[1]);
  const waitMs = Number(reply[2]);
  return {
    allowed,
    retryAfterSeconds: allowed ? 0 : Math.max(1, Math.ceil(waitMs / 1000)),
    remaining: allowed ? Math.max(0, Math.floor(tokens)) : 0,
  };
}

function withTimeout<T>(promise: Promise<T>, ms: number): Promise<T> {
  return new Promise<T>((resolve, reject) => {
    const timer = setTimeout(
      () => reject(new Error(`the rate-limit store did not answer within ${ms} ms`)),
      ms,
    );
    promise.then(
      (v) => {
        clearTimeout(timer);
        resolve(v);
      },
      (e: unknown) => {
        clearTimeout(timer);
        reject(e);
      },
    );
  });
}
