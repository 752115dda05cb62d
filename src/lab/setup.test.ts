import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { compileSetup, substitute } from './setup.js';

const ORIGINS = { app: 'http://127.0.0.1:1', api: 'http://127.0.0.1:2', other: 'http://localhost:3' };

describe('compileSetup', () => {
  const cases: { name: string; setup: unknown; ok: boolean; problem?: RegExp }[] = [
    { name: 'no CORS', setup: { policy: { type: 'none' } }, ok: true },
    {
      name: 'crossorigin with placeholder',
      setup: { policy: { type: 'crossorigin', options: { origins: ['{app}'] } } },
      ok: true,
    },
    {
      name: 'crossorigin refuses * with credentials',
      setup: { policy: { type: 'crossorigin', options: { origins: '*', credentials: true } } },
      ok: false,
      problem: /crossorigin\/server: /,
    },
    {
      name: 'crossorigin options must be an object',
      setup: { policy: { type: 'crossorigin', options: [] } },
      ok: false,
      problem: /options object/,
    },
    {
      name: 'raw answers',
      setup: {
        policy: {
          type: 'raw',
          preflight: { status: 204, headers: [['Access-Control-Allow-Origin', '{origin}']] },
          actual: { status: 200, headers: [] },
        },
      },
      ok: true,
    },
    {
      name: 'raw header with CR LF is refused',
      setup: {
        policy: {
          type: 'raw',
          preflight: { status: 204, headers: [] },
          actual: { status: 200, headers: [['X-A', 'a\r\nSet-Cookie: x=1']] },
        },
      },
      ok: false,
      problem: /CR, LF or NUL/,
    },
    {
      name: 'raw header name must be a token',
      setup: {
        policy: {
          type: 'raw',
          preflight: { status: 204, headers: [['Bad Name', 'x']] },
          actual: { status: 200, headers: [] },
        },
      },
      ok: false,
      problem: /not a valid header name/,
    },
    {
      name: 'raw status out of range',
      setup: {
        policy: { type: 'raw', preflight: { status: 99, headers: [] }, actual: { status: 200, headers: [] } },
      },
      ok: false,
      problem: /status must be an integer/,
    },
    { name: 'unknown policy type', setup: { policy: { type: 'magic' } }, ok: false, problem: /policy.type/ },
    {
      name: 'page headers and popup COOP',
      setup: {
        policy: { type: 'none' },
        page: { https: true, csp: "connect-src 'self' {api}", coep: 'require-corp' },
        popupCoop: 'same-origin',
      },
      ok: true,
    },
    {
      name: 'page CSP with a line break',
      setup: { policy: { type: 'none' }, page: { csp: "default-src 'self'\r\nX-Evil: 1" } },
      ok: false,
      problem: /page.csp must be a header value/,
    },
    {
      name: 'page not an object',
      setup: { policy: { type: 'none' }, page: 'https' },
      ok: false,
      problem: /page must be an object/,
    },
    {
      name: 'page.https not a boolean',
      setup: { policy: { type: 'none' }, page: { https: 'yes' } },
      ok: false,
      problem: /page.https must be a boolean/,
    },
    {
      name: 'popup COOP not a string',
      setup: { policy: { type: 'none' }, popupCoop: 42 },
      ok: false,
      problem: /popupCoop must be a header value/,
    },
    {
      name: 'redirect status',
      setup: { policy: { type: 'none' }, redirect: { status: 200, to: 'other' } },
      ok: false,
      problem: /redirect.status/,
    },
    {
      name: 'redirect ok',
      setup: { policy: { type: 'none' }, redirect: { status: 307, to: 'other' } },
      ok: true,
    },
    { name: 'csrf guard', setup: { policy: { type: 'none' }, csrf: true }, ok: true },
    { name: 'not an object', setup: 'x', ok: false, problem: /object/ },
  ];
  for (const c of cases) {
    it(c.name, () => {
      const r = compileSetup(c.setup, ORIGINS);
      expect(r.ok).toBe(c.ok);
      if (!r.ok && c.problem) expect(r.problems.join('\n')).toMatch(c.problem);
    });
  }

  it('compiles the page into its header lines, origins substituted', () => {
    const r = compileSetup(
      {
        policy: { type: 'none' },
        page: { https: true, csp: "connect-src 'self' {api}", coep: 'require-corp' },
      },
      ORIGINS,
    );
    expect(r.ok && r.setup.page).toEqual({
      https: true,
      headers: [
        ['Content-Security-Policy', `connect-src 'self' ${ORIGINS.api}`],
        ['Cross-Origin-Embedder-Policy', 'require-corp'],
      ],
    });
    const none = compileSetup({ policy: { type: 'none' } }, ORIGINS);
    expect(none.ok && [none.setup.page, none.setup.popupCoop]).toEqual([null, null]);
  });

  it('substitutes the three origins everywhere, and leaves {origin} for the request', () => {
    expect(substitute({ a: ['{app}', '{api}/x', { b: '{other}' }], c: '{origin}', n: 1 }, ORIGINS)).toEqual({
      a: ['http://127.0.0.1:1', 'http://127.0.0.1:2/x', { b: 'http://localhost:3' }],
      c: '{origin}',
      n: 1,
    });
  });

  it('a crossorigin setup with the app placeholder compiles to a policy allowing the app', async () => {
    const r = compileSetup({ policy: { type: 'crossorigin', options: { origins: ['{app}'] } } }, ORIGINS);
    if (!r.ok || r.setup.policy.type !== 'crossorigin') throw new Error('expected a policy');
    const d = await r.setup.policy.policy.decide({
      method: 'GET',
      header: (n) => (n === 'origin' ? ORIGINS.app : null),
    });
    expect(d.allowed).toBe(true);
    expect(d.headers).toContainEqual(['access-control-allow-origin', ORIGINS.app]);
  });

  it('never throws, whatever JSON arrives', () => {
    fc.assert(
      fc.property(fc.jsonValue(), fc.jsonValue(), (policy, extra) => {
        const r = compileSetup({ policy, redirect: extra, csrf: extra }, ORIGINS);
        expect(typeof r.ok).toBe('boolean');
      }),
      { numRuns: 300 },
    );
  });
});
