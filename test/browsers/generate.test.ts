/** The generator: deterministic, at least 500 valid cases, every variant present, answers sendable. */
import { validateHeaderName, validateHeaderValue } from 'node:http';
import { describe, expect, it } from 'vitest';
import { DEFAULT_COUNT, DEFAULT_SEED, generateCases, HEADER_SETS, METHODS, Prng } from './generate.js';
import { localizeCase } from './harness/servers.js';

const cases = generateCases(DEFAULT_SEED, DEFAULT_COUNT);

describe('Prng', () => {
  it('is deterministic per seed and spreads over its range', () => {
    const a = new Prng(1);
    const b = new Prng(1);
    const xs = Array.from({ length: 1000 }, () => a.int(10));
    expect(Array.from({ length: 1000 }, () => b.int(10))).toEqual(xs);
    for (let d = 0; d < 10; d++) expect(xs.filter((x) => x === d).length).toBeGreaterThan(50);
    expect(new Prng(2).next()).not.toBe(new Prng(1).next());
  });
});

describe('generateCases', () => {
  it('makes at least 500 cases with unique fixture-style ids', () => {
    expect(cases.length).toBeGreaterThanOrEqual(500);
    expect(new Set(cases.map((c) => c.id)).size).toBe(cases.length);
    for (const c of cases) expect(c.id).toMatch(/^[a-z0-9][a-z0-9-]*$/);
  });

  it('writes no expectation', () => {
    for (const c of cases) expect(c.expect).toBeUndefined();
  });

  it('is the same for the same seed and different for another', () => {
    expect(generateCases(DEFAULT_SEED, DEFAULT_COUNT)).toEqual(cases);
    expect(generateCases(DEFAULT_SEED + 1, DEFAULT_COUNT)).not.toEqual(cases);
  });

  it('covers every method and header set, modes, credentials, XHR, redirects and repeats', () => {
    const methods = new Set(cases.map((c) => c.request.method));
    for (const [, m] of METHODS) expect(methods).toContain(m);
    const descriptions = cases.map((c) => c.description).join('\n');
    for (const [label] of HEADER_SETS) expect(descriptions).toContain(`headers=${label};`);
    for (const s of ['pf-200', 'pf-204', 'pf-299', 'pf-301', 'pf-302', 'pf-400', 'pf-404', 'pf-500'])
      expect(descriptions).toContain(`(${s} `);
    for (const v of [
      'mode=no-cors',
      'mode=same-origin',
      'credentials=include',
      'credentials=omit',
      'XHR ',
      'repeat=2',
    ])
      expect(descriptions).toContain(v);
    for (const r of [
      'same-origin',
      'cross-origin',
      'to-page-origin',
      'credentials-in-location',
      'two-hops',
      'hop-no-acao',
    ])
      expect(descriptions).toContain(`redirect=${r} `);
    for (const a of [
      'ACAO=multi-comma',
      'ACAO=two-lines',
      'ACAO=trailing-slash',
      'ACAO=upper',
      'ACAO=null',
      'ACAO=spaces',
      'ACAO=invalid-url',
    ])
      expect(descriptions).toContain(a);
    for (const a of [
      'acam-star',
      'acah-star',
      'acam-parse-error',
      'acah-parse-error',
      'acam-empty',
      'ma-7200',
      'ma-neg',
      'aceh-star',
    ])
      expect(descriptions).toContain(a);
  });

  it('writes only answers a Node server can send', () => {
    const ports = { app: 1, api: 2, other: 3 };
    for (const c of cases) {
      const local = localizeCase(c, ports);
      const answers = [
        local.server.actual,
        ...(local.server.preflight ? [local.server.preflight] : []),
        ...Object.values(local.server.hops ?? {}),
      ];
      for (const a of answers) {
        for (const [n, v] of a.headers) {
          expect(() => validateHeaderName(n), `${c.id} ${n}`).not.toThrow();
          expect(() => validateHeaderValue(n, v), `${c.id} ${n}: ${v}`).not.toThrow();
        }
        const loc = a.location;
        if (loc !== undefined) expect(() => validateHeaderValue('Location', loc)).not.toThrow();
      }
    }
  });
});
