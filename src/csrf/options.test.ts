import { describe, expect, it } from 'vitest';
import { type CsrfGuardOptions, CsrfOptionsError, createCsrfGuard } from './index.js';

function problems(options: unknown): { path: string; reason: string }[] {
  try {
    createCsrfGuard(options as CsrfGuardOptions);
  } catch (e) {
    expect(e).toBeInstanceOf(CsrfOptionsError);
    return (e as CsrfOptionsError).problems.map(({ path, reason }) => ({ path, reason }));
  }
  return [];
}

describe('createCsrfGuard options', () => {
  it('accepts each way of knowing the own origin', () => {
    expect(problems({ origin: 'https://app.example' })).toEqual([]);
    expect(problems({ origin: ['https://app.example', 'http://localhost:3000'] })).toEqual([]);
    expect(problems({ scheme: 'https' })).toEqual([]);
    expect(problems({ trustProxy: true })).toEqual([]);
    expect(problems({ trustProxy: true, scheme: 'https' })).toEqual([]);
  });

  it('refuses to guess the scheme: no origin, scheme or trustProxy is an error that says what to set', () => {
    expect(problems(undefined)).toEqual([{ path: 'origin', reason: 'own-origin-unconfigured' }]);
    expect(problems({})).toEqual([{ path: 'origin', reason: 'own-origin-unconfigured' }]);
    try {
      createCsrfGuard();
    } catch (e) {
      expect(String((e as Error).message)).toMatch(/origin: "https:\/\/app\.example"/);
    }
  });

  it.each([
    [{ origin: 'https://app.example/' }, 'origin', 'invalid-origin'],
    [{ origin: 'https://APP.example' }, 'origin', 'invalid-origin'],
    [{ origin: 'null' }, 'origin', 'invalid-origin'],
    [{ origin: 'wss://app.example' }, 'origin', 'invalid-origin'],
    [{ origin: [] }, 'origin', 'wrong-type'],
    [{ origin: ['https://a.example', 7] }, 'origin[1]', 'wrong-type'],
    [{ scheme: 'https:' }, 'scheme', 'wrong-type'],
    [{ scheme: 'https', strict: 'yes' }, 'strict', 'wrong-type'],
    [{ scheme: 'https', referer: 1 }, 'referer', 'wrong-type'],
    [{ scheme: 'https', sameSite: true }, 'sameSite', 'wrong-type'],
    [{ scheme: 'https', sameSite: 'lax' }, 'sameSite', 'wrong-type'],
    [{ scheme: 'https', trustedOrigins: 'https://a.example' }, 'trustedOrigins', 'wrong-type'],
    [{ scheme: 'https', trustedOrigins: ['https://a.example/'] }, 'trustedOrigins[0]', 'invalid-pattern'],
    [{ scheme: 'https', trustedOrigins: ['null'] }, 'trustedOrigins[0]', 'invalid-pattern'],
    [
      { scheme: 'https', trustedOrigins: ['https://*.github.io'] },
      'trustedOrigins[0]',
      'public-suffix-wildcard',
    ],
    [{ scheme: 'https', trustedOrigins: ['http://partner.example'] }, 'trustedOrigins[0]', 'insecure-origin'],
    [
      { trustProxy: true, trustedOrigins: ['http://*.partner.example'] },
      'trustedOrigins[0]',
      'insecure-origin',
    ],
    [{ scheme: 'https', bypass: ['/hooks'] }, 'bypass', 'wrong-type'],
    [{ scheme: 'https', bypass: { paths: ['hooks'] } }, 'bypass.paths[0]', 'invalid-path'],
    [{ scheme: 'https', bypass: { paths: ['/a/../b'] } }, 'bypass.paths[0]', 'invalid-path'],
    [{ scheme: 'https', bypass: { prefixes: ['/'] } }, 'bypass.prefixes[0]', 'invalid-path'],
    [{ scheme: 'https', bypass: { prefixes: ['/a%2fb'] } }, 'bypass.prefixes[0]', 'invalid-path'],
    [{ scheme: 'https', bypass: { prefixes: ['/a?b'] } }, 'bypass.prefixes[0]', 'invalid-path'],
    [{ scheme: 'https', bypass: { match: true } }, 'bypass.match', 'wrong-type'],
    [{ scheme: 'https', bypass: { path: ['/a'] } }, 'bypass.path', 'unknown-option'],
    [{ scheme: 'https', deny: 403 }, 'deny', 'wrong-type'],
    [{ scheme: 'https', trustedOrigin: ['https://a.example'] }, 'trustedOrigin', 'unknown-option'],
  ])('%j → %s (%s)', (options, option, reason) => {
    expect(problems(options)).toContainEqual({ path: option, reason });
  });

  it('reports conflicting ways of knowing the own origin', () => {
    expect(problems({ origin: 'https://app.example', scheme: 'https', trustProxy: true })).toEqual([
      { path: 'scheme', reason: 'conflict' },
      { path: 'trustProxy', reason: 'conflict' },
    ]);
  });

  it('collects every problem in one error', () => {
    const p = problems({ origin: 'https://app.example/', strict: 1, trustedOrigins: ['x'], nope: true });
    expect(p.map((x) => x.path).sort()).toEqual(['nope', 'origin', 'strict', 'trustedOrigins[0]']);
  });

  it('rejects a non-object', () => {
    expect(problems('https://app.example')).toEqual([{ path: 'options', reason: 'not-an-object' }]);
    expect(problems([])).toEqual([{ path: 'options', reason: 'not-an-object' }]);
  });

  it('lets the dangerously… options through, and http trusted origins for an http app or on loopback', () => {
    expect(
      problems({
        scheme: 'https',
        trustedOrigins: ['http://partner.example'],
        dangerouslyTrustInsecureOrigins: true,
      }),
    ).toEqual([]);
    expect(
      problems({
        scheme: 'https',
        trustedOrigins: ['https://*.github.io'],
        dangerouslyTolerateSubdomainsOfPublicSuffixes: true,
      }),
    ).toEqual([]);
    expect(problems({ scheme: 'http', trustedOrigins: ['http://partner.example'] })).toEqual([]);
    expect(
      problems({ origin: ['https://a.example', 'http://b.example'], trustedOrigins: ['http://c.example'] }),
    ).toEqual([]);
    expect(
      problems({ scheme: 'https', trustedOrigins: ['http://localhost:*', 'http://127.0.0.1:5173'] }),
    ).toEqual([]);
  });
});
