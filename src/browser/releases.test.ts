/**
 * Older browser releases (releases.ts): which profile a release gets, `name@release` names, version
 * strings, and that each recorded change reaches the step it changes.
 */
import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { corsUnsafeRequestHeaderNames } from '../_fetch/index.js';
import { createBrowserFetch } from './browser-fetch.js';
import { createPageContext } from './page-context.js';
import { PROFILES } from './profiles.js';
import { getProfile, OLDER_RELEASES, profileForRelease, releaseOf } from './releases.js';

describe('profileForRelease', () => {
  it.each([
    // [browser, asked, release of the profile given]
    ['chromium', 156, 156],
    ['chromium', 200, 156],
    ['chromium', 155, 150],
    ['chromium', 151, 150],
    ['chromium', 150, 150],
    ['chromium', 120, 150],
    ['firefox', 153, 153],
    ['firefox', 160, 153],
    ['firefox', 152, 140],
    ['firefox', 140, 140],
    ['firefox', 128, 140],
  ] as const)('%s %i -> the profile of %i', (browser, asked, given) => {
    expect(profileForRelease(browser, asked).release).toBe(given);
  });

  it('gives the newest profile object itself from its release on, one frozen object per older release', () => {
    expect(profileForRelease('chromium', 156)).toBe(PROFILES.chromium);
    expect(profileForRelease('chromium', 151)).toBe(profileForRelease('chromium', 150));
    expect(Object.isFrozen(profileForRelease('firefox', 140))).toBe(true);
    expect(Object.isFrozen(profileForRelease('chromium', 150).requestHeaders)).toBe(true);
  });

  it('leaves the spec and WebKit as they are, whatever the release', () => {
    expect(profileForRelease('spec', 1)).toBe(PROFILES.spec);
    expect(profileForRelease('webkit', 150)).toBe(PROFILES.webkit);
  });

  it('changes only the recorded switches', () => {
    const c150 = profileForRelease('chromium', 150);
    expect(c150.cachesTaintedPreflights).toBe(true);
    expect(PROFILES.chromium.cachesTaintedPreflights).toBe(false);
    expect(c150.requestHeaders.rangeMax).toBe('9223372036854775807');
    expect(c150.requestHeaders.rangeUnitCaseInsensitive).toBe(true);
    expect(c150.requestHeaders.extraSafelisted).toBe(PROFILES.chromium.requestHeaders.extraSafelisted);
    expect(c150.context).toBe(PROFILES.chromium.context);
    const f140 = profileForRelease('firefox', 140);
    expect(f140.context.localNetworkAccess).toBe('off');
    expect(PROFILES.firefox.context.localNetworkAccess).toBe('prompt');
    expect(f140.context.mixedContentPages).toBe(PROFILES.firefox.context.mixedContentPages);
    expect(f140.requestHeaders).toBe(PROFILES.firefox.requestHeaders);
    // Everything else is the newer release's.
    const { release: _r, cachesTaintedPreflights: _c, requestHeaders: _h, ...rest } = c150;
    const { release: _r2, cachesTaintedPreflights: _c2, requestHeaders: _h2, ...restNew } = PROFILES.chromium;
    expect(rest).toEqual(restNew);
  });

  it('refuses a bad release and an unknown browser', () => {
    for (const bad of [0, -1, 1.5, Number.NaN, Number.POSITIVE_INFINITY])
      expect(() => profileForRelease('chromium', bad)).toThrow(TypeError);
    expect(() => profileForRelease('opera' as never, 150)).toThrow(/unknown browser profile/);
    expect(() => profileForRelease('toString' as never, 150)).toThrow(/unknown browser profile/);
  });

  it('property: the release given is the newest observed one at or below the one asked, else the oldest', () => {
    let older = 0;
    let newest = 0;
    fc.assert(
      fc.property(
        fc.constantFrom('chromium' as const, 'firefox' as const),
        fc.integer({ min: 1, max: 400 }),
        (b, r) => {
          const observed = [PROFILES[b].release as number, ...OLDER_RELEASES[b].map((x) => x.release)];
          const atOrBelow = observed.filter((x) => x <= r);
          const want = atOrBelow.length > 0 ? Math.max(...atOrBelow) : Math.min(...observed);
          const got = profileForRelease(b, r);
          expect(got.release).toBe(want);
          if (got === PROFILES[b]) newest++;
          else older++;
        },
      ),
      { numRuns: 400 },
    );
    // Not vacuous: both the newest profile and older ones were given.
    expect(older).toBeGreaterThan(20);
    expect(newest).toBeGreaterThan(20);
  });
});

describe('getProfile', () => {
  it('takes a name, name@release or a profile', () => {
    expect(getProfile(undefined)).toBe(PROFILES.chromium);
    expect(getProfile('firefox')).toBe(PROFILES.firefox);
    expect(getProfile('chromium@150')).toBe(profileForRelease('chromium', 150));
    expect(getProfile('firefox@153')).toBe(PROFILES.firefox);
    const p = profileForRelease('firefox', 140);
    expect(getProfile(p)).toBe(p);
  });

  it.each([
    'chromium@',
    'chromium@x',
    'chromium@0',
    'chromium@1.5',
    'chromium@99999',
    '@150',
    'constructor',
    'toString@1',
  ])('refuses %j', (name) => {
    expect(() => getProfile(name as never)).toThrow(TypeError);
  });
});

describe('releaseOf', () => {
  it.each([
    ['150.0.7871.100', 150],
    ['Chromium 150.0.7871.100 built on Debian GNU/Linux 12 (bookworm)', 150],
    ['HeadlessChrome/156.0.8078.79', 156],
    ['firefox/140.12.0', 140],
    ['Mozilla Firefox 140.12.0esr', 140],
    [
      'Mozilla/5.0 (X11; Linux x86_64) AppleWebKit/537.36 (KHTML, like Gecko) Chrome/150.0.0.0 Safari/537.36',
      150,
    ],
    ['Mozilla/5.0 (X11; Linux x86_64; rv:140.0) Gecko/20100101 Firefox/140.0', 140],
    ['', null],
    ['Mozilla/5.0 Chrome/0.1', null],
    ['Chrome/0150.0', 150],
    ['no version here', null],
    [`${'x'.repeat(100_000)}1.0`, null],
  ] as const)('%j -> %j', (version, release) => {
    expect(releaseOf(version)).toBe(release);
  });
});

describe('the recorded changes reach their steps', () => {
  it('chromium@150 safelists `Bytes=0-` and `bytes=2^63-1-`; 156 preflights them', () => {
    for (const value of ['Bytes=0-', 'BYTES=0-1', 'bytes=9223372036854775807-']) {
      const h = new Headers({ range: value });
      expect(corsUnsafeRequestHeaderNames(h, getProfile('chromium@150').requestHeaders)).toEqual([]);
      expect(corsUnsafeRequestHeaderNames(h, PROFILES.chromium.requestHeaders)).toEqual(['range']);
    }
    const past = new Headers({ range: 'bytes=9223372036854775808-' });
    expect(corsUnsafeRequestHeaderNames(past, getProfile('chromium@150').requestHeaders)).toEqual(['range']);
  });

  it('firefox@140 lets a public page reach loopback; firefox (153) refuses it', async () => {
    const page = createPageContext({ url: 'https://app.example/', addressSpace: 'public' });
    const sent: string[] = [];
    const transport = async (input: string | URL | Request) => {
      sent.push(String(input instanceof Request ? input.url : input));
      return new Response('ok', { headers: { 'access-control-allow-origin': '*' } });
    };
    const old = createBrowserFetch({ page, browser: 'firefox@140', fetch: transport as typeof fetch });
    expect((await old('https://127.0.0.1/data')).status).toBe(200);
    expect(sent).toEqual(['https://127.0.0.1/data']);
    const now = createBrowserFetch({ page, browser: 'firefox', fetch: transport as typeof fetch });
    await expect(now('https://127.0.0.1/data')).rejects.toThrow(TypeError);
    expect(sent).toHaveLength(1);
  });
});
