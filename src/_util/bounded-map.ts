/**
 * A `Map` that never holds more than `max` entries. When it is full, adding a new key first empties
 * it ("clear when full"): constant time, no per-entry bookkeeping, and memory bounded whatever the
 * keys are. Meant for memo caches on hot paths, where a miss only costs a recomputation and a hostile
 * stream of distinct keys must not grow memory. (An LRU would keep hot keys across a flood of cold
 * ones at the price of bookkeeping on every hit; none of our caches needs that.)
 */
export class BoundedMap<K, V> extends Map<K, V> {
  readonly max: number;

  constructor(max: number) {
    super();
    if (!Number.isInteger(max) || max < 1)
      throw new RangeError(`BoundedMap: max must be a positive integer, got ${max}`);
    this.max = max;
  }

  override set(key: K, value: V): this {
    if (this.size >= this.max && !this.has(key)) this.clear();
    return super.set(key, value);
  }

  /** The value for `key`, computed by `make` and remembered when absent. */
  getOrSet(key: K, make: (key: K) => V): V {
    const hit = this.get(key);
    if (hit !== undefined || this.has(key)) return hit as V;
    const value = make(key);
    this.set(key, value);
    return value;
  }
}
