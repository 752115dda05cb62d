/**
 * The connect-time DNS check. The proxy's connector (undici `Agent({ connect: { lookup } })`, which
 * undici hands to `net.connect` / `tls.connect`) resolves a name once, checks EVERY address (all A
 * and AAAA records), refuses if any of them is not public unicast, and gives `connect` only the
 * addresses it checked. There is no second resolution between check and connect, so DNS rebinding
 * has no window. IP literals never reach a lookup (Node connects to them directly): they are
 * checked statically in target.ts.
 */
import type { LookupAddress } from 'node:dns';
import { lookup as dnsLookup } from 'node:dns/promises';
import { classifyAddress, describeRange } from './address.js';

/** One resolved address. */
export interface ResolvedAddress {
  readonly address: string;
  readonly family: 4 | 6;
}

/**
 * Resolves a host name to all of its addresses. Injectable so that tests (and deployments with
 * their own DNS) never depend on the system resolver. Must not throw synchronously.
 */
export type Resolver = (hostname: string) => Promise<readonly ResolvedAddress[]>;

/** The default resolver: the system's `getaddrinfo`, every A and AAAA record. */
export const systemResolver: Resolver = async (hostname) => {
  const all = await dnsLookup(hostname, { all: true, verbatim: true });
  return all.map((a) => ({ address: a.address, family: a.family === 6 ? 6 : 4 }));
};

/** The error a refused lookup fails the connection with; the proxy turns it into a 403. */
export class TargetRefusedError extends Error {
  readonly code = 'ERR_CROSSORIGIN_TARGET_REFUSED';
  constructor(
    readonly hostname: string,
    readonly address: string,
    readonly range: string,
  ) {
    super(`the target host "${hostname}" resolves to ${address}, which is ${describeRange(range)}`);
    this.name = 'TargetRefusedError';
  }
}

type LookupCallback = (
  err: NodeJS.ErrnoException | null,
  address: string | LookupAddress[],
  family?: number,
) => void;

/** The `lookup` function signature of `net.connect` (what undici passes through). */
export type ConnectLookup = (
  hostname: string,
  options: { all?: boolean; family?: number },
  cb: LookupCallback,
) => void;

export interface CheckedLookupOptions {
  readonly resolver: Resolver;
  /** Check every address (open targets); false: resolve only (explicitly configured fixed targets). */
  readonly check: boolean;
  /** Internal test seam, applied AFTER the check: see internal.ts. */
  readonly mapCheckedAddress?: ((address: string) => string) | undefined;
}

/**
 * Builds the connector's lookup.
 * 1. Resolve the name once with the injected resolver.
 * 2. No addresses: ENOTFOUND.
 * 3. If checking: classify every address; if ANY is not public unicast, fail with TargetRefusedError.
 * 4. Answer with exactly the checked addresses (all of them when asked for all, else the first
 *    of the requested family).
 */
export function createCheckedLookup(options: CheckedLookupOptions): ConnectLookup {
  const { resolver, check, mapCheckedAddress } = options;
  return (hostname, lookupOptions, cb) => {
    const name = hostname.endsWith('.') ? hostname.replace(/\.+$/, '') : hostname;
    let settled = false;
    const done: LookupCallback = (err, address, family) => {
      if (settled) return;
      settled = true;
      cb(err, address, family);
    };
    // 1.
    Promise.resolve()
      .then(() => resolver(name))
      .then(
        (addresses) => {
          // 2.
          if (!Array.isArray(addresses) || addresses.length === 0) {
            const err: NodeJS.ErrnoException = new Error(`getaddrinfo ENOTFOUND ${name}`);
            err.code = 'ENOTFOUND';
            done(err, '');
            return;
          }
          // 3. Every address first, so that nothing is connected to unless all passed.
          if (check) {
            for (const a of addresses) {
              const verdict = classifyAddress(a.address);
              if (verdict.kind === 'refused') {
                done(new TargetRefusedError(name, a.address, verdict.range), '');
                return;
              }
            }
          }
          const checked: LookupAddress[] = addresses.map((a) => {
            const address = mapCheckedAddress ? mapCheckedAddress(a.address) : a.address;
            return { address, family: address.includes(':') ? 6 : 4 };
          });
          // 4.
          if (lookupOptions.all) {
            done(null, checked);
            return;
          }
          const wanted = lookupOptions.family === 4 || lookupOptions.family === 6 ? lookupOptions.family : 0;
          const first = checked.find((a) => wanted === 0 || a.family === wanted);
          if (!first) {
            const err: NodeJS.ErrnoException = new Error(`getaddrinfo ENOTFOUND ${name}`);
            err.code = 'ENOTFOUND';
            done(err, '');
            return;
          }
          done(null, first.address, first.family);
        },
        (error: unknown) => {
          const err = (error instanceof Error ? error : new Error(String(error))) as NodeJS.ErrnoException;
          if (!err.code) err.code = 'ENOTFOUND';
          done(err, '');
        },
      );
  };
}
