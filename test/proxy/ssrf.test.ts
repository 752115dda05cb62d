/**
 * The SSRF table (test/fixtures/proxy-ssrf.json): every row must be refused, and nothing may reach
 * the loopback upstreams whose ports the rows name. Then rebinding and redirects, which need more
 * than one exchange, and a fast-check property over IPv4 spellings.
 */
import { readFileSync } from 'node:fs';
import fc from 'fast-check';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { ListeningProxy } from '../../src/proxy/listen.js';
import { fakeResolver, PUBLIC_V4, rawRequest, startProxy, startUpstream, type Upstream } from './helpers.js';

interface SsrfCase {
  id: string;
  description: string;
  path: string;
  expect: { status: number; code: string };
}
const table = JSON.parse(readFileSync(new URL('../fixtures/proxy-ssrf.json', import.meta.url), 'utf8')) as {
  resolver: Record<string, string[]>;
  cases: SsrfCase[];
};

let upstream: Upstream;
let upstream6: Upstream | null = null;
let proxy: { any: ListeningProxy; resolver: ReturnType<typeof fakeResolver> };

beforeAll(async () => {
  upstream = await startUpstream((_req, res) => res.end('SECRET'));
  try {
    upstream6 = await startUpstream((_req, res) => res.end('SECRET6'), '::1');
  } catch {
    upstream6 = null; // no IPv6 loopback here: the [::1] row then names the IPv4 port, still refused
  }
  const resolver = fakeResolver(table.resolver);
  const any = await startProxy({ openTargets: { dangerouslyAllowAnyTarget: true }, resolver });
  proxy = { any, resolver };
});

afterAll(async () => {
  await proxy.any.close();
  await upstream.close();
  await upstream6?.close();
});

const fill = (path: string) =>
  path.replaceAll('{P6}', String(upstream6?.port ?? upstream.port)).replaceAll('{P}', String(upstream.port));

describe('SSRF table: every row refused, even with dangerouslyAllowAnyTarget', () => {
  it.each(table.cases.map((c) => [c.id, c] as const))('%s', async (_id, c) => {
    const r = await rawRequest(proxy.any.url, fill(c.path));
    expect(r.status, `${c.description}: ${r.body}`).toBe(c.expect.status);
    expect(r.body).toContain(`[${c.expect.code}]`);
    expect(r.headers['content-type']).toBe('text/plain; charset=utf-8');
  });

  it('nothing reached the loopback upstreams', () => {
    expect(upstream.hits).toEqual([]);
    expect(upstream6?.hits ?? []).toEqual([]);
  });

  it('the control row passes: a name resolving to a public address is proxied (test seam maps it to loopback after the check)', async () => {
    const r = await rawRequest(proxy.any.url, `/http://public.test.:${upstream.port}/control`);
    expect(r.status).toBe(200);
    expect(r.body).toBe('SECRET');
    expect(upstream.hits.map((h) => h.url)).toEqual(['/control']);
    // trailing dot normalised: the Host header has none
    expect(upstream.hits[0]?.headers.host).toBe(`public.test:${upstream.port}`);
    upstream.hits.length = 0;
  });
});

describe('IPv4 spellings (property): any spelling of a loopback, private, link-local or CGNAT address is refused', () => {
  const spell = (octets: number[], style: number): string => {
    const n = ((octets[0]! << 24) >>> 0) + (octets[1]! << 16) + (octets[2]! << 8) + octets[3]!;
    switch (style) {
      case 0:
        return String(n);
      case 1:
        return `0x${n.toString(16)}`;
      case 2:
        return octets.map((o) => `0${o.toString(8)}`).join('.');
      case 3:
        return `${octets[0]}.${(octets[1]! << 16) + (octets[2]! << 8) + octets[3]!}`;
      default:
        return octets.map((o) => `0x${o.toString(16)}`).join('.');
    }
  };
  const byte = fc.integer({ min: 0, max: 255 });
  const special = fc.oneof(
    fc.tuple(fc.constant(127), byte, byte, byte),
    fc.tuple(fc.constant(10), byte, byte, byte),
    fc.tuple(fc.constant(169), fc.constant(254), byte, byte),
    fc.tuple(fc.constant(192), fc.constant(168), byte, byte),
    fc.tuple(fc.constant(100), fc.integer({ min: 64, max: 127 }), byte, byte),
    fc.tuple(fc.constant(0), byte, byte, byte),
  );
  it('403 private-address for 60 random spellings', async () => {
    await fc.assert(
      fc.asyncProperty(special, fc.integer({ min: 0, max: 4 }), async (octets, style) => {
        const r = await rawRequest(proxy.any.url, `/http://${spell(octets, style)}:${upstream.port}/`);
        expect(r.status).toBe(403);
        expect(r.body).toContain('[private-address]');
      }),
      { numRuns: 60 },
    );
    expect(upstream.hits).toEqual([]);
  });
});

describe('fuzz (property): whatever the path, an open-target proxy whose every name resolves to loopback never reaches it', () => {
  it('random URLs and random paths get a well-defined refusal, and the loopback upstream sees nothing', async () => {
    const up = await startUpstream((_req, res) => res.end('SECRET'));
    const everythingLoopback = async () => [{ address: '127.0.0.1', family: 4 as const }];
    const p = await startProxy({
      openTargets: { dangerouslyAllowAnyTarget: true },
      resolver: everythingLoopback,
    });
    const printable = fc.string({
      unit: fc.integer({ min: 0x21, max: 0x7e }).map((c) => String.fromCharCode(c)),
      maxLength: 60,
    });
    try {
      await fc.assert(
        fc.asyncProperty(
          fc.oneof(
            fc.webUrl({ withQueryParameters: true, withFragments: false }).map((u) => `/${u}`),
            fc.webUrl().map((u) => `/${u.replace(/\/\/[^/]+/, `//127.0.0.1:${up.port}`)}`),
            printable.map((t) => `/${t}`),
            printable.map((t) => `/http://${t}`),
          ),
          async (path) => {
            const r = await rawRequest(p.url, path);
            expect([400, 403, 404, 502]).toContain(r.status);
            expect(r.body).toMatch(/^\d{3} [A-Za-z ]+: .+ \[[a-z-]+\]\n$/);
          },
        ),
        { numRuns: 150 },
      );
      expect(up.hits).toEqual([]);
    } finally {
      await p.close();
      await up.close();
    }
  });
});

describe('DNS rebinding: the check happens inside the connector, once per connection', () => {
  it('public on the first lookup, loopback on the second: the second connection is refused', async () => {
    // The upstream closes every connection, so each request needs a new connect (and lookup).
    const up = await startUpstream((_req, res) => {
      res.setHeader('connection', 'close');
      res.end('ok');
    });
    const resolver = fakeResolver({ 'rebind.test': (call) => (call === 1 ? [PUBLIC_V4] : ['127.0.0.1']) });
    const p = await startProxy({ openTargets: { allowHosts: ['rebind.test'] }, resolver });
    try {
      const first = await rawRequest(p.url, `/http://rebind.test:${up.port}/one`);
      expect(first.status).toBe(200);
      // exactly one resolution for the first exchange: no separate "check" lookup to race with
      expect(resolver.calls).toEqual(['rebind.test']);
      const second = await rawRequest(p.url, `/http://rebind.test:${up.port}/two`);
      expect(second.status, second.body).toBe(403);
      expect(second.body).toContain('resolves to 127.0.0.1');
      expect(resolver.calls).toEqual(['rebind.test', 'rebind.test']);
      expect(up.hits.map((h) => h.url)).toEqual(['/one']);
    } finally {
      await p.close();
      await up.close();
    }
  });
});

describe('redirects: every hop is re-validated', () => {
  let p: ListeningProxy;
  let up: Upstream;
  let secret: Upstream;
  beforeAll(async () => {
    secret = await startUpstream((_req, res) => res.end('INTERNAL'));
    up = await startUpstream((req, res) => {
      const to: Record<string, string> = {
        '/to-loopback-literal': `http://127.0.0.1:${secret.port}/admin`,
        '/to-decimal-literal': `http://2130706433:${secret.port}/admin`,
        '/to-private-name': `http://internal.test:${secret.port}/admin`,
        '/to-metadata': 'http://169.254.169.254/latest/meta-data/',
        '/to-credentials': `http://user:pass@public.test:${up.port}/x`,
        '/to-file': 'file:///etc/passwd',
        '/to-gopher': `gopher://127.0.0.1:${secret.port}/_x`,
        '/to-not-allowed-host': 'http://elsewhere.test/',
        '/to-public': `http://public.test:${up.port}/final`,
        '/relative': '/final?x=1',
      };
      const location = to[req.url ?? ''];
      if (location) {
        res.writeHead(302, { location });
        res.end();
      } else res.end(`final ${req.url}`);
    });
    const resolver = fakeResolver({
      'public.test': [PUBLIC_V4],
      'internal.test': ['127.0.0.1'],
      'elsewhere.test': [PUBLIC_V4],
    });
    p = await startProxy({ openTargets: { allowHosts: ['public.test', 'internal.test'] }, resolver });
  });
  afterAll(async () => {
    await p.close();
    await up.close();
    await secret.close();
  });

  it.each([
    ['/to-loopback-literal', 403, 'private-address'],
    ['/to-decimal-literal', 403, 'private-address'],
    ['/to-metadata', 403, 'private-address'],
    ['/to-credentials', 403, 'credentials-in-target'],
    ['/to-file', 403, 'scheme-not-allowed'],
    ['/to-gopher', 403, 'scheme-not-allowed'],
    ['/to-not-allowed-host', 403, 'host-not-allowed'],
  ])('a redirect %s is refused (%i %s)', async (from, status, code) => {
    const r = await rawRequest(p.url, `/http://public.test:${up.port}${from}`);
    expect(r.status, r.body).toBe(status);
    expect(r.body).toContain(`[${code}]`);
    expect(r.body).toContain('redirect');
  });

  it('a redirect to an allowed name that resolves privately is rewritten, and following it is refused at connect', async () => {
    const r = await rawRequest(p.url, `/http://public.test:${up.port}/to-private-name`);
    expect(r.status).toBe(302);
    expect(r.headers.location).toBe(`/http://internal.test:${secret.port}/admin`);
    const followed = await rawRequest(p.url, r.headers.location!);
    expect(followed.status).toBe(403);
    expect(followed.body).toContain('internal.test');
    expect(secret.hits).toEqual([]);
  });

  it('allowed redirects are passed back through the proxy (absolute and relative Location)', async () => {
    const a = await rawRequest(p.url, `/http://public.test:${up.port}/to-public`);
    expect(a.status).toBe(302);
    expect(a.headers.location).toBe(`/http://public.test:${up.port}/final`);
    const b = await rawRequest(p.url, `/http://public.test:${up.port}/relative`);
    expect(b.headers.location).toBe(`/http://public.test:${up.port}/final?x=1`);
    const c = await rawRequest(p.url, b.headers.location!);
    expect(c.status).toBe(200);
    expect(c.body).toBe('final /final?x=1');
  });

  it('fetch() following redirects through the proxy ends at the allowed final URL', async () => {
    const r = await fetch(`${p.url}/http://public.test:${up.port}/to-public`);
    expect(r.status).toBe(200);
    expect(await r.text()).toBe('final /final');
  });
});

describe('allowlist', () => {
  it('open-target mode refuses hosts outside allowHosts, matches *.domain, and never the apex for a wildcard', async () => {
    const up = await startUpstream((_req, res) => res.end('ok'));
    const resolver = fakeResolver({
      'a.example.com': [PUBLIC_V4],
      'example.com': [PUBLIC_V4],
      'api.other.test': [PUBLIC_V4],
    });
    const p = await startProxy({
      openTargets: { allowHosts: ['*.example.com', 'api.other.test'] },
      resolver,
    });
    try {
      expect((await rawRequest(p.url, `/http://a.example.com:${up.port}/`)).status).toBe(200);
      expect((await rawRequest(p.url, `/http://api.other.test:${up.port}/`)).status).toBe(200);
      const apex = await rawRequest(p.url, `/http://example.com:${up.port}/`);
      expect(apex.status).toBe(403);
      expect(apex.body).toContain('[host-not-allowed]');
      const evil = await rawRequest(p.url, `/http://example.com.evil.test:${up.port}/`);
      expect(evil.status).toBe(403);
      // IP literals need dangerouslyAllowAnyTarget AND are still checked; a public literal is not in the list
      expect((await rawRequest(p.url, `/http://${PUBLIC_V4}/`)).status).toBe(403);
    } finally {
      await p.close();
      await up.close();
    }
  });

  it('a fixed target that is deliberately local is allowed (configured explicitly)', async () => {
    const up = await startUpstream((req, res) => res.end(`local ${req.url}`));
    const p = await startProxy({ routes: [{ prefix: '/api', target: `http://127.0.0.1:${up.port}/v1` }] });
    try {
      const r = await rawRequest(p.url, '/api/items?x=1');
      expect(r.status).toBe(200);
      expect(r.body).toBe('local /v1/items?x=1');
      // ...but open-target requests are not routed on a proxy without openTargets
      const o = await rawRequest(p.url, `/http://127.0.0.1:${up.port}/`);
      expect(o.status).toBe(404);
    } finally {
      await p.close();
      await up.close();
    }
  });

  it('a request looping back through the same proxy is refused (508), recognised by its Via entry', async () => {
    const p = await startProxy({
      openTargets: { dangerouslyAllowAnyTarget: true, dangerouslyAllowPrivateTargets: true },
    });
    try {
      const self = p.url;
      const r = await rawRequest(p.url, `/${self}/${self}/${self}/x`);
      expect(r.status).toBe(508);
      expect(r.body).toContain('[loop-detected]');
    } finally {
      await p.close();
    }
  });

  it('dangerouslyAllowPrivateTargets lets open targets reach loopback (the option works, so the default is what refuses)', async () => {
    const up = await startUpstream((_req, res) => res.end('reached'));
    const p = await startProxy({
      openTargets: { dangerouslyAllowAnyTarget: true, dangerouslyAllowPrivateTargets: true },
      resolver: fakeResolver({ 'loopback.test': ['127.0.0.1'] }),
    });
    try {
      expect((await rawRequest(p.url, `/http://127.0.0.1:${up.port}/`)).body).toBe('reached');
      expect((await rawRequest(p.url, `/http://loopback.test:${up.port}/`)).body).toBe('reached');
    } finally {
      await p.close();
      await up.close();
    }
  });
});
