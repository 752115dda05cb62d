import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { mergeVary } from './index.js';

describe('mergeVary', () => {
  it.each([
    { existing: null, add: ['Origin'], want: 'Origin' },
    {
      existing: undefined,
      add: ['Origin', 'Access-Control-Request-Method'],
      want: 'Origin, Access-Control-Request-Method',
    },
    { existing: '', add: ['Origin', 'origin'], want: 'Origin' },
    { existing: 'Accept-Encoding', add: ['Origin'], want: 'Accept-Encoding, Origin' },
    { existing: 'origin, Accept', add: ['Origin'], want: 'origin, Accept' },
    { existing: ['Accept', 'Cookie, accept'], add: ['Origin'], want: 'Accept, Cookie, Origin' },
    { existing: '*', add: ['Origin'], want: '*' },
    { existing: 'Accept, *', add: ['Origin'], want: '*' },
    { existing: 'bad value\r\n, Accept', add: ['Origin'], want: 'Accept, Origin' },
    { existing: 42, add: ['Origin'], want: '42, Origin' },
    { existing: null, add: [], want: '' },
  ])('$existing + $add -> $want', ({ existing, add, want }) => {
    expect(mergeVary(existing as never, add)).toBe(want);
  });

  // The fast path (nothing set yet) must agree with the general merge.
  it('fast path equals the general merge', () => {
    const name = fc.constantFrom(
      'Origin',
      'origin',
      'Accept',
      'Access-Control-Request-Headers',
      'X-A',
      'x-a',
    );
    fc.assert(
      fc.property(fc.array(name, { maxLength: 6 }), fc.constantFrom(null, '', undefined), (add, empty) => {
        const general = mergeVary(' ', add); // a blank value takes the general path and yields the same
        expect(mergeVary(empty, add)).toBe(general);
      }),
    );
  });

  it('fast path for one name (any string, token or not) equals the general merge', () => {
    fc.assert(
      fc.property(
        fc.oneof(fc.string(), fc.constantFrom('Origin', '*', 'a b', '')),
        fc.constantFrom(null, '', undefined),
        (name, empty) => {
          expect(mergeVary(empty, [name])).toBe(mergeVary(' ', [name]));
        },
      ),
    );
  });

  it('never emits CR, LF or a duplicate name', () => {
    fc.assert(
      fc.property(
        fc.option(fc.string(), { nil: null }),
        fc.array(fc.string({ maxLength: 8 }), { maxLength: 5 }),
        (existing, add) => {
          const tokens = add.filter((n) => /^[A-Za-z-]+$/.test(n));
          const out = mergeVary(existing, tokens);
          expect(out).not.toMatch(/[\r\n]/);
          const names = out ? out.split(', ').map((s) => s.toLowerCase()) : [];
          expect(new Set(names).size).toBe(names.length);
        },
      ),
    );
  });
});
