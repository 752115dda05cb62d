/**
 * Bounded work on hostile input: the bounded list parser stops reading lines once the limit is
 * passed, whatever the number of lines, and refuses a huge single value by its length. Work is
 * measured by counting reads, never by timing.
 */
import { describe, expect, it } from 'vitest';
import {
  corsUnsafeRequestHeaderNames,
  DEFAULT_HEADER_LIST_LIMITS,
  extractHeaderListValues,
  extractHeaderListValuesBounded,
} from './index.js';

/** An array of `n` copies of `line` that counts how many entries are read. */
function countingLines(n: number, line: string): { lines: string[]; reads: () => number } {
  let reads = 0;
  const target = new Array<string>(n).fill(line);
  const lines = new Proxy(target, {
    get(t, key, receiver) {
      if (typeof key === 'string' && /^\d+$/.test(key)) reads++;
      return Reflect.get(t, key, receiver);
    },
  });
  return { lines, reads: () => reads };
}

describe('bounded list parsing', () => {
  it('a million empty lines: refused as too long after about maxTotalLength reads', () => {
    const { lines, reads } = countingLines(1_000_000, '');
    const got = extractHeaderListValuesBounded(lines, 'field-name');
    expect(got).toMatchObject({ ok: false, reason: 'too-long' });
    expect(reads()).toBeLessThanOrEqual(DEFAULT_HEADER_LIST_LIMITS.maxTotalLength + 2);
  });

  it('a million one-name lines: refused after at most maxElements + 1 lines', () => {
    const { lines, reads } = countingLines(1_000_000, 'x-a');
    const got = extractHeaderListValuesBounded(lines, 'field-name');
    expect(got).toMatchObject({ ok: false, reason: 'too-many-elements' });
    expect(reads()).toBeLessThanOrEqual(DEFAULT_HEADER_LIST_LIMITS.maxElements + 1);
  });

  it('a 16 MiB value is refused by its length', () => {
    const got = extractHeaderListValuesBounded(['a'.repeat(16 * 1024 * 1024)], 'field-name');
    expect(got).toMatchObject({ ok: false, reason: 'too-long' });
  });

  it('without limits the same input is parsed in full (the spec has no bound)', () => {
    const got = extractHeaderListValues(
      [Array.from({ length: 1000 }, (_, i) => `x-${i}`).join(',')],
      'field-name',
    );
    expect(got).toMatchObject({ ok: true });
    expect(got?.ok && got.values.length).toBe(1000);
  });

  it('the failure detail is short even for a huge bad element', () => {
    const got = extractHeaderListValues([`${'a'.repeat(100_000)} b`], 'field-name');
    expect(got).toMatchObject({ ok: false, reason: 'not-token' });
    expect(got && !got.ok && got.detail.length).toBeLessThan(200);
  });

  it('the CORS-unsafe names of many headers are one entry per distinct name', () => {
    const headers = Array.from({ length: 10_000 }, (_, i) => [`X-H${i % 10}`, 'v'] as const);
    expect(corsUnsafeRequestHeaderNames(headers)).toEqual(Array.from({ length: 10 }, (_, i) => `x-h${i}`));
  });
});
