import { describe, expect, it } from 'vitest';
import { mapConcurrent } from './stream.js';

const tick = (ms: number) => new Promise<void>((r) => setTimeout(r, ms));

describe('mapConcurrent', () => {
  it('runs at most `concurrency` at once and yields in completion order with input positions', async () => {
    let active = 0;
    let peak = 0;
    const delays = [30, 5, 20, 1, 10];
    const out: number[] = [];
    for await (const { index, value } of mapConcurrent(delays, 2, async (ms, i) => {
      active++;
      peak = Math.max(peak, active);
      await tick(ms);
      active--;
      return i * 10;
    })) {
      expect(value).toBe(index * 10);
      out.push(index);
    }
    expect(peak).toBe(2);
    expect(out.sort()).toEqual([0, 1, 2, 3, 4]);
  });

  it('reads the input only as slots free up', async () => {
    let read = 0;
    function* input() {
      for (let i = 0; i < 100; i++) {
        read++;
        yield i;
      }
    }
    const it = mapConcurrent(input(), 3, async (x) => x)[Symbol.asyncIterator]();
    await it.next();
    expect(read).toBeLessThanOrEqual(4);
    await it.return(undefined);
  });

  it('hands over a finished item while the input is still waiting for its next one', async () => {
    let release: () => void = () => {};
    const gate = new Promise<void>((r) => {
      release = r;
    });
    async function* slow() {
      yield 'a';
      await gate; // e.g. stdin with no next line yet
      yield 'b';
    }
    const seen: string[] = [];
    const stream = mapConcurrent(slow(), 4, async (x) => x.toUpperCase());
    const first = await Promise.race([stream.next(), tick(500).then(() => 'stalled')]);
    expect(first).toEqual({ done: false, value: { index: 0, value: 'A' } });
    release();
    for await (const { value } of stream) seen.push(value);
    expect(seen).toEqual(['B']);
  });

  it('ends with the error of a failed item or of the input', async () => {
    await expect(async () => {
      for await (const _ of mapConcurrent([1, 2], 2, async (x) => {
        if (x === 2) throw new Error('boom');
        return x;
      }));
    }).rejects.toThrow('boom');
    async function* broken() {
      yield 1;
      throw new Error('input broke');
    }
    await expect(async () => {
      for await (const _ of mapConcurrent(broken(), 1, async (x) => x));
    }).rejects.toThrow('input broke');
  });

  it('closes the input when the consumer stops early', async () => {
    let closed = false;
    function* input() {
      try {
        for (let i = 0; ; i++) yield i;
      } finally {
        closed = true;
      }
    }
    for await (const { index } of mapConcurrent(input(), 2, async (x) => x)) if (index >= 3) break;
    expect(closed).toBe(true);
  });
});
