/**
 * fast-check properties of the CSRF guard over arbitrary requests and options:
 * - it never throws and always returns a well-formed decision with valid headers;
 * - it never allows an unsafe method whose Sec-Fetch-Site is cross-site unless the Origin is
 *   trusted (or the route is a bypass route, when bypass routes are configured);
 * - safe methods always pass; a legacy request from a foreign, untrusted, non-same-site Origin
 *   never does.
 */
import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import type { RequestView } from '../../src/_http/index.js';
import { type CsrfGuardOptions, createCsrfGuard } from '../../src/csrf/index.js';
import { createOriginMatcher } from '../../src/origin/index.js';
import { loadTables } from '../fixtures/schema.js';
import { viewOf as fixtureView } from './view.js';

const TOKEN = /^[!#$%&'*+\-.^_`|~0-9A-Za-z]+$/;
const FIELD_VALUE = /^[\t\x20-\x7e\x80-\xff]*$/;

const host = fc.constantFrom(
  'app.example',
  'evil.example',
  'blog.app.example',
  'partner.example',
  'a.partner.example',
  'localhost',
  '127.0.0.1',
  '[::1]',
);
const port = fc.option(fc.constantFrom(80, 443, 3000, 8443), { nil: undefined });
const scheme = fc.constantFrom('http', 'https');
const origin = fc
  .tuple(scheme, host, port)
  .map(
    ([s, h, p]) =>
      `${s}://${h}${p === undefined || (s === 'http' && p === 80) || (s === 'https' && p === 443) ? '' : `:${p}`}`,
  );
/** Header values: real-looking ones, near misses, and arbitrary text (controls included). */
const junk = fc.oneof(fc.string({ maxLength: 40 }), fc.string({ unit: 'binary', maxLength: 40 }));
const originValue = fc.oneof(
  origin,
  fc.constant('null'),
  origin.map((o) => `${o}/`),
  origin.map((o) => o.toUpperCase()),
  junk,
);
const siteValue = fc.oneof(
  fc.constantFrom('same-origin', 'same-site', 'cross-site', 'none', 'Cross-Site', ''),
  junk,
);
const method = fc.oneof(
  fc.constantFrom('GET', 'HEAD', 'OPTIONS', 'POST', 'PUT', 'PATCH', 'DELETE', 'get', 'post', 'PROPFIND'),
  junk,
);
const unsafeMethod = method.filter((m) => m !== 'GET' && m !== 'HEAD' && m !== 'OPTIONS');
const url = fc.oneof(
  fc.constantFrom(
    '/',
    '/transfer',
    '/hooks',
    '/hooks/a',
    '/hooks/../transfer',
    '/hooks%2f..',
    '//hooks',
    '/exact',
    '/exact?x',
  ),
  junk,
);

type Headers = Record<string, string>;
const headers = fc.record(
  {
    'sec-fetch-site': siteValue,
    origin: originValue,
    referer: fc.oneof(
      origin.map((o) => `${o}/page?q=1`),
      junk,
    ),
    host: fc.oneof(
      host,
      fc.tuple(host, port).map(([h, p]) => (p === undefined ? h : `${h}:${p}`)),
      junk,
    ),
    forwarded: fc.oneof(fc.constantFrom('proto=https;host=app.example', 'proto=http', 'for=x'), junk),
    'x-forwarded-proto': fc.oneof(fc.constantFrom('https', 'http', 'https, http'), junk),
    'x-forwarded-host': fc.oneof(host, junk),
    accept: fc.oneof(fc.constantFrom('application/json', 'text/html,*/*;q=0.8'), junk),
  },
  { requiredKeys: [] },
);

const trustedPatterns = fc.subarray(
  ['https://partner.example', 'https://*.partner.example', 'http://localhost:*'],
  {
    minLength: 0,
  },
);
const options: fc.Arbitrary<CsrfGuardOptions> = fc
  .record(
    {
      own: fc.oneof(
        fc.record({
          origin: fc.constantFrom<string | string[]>('https://app.example', [
            'https://app.example',
            'http://localhost:3000',
          ]),
        }),
        fc.record({ scheme: fc.constantFrom('http' as const, 'https' as const) }),
        fc.record({
          trustProxy: fc.constant(true),
          scheme: fc.option(fc.constantFrom('http' as const, 'https' as const), { nil: undefined }),
        }),
      ),
      strict: fc.boolean(),
      referer: fc.boolean(),
      sameSite: fc.constantFrom('allow' as const, 'refuse' as const),
      trustedOrigins: trustedPatterns,
      bypass: fc.option(fc.constant({ paths: ['/exact'], prefixes: ['/hooks'] }), { nil: undefined }),
    },
    { requiredKeys: ['own', 'trustedOrigins'] },
  )
  .map(({ own, ...rest }) => {
    const o: Record<string, unknown> = { ...own, ...rest };
    for (const k of Object.keys(o)) if (o[k] === undefined) delete o[k];
    return o as CsrfGuardOptions;
  });

function viewOf(m: string, h: Headers, u: string | undefined): RequestView {
  return { method: m, url: u, header: (n) => h[n] ?? null };
}

describe('csrf guard properties', () => {
  it('never throws; every decision is well formed and every header it emits is valid', () => {
    fc.assert(
      fc.property(options, method, headers, fc.option(url, { nil: undefined }), (opts, m, h, u) => {
        const guard = createCsrfGuard(opts);
        const d = guard.check(viewOf(m, h, u));
        expect(typeof d.allowed).toBe('boolean');
        expect(d.end).toBe(!d.allowed);
        for (const [name, value] of d.headers) {
          expect(name).toMatch(TOKEN);
          expect(value).toMatch(FIELD_VALUE);
        }
        for (const name of d.vary) expect(name).toMatch(TOKEN);
        if (!d.allowed) {
          expect(d.status).toBe(403);
          expect(d.body.length).toBeGreaterThan(0);
          expect(d.contentType).toMatch(FIELD_VALUE);
        }
      }),
      { numRuns: 3000 },
    );
  });

  it('never throws with header getters that throw or return non-strings', () => {
    const guard = createCsrfGuard({ origin: 'https://app.example', bypass: { prefixes: ['/hooks'] } });
    fc.assert(
      fc.property(method, fc.anything(), fc.boolean(), (m, value, throws) => {
        const v: RequestView = {
          method: m,
          url: value as string,
          header: () => {
            if (throws) throw value;
            return value as string;
          },
        };
        const d = guard.check(v);
        expect(typeof d.allowed).toBe('boolean');
      }),
      { numRuns: 1000 },
    );
  });

  it('never allows an unsafe method with Sec-Fetch-Site: cross-site unless the origin is trusted (or the route is a bypass route)', () => {
    fc.assert(
      fc.property(options, unsafeMethod, headers, fc.option(url, { nil: undefined }), (opts, m, h, u) => {
        const guard = createCsrfGuard(opts);
        const d = guard.check(viewOf(m, { ...h, 'sec-fetch-site': 'cross-site' }, u));
        fc.pre(d.allowed);
        if (d.reason === 'trusted-origin') {
          // Judged independently of the guard: the Origin header is one of the trusted patterns.
          const trusted = createOriginMatcher(opts.trustedOrigins ?? []);
          expect(h.origin !== undefined && trusted.matches(h.origin)).toBe(true);
        } else {
          expect(d.reason).toBe('bypass-route');
          expect(opts.bypass).toBeDefined();
          const path = (u ?? '').split('?')[0]!;
          expect(path === '/exact' || path === '/hooks' || path.startsWith('/hooks/')).toBe(true);
          expect(path.includes('..') || path.includes('//') || /%2f/i.test(path)).toBe(false);
        }
      }),
      { numRuns: 3000 },
    );
  });

  it('without exemptions, an unsafe cross-site request is always refused', () => {
    fc.assert(
      fc.property(options, unsafeMethod, headers, (opts, m, h) => {
        const guard = createCsrfGuard({ ...opts, trustedOrigins: [], bypass: undefined });
        expect(guard.check(viewOf(m, { ...h, 'sec-fetch-site': 'cross-site' }, '/hooks')).allowed).toBe(
          false,
        );
      }),
      { numRuns: 2000 },
    );
  });

  it('always allows safe methods, whatever the headers', () => {
    fc.assert(
      fc.property(options, fc.constantFrom('GET', 'HEAD', 'OPTIONS'), headers, (opts, m, h) => {
        expect(createCsrfGuard(opts).check(viewOf(m, h, '/')).reason).toBe('safe-method');
      }),
      { numRuns: 1000 },
    );
  });

  it('refuses a legacy unsafe request whose Origin is a foreign, untrusted, cross-site origin', () => {
    const guard = createCsrfGuard({
      origin: 'https://app.example',
      sameSite: 'allow',
      trustedOrigins: ['https://partner.example'],
    });
    fc.assert(
      fc.property(unsafeMethod, origin, headers, (m, o, h) => {
        // Same schemeful site as https://app.example (any port, any subdomain) is allowed by sameSite.
        fc.pre(!/^https:\/\/([^/]*\.)?app\.example(:\d+)?$/.test(o) && o !== 'https://partner.example');
        const { 'sec-fetch-site': _drop, ...rest } = h;
        expect(guard.check(viewOf(m, { ...rest, origin: o }, '/')).allowed).toBe(false);
      }),
      { numRuns: 1000 },
    );
  });

  it('decides every fixture case the same whatever unrelated headers, Accept or deny handler come with it', () => {
    const cases = loadTables('csrf').flatMap((t) => t.cases);
    const unrelated = fc.array(
      fc.tuple(
        fc.constantFrom(
          'cookie',
          'user-agent',
          'x-requested-with',
          'accept',
          'accept-language',
          'content-length',
          'authorization',
        ),
        junk,
      ),
      { maxLength: 4 },
    );
    fc.assert(
      fc.property(fc.constantFrom(...cases), unrelated, fc.boolean(), (c, extra, withDeny) => {
        const opts = {
          ...(c.options as CsrfGuardOptions),
          ...(withDeny ? { deny: () => ({ status: 418, body: 'no' }) } : {}),
        };
        const d = createCsrfGuard(opts).check(
          fixtureView({ ...c.request, headers: [...c.request.headers, ...extra] }),
        );
        expect({ allowed: d.allowed, reason: d.reason }).toEqual({
          allowed: c.expect.allowed,
          reason: c.expect.reason,
        });
        if (!d.allowed) expect(d.status).toBe(withDeny ? 418 : 403);
      }),
      { numRuns: 1500 },
    );
  });
});
