/**
 * Package-private: an unfrozen copy of a shared, frozen HTTP answer (a decision's `headers` and
 * `vary`), attached as a non-enumerable symbol property by the cores that build such answers once
 * and share them between requests, and read by node's adapter (applyDecision in _http/node.ts).
 *
 * Why: the public lists are frozen arrays, and V8's optimized code does not inline element loads
 * from frozen arrays; each goes through the generic KeyedLoadIC (three per header, one more for
 * Vary). Reading these copies instead took about 540 instructions off each request in node:http
 * (bench/http-ir.ts, corsMiddleware 16,275 -> 15,999 for the headers, -> 15,603 with Vary).
 */
export const kPlain: unique symbol = Symbol('crossorigin.plainCopy');

/** A decision's headers as one flat `[name, value, …]` array, and its Vary names joined. */
export interface PlainCopy {
  readonly headers: string[];
  /** The Vary names joined with ", " ('' for none): the value to send when nothing set Vary before. */
  readonly vary: string;
}

interface Shared {
  readonly headers: readonly (readonly [string, string])[];
  /** Distinct header names (as every core gives them), so that joining them is merging them. */
  readonly vary: readonly string[];
}

/** Attaches the plain copy to an answer about to be frozen; returns it. */
export function withPlainCopy<T extends Shared>(d: T): T {
  const headers: string[] = [];
  for (const [name, value] of d.headers) headers.push(name, value);
  const copy: PlainCopy = { headers, vary: d.vary.join(', ') };
  Object.defineProperty(d, kPlain, { value: copy, enumerable: false });
  return d;
}

/** The plain copy of an answer, when its maker attached one. */
export function plainCopy(d: object): PlainCopy | undefined {
  return (d as { [kPlain]?: PlainCopy })[kPlain];
}
