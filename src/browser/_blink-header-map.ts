/**
 * The iteration order of Blink's `HTTPHeaderMap` (Chromium): the order in which Chromium's network
 * service walks a request's headers when it checks them against a preflight's
 * `Access-Control-Allow-Headers`, so the order that decides which header its console line names
 * when several are not allowed.
 *
 * Blink copies a fetch's header list (sorted by name, case-insensitively) into a WTF `HashMap`
 * keyed by a case-folding hash, adds `User-Agent`, and the network service walks the resulting
 * header vector in the map's slot order (PreflightResult::EnsureAllowedCrossOriginHeaders over
 * CorsUnsafeNotForbiddenRequestHeaderNames, which does not sort). The map is an open-addressing
 * table: 8 slots at first, doubled (and re-filled in old slot order) once half full, quadratic
 * probing (step 1, 2, 3, …). The hash is CaseFoldingHash: rapidhash over the name folded to
 * lower case and widened to UTF-16 (2 bytes a character; one character hashes as its code
 * unit), masked to 24 bits (0 becomes 0x800000).
 *
 * Measured against Chromium 156 (the wire order of the request's headers and the named header):
 * test/browsers/header-order.test.ts; the departure is row 31 of docs/browser-differences.md.
 */
import { byteLowercase } from '../_fetch/index.js';

const MASK64 = (1n << 64n) - 1n;
const SECRET = [0x2d358dccaa6c78a5n, 0x8bb84b93962eacc9n, 0x4b33a62ed433d4a3n] as const;
const SEED = 0xbdd89aa982704029n;
const [S0, S1, S2] = SECRET;

/** 64x64 -> 128-bit multiply: [low, high]. */
function mul128(a: bigint, b: bigint): [bigint, bigint] {
  const r = a * b;
  return [r & MASK64, r >> 64n];
}

function mix(a: bigint, b: bigint): bigint {
  const [lo, hi] = mul128(a, b);
  return lo ^ hi;
}

function read(bytes: Uint8Array, at: number, width: 4 | 8): bigint {
  let v = 0n;
  for (let k = width - 1; k >= 0; k--) v = (v << 8n) | BigInt(bytes[at + k] ?? 0);
  return v;
}

/**
 * rapidhash (v1, default seed and secret, as vendored in Chromium's third_party/rapidhash) of
 * `bytes`; `small` is what the reader returns for inputs of 1-3 bytes.
 * https://github.com/Nicoshev/rapidhash
 */
function rapidhash(bytes: Uint8Array, small: bigint): bigint {
  const len = bytes.length;
  const n = BigInt(len);
  let seed = SEED ^ mix(SEED ^ S0, S1) ^ n;
  let a: bigint;
  let b: bigint;
  if (len <= 16) {
    if (len >= 4) {
      const last = len - 4;
      const delta = (len & 24) >> (len >> 3);
      a = (read(bytes, 0, 4) << 32n) | read(bytes, last, 4);
      b = (read(bytes, delta, 4) << 32n) | read(bytes, last - delta, 4);
    } else {
      a = len > 0 ? small : 0n;
      b = 0n;
    }
  } else {
    let i = len;
    let p = 0;
    if (i > 48) {
      let see1 = seed;
      let see2 = seed;
      do {
        seed = mix(read(bytes, p, 8) ^ S0, read(bytes, p + 8, 8) ^ seed);
        see1 = mix(read(bytes, p + 16, 8) ^ S1, read(bytes, p + 24, 8) ^ see1);
        see2 = mix(read(bytes, p + 32, 8) ^ S2, read(bytes, p + 40, 8) ^ see2);
        p += 48;
        i -= 48;
      } while (i >= 48);
      seed ^= see1 ^ see2;
    }
    if (i > 16) {
      seed = mix(read(bytes, p, 8) ^ S2, read(bytes, p + 8, 8) ^ seed ^ S1);
      if (i > 32) seed = mix(read(bytes, p + 16, 8) ^ S2, read(bytes, p + 24, 8) ^ seed);
    }
    a = read(bytes, p + i - 16, 8);
    b = read(bytes, p + i - 8, 8);
  }
  [a, b] = mul128(a ^ S1, b ^ seed);
  return mix(a ^ S0 ^ n, b ^ S1);
}

/**
 * Blink's CaseFoldingHash of a header name (ASCII; Latin-1 code units above 0x7F are hashed as
 * they are): 24 bits, never 0.
 */
export function caseFoldingHash(name: string): number {
  const lower = byteLowercase(name);
  const bytes = new Uint8Array(lower.length * 2);
  for (let i = 0; i < lower.length; i++) bytes[i * 2] = lower.charCodeAt(i) & 0xff;
  const small = lower.length === 1 ? BigInt(lower.charCodeAt(0)) : 0n;
  const h = Number(rapidhash(bytes, small) & 0xffffffn);
  return h === 0 ? 0x800000 : h;
}

/** Inserts `name` (hash `h`) into `slots` by quadratic probing; the slot must be free of it. */
function place(slots: (string | undefined)[], name: string, h: number): void {
  const mask = slots.length - 1;
  let i = h & mask;
  for (let step = 1; slots[i] !== undefined; step++) i = (i + step) & mask;
  slots[i] = name;
}

/**
 * The names of a header map filled with `names` in the order given (duplicates, compared
 * case-insensitively, are skipped), lower-cased, in the map's iteration order.
 */
export function headerMapOrder(names: Iterable<string>): string[] {
  let slots: (string | undefined)[] = new Array(8);
  const hashes = new Map<string, number>();
  for (const raw of names) {
    const name = byteLowercase(raw);
    if (hashes.has(name)) continue;
    const h = caseFoldingHash(name);
    hashes.set(name, h);
    place(slots, name, h);
    // WTF::HashTable expands once (keys * 2 >= size), re-inserting in old slot order.
    if (hashes.size * 2 >= slots.length) {
      const old = slots;
      slots = new Array(old.length * 2);
      for (const n of old) if (n !== undefined) place(slots, n, hashes.get(n) as number);
    }
  }
  return slots.filter((n): n is string => n !== undefined);
}

/**
 * The order in which Chromium checks a request's header names against a preflight answer: the
 * page's header names sorted (its fetch header list), then `User-Agent`, put into Blink's
 * `HTTPHeaderMap`, in the map's iteration order. Lower-cased.
 */
export function chromiumHeaderCheckOrder(requestHeaderNames: Iterable<string>): string[] {
  const sorted = [...new Set([...requestHeaderNames].map(byteLowercase))].sort();
  return headerMapOrder([...sorted, 'user-agent']);
}
