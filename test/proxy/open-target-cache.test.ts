/**
 * Open targets are remembered per compiled rules (src/proxy/routes.ts): a remembered answer must be
 * exactly the one the checks give again, for allowed targets and every kind of refusal, and the
 * memory is bounded.
 */
import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { compileProxyOptions } from '../../src/proxy/compile.js';
import { ProxyFailure } from '../../src/proxy/failure.js';
import {
  OPEN_CACHE_MAX,
  OPEN_CACHE_MAX_PATH,
  openTargetCacheSize,
  type ResolvedTarget,
  resolveTarget,
} from '../../src/proxy/routes.js';
import { parseOpenTarget } from '../../src/proxy/target.js';

const compile = () =>
  compileProxyOptions({
    cors: { origins: ['https://app.example'] },
    openTargets: { allowHosts: ['api.example.com', '*.example.org:8443'] },
  });

/** What resolveTarget answers, as data: the target, or the refusal's status and code. */
function outcome(config: ReturnType<typeof compile>, path: string): unknown {
  try {
    const r: ResolvedTarget = resolveTarget(config, path);
    return { target: r.target, route: r.route };
  } catch (e) {
    if (!(e instanceof ProxyFailure)) throw e;
    return { status: e.status, code: e.code, message: e.message };
  }
}

/** The same, computed by the checks directly (never remembered). */
function uncached(config: ReturnType<typeof compile>, path: string): unknown {
  const t = parseOpenTarget(path, config.open!);
  if (t.kind === 'refused') return { status: t.status, code: t.code, message: t.reason };
  return { target: t, route: null };
}

const TABLE: [path: string, expected: string][] = [
  ['/https://api.example.com/items?page=2', 'target'],
  ['/http://api.example.com/', 'target'],
  ['/https://API.example.com./x', 'target'],
  ['/https://a.example.org:8443/x', 'target'],
  ['/https://a.example.org/x', 'host-not-allowed'],
  ['/https://evil.example.net/', 'host-not-allowed'],
  ['/https://127.0.0.1/', 'private-address'],
  ['/https://[::1]/', 'private-address'],
  ['/https://user:pw@api.example.com/', 'credentials-in-target'],
  ['/ftp://api.example.com/', 'scheme-not-allowed'],
  ['/api.example.com/x', 'bad-target'],
  ['/https://exa mple.com/', 'bad-target'],
];

describe('open targets remembered', () => {
  it.each(TABLE)(
    '%s: the same answer (%s) the first time, again, and as computed without memory',
    (path, expected) => {
      const config = compile();
      const first = outcome(config, path);
      const again = outcome(config, path);
      expect(again).toEqual(first);
      expect(first).toEqual(uncached(config, path));
      expect(expected === 'target' ? 'target' in (first as object) : (first as { code: string }).code).toBe(
        expected === 'target' ? true : expected,
      );
    },
  );

  it('property: for any path, remembered answers equal the checks computed afresh', () => {
    const host = fc.constantFrom(
      'api.example.com',
      'API.EXAMPLE.COM',
      'x.example.org:8443',
      'x.example.org',
      '10.0.0.1',
      'evil.test',
      '[::1]',
      'a@api.example.com',
    );
    const scheme = fc.constantFrom('http', 'https', 'HTTPS', 'ftp', 'javascript');
    const rest = fc.stringMatching(/^[a-zA-Z0-9/?=&.%#\\ -]{0,20}$/);
    const path = fc.oneof(
      fc.tuple(scheme, host, rest).map(([s, h, r]) => `/${s}://${h}/${r}`),
      fc.string({ minLength: 1, maxLength: 40 }).map((s) => `/${s}`),
    );
    const config = compile();
    const kinds = new Set<string>();
    fc.assert(
      fc.property(fc.array(path, { minLength: 1, maxLength: 8 }), (paths) => {
        // Each path asked twice, interleaved with the others: the second answer is the remembered one.
        for (const p of [...paths, ...paths]) {
          const got = outcome(config, p);
          expect(got).toEqual(uncached(config, p));
          kinds.add('target' in (got as object) ? 'target' : (got as { code: string }).code);
        }
      }),
      { numRuns: 300 },
    );
    // Not vacuous: allowed targets and several kinds of refusal were met.
    expect(kinds.has('target')).toBe(true);
    expect(kinds.size).toBeGreaterThanOrEqual(4);
  });

  it(`bounded: at most ${OPEN_CACHE_MAX} paths, none longer than ${OPEN_CACHE_MAX_PATH} characters`, () => {
    const config = compile();
    let peak = 0;
    for (let i = 0; i < OPEN_CACHE_MAX * 3 + 7; i++) {
      outcome(config, `/https://api.example.com/item/${i}`);
      peak = Math.max(peak, openTargetCacheSize(config.open!));
    }
    expect(peak).toBe(OPEN_CACHE_MAX);
    const before = openTargetCacheSize(config.open!);
    const long = `/https://api.example.com/${'x'.repeat(OPEN_CACHE_MAX_PATH)}`;
    expect(outcome(config, long)).toEqual(uncached(config, long));
    // A long path is not remembered (size unchanged).
    expect(openTargetCacheSize(config.open!)).toBe(before);
    // Separate proxies (separate compiled rules) do not share answers.
    expect(openTargetCacheSize(compile().open!)).toBe(0);
  });
});
