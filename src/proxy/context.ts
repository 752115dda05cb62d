/**
 * What every part of one proxy instance shares: the compiled config, the upstream pools, the
 * rate-limit store and the admission counters. Built once by `createProxy`.
 */
import { randomBytes } from 'node:crypto';
import type http from 'node:http';
import { Agent } from 'undici';
import type { Glue, HttpDecision, NodeRequestView } from '../_http/index.js';
import { type ClientCloseHook, ClientSlots, ConnectionPipeline, clientRateKey } from './admission.js';
import type { CompiledConfig, ProxyLimitsResolved } from './config.js';
import { createMemoryRateLimitStore, InFlight, type RateLimitStore } from './limits.js';
import { createCheckedLookup, systemResolver } from './lookup.js';
import { corsGlue } from './policy.js';

/** One in-flight request: the policy's decision is kept so that every answer carries it. */
export interface Exchange {
  readonly req: http.IncomingMessage;
  readonly res: http.ServerResponse;
  /** The request as the policy reads it (header lines as received; null before the exchange ran). */
  view: NodeRequestView | null;
  cors: HttpDecision | null;
  /** Told when `res` closes (the pipeline's one 'close' listener): the upstream exchange in flight. */
  closeHook: ClientCloseHook | null;
}

export interface ProxyContext {
  readonly config: CompiledConfig;
  /** The CORS policy with the shared glue's safe running (see policy.ts). */
  readonly corsGlue: Glue;
  readonly limits: ProxyLimitsResolved;
  /** Fixed targets were configured explicitly: resolved, not checked. */
  readonly fixedAgent: Agent;
  /** Open targets: every address checked at connect time. */
  readonly openAgent: Agent | null;
  readonly store: RateLimitStore | null;
  readonly inflight: InFlight;
  readonly clients: ClientSlots;
  readonly pipeline: ConnectionPipeline;
  /** This instance's Via entry (`1.1 crossorigin-<id>`). */
  readonly via: string;
  /** True when the request already carries this instance's Via entry: it looped back through us. */
  looped(view: NodeRequestView): boolean;
  /** The client key for admission and per-client rate limits. */
  clientKey(req: http.IncomingMessage): string;
}

export function createContext(config: CompiledConfig): ProxyContext {
  const resolver = config.resolver ?? systemResolver;
  const limits = config.limits;
  const agentOptions = (check: boolean): Agent.Options => ({
    connect: {
      timeout: limits.connectTimeoutMs,
      lookup: createCheckedLookup({ resolver, check, mapCheckedAddress: config.internal.mapCheckedAddress }),
      ...(config.internal.ca ? { ca: config.internal.ca } : {}),
    } as Agent.Options['connect'],
    headersTimeout: limits.headersTimeoutMs,
    bodyTimeout: limits.totalTimeoutMs,
    maxHeaderSize: limits.maxHeaderBytes,
    keepAliveTimeout: 4_000,
  });
  const viaToken = `crossorigin-${randomBytes(6).toString('hex')}`;
  const keyOf = config.clientKey;
  return {
    config,
    corsGlue: corsGlue(config.cors),
    limits,
    fixedAgent: new Agent(agentOptions(false)),
    openAgent: config.open ? new Agent(agentOptions(!config.open.dangerouslyAllowPrivateTargets)) : null,
    store: config.perClient || config.perOrigin ? (config.store ?? createMemoryRateLimitStore()) : null,
    inflight: new InFlight(limits.maxConcurrentUpstream),
    clients: new ClientSlots(limits.maxConcurrentUpstreamPerClient),
    pipeline: new ConnectionPipeline(limits.maxPipelinedPerConnection, limits.maxQueuedPerConnection),
    via: `1.1 ${viaToken}`,
    looped: (view) => view.header('via')?.includes(viaToken) ?? false,
    clientKey: (req) => {
      if (keyOf) {
        // A key function that throws or answers nothing usable falls back to the address.
        let key: unknown;
        try {
          key = keyOf(req);
        } catch {
          key = undefined;
        }
        if (typeof key === 'string' && key !== '') return key.slice(0, 256);
      }
      return clientRateKey(req.socket.remoteAddress ?? 'unknown');
    },
  };
}
