/**
 * INTERNAL test seam. Not exported from `crossorigin/proxy`.
 *
 * Tests can only reach loopback, yet the path "open target, public address, allowed" must be
 * exercised. A test passes `{ [internal]: { mapCheckedAddress } }` in the proxy options: the fake
 * resolver answers a public-looking address, the connect-time check judges THAT address exactly as
 * in production, and only afterwards this hook swaps the checked address for the loopback address
 * of a local test upstream. The hook cannot weaken the check (it runs after it and sees only
 * addresses that passed), and it is keyed by a Symbol that the package does not export.
 */
export const internal: unique symbol = Symbol('crossorigin.proxy.internal');

export interface InternalOptions {
  /** Runs after the SSRF check, on each checked address, before connect. Tests only. */
  readonly mapCheckedAddress?: (address: string) => string;
  /** Extra CA certificates for upstream TLS (tests: a self-signed loopback upstream). */
  readonly ca?: string | Buffer;
}

/** Options carrying the seam: only tests build these; the public option types do not mention it. */
export type WithInternal<T> = T & { readonly [internal]?: InternalOptions };
