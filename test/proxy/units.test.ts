/**
 * The proxy's pure parts, as tables and properties: address classification, host patterns,
 * option validation, token buckets, and the connector's lookup.
 */
import { isIP } from 'node:net';
import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { classifyAddress } from '../../src/proxy/address.js';
import { ClientSlots, clientRateKey } from '../../src/proxy/admission.js';
import { compileProxyOptions } from '../../src/proxy/compile.js';
import { ProxyConfigError } from '../../src/proxy/config.js';
import { createMemoryRateLimitStore, parseRate } from '../../src/proxy/limits.js';
import { createCheckedLookup, TargetRefusedError } from '../../src/proxy/lookup.js';
import { resolveTarget, routeTarget } from '../../src/proxy/routes.js';
import { compileHostPatterns, ipFamily, makeTarget, normalizeHostname } from '../../src/proxy/target.js';
import { createCorsPolicy } from '../../src/server/index.js';
import { fakeResolver, PUBLIC_V4, PUBLIC_V6 } from './helpers.js';

describe('classifyAddress', () => {
  it.each([
    ['127.0.0.1', 'loopback'],
    ['127.255.255.254', 'loopback'],
    ['0.0.0.0', 'unspecified'],
    ['10.1.2.3', 'private'],
    ['172.31.255.255', 'private'],
    ['192.168.0.1', 'private'],
    ['169.254.169.254', 'linkLocal'],
    ['100.64.0.1', 'carrierGradeNat'],
    ['100.127.255.255', 'carrierGradeNat'],
    ['224.0.0.1', 'multicast'],
    ['255.255.255.255', 'broadcast'],
    ['240.0.0.1', 'reserved'],
    ['192.0.2.1', 'reserved'],
    ['198.18.0.1', 'reserved'],
    ['::', 'unspecified'],
    ['::1', 'loopback'],
    ['::ffff:127.0.0.1', 'loopback'],
    ['::ffff:10.0.0.1', 'private'],
    ['::ffff:169.254.169.254', 'linkLocal'],
    ['::7f00:1', 'ipv4Compatible'],
    ['::a00:1', 'ipv4Compatible'],
    ['64:ff9b::7f00:1', 'rfc6052'],
    ['64:ff9b:1::1', 'rfc6052'],
    ['2002:7f00:1::1', '6to4'],
    ['2001:0:4136:e378:8000:63bf:3fff:fdd2', 'teredo'],
    ['2001:2::1', 'benchmarking'],
    ['2001:db8::1', 'reserved'],
    ['fc00::1', 'uniqueLocal'],
    ['fd12:3456::1', 'uniqueLocal'],
    ['fe80::1', 'linkLocal'],
    ['fe80::1%eth0', 'linkLocal'],
    ['ff02::1', 'multicast'],
    ['100::1', 'discard'],
    ['4000::1', 'notGlobalUnicast'],
    ['2130706433', 'invalid'],
    ['0x7f.0.0.1', 'invalid'],
    ['127.1', 'invalid'],
    ['not-an-ip', 'invalid'],
  ])('%s is refused as %s', (address, range) => {
    expect(classifyAddress(address)).toEqual({ kind: 'refused', address, range });
  });

  it.each([
    ['93.184.216.34'],
    ['8.8.8.8'],
    ['1.1.1.1'],
    ['2606:4700::1111'],
    ['::ffff:8.8.8.8'],
    [PUBLIC_V6],
  ])('%s is public', (address) => {
    expect(classifyAddress(address).kind).toBe('public');
  });

  it('property: an IPv4-mapped address gets the verdict of its IPv4 address', () => {
    fc.assert(
      fc.property(fc.ipV4(), (v4) => {
        expect(classifyAddress(`::ffff:${v4}`).kind).toBe(classifyAddress(v4).kind);
      }),
      { numRuns: 500 },
    );
  });

  it('property: every address in 127/8, 10/8, 172.16/12, 192.168/16, 169.254/16, 100.64/10 is refused', () => {
    const b = fc.integer({ min: 0, max: 255 });
    const special = fc.oneof(
      fc.tuple(fc.constant(127), b, b, b),
      fc.tuple(fc.constant(10), b, b, b),
      fc.tuple(fc.constant(172), fc.integer({ min: 16, max: 31 }), b, b),
      fc.tuple(fc.constant(192), fc.constant(168), b, b),
      fc.tuple(fc.constant(169), fc.constant(254), b, b),
      fc.tuple(fc.constant(100), fc.integer({ min: 64, max: 127 }), b, b),
    );
    fc.assert(
      fc.property(special, (o) => {
        expect(classifyAddress(o.join('.')).kind).toBe('refused');
      }),
      { numRuns: 500 },
    );
  });

  it('property: never throws, whatever the input', () => {
    fc.assert(
      fc.property(fc.string(), (s) => {
        expect(['public', 'refused']).toContain(classifyAddress(s).kind);
      }),
    );
  });
});

describe('ClientSlots', () => {
  /** The model: a count per key, the key deleted at zero (what ClientSlots did before). */
  class Model {
    readonly active = new Map<string, number>();
    constructor(readonly max: number) {}
    tryAcquire(key: string): boolean {
      const n = this.active.get(key) ?? 0;
      if (n >= this.max) return false;
      this.active.set(key, n + 1);
      return true;
    }
    release(key: string): void {
      const n = (this.active.get(key) ?? 1) - 1;
      if (n <= 0) this.active.delete(key);
      else this.active.set(key, n);
    }
  }

  it('property: answers as the model, acquire and release in any order, any number of keys', () => {
    const op = fc.record({
      acquire: fc.boolean(),
      key: fc.oneof(fc.constantFrom('a', 'b', 'c'), fc.integer({ min: 0, max: 3000 }).map(String)),
    });
    fc.assert(
      fc.property(fc.integer({ min: 0, max: 4 }), fc.array(op, { maxLength: 3000 }), (max, ops) => {
        const slots = new ClientSlots(max);
        const model = new Model(max);
        for (const { acquire, key } of ops) {
          if (acquire) expect(slots.tryAcquire(key)).toBe(model.tryAcquire(key));
          else {
            slots.release(key);
            model.release(key);
          }
          expect(slots.size).toBe(model.active.size);
        }
      }),
      { numRuns: 200 },
    );
  });

  it('keys back at zero are bounded in memory', () => {
    const slots = new ClientSlots(2);
    for (let i = 0; i < 10_000; i++) {
      expect(slots.tryAcquire(`k${i}`)).toBe(true);
      slots.release(`k${i}`);
    }
    expect(slots.size).toBe(0);
    expect(slots.retained).toBeLessThanOrEqual(1025);
    expect(slots.tryAcquire('k1')).toBe(true);
    expect(slots.tryAcquire('k1')).toBe(true);
    expect(slots.tryAcquire('k1')).toBe(false);
    expect(slots.size).toBe(1);
  });
});

describe('ipFamily (net.isIP without its regular expressions for names)', () => {
  it.each([
    '127.0.0.1',
    '93.184.216.34',
    '::1',
    '2001:db8::1',
    '::ffff:1.2.3.4',
    'fe80::1%eth0',
    'example.com',
    'upstream.test',
    'a1',
    '1.2.3',
    '1.2.3.4.',
    '256.1.1.1',
    ':',
    '',
    'xn--nxasmq6b.example',
  ])('%s: as net.isIP', (host) => {
    expect(ipFamily(host)).toBe(isIP(host));
  });

  it('property: equals net.isIP for addresses, names and any string', () => {
    fc.assert(
      fc.property(fc.oneof(fc.ipV4(), fc.ipV6(), fc.ipV4Extended(), fc.domain(), fc.string()), (host) => {
        expect(ipFamily(host)).toBe(isIP(host));
      }),
      { numRuns: 2000 },
    );
  });
});

describe('host patterns', () => {
  it.each([
    ['api.example.com', 'api.example.com', '', true],
    ['api.example.com', 'API.example.com', '', false], // callers pass normalized (lower-case) names
    ['api.example.com', 'x.api.example.com', '', false],
    ['*.example.com', 'a.example.com', '', true],
    ['*.example.com', 'a.b.example.com', '', true],
    ['*.example.com', 'example.com', '', false],
    ['*.example.com', 'badexample.com', '', false],
    ['api.example.com:8443', 'api.example.com', '8443', true],
    ['api.example.com:8443', 'api.example.com', '', false],
    ['Example.COM.', 'example.com', '', true],
    ['[2606:4700::1111]', '2606:4700::1111', '', true],
  ])('%s matches (%s, port %s): %s', (pattern, host, port, expected) => {
    const { matcher, problems } = compileHostPatterns([pattern]);
    expect(problems).toEqual([]);
    expect(matcher(host, port)).toBe(expected);
  });

  it('several patterns for one host: the ports add up, and a pattern without a port allows any', () => {
    const ports = compileHostPatterns(['api.example.com:8443', 'api.example.com:9443']).matcher;
    expect([ports('api.example.com', '8443'), ports('api.example.com', '9443')]).toEqual([true, true]);
    expect([ports('api.example.com', ''), ports('api.example.com', '443')]).toEqual([false, false]);
    for (const patterns of [
      ['api.example.com:8443', 'api.example.com'],
      ['api.example.com', 'api.example.com:8443'],
    ]) {
      const any = compileHostPatterns(patterns).matcher;
      expect([any('api.example.com', ''), any('api.example.com', '1'), any('x.example.com', '')]).toEqual([
        true,
        true,
        false,
      ]);
    }
  });

  it.each([
    ['*'],
    ['*.com'],
    ['*.co.uk'],
    ['*.github.io'],
    ['a.*.example.com'],
    ['https://api.example.com'],
    [''],
    ['*.10.0.0.1'],
  ])('%s is refused as a pattern', (pattern) => {
    expect(compileHostPatterns([pattern]).problems.length).toBe(1);
  });

  it.each([
    ['Example.COM.', 'example.com'],
    ['example.com..', 'example.com'],
    ['[::1]', '::1'],
  ])('normalizeHostname(%s) = %s', (input, output) => {
    expect(normalizeHostname(input)).toBe(output);
  });
});

describe('compileProxyOptions', () => {
  const cors = createCorsPolicy({ origins: ['https://app.example.com'] });

  it('lists every problem at once, each with a path and a typed reason', () => {
    let error: unknown;
    try {
      compileProxyOptions({
        cors: undefined as never,
        routes: [
          { prefix: 'api', target: 'http://x' },
          { prefix: '/b', target: 'file:///etc' },
          { prefix: '/c', target: 'http://user:pw@x' },
        ],
        openTargets: {},
        requireHeader: 'bad header',
        rateLimit: { perClient: 'lots' },
        limits: { maxBodyBytes: -1, nonsense: 1 } as never,
      });
    } catch (e) {
      error = e;
    }
    expect(error).toBeInstanceOf(ProxyConfigError);
    const problems = (error as ProxyConfigError).problems.map((p) => `${p.path}:${p.reason}`);
    expect(problems).toEqual([
      'cors:missing-cors',
      'routes[0].prefix:bad-route',
      'routes[1].target:bad-target-url',
      'routes[2].target:bad-target-url',
      'openTargets.allowHosts:no-target-allowlist',
      'requireHeader:bad-header-name',
      'rateLimit.perClient:bad-rate',
      'limits.maxBodyBytes:bad-limit',
      'limits.nonsense:bad-limit',
    ]);
    expect((error as Error).message).toContain('there is no default');
  });

  it('requires something to proxy', () => {
    expect(() => compileProxyOptions({ cors })).toThrow('configure at least one route');
  });

  it('accepts a CorsPolicyConfig and compiles it; reports an invalid one', () => {
    const c = compileProxyOptions({
      cors: { origins: ['https://a.example'] },
      routes: [{ prefix: '/', target: 'http://127.0.0.1:1' }],
    });
    expect(typeof c.cors.handle).toBe('function');
    expect(() =>
      compileProxyOptions({
        cors: { origins: ['not an origin'] },
        routes: [{ prefix: '/', target: 'http://127.0.0.1:1' }],
      }),
    ).toThrow('the CORS policy is invalid');
  });

  it("a fixed route's target (built from the compiled origin and host) is what makeTarget builds", () => {
    const targets = [
      'http://127.0.0.1:8080',
      'http://localhost',
      'https://API.Example.COM./v1/',
      'https://api.example.com..:8443/base',
      'http://[::1]:3000/x',
      'http://[2001:DB8::1]',
      'https://[::ffff:1.2.3.4]:443/',
      'http://xn--nxasmq6b.example:80/a/b',
      'http://0x7f.1:81',
    ];
    for (const target of targets) {
      const c = compileProxyOptions({ cors, routes: [{ prefix: '/api', target }] });
      const route = c.routes[0]!;
      for (const path of ['/api', '/api/', '/api/items?x=1', '/api?q', '/api/a/../b']) {
        const { target: got } = resolveTarget(c, path);
        const want = makeTarget(route.targetUrl, route.hostname, got.path);
        expect(got, `${target} ${path}`).toEqual(want);
        expect(routeTarget(route, '')).toEqual(makeTarget(route.targetUrl, route.hostname, ''));
      }
    }
  });

  it('sorts routes longest prefix first and normalizes a trailing slash', () => {
    const c = compileProxyOptions({
      cors,
      routes: [
        { prefix: '/', target: 'http://127.0.0.1:1' },
        { prefix: '/api/', target: 'http://127.0.0.1:2/v1/' },
      ],
    });
    expect(c.routes.map((r) => [r.prefix, r.basePath])).toEqual([
      ['/api', '/v1'],
      ['/', ''],
    ]);
  });
});

describe('rate limits', () => {
  it.each([
    ['60/min', { requests: 60, windowSeconds: 60 }],
    ['10/s', { requests: 10, windowSeconds: 1 }],
    ['1000/hour', { requests: 1000, windowSeconds: 3600 }],
    ['5/30s', { requests: 5, windowSeconds: 30 }],
    [' 7 / minute ', { requests: 7, windowSeconds: 60 }],
  ])('parseRate(%s)', (text, rule) => {
    expect(parseRate(text)).toEqual(rule);
  });

  it.each([['lots'], ['0/min'], ['10'], ['10/fortnight'], ['-1/s']])('parseRate(%s) is a problem', (text) => {
    expect(typeof parseRate(text)).toBe('string');
  });

  it('property: a bucket never allows more than capacity + refill over any time span', () => {
    fc.assert(
      fc.property(
        fc.integer({ min: 1, max: 20 }),
        fc.integer({ min: 1, max: 60 }),
        fc.array(fc.integer({ min: 0, max: 5000 }), { minLength: 1, maxLength: 200 }),
        (requests, windowSeconds, gaps) => {
          const store = createMemoryRateLimitStore();
          const rule = { requests, windowSeconds };
          let now = 1_000_000;
          let allowed = 0;
          for (const gap of gaps) {
            now += gap;
            const d = store.take('k', rule, now) as { allowed: boolean; retryAfterSeconds: number };
            if (d.allowed) allowed++;
            else expect(d.retryAfterSeconds).toBeGreaterThanOrEqual(1);
          }
          const elapsed = now - 1_000_000;
          expect(allowed).toBeLessThanOrEqual(
            requests + Math.floor((elapsed * requests) / (windowSeconds * 1000)) + 1,
          );
        },
      ),
    );
  });

  it('keeps at most maxKeys buckets', () => {
    const store = createMemoryRateLimitStore({ maxKeys: 2 });
    const rule = { requests: 1, windowSeconds: 60 };
    expect((store.take('a', rule, 0) as { allowed: boolean }).allowed).toBe(true);
    expect((store.take('a', rule, 0) as { allowed: boolean }).allowed).toBe(false);
    store.take('b', rule, 0);
    store.take('c', rule, 0); // evicts a
    expect((store.take('a', rule, 0) as { allowed: boolean }).allowed).toBe(true);
  });
});

describe('clientRateKey', () => {
  it.each([
    ['203.0.113.9', '203.0.113.9'],
    ['::ffff:203.0.113.9', '203.0.113.9'],
    ['2001:db8:1:2:3:4:5:6', '2001:db8:1:2::/64'],
    ['2001:db8:1:2::ffff', '2001:db8:1:2::/64'],
    ['::1', '0:0:0:0::/64'],
    ['unknown', 'unknown'],
  ])('%s is keyed as %s', (address, key) => {
    expect(clientRateKey(address)).toBe(key);
  });
});

describe('createCheckedLookup', () => {
  const call = (
    lookup: ReturnType<typeof createCheckedLookup>,
    host: string,
    options: { all?: boolean; family?: number },
  ) =>
    new Promise<{ err: NodeJS.ErrnoException | null; address: unknown; family?: number }>((resolve) =>
      lookup(host, options, (err, address, family) => resolve({ err, address, family })),
    );
  const resolver = fakeResolver({
    'dual.test': [PUBLIC_V4, PUBLIC_V6],
    'bad.test': [PUBLIC_V4, '10.0.0.1'],
    'empty.test': [],
  });

  it('answers all checked addresses when asked for all, or the first of the family', async () => {
    const lookup = createCheckedLookup({ resolver, check: true });
    expect((await call(lookup, 'dual.test', { all: true })).address).toEqual([
      { address: PUBLIC_V4, family: 4 },
      { address: PUBLIC_V6, family: 6 },
    ]);
    expect(await call(lookup, 'dual.test', { family: 6 })).toEqual({
      err: null,
      address: PUBLIC_V6,
      family: 6,
    });
    expect(await call(lookup, 'dual.test.', {})).toEqual({ err: null, address: PUBLIC_V4, family: 4 });
  });

  it('refuses when any address is not public, with a TargetRefusedError naming it', async () => {
    const lookup = createCheckedLookup({ resolver, check: true });
    const r = await call(lookup, 'bad.test', { all: true });
    expect(r.err).toBeInstanceOf(TargetRefusedError);
    expect(r.err?.message).toBe(
      'the target host "bad.test" resolves to 10.0.0.1, which is a private (RFC 1918) address',
    );
  });

  it('without checking (fixed targets) passes private addresses; unknown and empty names are ENOTFOUND', async () => {
    const lookup = createCheckedLookup({ resolver, check: false });
    expect((await call(lookup, 'bad.test', { all: true })).err).toBeNull();
    expect((await call(lookup, 'nope.test', {})).err?.code).toBe('ENOTFOUND');
    expect((await call(lookup, 'empty.test', {})).err?.code).toBe('ENOTFOUND');
  });

  it('the test seam runs after the check: it never sees a refused address', async () => {
    const seen: string[] = [];
    const lookup = createCheckedLookup({
      resolver,
      check: true,
      mapCheckedAddress: (a) => {
        seen.push(a);
        return '127.0.0.1';
      },
    });
    await call(lookup, 'bad.test', { all: true });
    expect(seen).toEqual([]);
  });
});
