/**
 * Runs every `fetch-primitive` table in test/fixtures/ against src/_fetch/index.ts: each case calls
 * the named export with its arguments and compares the return value.
 */
import { describe, expect, it } from 'vitest';
import { expandFetchValue, type FetchPrimitiveCase, loadTables } from '../../test/fixtures/schema.js';
import { getProfile } from '../browser/index.js';
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

/** Where each function takes its `RequestHeaderRules`: a table names a browser profile there. */
const RULES_ARG: Readonly<Record<string, number>> = {
  corsSafelistedRequestHeaderFailure: 2,
  isCorsSafelistedRequestHeader: 2,
  isNoCorsSafelistedRequestHeader: 2,
  isForbiddenRequestHeader: 2,
  corsUnsafeRequestHeaderNames: 1,
  corsUnsafeRequestHeaderNamesDetailed: 1,
};

/** The case's arguments, a profile name (or `name@release`) replaced by that profile's request-header rules. */
function argsOf(c: FetchPrimitiveCase): unknown[] {
  const args = expandFetchValue(c.args) as unknown[];
  const at = RULES_ARG[c.fn];
  if (at !== undefined && typeof args[at] === 'string') {
    args[at] = getProfile(args[at] as Parameters<typeof getProfile>[0]).requestHeaders;
  }
  return args;
}

function call(c: FetchPrimitiveCase): unknown {
  const fn = api[c.fn];
  if (typeof fn !== 'function') throw new Error(`${c.id}: src/_fetch exports no function ${c.fn}`);
  return (fn as (...args: unknown[]) => unknown)(...argsOf(c));
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
        const [name, value, profile] = argsOf(c) as [string, string, fetch.RequestHeaderRules?];
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
        const [headers, profile] = argsOf(c) as [[string, string][], fetch.RequestHeaderRules?];
        expect(fetch.corsUnsafeRequestHeaderNames(headers, profile), c.id).toEqual(
          fetch.corsUnsafeRequestHeaderNamesDetailed(headers, profile).names,
        );
      }
    }
  });
});
