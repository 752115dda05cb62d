/**
 * Cross-Origin-Resource-Policy: Fetch's "cross-origin resource policy check", run by HTTP fetch for
 * every response of a `no-cors` request whose tainting is opaque (a cross-origin no-cors load).
 */
import { isSameOrigin, isSchemelesslySameSite, type Origin, parseOrigin } from '../../origin/index.js';
import type { HeaderList } from '../types.js';
import { getAll } from './_mime.js';
import type { EmbedderPolicyValue } from './coep.js';
import type { IsolationProfile } from './profile.js';

export type CorpPolicy = 'same-origin' | 'same-site' | 'cross-origin';

/** Why a response was blocked; `coep` when the policy came from the embedder policy's default. */
export type CorpBlock =
  | { blocked: true; reason: 'same-origin' | 'same-site'; policy: CorpPolicy; byCoep: null }
  | {
      blocked: true;
      reason: 'same-origin';
      policy: 'same-origin';
      byCoep: 'require-corp' | 'credentialless';
    };

export type CorpResult = { blocked: false } | CorpBlock;

/** The header's value as a policy, or null (absent, several values, or anything else; case-sensitive). */
export function parseCorpHeader(headers: HeaderList): CorpPolicy | 'unknown' | null {
  const values = getAll(headers, 'cross-origin-resource-policy');
  if (values.length === 0) return null;
  // "Getting" combines several lines with ", ", which is never one of the three tokens.
  const v = values.join(', ').trim();
  return v === 'same-origin' || v === 'same-site' || v === 'cross-origin' ? v : 'unknown';
}

export interface CorpCheckInput {
  /** The request's origin (the page's). */
  origin: string | Origin;
  /** The response's URL. */
  url: string;
  headers: HeaderList;
  /** The page's (or worker's) embedder policy value. */
  embedderPolicy: EmbedderPolicyValue;
  /** Whether the request included credentials (for `credentialless`). */
  includesCredentials: boolean;
}

/**
 * Cross-origin resource policy internal check.
 * https://fetch.spec.whatwg.org/#cross-origin-resource-policy-internal-check
 */
export function crossOriginResourcePolicyInternalCheck(
  input: CorpCheckInput,
  embedderPolicyValue: EmbedderPolicyValue,
  profile: IsolationProfile,
): CorpResult {
  const origin = typeof input.origin === 'string' ? parseOrigin(input.origin) : input.origin;
  const target = parseOrigin(input.url);
  // 1. (forNavigation is not modelled: subresources only.)
  // 2. Let policy be the result of getting `Cross-Origin-Resource-Policy` from response's header list.
  const parsed = parseCorpHeader(input.headers);
  // 3. If policy is neither `same-origin`, `same-site`, nor `cross-origin`, then set policy to null.
  //    firefox: under an embedder policy an unknown value satisfies it (treated as cross-origin).
  let policy: CorpPolicy | null =
    parsed === 'unknown'
      ? embedderPolicyValue !== 'unsafe-none' && profile.coepUnknownCorp === 'as-cross-origin'
        ? 'cross-origin'
        : null
      : parsed;
  let byCoep: 'require-corp' | 'credentialless' | null = null;
  // 4. If policy is null, switch on embedderPolicyValue:
  if (policy === null) {
    // credentialless: same-origin when the response's request included credentials.
    if (embedderPolicyValue === 'credentialless' && input.includesCredentials) {
      policy = 'same-origin';
      byCoep = 'credentialless';
    }
    // require-corp: same-origin.
    if (embedderPolicyValue === 'require-corp') {
      policy = 'same-origin';
      byCoep = 'require-corp';
    }
  }
  // 5. Switch on policy:
  //    null, cross-origin: return allowed.
  if (policy === null || policy === 'cross-origin') return { blocked: false };
  //    same-origin: if origin is same origin with the current URL's origin, allowed; else blocked.
  if (policy === 'same-origin') {
    if (isSameOrigin(origin, target)) return { blocked: false };
    return byCoep
      ? { blocked: true, reason: 'same-origin', policy, byCoep }
      : { blocked: true, reason: 'same-origin', policy, byCoep: null };
  }
  //    same-site: allowed when origin is schemelessly same site with the current URL's origin and
  //    origin's scheme is "https" or the current URL's scheme is not "https".
  const httpsOk =
    origin.type === 'tuple' &&
    (origin.scheme === 'https' || target.type !== 'tuple' || target.scheme !== 'https');
  if (isSchemelesslySameSite(origin, target) && httpsOk) return { blocked: false };
  return { blocked: true, reason: 'same-site', policy, byCoep: null };
}

/**
 * Cross-origin resource policy check (subresources): the check without an embedder policy, then
 * with the page's. https://fetch.spec.whatwg.org/#cross-origin-resource-policy-check
 */
export function crossOriginResourcePolicyCheck(input: CorpCheckInput, profile: IsolationProfile): CorpResult {
  // 2. If the internal check with "unsafe-none" returns blocked, then return blocked.
  const plain = crossOriginResourcePolicyInternalCheck(input, 'unsafe-none', profile);
  if (plain.blocked) return plain;
  // 3-5. Run it with the embedder policy's value (report-only values only report).
  return crossOriginResourcePolicyInternalCheck(input, input.embedderPolicy, profile);
}
