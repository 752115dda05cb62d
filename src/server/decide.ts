/**
 * Decide fast: classify a request as Fetch defines it, check it against a compiled policy, and
 * answer with precomputed header values. Pure (apart from the bounded memo caches on the compiled
 * policy), never throws on any input.
 *
 * Fetch Standard, "CORS protocol": https://fetch.spec.whatwg.org/#http-cors-protocol
 */
import {
  byteUppercase,
  extractHeaderListValuesBounded,
  isCorsNonWildcardRequestHeaderName,
  isCorsSafelistedMethod,
  isMethod,
} from '../_fetch/index.js';
import { BoundedMap, withPlainCopy } from '../_util/index.js';
import type { CompiledPolicy, OriginEntry } from './config.js';
import type { CorsDecisionReason } from './errors.js';
import type { CorsDecision, CorsRequestKind, RequestView } from './types.js';

/** The response header that carries a refusal reason when `debug` is on. */
export const DEBUG_HEADER = 'cors-refusal-reason';

const EMPTY: readonly (readonly [string, string])[] = Object.freeze([]);
const VARY_ORIGIN: readonly string[] = Object.freeze(['Origin']);
const NO_VARY: readonly string[] = Object.freeze([]);

/** Decisions are shared between requests: nothing in them may be changed by an adapter. */
function freezeHeaders(headers: [string, string][]): readonly (readonly [string, string])[] {
  for (const h of headers) Object.freeze(h);
  return Object.freeze(headers);
}

/** Shown in details: a request-controlled string, quoted and escaped, at most 100 characters. */
export function quote(value: string): string {
  return JSON.stringify(value.length > 100 ? `${value.slice(0, 100)}…` : value);
}

/** A refusal found by a check, before it becomes a decision. */
export interface Refusal {
  readonly reason: CorsDecisionReason;
  readonly detail: string;
}

/** Result of checking `Access-Control-Request-Headers`: a refusal, or the value to send (null: the precomputed one). */
type HeadersVerdict = Refusal | { readonly reflect: string | null };

const NO_REFLECT: HeadersVerdict = Object.freeze({ reflect: null });

/** Mutable per-compiled-policy caches (bounded). Kept apart from the frozen configuration. */
export interface PolicyCaches {
  /** Pattern-matched origins → entries (cleared when full). */
  readonly dynamic: BoundedMap<string, OriginEntry>;
  /** ACRH value → verdict (short values only; cleared when full). */
  readonly acrh: BoundedMap<string, HeadersVerdict>;
  /** The `null` origin's entry (with dangerouslyAllowNullOrigin). */
  readonly nullEntry: OriginEntry;
  /** origins '*': the one allowed preflight, with and without Private Network Access. */
  readonly any: { preflight?: CorsDecision; preflightPrivateNetwork?: CorsDecision };
  /** Refused origins (list policies) → their refusal (cleared when full). */
  readonly refused: BoundedMap<string, Refusal>;
  /** Refusals without detail, by request kind then reason, reused when nobody reads the detail. */
  readonly refusals: Record<CorsRequestKind, Map<CorsDecisionReason, CorsDecision>>;
}

export const DYNAMIC_CACHE_MAX = 1024;
export const ACRH_CACHE_MAX = 256;
export const ACRH_CACHE_MAX_LENGTH = 512;
export const REFUSED_CACHE_MAX = 1024;

export function createCaches(): PolicyCaches {
  return {
    dynamic: new BoundedMap(DYNAMIC_CACHE_MAX),
    acrh: new BoundedMap(ACRH_CACHE_MAX),
    nullEntry: { origin: 'null' },
    any: {},
    refusals: {
      actual: new Map(),
      preflight: new Map(),
      'options-passthrough': new Map(),
      'not-cors': new Map(),
    },
    refused: new BoundedMap(REFUSED_CACHE_MAX),
  };
}

// ---------------------------------------------------------------------------------------------
// Decisions

function allowedActual(s: CompiledPolicy, origin: string, kind: CorsRequestKind): CorsDecision {
  const headers: [string, string][] = [['access-control-allow-origin', origin]];
  if (s.credentials) headers.push(['access-control-allow-credentials', 'true']);
  if (s.aceh !== null) headers.push(['access-control-expose-headers', s.aceh]);
  return Object.freeze(
    withPlainCopy<CorsDecision>({
      kind,
      allowed: true,
      reason: 'allowed',
      headers: freezeHeaders(headers),
      vary: VARY_ORIGIN,
      end: false,
    }),
  );
}

function allowedPreflight(
  s: CompiledPolicy,
  origin: string,
  acah: string | null,
  privateNetwork: boolean,
  /** Kept and shared between requests (then it gets the adapter's plain copy; see _util/plain-copy.ts). */
  shared: boolean,
): CorsDecision {
  // https://fetch.spec.whatwg.org/#http-responses: a successful preflight is an ok status with
  // the CORS headers; 204 carries no body.
  const headers: [string, string][] = [['access-control-allow-origin', origin]];
  if (s.credentials) headers.push(['access-control-allow-credentials', 'true']);
  if (s.acam !== null) headers.push(['access-control-allow-methods', s.acam]);
  if (acah !== null) headers.push(['access-control-allow-headers', acah]);
  if (s.maxAge !== null) headers.push(['access-control-max-age', s.maxAge]);
  if (privateNetwork) headers.push(['access-control-allow-private-network', 'true']);
  const d: CorsDecision = {
    kind: 'preflight',
    allowed: true,
    reason: 'allowed',
    headers: freezeHeaders(headers),
    vary: s.preflightVary,
    end: true,
    status: 204,
  };
  return Object.freeze(shared ? withPlainCopy(d) : d);
}

function wantsDetail(s: CompiledPolicy): boolean {
  return s.debug || s.onDecision !== null;
}

/** A refusal as a decision: no CORS headers; a preflight ends with 403, anything else continues. */
export function refusalDecision(
  s: CompiledPolicy,
  caches: PolicyCaches,
  kind: CorsRequestKind,
  refusal: Refusal,
): CorsDecision {
  const preflight = kind === 'preflight';
  if (!wantsDetail(s)) {
    // Two lookups on interned strings: no key is built per request.
    const byReason = caches.refusals[kind];
    const hit = byReason.get(refusal.reason);
    if (hit !== undefined) return hit;
    const d: CorsDecision = Object.freeze({
      kind,
      allowed: false,
      reason: refusal.reason,
      headers: EMPTY,
      vary: preflight ? s.preflightVary : s.anyOrigin ? NO_VARY : VARY_ORIGIN,
      end: preflight,
      ...(preflight ? { status: 403 } : {}),
    });
    byReason.set(refusal.reason, d);
    return d;
  }
  const headers = s.debug ? freezeHeaders([[DEBUG_HEADER, refusal.reason]]) : EMPTY;
  const base = {
    kind,
    allowed: false,
    reason: refusal.reason,
    detail: refusal.detail,
    headers,
    vary: preflight ? s.preflightVary : s.anyOrigin ? NO_VARY : VARY_ORIGIN,
    end: preflight,
  };
  if (!preflight) return Object.freeze(base);
  return Object.freeze({
    ...base,
    status: 403,
    ...(s.debug
      ? {
          body: `CORS preflight refused (${refusal.reason}): ${refusal.detail}\n`,
          contentType: 'text/plain; charset=utf-8',
        }
      : {}),
  });
}

// ---------------------------------------------------------------------------------------------
// Checks

/**
 * Checks the requested method (`Access-Control-Request-Method`) of a preflight.
 * https://fetch.spec.whatwg.org/#cors-preflight-fetch (step 7.3: the method must be listed in
 * `Access-Control-Allow-Methods`, byte for byte, unless it is CORS-safelisted).
 * A browser sends the method as the page wrote it after normalizing only DELETE, GET, HEAD,
 * OPTIONS, POST and PUT: `patch` stays `patch`, and does not match an allowed `PATCH`.
 */
export function checkRequestMethod(s: CompiledPolicy, method: string): Refusal | null {
  // One lookup for the common case: a configured or safelisted method (both are tokens).
  if (s.methods.has(method) || isCorsSafelistedMethod(method)) return null;
  if (!isMethod(method)) {
    return {
      reason: 'method-malformed',
      detail: `Access-Control-Request-Method ${quote(method)} is not a method`,
    };
  }
  if (s.methodsUpper.has(byteUppercase(method))) {
    return {
      reason: 'method-case-mismatch',
      detail: `the page asked for ${quote(method)}; methods are case-sensitive and browsers do not upper-case it; allowed is ${quote(byteUppercase(method))}: write that in the page's fetch()`,
    };
  }
  return {
    reason: 'method-not-allowed',
    detail: `method ${quote(method)} is not allowed${s.acam === null ? ' (only GET, HEAD and POST are)' : `; allowed: ${s.acam}`}; add it to methods if the page should use it`,
  };
}

/**
 * Checks `Access-Control-Request-Headers` in bounded time and memory (several header lines were
 * joined by the adapter; case and optional whitespace are tolerated; an over-long or flooded value
 * is refused before it is split). Returns the value to reflect when the policy reflects.
 * https://fetch.spec.whatwg.org/#cors-preflight-fetch (step 7.7 on the browser's side)
 */
export function checkRequestHeaders(s: CompiledPolicy, caches: PolicyCaches, acrh: string): HeadersVerdict {
  const memo = acrh.length <= ACRH_CACHE_MAX_LENGTH;
  if (memo) {
    const hit = caches.acrh.get(acrh);
    if (hit !== undefined) return hit;
  }
  const verdict = checkRequestHeadersUncached(s, acrh);
  if (memo) {
    caches.acrh.set(acrh, verdict);
  }
  return verdict;
}

function checkRequestHeadersUncached(s: CompiledPolicy, acrh: string): HeadersVerdict {
  const parsed = extractHeaderListValuesBounded([acrh], 'field-name');
  if (parsed === null) return NO_REFLECT;
  if (!parsed.ok) {
    const reason: CorsDecisionReason =
      parsed.reason === 'too-long'
        ? 'headers-too-long'
        : parsed.reason === 'too-many-elements'
          ? 'headers-too-many'
          : 'headers-malformed';
    return Object.freeze({ reason, detail: `Access-Control-Request-Headers: ${parsed.detail}` });
  }
  let reflect = s.anyHeader && s.credentials;
  const names: string[] = [];
  for (const name of parsed.values) {
    // Header names are tokens (ASCII), so toLowerCase is byte-lowercase here.
    const lower = name.toLowerCase();
    if (s.anyHeader) {
      if (isCorsNonWildcardRequestHeaderName(lower)) {
        if (!s.anyHeaderWithAuthorization) {
          return Object.freeze({
            reason: 'authorization-not-covered-by-wildcard',
            detail:
              "the page sends Authorization, which requestHeaders: '*' does not cover (Fetch: Access-Control-Allow-Headers: * never covers it); write requestHeaders: ['*', 'authorization']",
          });
        }
        // `*` does not cover it: name every header instead of sending `*`.
        reflect = true;
      }
    } else if (!s.headers.has(lower)) {
      return Object.freeze({
        reason: 'header-not-allowed',
        detail: `request header ${quote(lower)} is not allowed${s.acah === null ? '' : `; allowed: ${s.acah}`}; add it to requestHeaders if the page should send it`,
      });
    }
    if (!names.includes(lower)) names.push(lower);
  }
  if (!reflect || names.length === 0) return NO_REFLECT;
  return Object.freeze({ reflect: names.join(',') });
}

// ---------------------------------------------------------------------------------------------
// The decision

/** Whether `Access-Control-Request-Private-Network` asks for private network access. */
function asksPrivateNetwork(view: RequestView): boolean {
  const v = view.header('access-control-request-private-network');
  return v !== null && v.trim().toLowerCase() === 'true';
}

/**
 * Finishes a preflight whose origin is allowed (`entry`; null for a public policy): checks the
 * method, private network access and the request headers, then answers.
 */
export function decidePreflight(
  s: CompiledPolicy,
  caches: PolicyCaches,
  entry: OriginEntry | null,
  acrm: string,
  acrh: string | null,
  privateNetwork: boolean,
): CorsDecision {
  const m = checkRequestMethod(s, acrm);
  if (m !== null) return refusalDecision(s, caches, 'preflight', m);
  if (privateNetwork && !s.privateNetwork) {
    return refusalDecision(s, caches, 'preflight', {
      reason: 'private-network-not-allowed',
      detail:
        'the page asks for private network access (Access-Control-Request-Private-Network: true); set privateNetwork: true if this server is meant to be reached from public sites',
    });
  }
  let reflect: string | null = null;
  if (acrh !== null) {
    const h = checkRequestHeaders(s, caches, acrh);
    if ('reason' in h) return refusalDecision(s, caches, 'preflight', h);
    reflect = h.reflect;
  }
  const origin = entry === null ? '*' : entry.origin;
  if (reflect !== null) return allowedPreflight(s, origin, reflect, privateNetwork, false);
  // No reflection: the answer depends only on the origin; build it once.
  const holder: { preflight?: CorsDecision; preflightPrivateNetwork?: CorsDecision } =
    entry === null ? caches.any : entry;
  if (privateNetwork) {
    if (holder.preflightPrivateNetwork === undefined) {
      holder.preflightPrivateNetwork = allowedPreflight(s, origin, s.acah, true, true);
    }
    return holder.preflightPrivateNetwork;
  }
  if (holder.preflight === undefined) holder.preflight = allowedPreflight(s, origin, s.acah, false, true);
  return holder.preflight;
}

/** The decision for an allowed origin, given the request's kind and (for a preflight) its headers. */
export function decideAllowed(
  s: CompiledPolicy,
  caches: PolicyCaches,
  entry: OriginEntry,
  kind: CorsRequestKind,
  acrm: string | null,
  acrh: string | null,
  privateNetwork: boolean,
): CorsDecision {
  if (kind === 'preflight') return decidePreflight(s, caches, entry, acrm as string, acrh, privateNetwork);
  if (kind === 'options-passthrough') {
    if (entry.passthrough === undefined) entry.passthrough = allowedActual(s, entry.origin, kind);
    return entry.passthrough;
  }
  if (entry.actual === undefined) entry.actual = allowedActual(s, entry.origin, kind);
  return entry.actual;
}

/** A pattern-matched origin's entry, remembered in a bounded cache. */
export function dynamicEntry(caches: PolicyCaches, origin: string): OriginEntry {
  let e = caches.dynamic.get(origin);
  if (e === undefined) {
    e = { origin };
    caches.dynamic.set(origin, e);
  }
  return e;
}

export { asksPrivateNetwork };
