/**
 * Which IP addresses an open proxy may connect to: global unicast only. Everything else (loopback,
 * RFC 1918 private, link-local incl. the cloud metadata address 169.254.169.254, CGNAT, unspecified,
 * unique-local, multicast, broadcast, reserved and documentation ranges, NAT64, 6to4, Teredo, ...)
 * is refused, with the name of the range as the reason.
 * Ranges: https://www.iana.org/assignments/iana-ipv4-special-registry and
 * https://www.iana.org/assignments/iana-ipv6-special-registry (as encoded by `ipaddr.js`).
 */
import ipaddr from 'ipaddr.js';

/** The verdict on one address: allowed, or refused with the name of its special range. */
export type AddressVerdict =
  | { readonly kind: 'public'; readonly address: string }
  | { readonly kind: 'refused'; readonly address: string; readonly range: string };

/**
 * Classifies one IP address (no brackets) as public unicast or refused.
 * 1. Parse; anything that is not an IP address is refused (`invalid`).
 * 2. IPv4-mapped (`::ffff:a.b.c.d`) is classified by its IPv4 address.
 * 3. IPv4-compatible (`::a.b.c.d`, `::/96`, deprecated by RFC 4291) is refused.
 * 4. IPv6 must be inside 2000::/3 (global unicast) and in no special range.
 * 5. IPv4 must be in no special range.
 */
export function classifyAddress(input: string): AddressVerdict {
  const text = input.startsWith('[') && input.endsWith(']') ? input.slice(1, -1) : input;
  // Zone identifiers (fe80::1%eth0) are link-local by nature.
  if (text.includes('%')) return { kind: 'refused', address: input, range: 'linkLocal' };
  // 1. Strict parse: `isValid` accepts odd IPv4 forms, so require the four-part decimal form or IPv6.
  let parsed: ipaddr.IPv4 | ipaddr.IPv6;
  if (ipaddr.IPv4.isValidFourPartDecimal(text)) parsed = ipaddr.IPv4.parse(text);
  else if (ipaddr.IPv6.isValid(text)) parsed = ipaddr.IPv6.parse(text);
  else return { kind: 'refused', address: input, range: 'invalid' };
  if (parsed.kind() === 'ipv6') {
    const v6 = parsed as ipaddr.IPv6;
    // 2. IPv4-mapped: judge the embedded IPv4 address.
    if (v6.isIPv4MappedAddress()) {
      const inner = classifyAddress(v6.toIPv4Address().toString());
      return inner.kind === 'public' ? { kind: 'public', address: input } : { ...inner, address: input };
    }
    const parts = v6.parts;
    // 3. IPv4-compatible ::/96 (includes :: and ::1, which ipaddr.js names first).
    const range = v6.range();
    if (range !== 'unicast') return { kind: 'refused', address: input, range };
    if (parts.slice(0, 6).every((p) => p === 0))
      return { kind: 'refused', address: input, range: 'ipv4Compatible' };
    // 4. Global unicast is 2000::/3.
    if (((parts[0] ?? 0) & 0xe000) !== 0x2000)
      return { kind: 'refused', address: input, range: 'notGlobalUnicast' };
    return { kind: 'public', address: input };
  }
  // 5. IPv4.
  const range = (parsed as ipaddr.IPv4).range();
  if (range !== 'unicast') return { kind: 'refused', address: input, range };
  return { kind: 'public', address: input };
}

/** Human words for a range name, used in 403 bodies. */
export function describeRange(range: string): string {
  const words: Record<string, string> = {
    loopback: 'a loopback address',
    private: 'a private (RFC 1918) address',
    linkLocal: 'a link-local address (this includes cloud metadata endpoints such as 169.254.169.254)',
    carrierGradeNat: 'a carrier-grade NAT (100.64.0.0/10) address',
    unspecified: 'the unspecified address',
    broadcast: 'the broadcast address',
    multicast: 'a multicast address',
    reserved: 'a reserved or documentation address',
    uniqueLocal: 'a unique-local IPv6 address (fc00::/7)',
    ipv4Compatible: 'an IPv4-compatible IPv6 address (::/96)',
    rfc6052: 'a NAT64 address (64:ff9b::/96)',
    rfc6145: 'an IPv4-translated address',
    '6to4': 'a 6to4 address (2002::/16)',
    teredo: 'a Teredo address (2001::/32)',
    notGlobalUnicast: 'an IPv6 address outside global unicast (2000::/3)',
    invalid: 'not a valid IP address',
  };
  return words[range] ?? `a special-purpose address (${range})`;
}
