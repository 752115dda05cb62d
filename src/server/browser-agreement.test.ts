/**
 * The policy's promise agrees with crossorigin/browser: for random page requests, what the policy
 * decides (preflight and actual) equals whether the browser engine (spec profile) lets the page
 * read the response it would get, and the policy never promises what Chromium or Firefox refuse.
 */
import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import type { RequestView } from '../_http/index.js';
import {
  type BrowserName,
  type BrowserRequest,
  checkPreflightResponse,
  classify,
  corsCheck,
  preflightRequest,
} from '../browser/index.js';
import { type CorsDecision, type CorsPolicyConfig, createCorsPolicy } from './index.js';

const API = 'https://api.example.net/resource';

const POLICIES: CorsPolicyConfig[] = [
  {
    origins: ['https://app.example.com', 'https://*.preview.example.com'],
    credentials: true,
    methods: ['PUT', 'PATCH', 'DELETE'],
    requestHeaders: ['content-type', 'authorization', 'x-request-id'],
    exposeHeaders: ['etag'],
    maxAge: 600,
  },
  { origins: '*', methods: ['PUT'], requestHeaders: '*', exposeHeaders: '*' },
  { origins: ['https://app.example.com'], credentials: true, requestHeaders: '*' },
  { origins: ['https://app.example.com'], requestHeaders: ['*', 'authorization'], methods: ['DELETE'] },
  { origins: ['https://app.example.com', 'http://localhost:*'] },
];

const pageArb = fc.constantFrom(
  'https://app.example.com',
  'https://pr-1.preview.example.com',
  'https://evil.example',
  'http://localhost:5173',
  'https://app.example.com:8443',
);
const methodArb = fc.constantFrom(
  'GET',
  'POST',
  'HEAD',
  'PUT',
  'PATCH',
  'patch',
  'DELETE',
  'delete',
  'PURGE',
);
const headerArb = fc.constantFrom<[string, string]>(
  ['content-type', 'application/json'],
  ['content-type', 'text/plain'],
  ['authorization', 'Bearer x'],
  ['x-request-id', '1'],
  ['x-other', 'y'],
  ['accept', 'application/json'],
);
const requestArb = fc.record({
  policy: fc.integer({ min: 0, max: POLICIES.length - 1 }),
  origin: pageArb,
  method: methodArb,
  headers: fc.uniqueArray(headerArb, { selector: ([n]) => n, maxLength: 3 }),
  credentials: fc.constantFrom<'omit' | 'same-origin' | 'include'>('omit', 'same-origin', 'include'),
});

const policies = POLICIES.map((c) => createCorsPolicy(c));

function viewOf(method: string, headers: readonly (readonly [string, string])[]): RequestView {
  const map = new Map<string, string>();
  for (const [n, v] of headers) {
    const k = n.toLowerCase();
    const prev = map.get(k);
    map.set(k, prev === undefined ? v : `${prev}, ${v}`);
  }
  return { method, header: (n) => map.get(n) ?? null };
}

function sync(d: CorsDecision | Promise<CorsDecision>): CorsDecision {
  if (d instanceof Promise) throw new Error('unexpected async decision');
  return d;
}

/** Runs the exchange through the policy and the browser engine. */
function exchange(r: Req, browser: BrowserName) {
  const req: BrowserRequest = {
    url: API,
    origin: r.origin,
    method: r.method,
    headers: r.headers,
    credentials: r.credentials,
  };
  const c = classify(req, browser);
  if (!c.ok) return null;
  const policy = policies[r.policy]!;
  let policyAllowed = true;
  let browserAllowed = c.refusal === null;
  if (c.preflight.needed) {
    const pf = preflightRequest(req, browser);
    if (pf === null) return null;
    const d = sync(policy.decide(viewOf('OPTIONS', pf.headers)));
    expect(d.kind).toBe('preflight');
    policyAllowed = d.allowed;
    const checked = checkPreflightResponse(
      req,
      { status: d.status ?? 200, headers: d.headers.map(([n, v]) => [n, v]) },
      browser,
    );
    browserAllowed &&= checked.ok;
  }
  const method = c.request.method;
  const actual = sync(policy.decide(viewOf(method, [...c.request.headers, ['origin', r.origin]])));
  expect(['actual', 'options-passthrough']).toContain(actual.kind);
  policyAllowed &&= actual.allowed;
  const err = corsCheck(req, { status: 200, headers: actual.headers.map(([n, v]) => [n, v]) }, browser);
  browserAllowed &&= err === null;
  // The server cannot see whether the page asked for credentials: a policy without credentials
  // promises nothing to a credentialed request.
  const promised = policyAllowed && (r.credentials !== 'include' || POLICIES[r.policy]!.credentials === true);
  return { promised, browserAllowed };
}

interface Req {
  policy: number;
  origin: string;
  method: string;
  headers: [string, string][];
  credentials: 'omit' | 'same-origin' | 'include';
}

describe('agreement with crossorigin/browser', () => {
  it('spec profile: the browser allows exactly what the policy promised', () => {
    const seen = { allowed: 0, refused: 0 };
    fc.assert(
      fc.property(requestArb, (r) => {
        const x = exchange(r as Req, 'spec' as BrowserName);
        fc.pre(x !== null);
        expect(x.browserAllowed, JSON.stringify(r)).toBe(x.promised);
        if (x.promised) seen.allowed++;
        else seen.refused++;
      }),
      { numRuns: 2000 },
    );
    // Not vacuous: both outcomes occur.
    expect(seen.allowed).toBeGreaterThan(100);
    expect(seen.refused).toBeGreaterThan(100);
  });

  it.each(['chromium', 'firefox'] as const)('%s: never refuses what the policy promised', (browser) => {
    fc.assert(
      fc.property(requestArb, (r) => {
        const x = exchange(r as Req, browser);
        fc.pre(x !== null);
        if (x.promised) expect(x.browserAllowed, JSON.stringify(r)).toBe(true);
      }),
      { numRuns: 2000 },
    );
  });
});
