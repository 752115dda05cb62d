/**
 * Local Network Access: a page may not reach a more private address space (loopback < local <
 * public) without the user's permission, and only from a secure context. This replaced Private
 * Network Access's preflight (`Access-Control-Request-Private-Network`) in Chromium; Chromium 156
 * and Firefox ESR 153 send no such preflight (test/browsers/private-network.test.ts).
 *
 * - proposal: https://wicg.github.io/local-network-access/
 * - address space of an IP: https://wicg.github.io/local-network-access/#ip-address-space
 */
import ipaddr from 'ipaddr.js';
import type { ContextProfile } from './context-profile.js';

export type AddressSpace = 'loopback' | 'local' | 'public';

const ORDER: Readonly<Record<AddressSpace, number>> = { loopback: 0, local: 1, public: 2 };

const LOCAL_RANGES: ReadonlySet<string> = new Set([
  'private', // 10/8, 172.16/12, 192.168/16
  'linkLocal', // 169.254/16, fe80::/10
  'uniqueLocal', // fc00::/7
  'carrierGradeNat', // 100.64/10
]);

/**
 * The address space of a URL's host when the URL itself tells it: an IP literal, or `localhost`
 * (and `*.localhost`, which browsers resolve to loopback). Null for any other name: its space
 * depends on what it resolves to.
 */
export function addressSpaceOfHost(hostname: string): AddressSpace | null {
  const h = hostname.toLowerCase().replace(/\.$/, '');
  if (h === 'localhost' || h.endsWith('.localhost')) return 'loopback';
  const bare = h.startsWith('[') ? h.slice(1, -1) : h;
  if (!ipaddr.isValid(bare)) return null;
  let addr = ipaddr.parse(bare);
  if (addr.kind() === 'ipv6' && (addr as ipaddr.IPv6).isIPv4MappedAddress())
    addr = (addr as ipaddr.IPv6).toIPv4Address();
  const range = addr.range();
  if (range === 'loopback') return 'loopback';
  if (LOCAL_RANGES.has(range)) return 'local';
  return 'public';
}

/** Is `target` more private than `client`? https://wicg.github.io/local-network-access/#private-network-request */
export function isMorePrivate(target: AddressSpace, client: AddressSpace): boolean {
  return ORDER[target] < ORDER[client];
}

export type LocalNetworkVerdict =
  | { readonly action: 'allowed' }
  /** Refused: the page is not a secure context (chromium), or the permission is not granted. */
  | {
      readonly action: 'blocked';
      readonly reason: 'insecure-context' | 'permission-denied';
      readonly space: 'loopback' | 'local';
    }
  /** firefox: the request waits for the user's answer to a prompt (forever in a headless browser). */
  | { readonly action: 'prompt'; readonly space: 'loopback' | 'local' };

/**
 * The Local Network Access check of one request, as the chosen profile does it.
 * https://wicg.github.io/local-network-access/#integration-fetch
 */
export function localNetworkAccessCheck(
  target: AddressSpace | null,
  client: AddressSpace | undefined,
  secureContext: boolean,
  permission: 'granted' | 'denied' | 'prompt',
  profile: ContextProfile,
): LocalNetworkVerdict {
  // 1. Not a local network request (unknown spaces, or not more private): nothing to check.
  if (profile.localNetworkAccess === 'off' || target === null || client === undefined) return ALLOWED;
  if (!isMorePrivate(target, client)) return ALLOWED;
  const space = target as 'loopback' | 'local';
  // 2. chromium, spec: only a secure context may ask.
  if (profile.localNetworkAccess === 'permission' && !secureContext)
    return { action: 'blocked', reason: 'insecure-context', space };
  // 3. The permission decides; firefox waits for the user's answer when none was given yet.
  if (permission === 'granted') return ALLOWED;
  if (profile.localNetworkAccess === 'prompt' && permission === 'prompt') return { action: 'prompt', space };
  return { action: 'blocked', reason: 'permission-denied', space };
}

const ALLOWED: LocalNetworkVerdict = Object.freeze({ action: 'allowed' });
