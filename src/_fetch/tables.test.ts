/**
 * Runs every `fetch-primitive` table in test/fixtures/ against src/_fetch/index.ts: each case calls
 * the named export with its arguments and compares the return value.
 */
import { describe, expect, it } from 'vitest';
import { expandFetchValue, type FetchPrimitiveCase, loadTables } from '../../test/fixtures/schema.js';
import * as fetch from './index.js';

const api = fetch as unknown as Record<string, unknown>;
const tables = loadTables('fetch-primitive');

/** Maps become plain objects so that a JSON expectation can describe them. */
function plain(value: unknown): unknown {
  if (value instanceof Map) return Object.fromEntries([...value].map(([k, v]) => [k, plain(v)]));
  if (Array.isArray(value)) return value.map(plain);
  if (value !== null && typeof value === 'object') {
    return Object.fromEntries(Object.entries(value).map(([k, v]) => [k, plain(v)]));
  }
  return value;
}

function call(c: FetchPrimitiveCase): unknown {
  const fn = api[c.fn];
  if (typeof fn !== 'function') throw new Error(`${c.id}: src/_fetch exports no function ${c.fn}`);
  return (fn as (...args: unknown[]) => unknown)(...(expandFetchValue(c.args) as unknown[]));
}

describe.each(tables.map((t) => [t.table, t] as const))('%s', (_name, table) => {
  it.each(table.cases.map((c) => [c.id, c] as const))('%s', (_id, c) => {
    const actual = plain(call(c));
    const expected = expandFetchValue(c.expect.result);
    if (c.expect.partial) expect(actual).toMatchObject(expected as object);
    else expect(actual).toEqual(expected);
  });
});

describe('tables', () => {
  it('cover every exported function of src/_fetch', () => {
    const covered = new Set(tables.flatMap((t) => t.cases.map((c) => c.fn)));
    const functions = Object.keys(api).filter((k) => typeof api[k] === 'function');
    expect(functions.filter((f) => !covered.has(f))).toEqual([]);
  });

  it('agree: isCorsSafelistedRequestHeader is corsSafelistedRequestHeaderFailure === null', () => {
    let n = 0;
    for (const t of tables) {
      for (const c of t.cases) {
        if (c.fn !== 'corsSafelistedRequestHeaderFailure') continue;
        const [name, value, profile] = expandFetchValue(c.args) as [string, string, fetch.SafelistProfile?];
        expect(fetch.isCorsSafelistedRequestHeader(name, value, profile), c.id).toBe(
          c.expect.result === null,
        );
        n++;
      }
    }
    expect(n).toBeGreaterThan(50);
  });

  it('agree: corsUnsafeRequestHeaderNames is the names of the detailed form', () => {
    for (const t of tables) {
      for (const c of t.cases) {
        if (c.fn !== 'corsUnsafeRequestHeaderNamesDetailed') continue;
        const [headers, profile] = expandFetchValue(c.args) as [[string, string][], fetch.SafelistProfile?];
        expect(fetch.corsUnsafeRequestHeaderNames(headers, profile), c.id).toEqual(
          fetch.corsUnsafeRequestHeaderNamesDetailed(headers, profile).names,
        );
      }
    }
  });
});
