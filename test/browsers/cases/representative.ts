/**
 * Representative cases, one or a few per CORS failure kind, recorded in real browsers by
 * record.ts into observed/<browser>.json. `about` names the situation (a label for people, not an
 * expectation: what the browsers did is in the observed files).
 */
import type { HeaderList } from '../../fixtures/schema.js';
import type { HarnessCase } from '../harness/types.js';

export type RepresentativeCase = HarnessCase & { about: string };

const O = 'http://app.test';
const URL_ = 'http://api.test/data';
const ACAO: HeaderList = [['Access-Control-Allow-Origin', O]];
const ACAC: HeaderList = [['Access-Control-Allow-Credentials', 'true']];

function get(
  id: string,
  about: string,
  headers: HeaderList,
  extra: Partial<HarnessCase['request']> = {},
): RepresentativeCase {
  return {
    id,
    about,
    description: about,
    request: { origin: O, url: URL_, method: 'GET', ...extra },
    server: { actual: { status: 200, headers: [['Content-Type', 'text/plain'], ...headers] } },
  };
}

function pre(
  id: string,
  about: string,
  request: Partial<HarnessCase['request']>,
  preflight: { status: number; headers: HeaderList; location?: string },
  actual: HeaderList = ACAO,
): RepresentativeCase {
  return {
    id,
    about,
    description: about,
    request: { origin: O, url: URL_, method: 'PUT', ...request },
    server: { preflight, actual: { status: 200, headers: [['Content-Type', 'text/plain'], ...actual] } },
  };
}

const CRED = { credentials: 'include' as const };
const XHR = { initiator: 'XMLHttpRequest' as const };

export const REPRESENTATIVE: RepresentativeCase[] = [
  // The actual response's CORS check.
  get('missing-acao', 'missing ACAO', []),
  get('acao-mismatch', 'ACAO names another origin', [['Access-Control-Allow-Origin', 'http://other.test']]),
  get('acao-multiple-comma', 'multiple ACAO values in one line', [
    ['Access-Control-Allow-Origin', 'http://app.test, http://other.test'],
  ]),
  get('acao-two-lines', 'two ACAO header lines', [
    ['Access-Control-Allow-Origin', O],
    ['Access-Control-Allow-Origin', O],
  ]),
  get('acao-trailing-slash', 'ACAO with a trailing slash', [
    ['Access-Control-Allow-Origin', 'http://app.test/'],
  ]),
  get('acao-invalid-url', 'ACAO is not a URL', [['Access-Control-Allow-Origin', 'not a url']]),
  get('acao-invalid-port', 'ACAO with a bad port', [['Access-Control-Allow-Origin', 'http://app.test:abc']]),
  get('acao-null', 'ACAO null from a real origin', [['Access-Control-Allow-Origin', 'null']]),
  get('acao-upper-case', 'ACAO upper-cased', [['Access-Control-Allow-Origin', 'HTTP://APP.TEST']]),
  get('acao-whitespace', 'ACAO with surrounding spaces', [
    ['Access-Control-Allow-Origin', '  http://app.test  '],
  ]),
  get('acao-empty', 'ACAO empty', [['Access-Control-Allow-Origin', '']]),
  get('acao-wildcard', 'ACAO * without credentials', [['Access-Control-Allow-Origin', '*']]),
  get(
    'wildcard-with-credentials',
    'ACAO * with credentials',
    [['Access-Control-Allow-Origin', '*'], ...ACAC],
    CRED,
  ),
  get('acac-missing', 'credentials without ACAC', ACAO, CRED),
  get('acac-upper', 'ACAC TRUE', [...ACAO, ['Access-Control-Allow-Credentials', 'TRUE']], CRED),
  get('acac-false', 'ACAC false', [...ACAO, ['Access-Control-Allow-Credentials', 'false']], CRED),
  get(
    'acac-space',
    'ACAC with a leading space',
    [...ACAO, ['Access-Control-Allow-Credentials', ' true']],
    CRED,
  ),
  get('acac-ok', 'credentials allowed', [...ACAO, ...ACAC], CRED),
  get('aceh-list', 'ACEH lists a header', [
    ...ACAO,
    ['X-Custom', '1'],
    ['Access-Control-Expose-Headers', 'x-custom'],
  ]),
  get('aceh-star', 'ACEH * without credentials', [
    ...ACAO,
    ['X-Custom', '1'],
    ['Access-Control-Expose-Headers', '*'],
  ]),
  get(
    'aceh-star-credentials',
    'ACEH * with credentials',
    [...ACAO, ...ACAC, ['X-Custom', '1'], ['Access-Control-Expose-Headers', '*']],
    CRED,
  ),
  // Preflight failures.
  pre('preflight-missing-acao-404', 'preflight 404 without ACAO', {}, { status: 404, headers: [] }),
  pre('preflight-404', 'preflight 404 with ACAO', {}, { status: 404, headers: ACAO }),
  pre('preflight-500', 'preflight 500 with ACAO', {}, { status: 500, headers: ACAO }),
  pre(
    'preflight-299',
    'preflight 299 with ACAO and ACAM',
    {},
    {
      status: 299,
      headers: [...ACAO, ['Access-Control-Allow-Methods', 'PUT']],
    },
  ),
  pre(
    'preflight-redirect-302',
    'preflight answered by a redirect',
    {},
    {
      status: 302,
      headers: ACAO,
      location: 'http://api.test/elsewhere',
    },
  ),
  pre(
    'preflight-redirect-301-no-acao',
    'preflight redirect without ACAO',
    {},
    {
      status: 301,
      headers: [],
      location: '/elsewhere',
    },
  ),
  pre(
    'preflight-acao-mismatch',
    'preflight ACAO mismatch',
    {},
    {
      status: 200,
      headers: [
        ['Access-Control-Allow-Origin', 'http://other.test'],
        ['Access-Control-Allow-Methods', 'PUT'],
      ],
    },
  ),
  pre('preflight-wildcard-credentials', 'preflight ACAO * with credentials', CRED, {
    status: 200,
    headers: [['Access-Control-Allow-Origin', '*'], ...ACAC, ['Access-Control-Allow-Methods', 'PUT']],
  }),
  pre('preflight-acac-missing', 'preflight without ACAC, credentials', CRED, {
    status: 200,
    headers: [...ACAO, ['Access-Control-Allow-Methods', 'PUT']],
  }),
  pre(
    'method-not-allowed',
    'PUT not in ACAM',
    {},
    {
      status: 200,
      headers: [...ACAO, ['Access-Control-Allow-Methods', 'GET, POST']],
    },
  ),
  pre('method-missing-acam', 'PUT with no ACAM', {}, { status: 200, headers: ACAO }),
  pre('acam-star-credentials', 'ACAM * with credentials', CRED, {
    status: 200,
    headers: [...ACAO, ...ACAC, ['Access-Control-Allow-Methods', '*']],
  }),
  pre(
    'acam-star',
    'ACAM * without credentials',
    {},
    {
      status: 200,
      headers: [...ACAO, ['Access-Control-Allow-Methods', '*']],
    },
  ),
  pre(
    'acam-unparsable',
    'ACAM does not parse',
    {},
    {
      status: 200,
      headers: [...ACAO, ['Access-Control-Allow-Methods', 'GET, (']],
    },
  ),
  pre(
    'acam-empty-item',
    'ACAM with an empty item',
    {},
    {
      status: 200,
      headers: [...ACAO, ['Access-Control-Allow-Methods', 'PUT,,GET']],
    },
  ),
  pre(
    'header-not-allowed',
    'x-foo not in ACAH',
    { headers: [['X-Foo', '1']] },
    {
      status: 200,
      headers: [...ACAO, ['Access-Control-Allow-Methods', 'PUT'], ['Access-Control-Allow-Headers', 'x-bar']],
    },
  ),
  pre(
    'header-missing-acah',
    'x-foo with no ACAH',
    { method: 'GET', headers: [['X-Foo', '1']] },
    {
      status: 200,
      headers: ACAO,
    },
  ),
  pre(
    'acah-unparsable',
    'ACAH does not parse',
    { method: 'GET', headers: [['X-Foo', '1']] },
    {
      status: 200,
      headers: [...ACAO, ['Access-Control-Allow-Headers', 'x-foo, (']],
    },
  ),
  pre(
    'authorization-acah-star',
    'Authorization with ACAH *',
    { method: 'GET', headers: [['Authorization', 'Bearer x']] },
    {
      status: 200,
      headers: [...ACAO, ['Access-Control-Allow-Headers', '*']],
    },
  ),
  pre(
    'authorization-acah-listed',
    'Authorization listed in ACAH',
    { method: 'GET', headers: [['Authorization', 'Bearer x']] },
    { status: 200, headers: [...ACAO, ['Access-Control-Allow-Headers', 'authorization']] },
  ),
  pre(
    'acah-star-credentials',
    'ACAH * with credentials',
    { method: 'GET', headers: [['X-Foo', '1']], ...CRED },
    {
      status: 200,
      headers: [...ACAO, ...ACAC, ['Access-Control-Allow-Headers', '*']],
    },
    [...ACAO, ...ACAC],
  ),
  pre(
    'lower-patch-acam-upper',
    'fetch method patch, ACAM PATCH',
    { method: 'patch' },
    {
      status: 200,
      headers: [...ACAO, ['Access-Control-Allow-Methods', 'PATCH']],
    },
  ),
  pre(
    'upper-patch-acam-upper',
    'fetch method PATCH, ACAM PATCH',
    { method: 'PATCH' },
    {
      status: 200,
      headers: [...ACAO, ['Access-Control-Allow-Methods', 'PATCH']],
    },
  ),
  pre(
    'lower-put-normalized',
    'fetch method put (normalized to PUT), ACAM PUT',
    { method: 'put' },
    {
      status: 200,
      headers: [...ACAO, ['Access-Control-Allow-Methods', 'PUT']],
    },
  ),
  pre(
    'json-content-type',
    'POST application/json, ACAH content-type',
    {
      method: 'POST',
      headers: [['Content-Type', 'application/json']],
      body: 'string',
    },
    { status: 200, headers: [...ACAO, ['Access-Control-Allow-Headers', 'Content-Type']] },
  ),
  pre(
    'preflight-ok-actual-missing-acao',
    'preflight passes, actual has no ACAO',
    {},
    {
      status: 200,
      headers: [...ACAO, ['Access-Control-Allow-Methods', 'PUT']],
    },
    [],
  ),
  // Redirects.
  {
    id: 'redirect-credentials-in-location',
    about: 'redirect to a URL with credentials',
    description: 'redirect to a URL with credentials',
    request: { origin: O, url: 'http://api.test/start', method: 'GET' },
    server: {
      hops: { '/start': { status: 302, headers: ACAO, location: 'http://user:pass@api.test/final' } },
      actual: { status: 200, headers: ACAO },
    },
  },
  {
    id: 'redirect-cross-origin-no-acao',
    about: 'cross-origin redirect to a server without ACAO',
    description: 'cross-origin redirect to a server without ACAO',
    request: { origin: O, url: 'http://api.test/start', method: 'GET' },
    server: {
      hops: { '/start': { status: 302, headers: ACAO, location: 'http://other.test/final' } },
      actual: { status: 200, headers: [] },
    },
  },
  {
    id: 'redirect-cross-origin-acao-origin',
    about: 'cross-origin redirect; final ACAO names the page origin (request origin is now null)',
    description: 'cross-origin redirect; final ACAO names the page origin',
    request: { origin: O, url: 'http://api.test/start', method: 'GET' },
    server: {
      hops: { '/start': { status: 302, headers: ACAO, location: 'http://other.test/final' } },
      actual: { status: 200, headers: ACAO },
    },
  },
  {
    id: 'redirect-cross-origin-acao-null',
    about: 'cross-origin redirect; final ACAO null',
    description: 'cross-origin redirect; final ACAO null',
    request: { origin: O, url: 'http://api.test/start', method: 'GET' },
    server: {
      hops: { '/start': { status: 302, headers: ACAO, location: 'http://other.test/final' } },
      actual: { status: 200, headers: [['Access-Control-Allow-Origin', 'null']] },
    },
  },
  {
    id: 'redirect-hop-missing-acao',
    about: 'the redirect response itself has no ACAO',
    description: 'the redirect response itself has no ACAO',
    request: { origin: O, url: 'http://api.test/start', method: 'GET' },
    server: {
      hops: { '/start': { status: 302, headers: [], location: '/final' } },
      actual: { status: 200, headers: ACAO },
    },
  },
  {
    id: 'redirect-mode-error',
    about: "redirect: 'error' meets a redirect",
    description: "redirect: 'error' meets a redirect",
    request: { origin: O, url: 'http://api.test/start', method: 'GET', redirect: 'error' },
    server: {
      hops: { '/start': { status: 302, headers: ACAO, location: '/final' } },
      actual: { status: 200, headers: ACAO },
    },
  },
  {
    id: 'redirect-mode-manual',
    about: "redirect: 'manual' meets a redirect",
    description: "redirect: 'manual' meets a redirect",
    request: { origin: O, url: 'http://api.test/start', method: 'GET', redirect: 'manual' },
    server: {
      hops: { '/start': { status: 302, headers: ACAO, location: '/final' } },
      actual: { status: 200, headers: ACAO },
    },
  },
  // Modes.
  get('no-cors-opaque', 'no-cors GET', [], { mode: 'no-cors' }),
  get('no-cors-put', 'no-cors PUT (not a CORS-safelisted method)', [], { mode: 'no-cors', method: 'PUT' }),
  get('no-cors-custom-header', 'no-cors with a custom header', [], {
    mode: 'no-cors',
    headers: [['X-Foo', '1']],
  }),
  get('same-origin-mode-cross', "mode 'same-origin' to another origin", ACAO, { mode: 'same-origin' }),
  // XHR variants.
  get('xhr-missing-acao', 'XHR: missing ACAO', [], XHR),
  get('xhr-wildcard-credentials', 'XHR: ACAO * withCredentials', [['Access-Control-Allow-Origin', '*']], {
    ...XHR,
    ...CRED,
  }),
  pre('xhr-method-not-allowed', 'XHR: PUT not in ACAM', XHR, {
    status: 200,
    headers: [...ACAO, ['Access-Control-Allow-Methods', 'GET']],
  }),
  pre('xhr-preflight-404', 'XHR: preflight 404 with ACAO', XHR, { status: 404, headers: ACAO }),
  {
    id: 'xhr-redirect-cross-origin-no-acao',
    about: 'XHR: cross-origin redirect to a server without ACAO',
    description: 'XHR: cross-origin redirect to a server without ACAO',
    request: { origin: O, url: 'http://api.test/start', method: 'GET', ...XHR },
    server: {
      hops: { '/start': { status: 302, headers: ACAO, location: 'http://other.test/final' } },
      actual: { status: 200, headers: [] },
    },
  },
  // Found by the differential test.
  pre(
    'user-agent-header',
    'script sets User-Agent (Chromium drops it: no preflight)',
    {
      method: 'GET',
      headers: [['User-Agent', 'crossorigin-test']],
    },
    { status: 200, headers: [...ACAO, ['Access-Control-Allow-Headers', 'user-agent']] },
  ),
  {
    id: 'redirect-mode-error-credentials-location',
    about: "redirect: 'error' meets a redirect whose Location has credentials",
    description: "redirect: 'error' meets a redirect whose Location has credentials",
    request: { origin: O, url: 'http://api.test/start', method: 'GET', redirect: 'error' },
    server: {
      hops: { '/start': { status: 302, headers: ACAO, location: 'http://user:secret@api.test/final' } },
      actual: { status: 200, headers: ACAO },
    },
  },
  {
    id: 'authorization-cross-origin-redirect',
    about: 'Authorization preflighted, then a cross-origin redirect (Authorization dropped)',
    description: 'Authorization preflighted, then a cross-origin redirect',
    request: {
      origin: O,
      url: 'http://api.test/start',
      method: 'GET',
      headers: [['Authorization', 'Bearer x']],
    },
    server: {
      preflight: {
        status: 200,
        headers: [
          ['Access-Control-Allow-Origin', '*'],
          ['Access-Control-Allow-Headers', 'authorization'],
        ],
      },
      hops: {
        '/start': {
          status: 302,
          headers: [['Access-Control-Allow-Origin', '*']],
          location: 'http://other.test/final',
        },
      },
      actual: { status: 200, headers: [['Access-Control-Allow-Origin', '*']] },
    },
  },
  {
    id: 'preflight-cache-after-redirect',
    about: 'x-foo preflighted, cross-origin redirect, preflighted again; the whole request twice',
    description: 'preflight cache and a tainted redirect, twice',
    repeat: 2,
    request: { origin: O, url: 'http://api.test/start', method: 'GET', headers: [['X-Foo', '1']] },
    server: {
      preflight: {
        status: 200,
        headers: [
          ['Access-Control-Allow-Origin', '*'],
          ['Access-Control-Allow-Headers', 'x-foo'],
          ['Access-Control-Max-Age', '600'],
        ],
      },
      hops: {
        '/start': {
          status: 307,
          headers: [['Access-Control-Allow-Origin', '*']],
          location: 'http://other.test/final',
        },
      },
      actual: { status: 200, headers: [['Access-Control-Allow-Origin', '*']] },
    },
  },
  {
    ...pre(
      'preflight-cache-600',
      'preflight max-age 600, sent twice',
      { headers: [['X-Foo', '1']] },
      {
        status: 200,
        headers: [
          ...ACAO,
          ['Access-Control-Allow-Methods', 'PUT'],
          ['Access-Control-Allow-Headers', 'x-foo'],
          ['Access-Control-Max-Age', '600'],
        ],
      },
    ),
    repeat: 2,
  },
  {
    ...pre(
      'preflight-cache-0',
      'preflight max-age 0, sent twice',
      { headers: [['X-Foo', '1']] },
      {
        status: 200,
        headers: [
          ...ACAO,
          ['Access-Control-Allow-Methods', 'PUT'],
          ['Access-Control-Allow-Headers', 'x-foo'],
          ['Access-Control-Max-Age', '0'],
        ],
      },
    ),
    repeat: 2,
  },
];
