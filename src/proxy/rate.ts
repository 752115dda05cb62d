/**
 * Rate limits, applied before any target work: a token bucket per client key and one per Origin
 * value, in the configured store. A store that fails (a shared store that is down) refuses the
 * request with 503: fail closed.
 */
import type http from 'node:http';
import type { ProxyContext } from './context.js';
import { ProxyFailure, rateLimited } from './failure.js';
import type { RateDecision, RateRule } from './limits.js';

export async function checkRate(ctx: ProxyContext, req: http.IncomingMessage): Promise<void> {
  const { config } = ctx;
  const now = Date.now();
  if (config.perClient) {
    const d = await take(ctx, `client:${ctx.clientKey(req)}`, config.perClient, now);
    if (!d.allowed) throw rateLimited(d.retryAfterSeconds, 'this client');
  }
  const origin = req.headers.origin;
  if (config.perOrigin && origin !== undefined) {
    const d = await take(ctx, `origin:${origin.slice(0, 512)}`, config.perOrigin, now);
    if (!d.allowed) throw rateLimited(d.retryAfterSeconds, 'this origin');
  }
}

async function take(ctx: ProxyContext, key: string, rule: RateRule, now: number): Promise<RateDecision> {
  try {
    return await ctx.store!.take(key, rule, now);
  } catch {
    throw new ProxyFailure(
      503,
      'rate-limit-unavailable',
      'the rate-limit store is unavailable; retry shortly',
      1,
    );
  }
}
