/**
 * `crossorigin/proxy`: a CORS and dev reverse proxy that is safe to expose. Fixed routes by path
 * prefix, an open-target mode behind a host allowlist, a required CORS policy, rate limits, SSRF
 * defence at connect time, and limits on everything. See docs/proxy.md.
 */
export { type AddressVerdict, classifyAddress } from './address.js';
export { clientRateKey } from './admission.js';
export {
  DEFAULT_LIMITS,
  type OpenTargetOptions,
  ProxyConfigError,
  type ProxyConfigProblem,
  type ProxyLimits,
  type ProxyOptions,
  type ProxyRoute,
  type RateLimitOptions,
} from './config.js';
export type { ProxyFailureCode } from './failure.js';
export type { OriginMode } from './headers.js';
export {
  createMemoryRateLimitStore,
  parseRate,
  type RateDecision,
  type RateLimitStore,
  type RateRule,
} from './limits.js';
export { type ListeningProxy, type ListenOptions, listenProxy } from './listen.js';
export { type ResolvedAddress, type Resolver, systemResolver, TargetRefusedError } from './lookup.js';
export { type CrossoriginProxy, createProxy } from './server.js';
export { compileHostPatterns, type HostMatcher } from './target.js';
