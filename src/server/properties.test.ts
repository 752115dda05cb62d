/**
 * fast-check properties of the policy: decide never throws, every emitted header is valid, and
 * every reflected value was checked against the configuration first.
 */
import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { isHeaderName, isHeaderValue, isToken } from '../_fetch/index.js';
import type { RequestView } from '../_http/index.js';
import { createOriginMatcher } from '../origin/index.js';
import { type CorsDecision, type CorsPolicyConfig, createCorsPolicy } from './index.js';

const POLICIES: CorsPolicyConfig[] = [
  {
    origins: ['https://app.example.com', 'https://*.preview.example.com', 'http://localhost:*'],
    credentials: true,
    methods: ['PUT', 'PATCH', 'DELETE'],
    requestHeaders: ['content-type', 'authorization', 'x-request-id'],
    exposeHeaders: ['etag'],
    maxAge: 600,
  },
  { origins: '*', methods: ['PUT'], requestHeaders: '*', exposeHeaders: '*' },
  { origins: ['https://app.example.com'], credentials: true, requestHeaders: '*', debug: true },
  { origins: ['https://app.example.com'], requestHeaders: ['*', 'authorization'], privateNetwork: true },
  { origins: ['null', 'https://app.example.com'], dangerouslyAllowNullOrigin: true, debug: true },
  { origins: (o: string) => o.endsWith('.example.com'), methods: ['PUT'], requestHeaders: ['x-a'] },
];

const interesting = [
  'https://app.example.com',
  'https://x.preview.example.com',
  'https://preview.example.com',
  'http://localhost:5173',
  'null',
  'https://evil.example',
  'https://app.example.com.evil.example',
  'https://app.example.com/',
  'https://app.example.com\r\nSet-Cookie: a=b',
  'https://x.preview.example.com\nx',
  'HTTPS://APP.EXAMPLE.COM',
  '',
  ' https://app.example.com',
  'https://app.example.com:443',
];

const originArb = fc.oneof(
  fc.constantFrom(...interesting),
  fc.string({ maxLength: 60 }),
  fc.string({ unit: 'binary', maxLength: 40 }),
  fc.webUrl().map((u) => new URL(u).origin),
  fc
    .tuple(fc.constantFrom('https://', 'http://'), fc.domain(), fc.constantFrom('', ':8080', '/'))
    .map(([a, b, c]) => a + b + c),
);
const methodArb = fc.oneof(
  fc.constantFrom('GET', 'POST', 'OPTIONS', 'PUT', 'PATCH', 'patch', 'DELETE', 'options', 'TRACE'),
  fc.string({ maxLength: 12 }),
);
const nameArb = fc.oneof(
  fc.constantFrom('content-type', 'Authorization', 'x-request-id', 'X-A', 'x-b', 'cookie', '*'),
  fc.string({ maxLength: 10 }),
);
const acrhArb = fc.oneof(
  fc
    .array(nameArb, { maxLength: 6 })
    .chain((names) => fc.constantFrom(',', ', ', ' ,', ',\t').map((sep) => names.join(sep))),
  fc.string({ unit: 'binary', maxLength: 80 }),
);
const maybe = <T>(arb: fc.Arbitrary<T>) => fc.option(arb, { nil: null });

const requestArb = fc.record({
  policy: fc.integer({ min: 0, max: POLICIES.length - 1 }),
  method: methodArb,
  origin: maybe(originArb),
  acrm: maybe(methodArb),
  acrh: maybe(acrhArb),
  pna: maybe(fc.constantFrom('true', 'TRUE', 'false', ' true ', 'x')),
});

interface Req {
  policy: number;
  method: string;
  origin: string | null;
  acrm: string | null;
  acrh: string | null;
  pna: string | null;
}

function view(r: Req): RequestView {
  const h: Record<string, string | null> = {
    origin: r.origin,
    'access-control-request-method': r.acrm,
    'access-control-request-headers': r.acrh,
    'access-control-request-private-network': r.pna,
  };
  return { method: r.method, header: (n) => h[n] ?? null };
}

const policies = POLICIES.map((c) => createCorsPolicy(c));
const patternMatcher = createOriginMatcher([
  'https://app.example.com',
  'https://*.preview.example.com',
  'http://localhost:*',
]);

async function decide(r: Req): Promise<CorsDecision> {
  return await policies[r.policy]!.decide(view(r));
}

/** The ACAO a policy may send: `*`, `null` when allowed, or an origin its configuration allows. */
function acaoIsChecked(policy: number, acao: string, r: Req): boolean {
  if (acao !== r.origin && acao !== '*') return false;
  switch (policy) {
    case 0:
      return patternMatcher.matches(acao);
    case 1:
      return acao === '*';
    case 2:
    case 3:
      return acao === 'https://app.example.com';
    case 4:
      return acao === 'null' || acao === 'https://app.example.com';
    default:
      return /^https?:\/\/[a-z0-9.-]+\.example\.com$/.test(acao);
  }
}

describe('properties', () => {
  it('decide never throws and always answers a well-formed decision', async () => {
    await fc.assert(
      fc.asyncProperty(requestArb, async (r) => {
        const d = await decide(r);
        expect(['not-cors', 'preflight', 'actual', 'options-passthrough']).toContain(d.kind);
        if (d.kind === 'preflight') {
          expect(d.end).toBe(true);
          expect(d.status).toBe(d.allowed ? 204 : 403);
        } else {
          expect(d.end).toBe(false);
        }
        if (r.origin === null) expect(d.kind).toBe('not-cors');
      }),
      { numRuns: 3000 },
    );
  });

  it('every emitted header has a token name and a valid value (no CR, LF or NUL)', async () => {
    await fc.assert(
      fc.asyncProperty(requestArb, async (r) => {
        const d = await decide(r);
        for (const [name, value] of d.headers) {
          expect(isHeaderName(name)).toBe(true);
          expect(name).toBe(name.toLowerCase());
          expect(isHeaderValue(value), `${name}: ${JSON.stringify(value)}`).toBe(true);
          expect(/[\r\n\0]/.test(value)).toBe(false);
        }
        for (const v of d.vary) expect(isToken(v)).toBe(true);
      }),
      { numRuns: 3000 },
    );
  });

  it('reflects only checked values: ACAO is an allowed origin, ACAH names were requested and allowed', async () => {
    await fc.assert(
      fc.asyncProperty(requestArb, async (r) => {
        const d = await decide(r);
        const h = new Map(d.headers);
        const acao = h.get('access-control-allow-origin');
        if (acao !== undefined) expect(acaoIsChecked(r.policy, acao, r), acao).toBe(true);
        if (!d.allowed) {
          for (const [name] of d.headers) expect(name.startsWith('access-control-')).toBe(false);
        }
        const acah = h.get('access-control-allow-headers');
        if (acah !== undefined && acah !== '*') {
          const requested = (r.acrh ?? '')
            .split(',')
            .map((s) => s.trim().toLowerCase())
            .filter(Boolean);
          const configured = POLICIES[r.policy]!.requestHeaders;
          for (const name of acah.split(',')) {
            expect(isToken(name)).toBe(true);
            const isConfigured = Array.isArray(configured) && configured.includes(name);
            expect(isConfigured || requested.includes(name), name).toBe(true);
          }
        }
        if (h.get('access-control-allow-credentials') !== undefined) expect(acao).not.toBe('*');
      }),
      { numRuns: 3000 },
    );
  });

  it('OPTIONS with Origin and Access-Control-Request-Method is always a preflight that ends', async () => {
    await fc.assert(
      fc.asyncProperty(requestArb, async (r) => {
        const d = await decide({ ...r, method: 'OPTIONS' });
        if (r.origin !== null && r.acrm !== null) {
          expect(d.kind).toBe('preflight');
          expect(d.end).toBe(true);
        }
      }),
      { numRuns: 1000 },
    );
  });
});

describe('refused origins: same reason with and without detail', () => {
  it('for any Origin value, decide gives the same reason whether or not debug is on', () => {
    const quiet = createCorsPolicy({ origins: ['https://app.example'] });
    const loud = createCorsPolicy({ origins: ['https://app.example'], debug: true });
    const quietMany = createCorsPolicy({ origins: ['https://app.example', 'https://b.example'] });
    const loudMany = createCorsPolicy({ origins: ['https://app.example', 'https://b.example'], debug: true });
    const originLike = fc.oneof(
      fc.string(),
      fc
        .tuple(
          fc.constantFrom('http://', 'https://', 'ws://', 'wss://', 'ftp://', 'HTTPS://', 'file://', ''),
          fc.stringMatching(/^[a-zA-Z0-9.\-[\]:_]{0,30}$/),
          fc.option(fc.integer({ min: 0, max: 70000 }).map(String)),
        )
        .map(([s, h, p]) => `${s}${h}${p === null ? '' : `:${p}`}`),
    );
    fc.assert(
      fc.property(originLike, fc.constantFrom('GET', 'OPTIONS'), (origin, method) => {
        const view: RequestView = {
          method,
          header: (n) =>
            n === 'origin'
              ? origin
              : n === 'access-control-request-method' && method === 'OPTIONS'
                ? 'GET'
                : null,
        };
        const reason = (p: typeof quiet) => (p.decide(view) as CorsDecision).reason;
        expect(reason(quiet)).toBe(reason(loud));
        expect(reason(quietMany)).toBe(reason(loudMany));
      }),
      { numRuns: 3000 },
    );
  });
});
