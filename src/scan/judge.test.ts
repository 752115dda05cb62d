/**
 * The pure judge, table by table: answers in, findings out (no server, no network).
 */
import { describe, expect, it } from 'vitest';
import type { ProbeResponse } from './http.js';
import { differsWithCookies, judge, maskVolatile } from './judge.js';
import { runsAsScript } from './judge-extra.js';
import { cacheability } from './judge-passive.js';
import { backoff } from './limiter.js';
import { deriveOriginProbes } from './probes.js';
import type { Exchange, Observations } from './send.js';

const TARGET = 'https://api.shop.test/me';
const SITE = 'https://api.shop.test';

function x(
  headers: [string, string][],
  extra: Partial<ProbeResponse> = {},
  reqHeaders: [string, string][] = [],
): Exchange {
  return {
    request: { method: 'GET', url: TARGET, headers: reqHeaders },
    response: { status: 200, headers, bodyHash: 'h', bodyStart: '{}', ...extra },
  };
}

function observations(over: Partial<Observations>): Observations {
  return {
    target: TARGET,
    siteOrigin: SITE,
    cookie: true,
    plain: x([]),
    again: null,
    cookied: null,
    legit: null,
    preflight: null,
    attackerPreflights: [],
    probes: [],
    jsonp: { names: [], answers: [] },
    websocket: [],
    requests: 1,
    failedRequests: 0,
    ...over,
  };
}

/** The probe exchange for `origin`, answered by `answer(origin)` headers. */
function probes(answer: (origin: string) => [string, string][]): Exchange[] {
  return deriveOriginProbes(SITE).map((probe) => ({
    ...x(answer(probe.origin), {}, [['origin', probe.origin]]),
    probe,
  }));
}

const judged = (o: Partial<Observations>) =>
  Object.fromEntries(
    judge(observations(o), { method: 'GET', secret: new Set() }).findings.map((f) => [f.class, f.severity]),
  );

describe('judge: trust goes through the engine', () => {
  it('an echoed http: origin with credentials is medium; HSTS with includeSubDomains on the target lowers it, and says so', () => {
    const trust = (o: string): [string, string][] =>
      o === 'http://api.shop.test'
        ? [
            ['access-control-allow-origin', o],
            ['access-control-allow-credentials', 'true'],
            ['vary', 'Origin'],
          ]
        : [];
    expect(judged({ probes: probes(trust) })).toEqual({ 'insecure-origin': 'medium' });
    const hsts = x([['strict-transport-security', 'max-age=31536000; includeSubDomains']]);
    const r = judge(observations({ plain: hsts, probes: probes(trust) }), {
      method: 'GET',
      secret: new Set(),
    });
    expect(r.findings.map((f) => [f.class, f.severity])).toEqual([['insecure-origin', 'low']]);
    expect(r.findings[0]?.detail).toContain('HSTS');
  });

  it('`*` is not trust of a probe origin (the passive check reports it)', () => {
    expect(judged({ probes: probes(() => [['access-control-allow-origin', '*']]) })).toEqual({
      'wildcard-origin': 'info',
    });
  });

  it('two ACAO lines each equal to the origin: the engine (Chromium) refuses, so no trust finding', () => {
    const twice = (o: string): [string, string][] => [
      ['access-control-allow-origin', o],
      ['access-control-allow-origin', o],
    ];
    expect(judged({ probes: probes(twice) })).toEqual({ 'multiple-allow-origin': 'info' });
  });

  it('preflight-only trust: attacker preflight allowed with credentials, actual answer not: high', () => {
    const pre = x(
      [
        ['access-control-allow-origin', 'https://evil.example'],
        ['access-control-allow-credentials', 'true'],
        ['access-control-allow-methods', 'PUT'],
        ['access-control-allow-headers', 'content-type'],
      ],
      { status: 204 },
      [['origin', 'https://evil.example']],
    );
    pre.request.method = 'OPTIONS';
    expect(judged({ attackerPreflights: [pre], probes: probes(() => []) })).toEqual({
      'preflight-only-trust': 'high',
    });
    // Without Access-Control-Allow-Methods listing PUT the browser stops at the preflight.
    const refused = {
      ...pre,
      response: {
        ...pre.response,
        headers: pre.response.headers.filter(([n]) => n !== 'access-control-allow-methods'),
      },
    };
    expect(judged({ attackerPreflights: [refused], probes: probes(() => []) })).toEqual({});
  });
});

describe('judge: volatile pages, caches, scripts', () => {
  it('masks ids, timestamps and numbers', () => {
    expect(
      maskVolatile('{"id":"3f2a9c1e-1b2c-4d5e-8f90-123456789abc","at":"2026-12-03T20:01:02.123Z","n":42}'),
    ).toBe('{"id":"#","at":"#","n":#}');
  });

  it('differsWithCookies: stable, volatile (masked), still unstable', () => {
    const page = (body: string, hash = body) => x([], { bodyStart: body, bodyHash: hash });
    expect(differsWithCookies(page('a'), page('a'), page('b'))).toBe(true);
    expect(differsWithCookies(page('a'), page('a'), page('a'))).toBe(false);
    expect(
      differsWithCookies(page('{"t":1,"u":null}'), page('{"t":2,"u":null}'), page('{"t":3,"u":"alice"}')),
    ).toBe(true);
    expect(
      differsWithCookies(page('{"t":1,"u":null}'), page('{"t":2,"u":null}'), page('{"t":3,"u":null}')),
    ).toBe(false);
    expect(differsWithCookies(page('apple'), page('pear'), page('plum'))).toBeNull();
  });

  it.each([
    [[['cache-control', 'no-store']], 'none'],
    [[['cache-control', 'private, max-age=600']], 'none'],
    [[['cache-control', 'public, max-age=600']], 'shared'],
    [[['cache-control', 's-maxage=60']], 'shared'],
    [[['expires', 'Thu, 01 Jan 2099 00:00:00 GMT']], 'shared'],
    [[], 'heuristic'],
    [[['cache-control', 'max-age=0']], 'heuristic'],
  ] as [[string, string][], string][])('cacheability %j -> %s', (headers, kind) => {
    expect(cacheability(x(headers))).toBe(kind);
  });

  it.each([
    ['text/javascript', false, 'cb({})', true],
    ['text/html', false, 'cb({})', true],
    ['text/plain', false, 'cb({})', true],
    ['application/json', false, 'cb({})', true],
    ['application/json', true, 'cb({})', false],
    ['text/html', true, 'cb({})', false],
    ['application/javascript', true, 'cb({})', true],
    ['image/png', false, 'cb({})', false],
    ['text/csv', false, 'cb({})', false],
    ['application/json', false, '{"a":1}', false],
  ] as const)('runsAsScript %s nosniff=%s %s -> %s', (type, nosniff, body, runs) => {
    const headers: [string, string][] = [['content-type', type]];
    if (nosniff) headers.push(['x-content-type-options', 'nosniff']);
    expect(runsAsScript(x(headers, { bodyStart: body }))).toBe(runs);
  });

  it('backoff: Retry-After seconds (capped at 10 s), else doubling from 200 ms', () => {
    expect(backoff([['retry-after', '3']], 0)).toBe(3000);
    expect(backoff([['retry-after', '3600']], 0)).toBe(10_000);
    expect([0, 1, 2].map((a) => backoff([], a))).toEqual([200, 400, 800]);
  });
});
