import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { BoundedMap } from './bounded-map.js';

describe('BoundedMap', () => {
  it('never holds more than max entries, whatever the keys', () => {
    fc.assert(
      fc.property(
        fc.integer({ min: 1, max: 16 }),
        fc.array(fc.integer({ min: 0, max: 64 }), { minLength: 1 }),
        (max, keys) => {
          const m = new BoundedMap<number, number>(max);
          for (const k of keys) {
            m.set(k, k);
            expect(m.size).toBeLessThanOrEqual(max);
            expect(m.get(k)).toBe(k);
          }
        },
      ),
    );
  });

  it('clears when a new key arrives at capacity, keeps everything when an existing key is updated', () => {
    const m = new BoundedMap<string, number>(2);
    m.set('a', 1).set('b', 2);
    m.set('b', 3);
    expect([...m.entries()]).toEqual([
      ['a', 1],
      ['b', 3],
    ]);
    m.set('c', 4);
    expect([...m.entries()]).toEqual([['c', 4]]);
  });

  it('getOrSet computes once per key, including undefined-free falsy values', () => {
    const m = new BoundedMap<string, number>(4);
    let calls = 0;
    const make = () => {
      calls++;
      return 0;
    };
    expect(m.getOrSet('x', make)).toBe(0);
    expect(m.getOrSet('x', make)).toBe(0);
    expect(calls).toBe(1);
  });

  it('refuses a size that is not a positive integer', () => {
    for (const bad of [0, -1, 1.5, Number.NaN]) expect(() => new BoundedMap(bad)).toThrow(RangeError);
  });
});
