/**
 * Content Security Policy Level 3, the fetch half: which directive governs a request, whether the
 * page's policies block it, and the violations to report (enforced and report-only).
 * https://w3c.github.io/webappsec-csp/#integration-with-fetch
 */
import type { ContextProfile } from './context-profile.js';
import { compileSourceList, doesUrlMatchSourceList } from './csp-match.js';
import type { CspPolicy } from './csp-parse.js';
import type { ContextDestination } from './mixed-content.js';
import type { PageContext } from './page-context.js';

/** One violation: which policy, which directive (as written) and which one was looked for. */
export interface CspViolation {
  readonly disposition: CspPolicy['disposition'];
  /** The directive that did not match, e.g. `default-src 'self'` (name and value, single-spaced). */
  readonly directive: string;
  /** Its name (`default-src` when it stood in for `connect-src`). */
  readonly directiveName: string;
  /** The effective directive of the request (`connect-src`, `img-src`, `script-src-elem`, `media-src`...). */
  readonly effectiveDirective: string;
}

/**
 * Get the effective directive for request (§6.8.1).
 * https://w3c.github.io/webappsec-csp/#effective-directive-for-a-request
 */
export function getEffectiveDirectiveForRequest(destination: ContextDestination): string {
  switch (destination) {
    // 1. If request's initiator is "fetch" or its destination is "", return connect-src.
    case '':
      return 'connect-src';
    case 'audio':
    case 'video':
      return 'media-src';
    case 'image':
      return 'img-src';
    case 'font':
      return 'font-src';
    case 'script':
      return 'script-src-elem';
    case 'style':
      return 'style-src-elem';
  }
}

const FALLBACKS: Readonly<Record<string, readonly string[]>> = {
  'script-src-elem': ['script-src-elem', 'script-src', 'default-src'],
  'style-src-elem': ['style-src-elem', 'style-src', 'default-src'],
  'connect-src': ['connect-src', 'default-src'],
  'img-src': ['img-src', 'default-src'],
  'media-src': ['media-src', 'default-src'],
  'font-src': ['font-src', 'default-src'],
};

/**
 * Get fetch directive fallback list (§6.8.3).
 * https://w3c.github.io/webappsec-csp/#directive-fallback-list
 */
export function getFetchDirectiveFallbackList(directiveName: string): readonly string[] {
  return FALLBACKS[directiveName] ?? [directiveName];
}

/**
 * The directive of `policy` that governs the effective directive, if any: the first of the
 * fallback list the policy has ("Should fetch directive execute", §6.8.4, read from the other end).
 * https://w3c.github.io/webappsec-csp/#should-directive-execute
 */
export function governingDirective(policy: CspPolicy, effective: string): string | null {
  // 2. For each fallback directive: the directive itself executes; a fallback present earlier stops later ones.
  for (const name of getFetchDirectiveFallbackList(effective)) if (policy.directives.has(name)) return name;
  // 3. Return "No".
  return null;
}

/**
 * Does request violate policy? (§6.8.? "pre-request check" of the governing fetch directive.)
 * Returns the violation, or null. `script-src`'s `'strict-dynamic'` allows a script that is not
 * parser-inserted (the dynamically created scripts modelled here).
 * https://w3c.github.io/webappsec-csp/#does-request-violate-policy
 */
export function doesRequestViolatePolicy(
  url: URL,
  destination: ContextDestination,
  redirectCount: number,
  policy: CspPolicy,
  page: PageContext,
  profile: ContextProfile,
): CspViolation | null {
  const effective = getEffectiveDirectiveForRequest(destination);
  const name = governingDirective(policy, effective);
  if (name === null) return null;
  const value = policy.directives.get(name) as readonly string[];
  // script-src pre-request check, step 5: 'strict-dynamic' allows scripts that are not parser-inserted.
  if (effective === 'script-src-elem' && compileSourceList(value).some((e) => e.type === 'strict-dynamic')) {
    return null;
  }
  if (doesUrlMatchSourceList(url, value, page.origin, redirectCount, profile)) return null;
  // firefox: under upgrade-insecure-requests an http: URL is judged as its https: twin too.
  if (profile.cspUirHttpMatchesHttps && page.upgradeInsecureRequests && url.protocol === 'http:') {
    const twin = new URL(url.href);
    twin.protocol = 'https:';
    if (doesUrlMatchSourceList(twin, value, page.origin, redirectCount, profile)) return null;
  }
  return {
    disposition: policy.disposition,
    directive: value.length > 0 ? `${name} ${value.join(' ')}` : name,
    directiveName: name,
    effectiveDirective: effective,
  };
}

/**
 * Should request be blocked by Content Security Policy? (§4.1.3), with the report-only policies'
 * violations of "Report Content Security Policy violations for request" (§4.1.2) returned beside.
 * https://w3c.github.io/webappsec-csp/#should-block-request
 */
export function cspRequestCheck(
  url: URL,
  destination: ContextDestination,
  redirectCount: number,
  page: PageContext,
  profile: ContextProfile,
): { blocked: boolean; violations: CspViolation[] } {
  const violations: CspViolation[] = [];
  // 2. Let result be "Allowed".
  let blocked = false;
  // 3. For each policy of the CSP list (report-only ones are reported, never enforced):
  for (const policy of page.csp) {
    const v = doesRequestViolatePolicy(url, destination, redirectCount, policy, page, profile);
    if (v === null) continue;
    // 3.3. Report the violation; an enforced one sets result to "Blocked".
    violations.push(v);
    if (policy.disposition === 'enforce') blocked = true;
  }
  // 4. Return result.
  return { blocked, violations };
}
