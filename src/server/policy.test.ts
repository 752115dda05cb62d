/**
 * Table-driven tests of crossorigin/server from test/fixtures/server-*.json, plus the cases that
 * do not fit JSON (huge values, resolvers, reconfigure, hooks).
 */
import { describe, expect, it, vi } from 'vitest';
import { type HeaderList, loadTables } from '../../test/fixtures/schema.js';
import { mergeVary, type RequestView } from '../_http/index.js';
import { CorsConfigError, type CorsDecision, createCorsPolicy } from './index.js';

/** A request view over a header list: names lower-cased, repeated names joined with ", ". */
function viewOf(method: string, headers: HeaderList): RequestView {
  const map = new Map<string, string>();
  for (const [name, value] of headers) {
    const key = name.toLowerCase();
    const prev = map.get(key);
    map.set(key, prev === undefined ? value : `${prev}, ${value}`);
  }
  return { method, header: (n) => map.get(n) ?? null };
}

function sync(d: CorsDecision | Promise<CorsDecision>): CorsDecision {
  if (d instanceof Promise) throw new Error('expected a synchronous decision');
  return d;
}

const policyTables = loadTables('server-policy').filter((t) => t.table.startsWith('server-'));
const configTables = loadTables('server-config');

describe.each(policyTables.map((t) => [t.table, t] as const))('%s', (_name, table) => {
  it.each(table.cases.map((c) => [c.id, c] as const))('%s', (_id, c) => {
    const policy = createCorsPolicy(c.policy as never);
    const d = sync(policy.decide(viewOf(c.request.method, c.request.headers)));
    const e = c.expect;
    expect(d.kind).toBe(e.kind);
    expect(!d.end).toBe(e.continue);
    if (e.status !== undefined) expect(d.status).toBe(e.status);
    if (e.allowed !== undefined) expect(d.allowed).toBe(e.allowed);
    if (e.reason !== undefined) expect(d.reason).toBe(e.reason);
    const got = new Map(d.headers.map(([n, v]) => [n, v]));
    expect(got.size, 'no header set twice').toBe(d.headers.length);
    for (const [name, value] of Object.entries(e.headers ?? {})) {
      if (value === null) expect(got.has(name), `${name} must be absent`).toBe(false);
      else expect(got.get(name), name).toBe(value);
    }
    if (e.exactHeaders) {
      const wanted = Object.entries(e.headers ?? {})
        .filter(([, v]) => v !== null)
        .map(([n]) => n)
        .sort();
      expect([...got.keys()].sort()).toEqual(wanted);
    }
    if (e.vary !== undefined) expect([...d.vary]).toEqual(e.vary);
    if (e.mergedVary !== undefined) expect(mergeVary(c.appVary ?? null, d.vary)).toBe(e.mergedVary);
    if (e.bodyIncludes !== undefined) expect(d.body ?? '').toContain(e.bodyIncludes);
    if (!d.allowed) {
      for (const [name] of d.headers) expect(name.startsWith('access-control-'), name).toBe(false);
    }
    if (d.kind === 'preflight' && !d.allowed) expect(d.status).toBe(403);
    // handle is decide (HttpCore).
    expect(sync(policy.handle(viewOf(c.request.method, c.request.headers)))).toEqual(d);
  });
});

describe.each(configTables.map((t) => [t.table, t] as const))('%s', (_name, table) => {
  it.each(table.cases.map((c) => [c.id, c] as const))('%s', (_id, c) => {
    let problems: { path: string; reason: string; message: string }[] = [];
    let policy: ReturnType<typeof createCorsPolicy> | undefined;
    try {
      policy = createCorsPolicy(c.policy as never);
    } catch (err) {
      expect(err).toBeInstanceOf(CorsConfigError);
      problems = [...(err as CorsConfigError).problems];
    }
    expect(problems.map((p) => ({ option: p.path, reason: p.reason }))).toEqual(c.expect.problems);
    for (const p of problems) expect(p.message.length).toBeGreaterThan(20);
    if (c.expect.problems.length === 0) {
      expect(policy).toBeDefined();
      for (const [k, v] of Object.entries(c.expect.normalized ?? {})) {
        expect((policy!.config as unknown as Record<string, unknown>)[k], k).toEqual(v);
      }
    }
  });
});

const APP = 'https://app.example.com';
const preflight = (origin: string, method: string, acrh?: string): RequestView =>
  viewOf('OPTIONS', [
    ['origin', origin],
    ['access-control-request-method', method],
    ...(acrh === undefined ? [] : ([['access-control-request-headers', acrh]] as HeaderList)),
  ]);

describe('bounded Access-Control-Request-Headers', () => {
  const policy = createCorsPolicy({ origins: [APP], requestHeaders: '*', credentials: true });

  it('refuses a 1 MB value as too long', () => {
    const d = sync(policy.decide(preflight(APP, 'GET', `x-${'a'.repeat(1024 * 1024)}`)));
    expect(d.status).toBe(403);
    expect(d.reason).toBe('headers-too-long');
    expect(d.headers).toEqual([]);
  });

  it('refuses 100k commas as too long', () => {
    const d = sync(policy.decide(preflight(APP, 'GET', ','.repeat(100_000))));
    expect(d.reason).toBe('headers-too-long');
  });

  it('refuses 100k commas spread over many header lines', () => {
    const lines: HeaderList = Array.from({ length: 1000 }, () => [
      'access-control-request-headers',
      ','.repeat(100),
    ]);
    const d = sync(
      policy.decide(viewOf('OPTIONS', [['origin', APP], ['access-control-request-method', 'GET'], ...lines])),
    );
    expect(d.reason).toBe('headers-too-long');
  });

  it('refuses a flood of short names under the length bound', () => {
    const names = Array.from({ length: 1000 }, (_, i) => `h${i}`).join(',');
    expect(names.length).toBeLessThan(8192);
    const d = sync(policy.decide(preflight(APP, 'GET', names)));
    expect(d.reason).toBe('headers-too-many');
  });

  it('accepts 8 KB of commas around one name (empty elements are not counted)', () => {
    const d = sync(policy.decide(preflight(APP, 'GET', `${','.repeat(4000)}x-a${','.repeat(4000)}`)));
    expect(d.allowed).toBe(true);
    expect(d.headers).toContainEqual(['access-control-allow-headers', 'x-a']);
  });
});

describe('methods: case', () => {
  it('a configured PATCH answers a PATCH preflight with PATCH listed', () => {
    const p = createCorsPolicy({ origins: [APP], methods: ['PATCH'] });
    const d = sync(p.decide(preflight(APP, 'PATCH')));
    expect(d.headers).toContainEqual(['access-control-allow-methods', 'PATCH']);
  });
  it('a configured patch is a problem that says to write PATCH', () => {
    expect(() => createCorsPolicy({ origins: [APP], methods: ['patch'] })).toThrow(/write "PATCH"/);
  });
  it('custom lower-case methods are kept verbatim (case-sensitive)', () => {
    const p = createCorsPolicy({ origins: [APP], methods: ['purge'] });
    expect(sync(p.decide(preflight(APP, 'purge'))).allowed).toBe(true);
    expect(sync(p.decide(preflight(APP, 'PURGE'))).reason).toBe('method-case-mismatch');
  });
});

describe('origin resolver', () => {
  it('calls the resolver once per origin, caches both answers, and returns a Promise only on a miss', async () => {
    const resolver = vi.fn(async (o: string) => o.endsWith('.tenant.example'));
    const p = createCorsPolicy({ origins: resolver, credentials: true });
    const get = (o: string) => viewOf('GET', [['origin', o]]);
    const first = p.decide(get('https://a.tenant.example'));
    expect(first).toBeInstanceOf(Promise);
    const d1 = await first;
    expect(d1.allowed).toBe(true);
    expect(d1.headers).toContainEqual(['access-control-allow-origin', 'https://a.tenant.example']);
    const again = p.decide(get('https://a.tenant.example'));
    expect(again).not.toBeInstanceOf(Promise);
    expect(sync(again).allowed).toBe(true);
    const refused = await p.decide(get('https://evil.example'));
    expect(refused.allowed).toBe(false);
    expect(refused.reason).toBe('origin-not-allowed');
    expect(sync(p.decide(get('https://evil.example'))).allowed).toBe(false);
    expect(resolver).toHaveBeenCalledTimes(2);
  });

  it('deduplicates concurrent lookups of one origin', async () => {
    let calls = 0;
    const p = createCorsPolicy({
      origins: async () => {
        calls++;
        await new Promise((r) => setTimeout(r, 5));
        return true;
      },
    });
    const v = viewOf('GET', [['origin', APP]]);
    const all = await Promise.all([p.decide(v), p.decide(v), p.decide(v)]);
    expect(all.every((d) => d.allowed)).toBe(true);
    expect(calls).toBe(1);
  });

  it('fails closed on a rejection and does not cache it', async () => {
    let fail = true;
    const p = createCorsPolicy({
      origins: async () => {
        if (fail) throw new Error('db down');
        return true;
      },
    });
    const v = viewOf('GET', [['origin', APP]]);
    const d = await p.decide(v);
    expect(d.allowed).toBe(false);
    expect(d.reason).toBe('origin-resolver-failed');
    fail = false;
    expect((await p.decide(v)).allowed).toBe(true);
  });

  it('fails closed when a synchronous resolver throws', () => {
    const p = createCorsPolicy({
      origins: () => {
        throw new Error('boom');
      },
    });
    const d = sync(p.decide(viewOf('GET', [['origin', APP]])));
    expect(d.reason).toBe('origin-resolver-failed');
  });

  it('never passes a malformed origin to the resolver', () => {
    const resolver = vi.fn(() => true);
    const p = createCorsPolicy({ origins: resolver });
    const d = sync(p.decide(viewOf('GET', [['origin', 'https://x.example/\r\nevil']])));
    expect(d.reason).toBe('origin-malformed');
    expect(resolver).not.toHaveBeenCalled();
  });

  it('asks the resolver about Origin: null only with dangerouslyAllowNullOrigin', async () => {
    const seen: string[] = [];
    const resolver = (o: string) => {
      seen.push(o);
      return o === 'null';
    };
    const strict = createCorsPolicy({ origins: resolver });
    expect(sync(strict.decide(viewOf('GET', [['origin', 'null']]))).reason).toBe('null-origin');
    expect(seen).toEqual([]);
    const lax = createCorsPolicy({ origins: resolver, dangerouslyAllowNullOrigin: true, credentials: true });
    const d = sync(lax.decide(viewOf('GET', [['origin', 'null']])));
    expect(d.allowed).toBe(true);
    expect(d.headers).toContainEqual(['access-control-allow-origin', 'null']);
    expect(seen).toEqual(['null']);
  });

  it('refuses an http origin the resolver allowed when the policy has credentials', async () => {
    const p = createCorsPolicy({ origins: async () => true, credentials: true });
    const d = await p.decide(viewOf('GET', [['origin', 'http://app.example.com']]));
    expect(d.reason).toBe('insecure-origin');
    const local = await p.decide(viewOf('GET', [['origin', 'http://localhost:3000']]));
    expect(local.allowed).toBe(true);
  });

  it('expires cached answers after ttlMs', async () => {
    let allow = true;
    // Wide margins: this machine is shared and busy.
    const p = createCorsPolicy({ origins: async () => allow, originCache: { ttlMs: 500, max: 10 } });
    const v = viewOf('GET', [['origin', APP]]);
    expect((await p.decide(v)).allowed).toBe(true);
    allow = false;
    expect((await p.decide(v)).allowed).toBe(true);
    await new Promise((r) => setTimeout(r, 700));
    expect((await p.decide(v)).allowed).toBe(false);
  });

  it('a preflight with a resolver checks method and headers after the lookup', async () => {
    const p = createCorsPolicy({ origins: async () => true, methods: ['PUT'], requestHeaders: ['x-a'] });
    expect((await p.decide(preflight(APP, 'PUT', 'x-a'))).status).toBe(204);
    expect((await p.decide(preflight(APP, 'DELETE', 'x-a'))).reason).toBe('method-not-allowed');
    expect(sync(p.decide(preflight(APP, 'PUT', 'x-b'))).reason).toBe('header-not-allowed');
  });
});

describe('reconfigure', () => {
  it('swaps to a new validated configuration', () => {
    const p = createCorsPolicy({ origins: [APP] });
    const v = viewOf('GET', [['origin', 'https://new.example']]);
    expect(sync(p.decide(v)).allowed).toBe(false);
    p.reconfigure({ origins: ['https://new.example'] });
    expect(sync(p.decide(v)).allowed).toBe(true);
    expect(p.config.origins).toEqual(['https://new.example']);
  });

  it('the policy object: decide, handle, reconfigure and a read-only config getter, enumerable', () => {
    const p = createCorsPolicy({ origins: [APP] });
    expect(Object.keys(p)).toEqual(['decide', 'handle', 'reconfigure', 'config']);
    expect(p.handle).toBe(p.decide);
    const config = Object.getOwnPropertyDescriptor(p, 'config')!;
    expect(typeof config.get).toBe('function');
    expect(config.set).toBeUndefined();
    expect(config.enumerable).toBe(true);
    expect(() => {
      (p as { config: unknown }).config = {};
    }).toThrow(TypeError);
    expect(p.config.origins).toEqual([APP]);
  });

  it('keeps the old configuration when the new one has problems', () => {
    const p = createCorsPolicy({ origins: [APP] });
    expect(() => p.reconfigure({ origins: '*', credentials: true })).toThrow(CorsConfigError);
    expect(sync(p.decide(viewOf('GET', [['origin', APP]]))).allowed).toBe(true);
  });

  it('a request in flight finishes with the configuration it started with', async () => {
    let release: (v: boolean) => void = () => {};
    const p = createCorsPolicy({
      origins: () => new Promise<boolean>((r) => (release = r)),
      methods: ['PUT'],
    });
    const pending = p.decide(preflight(APP, 'PUT'));
    p.reconfigure({ origins: [APP] });
    release(true);
    const d = await pending;
    expect(d.allowed).toBe(true);
    expect(d.headers).toContainEqual(['access-control-allow-methods', 'PUT']);
    // The new policy has no PUT.
    expect(sync(p.decide(preflight(APP, 'PUT'))).reason).toBe('method-not-allowed');
  });
});

describe('onDecision and robustness', () => {
  it('receives every decision with its reason and detail; a throwing hook is swallowed', () => {
    const seen: CorsDecision[] = [];
    const p = createCorsPolicy({
      origins: [APP],
      onDecision: (d) => {
        seen.push(d);
        throw new Error('logger broke');
      },
    });
    p.decide(viewOf('GET', []));
    p.decide(viewOf('GET', [['origin', APP]]));
    p.decide(viewOf('GET', [['origin', 'https://evil.example']]));
    expect(seen.map((d) => d.reason)).toEqual(['no-origin', 'allowed', 'origin-not-allowed']);
    expect(seen[2]?.detail).toContain('"https://evil.example"');
  });

  it('a request view whose getter throws gets a closed decision, not an exception', () => {
    const p = createCorsPolicy({ origins: [APP] });
    const bad: RequestView = {
      method: 'OPTIONS',
      header: () => {
        throw new Error('adapter bug');
      },
    };
    const d = sync(p.decide(bad));
    expect(d.allowed).toBe(false);
    expect(d.reason).toBe('internal-error');
    expect(d.status).toBe(403);
    expect(d.headers).toEqual([]);
  });

  it('reuses the precomputed decision for a repeated allowed origin (no per-request allocation)', () => {
    const p = createCorsPolicy({ origins: [APP], methods: ['PUT'] });
    const a = p.decide(viewOf('GET', [['origin', APP]]));
    const b = p.decide(viewOf('GET', [['origin', APP]]));
    expect(a).toBe(b);
    expect(p.decide(preflight(APP, 'PUT'))).toBe(p.decide(preflight(APP, 'PUT')));
  });

  it('10,000 exact origins decide like one', () => {
    const origins = Array.from({ length: 10_000 }, (_, i) => `https://t${i}.example.com`);
    const p = createCorsPolicy({ origins });
    const d = sync(p.decide(viewOf('GET', [['origin', 'https://t9999.example.com']])));
    expect(d.headers).toContainEqual(['access-control-allow-origin', 'https://t9999.example.com']);
  });

  it('the error message lists every problem with its fix', () => {
    try {
      createCorsPolicy({ origins: '*', credentials: true, maxAge: -5 });
      expect.unreachable();
    } catch (e) {
      const err = e as CorsConfigError;
      expect(err.name).toBe('CorsConfigError');
      expect(err.message).toMatch(/2 problems/);
      expect(err.message).toMatch(/origins: .*list the origins/);
    }
  });

  it('a non-object configuration is one problem', () => {
    expect(() => createCorsPolicy(undefined as never)).toThrow(CorsConfigError);
  });
});

describe('shared decisions are immutable', () => {
  it('an adapter cannot change a cached decision for the next request', () => {
    const p = createCorsPolicy({ origins: [APP], methods: ['PUT'] });
    for (const v of [viewOf('GET', [['origin', APP]]), preflight(APP, 'PUT'), viewOf('GET', [])]) {
      const d = sync(p.decide(v));
      expect(Object.isFrozen(d)).toBe(true);
      expect(Object.isFrozen(d.headers)).toBe(true);
      expect(Object.isFrozen(d.vary)).toBe(true);
      for (const h of d.headers) expect(Object.isFrozen(h)).toBe(true);
    }
  });
});

describe('refused origins: the reason does not depend on whether anyone reads the detail', () => {
  // Without debug or onDecision a refused origin of the common shape is recognised by one scan
  // instead of a parse; the reason must be the one the full parse gives (with debug on).
  const single = ['https://app.example'];
  const many = ['https://app.example', 'https://b.example', 'https://c.example:8443'];
  const origins = [
    'https://evil.example',
    'https://evil.example:8443',
    'http://127.0.0.1',
    'http://127.0.0.1:8080',
    'https://[::1]',
    'https://xn--bcher-kva.example',
    'ws://evil.example',
    'ftp://evil.example',
    'https://EVIL.example',
    'https://evil.example:443',
    'http://evil.example:80',
    'https://evil.example/',
    'https://evil.example:08443',
    'https://evil.example:65536',
    'https://evil..example',
    'https://evil.example.',
    'https://1.2.3',
    'https://0x7f.0.0.1',
    'https://256.1.1.1',
    'https://evil.example, https://app.example',
    ' https://evil.example',
    'file://',
    'null',
    'https://app.example.evil',
    'HTTPS://app.example',
    `https://${'a'.repeat(2100)}.example`,
    `https://${'a'.repeat(2030)}.ex`,
  ];
  const reasonOf = (list: string[], debug: boolean, origin: string, method = 'GET') => {
    const policy = createCorsPolicy({ origins: list, debug });
    const headers: [string, string][] = [['origin', origin]];
    if (method === 'OPTIONS') headers.push(['access-control-request-method', 'GET']);
    return sync(policy.decide(viewOf(method, headers))).reason;
  };
  for (const list of [single, many]) {
    it.each(origins.map((o) => [o.length > 60 ? `${o.slice(0, 40)}… (${o.length})` : o, o] as const))(
      `${list.length} allowed origin(s): %s`,
      (_label, origin) => {
        for (const method of ['GET', 'OPTIONS']) {
          const quiet = reasonOf(list, false, origin, method);
          expect(quiet).toBe(reasonOf(list, true, origin, method));
          expect(
            quiet === 'origin-not-allowed' || quiet === 'origin-malformed' || quiet === 'null-origin',
          ).toBe(true);
        }
      },
    );
  }
  it('a well-formed refused origin is origin-not-allowed, a malformed one origin-malformed', () => {
    expect(reasonOf(single, false, 'https://evil.example')).toBe('origin-not-allowed');
    expect(reasonOf(single, false, 'https://EVIL.example')).toBe('origin-malformed');
    expect(reasonOf(single, false, 'https://evil.example:443')).toBe('origin-malformed');
    expect(reasonOf(single, false, `https://${'a'.repeat(2100)}.example`)).toBe('origin-malformed');
  });
});

describe('the policy object has fast properties', () => {
  // An object literal with a getter gets dictionary-mode properties in V8, and every adapter's
  // `core.handle` was then a generic lookup per request. Checked with V8's own test, enabled here.
  it('decide/handle are ordinary fast properties (V8 %HasFastProperties)', async () => {
    const v8 = await import('node:v8');
    v8.setFlagsFromString('--allow-natives-syntax');
    const hasFast = new Function('o', 'return %HasFastProperties(o)') as (o: object) => boolean;
    expect(
      hasFast({
        a: 1,
        get b() {
          return 1;
        },
      }),
    ).toBe(false); // the check itself can fail
    expect(hasFast(createCorsPolicy({ origins: [APP] }))).toBe(true);
    expect(hasFast(createCorsPolicy({ origins: '*', credentials: false }))).toBe(true);
  });
});
