/**
 * The preflight cache as each profile keeps it: Chromium one entry per origin+URL replaced whole
 * (and dropped when it does not suffice), the spec and Firefox one entry per method and header name.
 */
import { describe, expect, it } from 'vitest';
import {
  type BrowserName,
  type BrowserRequest,
  checkPreflightResponse,
  type HeaderList,
  normalizeRequest,
  PreflightCache,
} from './index.js';

const APP = 'https://app.example';
const URL1 = 'https://api.example/a';

function norm(extra: Partial<BrowserRequest> = {}) {
  const n = normalizeRequest({ origin: APP, url: URL1, ...extra });
  if (!n.ok) throw new Error(n.problem);
  return n.request;
}

function entry(req: BrowserRequest, headers: HeaderList, browser: BrowserName) {
  const got = checkPreflightResponse(req, { status: 204, headers }, browser);
  if (!got.ok) throw new Error(got.error.message);
  return got.entry;
}

function setup(browser: BrowserName) {
  let now = 1_000_000;
  const cache = new PreflightCache(browser, { now: () => now });
  return { cache, advance: (s: number) => (now += s * 1000) };
}

const ACAO: HeaderList = [['Access-Control-Allow-Origin', '*']];

describe('PreflightCache', () => {
  it.each(['chromium', 'firefox', 'spec'] as const)(
    '%s: serves an identical request until max-age passes',
    (browser) => {
      const { cache, advance } = setup(browser);
      const req = { origin: APP, url: URL1, method: 'PUT' };
      cache.store(
        norm(req),
        entry(
          req,
          [...ACAO, ['Access-Control-Allow-Methods', 'PUT'], ['Access-Control-Max-Age', '60']],
          browser,
        ),
      );
      expect(cache.allows(norm(req))).toBe(true);
      advance(59);
      expect(cache.allows(norm(req))).toBe(true);
      advance(2);
      expect(cache.allows(norm(req))).toBe(false);
    },
  );

  it.each([
    ['chromium', false],
    ['spec', true],
    ['firefox', true],
  ] as const)('%s: a second preflight for another method %s the first', (browser, keeps) => {
    const { cache } = setup(browser);
    const put = { origin: APP, url: URL1, method: 'PUT' };
    const del = { origin: APP, url: URL1, method: 'DELETE' };
    cache.store(norm(put), entry(put, [...ACAO, ['Access-Control-Allow-Methods', 'PUT']], browser));
    cache.store(norm(del), entry(del, [...ACAO, ['Access-Control-Allow-Methods', 'DELETE']], browser));
    expect(cache.allows(norm(del))).toBe(true);
    // chromium: the DELETE entry replaced the PUT one; spec/firefox: both methods are cached.
    expect(cache.allows(norm(put))).toBe(keeps);
  });

  it('chromium: a lookup that does not suffice drops the entry', () => {
    const { cache } = setup('chromium');
    const get = { origin: APP, url: URL1, headers: [['X-A', '1']] as HeaderList };
    cache.store(norm(get), entry(get, [...ACAO, ['Access-Control-Allow-Headers', 'x-a']], 'chromium'));
    expect(cache.allows(norm({ method: 'PUT' }))).toBe(false);
    expect(cache.allows(norm(get))).toBe(false);
  });

  it('one response allowing several methods and headers serves each combination', () => {
    for (const browser of ['chromium', 'firefox', 'spec'] as const) {
      const { cache } = setup(browser);
      const put = { origin: APP, url: URL1, method: 'PUT' };
      cache.store(
        norm(put),
        entry(
          put,
          [...ACAO, ['Access-Control-Allow-Methods', 'PUT'], ['Access-Control-Allow-Headers', 'x-a, x-b']],
          browser,
        ),
      );
      expect(cache.allows(norm({ headers: [['X-A', '1']] }))).toBe(true);
      expect(cache.allows(norm({ method: 'PUT', headers: [['X-B', '1']] }))).toBe(true);
      expect(cache.allows(norm({ method: 'PUT', headers: [['X-C', '1']] }))).toBe(false);
    }
  });

  it.each([
    ['chromium', true],
    ['spec', true],
    ['firefox', false],
  ] as const)('%s: an entry made with credentials serves a request without them: %s', (browser, serves) => {
    const { cache } = setup(browser);
    const withCreds = { origin: APP, url: URL1, method: 'PUT', credentials: 'include' as const };
    cache.store(
      norm(withCreds),
      entry(
        withCreds,
        [
          ['Access-Control-Allow-Origin', APP],
          ['Access-Control-Allow-Credentials', 'true'],
          ['Access-Control-Allow-Methods', 'PUT'],
        ],
        browser,
      ),
    );
    expect(cache.allows(norm(withCreds))).toBe(true);
    expect(cache.allows(norm({ method: 'PUT' }))).toBe(serves);
  });

  it.each(['chromium', 'firefox', 'spec'] as const)(
    '%s: an entry made without credentials never serves one with them',
    (browser) => {
      const { cache } = setup(browser);
      const put = { origin: APP, url: URL1, method: 'PUT' };
      cache.store(norm(put), entry(put, [...ACAO, ['Access-Control-Allow-Methods', 'PUT']], browser));
      expect(cache.allows(norm({ method: 'PUT', credentials: 'include' }))).toBe(false);
    },
  );

  it('max-age 0 stores nothing; clear() forgets; keys are per URL and per origin', () => {
    const { cache } = setup('spec');
    const put = { origin: APP, url: URL1, method: 'PUT' };
    cache.store(
      norm(put),
      entry(put, [...ACAO, ['Access-Control-Allow-Methods', 'PUT'], ['Access-Control-Max-Age', '0']], 'spec'),
    );
    expect(cache.allows(norm(put))).toBe(false);
    cache.store(norm(put), entry(put, [...ACAO, ['Access-Control-Allow-Methods', 'PUT']], 'spec'));
    expect(cache.allows(norm(put))).toBe(true);
    expect(cache.allows(norm({ method: 'PUT', url: 'https://api.example/b' }))).toBe(false);
    expect(cache.allows(norm({ method: 'PUT', origin: 'https://other.example' }))).toBe(false);
    cache.clear(norm(put));
    expect(cache.allows(norm(put))).toBe(false);
  });

  it('keeps at most `capacity` keys, dropping the least recently used', () => {
    let now = 0;
    const cache = new PreflightCache('chromium', { capacity: 2, now: () => now++ });
    const at = (path: string) => ({ origin: APP, url: `https://api.example/${path}`, method: 'PUT' });
    for (const p of ['a', 'b'])
      cache.store(norm(at(p)), entry(at(p), [...ACAO, ['Access-Control-Allow-Methods', 'PUT']], 'chromium'));
    expect(cache.allows(norm(at('a')))).toBe(true); // touches a
    cache.store(
      norm(at('c')),
      entry(at('c'), [...ACAO, ['Access-Control-Allow-Methods', 'PUT']], 'chromium'),
    );
    expect(cache.size).toBe(2);
    expect(cache.allows(norm(at('b')))).toBe(false);
    expect(cache.allows(norm(at('a')))).toBe(true);
  });

  it('wildcard entries: `*` methods and headers serve requests without credentials only', () => {
    for (const browser of ['chromium', 'spec'] as const) {
      const { cache } = setup(browser);
      const req = { origin: APP, url: URL1, method: 'PATCH', headers: [['X-Z', '1']] as HeaderList };
      cache.store(
        norm(req),
        entry(
          req,
          [...ACAO, ['Access-Control-Allow-Methods', '*'], ['Access-Control-Allow-Headers', '*']],
          browser,
        ),
      );
      expect(cache.allows(norm({ method: 'MOVE', headers: [['X-Q', '1']] }))).toBe(true);
      expect(cache.allows(norm({ method: 'MOVE', headers: [['Authorization', '1']] }))).toBe(
        browser === 'chromium',
      );
    }
  });

  it.each([
    ['chromium', true],
    ['spec', true],
    ['firefox', false],
  ] as const)('%s: a cached `*` serves other headers: %s', (browser, serves) => {
    const { cache } = setup(browser);
    const req = { origin: APP, url: URL1, headers: [['X-A', '1']] as HeaderList };
    cache.store(norm(req), entry(req, [...ACAO, ['Access-Control-Allow-Headers', '*']], browser));
    expect(cache.allows(norm({ headers: [['X-B', '1']] }))).toBe(serves);
  });
});
