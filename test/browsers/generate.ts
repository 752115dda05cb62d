/**
 * A seeded, deterministic generator of 'cors-exchange' cases for the differential test.
 *
 * It produces INPUTS only (the page's request and the servers' raw answers): no expectation is
 * written here. What a case must do is decided by running it in real Chromium and Firefox and
 * compared with what the engine does.
 *
 * Two parts: a sweep that varies one dimension at a time from a benign base (so every variant is
 * present at least once), then random combinations from a small PRNG (sfc32; never Math.random)
 * until `count` cases exist. Same seed, same cases, byte for byte.
 *
 *   npx tsx test/browsers/generate.ts [seed] [count]   # prints the cases as JSON
 */
import type { HeaderList, PageRequest, RawResponse } from '../fixtures/schema.js';
import type { HarnessCase } from './harness/types.js';

export const DEFAULT_SEED = 20261121;
export const DEFAULT_COUNT = 560;

/** sfc32: a small, fast PRNG with a 128-bit state. */
export class Prng {
  private a: number;
  private b: number;
  private c: number;
  private d: number;
  constructor(seed: number) {
    this.a = 0x9e3779b9;
    this.b = 0x243f6a88;
    this.c = 0xb7e15162;
    this.d = seed >>> 0;
    for (let i = 0; i < 15; i++) this.next();
  }
  /** Uniform in [0, 2^32). */
  next(): number {
    const t = (((this.a + this.b) | 0) + this.d) | 0;
    this.d = (this.d + 1) | 0;
    this.a = this.b ^ (this.b >>> 9);
    this.b = (this.c + (this.c << 3)) | 0;
    this.c = (this.c << 21) | (this.c >>> 11);
    this.c = (this.c + t) | 0;
    return t >>> 0;
  }
  /** Uniform in [0, n). */
  int(n: number): number {
    return this.next() % n;
  }
  chance(p: number): boolean {
    return this.next() / 0x1_0000_0000 < p;
  }
  pick<T>(items: readonly T[]): T {
    return items[this.int(items.length)] as T;
  }
  /** Picks by weight: `[[weight, value], ...]`. */
  weighted<T>(items: readonly (readonly [number, T])[]): T {
    const total = items.reduce((s, [w]) => s + w, 0);
    let r = this.int(total);
    for (const [w, v] of items) {
      if (r < w) return v;
      r -= w;
    }
    return (items[items.length - 1] as readonly [number, T])[1];
  }
}

// ---------------------------------------------------------------------------------------------
// The variants, each with a short label that goes into the case id and description.

type Labelled<T> = readonly [label: string, value: T];

const PAGE = 'http://app.test';

export const METHODS: Labelled<string>[] = [
  ['get', 'GET'],
  ['head', 'HEAD'],
  ['post', 'POST'],
  ['put', 'PUT'],
  ['delete', 'DELETE'],
  ['patch', 'PATCH'],
  ['lc-patch', 'patch'],
  ['lc-put', 'put'],
  ['lc-get', 'get'],
  ['lc-delete', 'delete'],
  ['lc-post', 'post'],
  ['mixed-patch', 'Patch'],
  ['purge', 'PURGE'],
  ['mkcol', 'MKCOL'],
  ['custom-token', 'X-Custom-Verb'],
  ['lc-custom', 'report'],
  ['options', 'OPTIONS'],
  ['trace', 'TRACE'],
];

const v128 = 'a'.repeat(128);
const v129 = 'a'.repeat(129);
const lang128 = `en-US,${'e'.repeat(122)}`;

export const HEADER_SETS: Labelled<HeaderList>[] = [
  ['none', []],
  ['accept', [['Accept', 'application/json']]],
  ['accept-128', [['Accept', v128]]],
  ['accept-129', [['Accept', v129]]],
  ['accept-quote', [['Accept', '"text/html"']]],
  ['accept-lang', [['Accept-Language', 'en-US,en;q=0.9']]],
  ['accept-lang-128', [['Accept-Language', lang128]]],
  ['accept-lang-underscore', [['Accept-Language', 'en_US']]],
  ['accept-lang-star', [['Accept-Language', '*']]],
  ['content-lang', [['Content-Language', 'de-CH']]],
  ['content-lang-bad', [['Content-Language', 'de/CH']]],
  ['ct-text', [['Content-Type', 'text/plain']]],
  ['ct-text-charset', [['Content-Type', 'text/plain; charset=utf-8']]],
  ['ct-urlencoded', [['Content-Type', 'application/x-www-form-urlencoded']]],
  ['ct-multipart', [['Content-Type', 'multipart/form-data; boundary=x']]],
  ['ct-upper', [['Content-Type', 'TEXT/PLAIN']]],
  ['ct-json', [['Content-Type', 'application/json']]],
  ['ct-html', [['Content-Type', 'text/html']]],
  ['ct-unparsable', [['Content-Type', 'text/plain;']]],
  ['ct-bad-byte', [['Content-Type', 'text/plain; a="{"']]],
  ['ct-128', [['Content-Type', `text/plain; x=${'y'.repeat(114)}`]]],
  ['ct-129', [['Content-Type', `text/plain; x=${'y'.repeat(115)}`]]],
  [
    'all-safelisted-near-limit',
    [
      ['Accept', v128],
      ['Accept-Language', lang128],
      ['Content-Language', lang128],
      ['Content-Type', `text/plain; x=${'y'.repeat(114)}`],
    ],
  ],
  ['range', [['Range', 'bytes=0-10']]],
  ['range-open', [['Range', 'bytes=5-']]],
  ['range-suffix', [['Range', 'bytes=-5']]],
  ['range-multi', [['Range', 'bytes=0-1,3-4']]],
  ['x-foo', [['X-Foo', '1']]],
  [
    'x-foo-x-bar',
    [
      ['X-Foo', '1'],
      ['X-Bar', '2'],
    ],
  ],
  ['x-requested-with', [['X-Requested-With', 'XMLHttpRequest']]],
  ['x-api-key-upper', [['X-API-KEY', 'k']]],
  ['authorization', [['Authorization', 'Bearer t0ken']]],
  [
    'authorization-x-foo',
    [
      ['Authorization', 'Bearer t0ken'],
      ['X-Foo', '1'],
    ],
  ],
  [
    'ct-json-x-foo',
    [
      ['Content-Type', 'application/json'],
      ['X-Foo', '1'],
    ],
  ],
  ['forbidden-cookie', [['Cookie', 'a=b']]],
  ['user-agent', [['User-Agent', 'crossorigin-test']]],
  [
    'duplicate-accept',
    [
      ['Accept', 'a/b'],
      ['Accept', 'c/d'],
    ],
  ],
];

/** Request header names a preflight would list (what ACAH variants are built from). */
function unsafeNames(headers: HeaderList): string[] {
  const safe = new Set(['accept', 'accept-language', 'content-language', 'content-type', 'range']);
  return [...new Set(headers.map(([n]) => n.toLowerCase()).filter((n) => !safe.has(n)))];
}

const ACAO_VARIANTS: Labelled<HeaderList>[] = [
  ['exact', [['Access-Control-Allow-Origin', PAGE]]],
  ['star', [['Access-Control-Allow-Origin', '*']]],
  ['absent', []],
  ['multi-comma', [['Access-Control-Allow-Origin', `${PAGE}, http://other.test`]]],
  [
    'two-lines',
    [
      ['Access-Control-Allow-Origin', PAGE],
      ['Access-Control-Allow-Origin', PAGE],
    ],
  ],
  [
    'two-lines-differ',
    [
      ['Access-Control-Allow-Origin', PAGE],
      ['Access-Control-Allow-Origin', '*'],
    ],
  ],
  ['trailing-slash', [['Access-Control-Allow-Origin', `${PAGE}/`]]],
  ['upper', [['Access-Control-Allow-Origin', 'HTTP://APP.TEST']]],
  ['null', [['Access-Control-Allow-Origin', 'null']]],
  ['spaces', [['Access-Control-Allow-Origin', `  ${PAGE}\t`]]],
  ['invalid-url', [['Access-Control-Allow-Origin', 'http://app.test:99999']]],
  ['not-url', [['Access-Control-Allow-Origin', 'app.test']]],
  ['other', [['Access-Control-Allow-Origin', 'http://other.test']]],
  ['empty', [['Access-Control-Allow-Origin', '']]],
  ['other-port', [['Access-Control-Allow-Origin', 'http://app.test:1']]],
];

const ACAC_VARIANTS: Labelled<HeaderList>[] = [
  ['acac-absent', []],
  ['acac-true', [['Access-Control-Allow-Credentials', 'true']]],
  ['acac-TRUE', [['Access-Control-Allow-Credentials', 'TRUE']]],
  ['acac-false', [['Access-Control-Allow-Credentials', 'false']]],
  ['acac-space', [['Access-Control-Allow-Credentials', ' true']]],
  [
    'acac-two',
    [
      ['Access-Control-Allow-Credentials', 'true'],
      ['Access-Control-Allow-Credentials', 'true'],
    ],
  ],
];

const ACEH_VARIANTS: Labelled<HeaderList>[] = [
  ['aceh-absent', []],
  ['aceh-one', [['Access-Control-Expose-Headers', 'X-Custom']]],
  ['aceh-two', [['Access-Control-Expose-Headers', 'x-custom, X-Other']]],
  ['aceh-star', [['Access-Control-Expose-Headers', '*']]],
  ['aceh-star-and-name', [['Access-Control-Expose-Headers', '*, x-other']]],
  ['aceh-bad', [['Access-Control-Expose-Headers', 'x-custom, (']]],
  ['aceh-set-cookie', [['Access-Control-Expose-Headers', 'Set-Cookie, x-custom']]],
  ['aceh-empty', [['Access-Control-Expose-Headers', '']]],
];

/** ACAM variants, from the request's method. */
function acamVariants(method: string): Labelled<string | null>[] {
  return [
    ['acam-absent', null],
    ['acam-exact', method],
    ['acam-upper', method.toUpperCase()],
    ['acam-lower', method.toLowerCase()],
    ['acam-list', `GET, POST, ${method}, OPTIONS`],
    ['acam-star', '*'],
    ['acam-other', 'GET, HEAD'],
    ['acam-parse-error', 'GET, ('],
    ['acam-empty', ''],
    ['acam-empty-items', `,${method},,`],
    ['acam-spaces', `  ${method}  `],
  ];
}

/** ACAH variants, from the request's CORS-unsafe header names. */
function acahVariants(names: string[]): Labelled<string | null>[] {
  const list = names.join(', ');
  return [
    ['acah-absent', null],
    ['acah-exact', list],
    ['acah-upper', list.toUpperCase()],
    ['acah-star', '*'],
    ['acah-star-plus-auth', '*, Authorization'],
    ['acah-partial', names.slice(1).join(', ')],
    ['acah-parse-error', `${list}, (`],
    ['acah-empty', ''],
    ['acah-other', 'x-unrelated'],
    ['acah-content-type', names.length ? `${list}, content-type` : 'content-type'],
  ];
}

const PREFLIGHT_STATUS: Labelled<number>[] = [
  ['pf-200', 200],
  ['pf-204', 204],
  ['pf-299', 299],
  ['pf-301', 301],
  ['pf-302', 302],
  ['pf-400', 400],
  ['pf-404', 404],
  ['pf-500', 500],
];

const MAX_AGE: Labelled<string | null>[] = [
  ['ma-absent', null],
  ['ma-0', '0'],
  ['ma-neg', '-1'],
  ['ma-5', '5'],
  ['ma-600', '600'],
  ['ma-7200', '7200'],
  ['ma-86400', '86400'],
  ['ma-big', '100000'],
  ['ma-nan', 'abc'],
  ['ma-frac', '1.5'],
];

type RedirectKind =
  | 'none'
  | 'same-origin'
  | 'cross-origin'
  | 'to-page-origin'
  | 'credentials-in-location'
  | 'two-hops'
  | 'hop-no-acao';

const REDIRECTS: RedirectKind[] = [
  'same-origin',
  'cross-origin',
  'to-page-origin',
  'credentials-in-location',
  'two-hops',
  'hop-no-acao',
];

// ---------------------------------------------------------------------------------------------
// One case from a set of choices.

interface Choice {
  method: Labelled<string>;
  headers: Labelled<HeaderList>;
  mode: 'cors' | 'no-cors' | 'same-origin';
  credentials: 'omit' | 'same-origin' | 'include';
  initiator: 'fetch' | 'XMLHttpRequest';
  body: 'none' | 'string' | 'form' | 'blob';
  /** api: app.test -> api.test; localhost: 127.0.0.1 -> localhost (cross-site); localhost-site: localhost -> localhost (same-site, cross-origin). */
  target: 'api' | 'same-origin' | 'localhost' | 'localhost-site';
  acao: Labelled<HeaderList>;
  acac: Labelled<HeaderList>;
  aceh: Labelled<HeaderList>;
  preflight: null | {
    status: Labelled<number>;
    acao: Labelled<HeaderList>;
    acac: Labelled<HeaderList>;
    acam: Labelled<string | null>;
    acah: Labelled<string | null>;
    maxAge: Labelled<string | null>;
  };
  repeat: number;
  redirect: { kind: RedirectKind; status: number; mode: 'follow' | 'error' | 'manual' };
}

function base(): Choice {
  const method = METHODS[0] as Labelled<string>;
  return {
    method,
    headers: HEADER_SETS[0] as Labelled<HeaderList>,
    mode: 'cors',
    credentials: 'same-origin',
    initiator: 'fetch',
    body: 'none',
    target: 'api',
    acao: ACAO_VARIANTS[0] as Labelled<HeaderList>,
    acac: ACAC_VARIANTS[0] as Labelled<HeaderList>,
    aceh: ACEH_VARIANTS[0] as Labelled<HeaderList>,
    preflight: null,
    repeat: 1,
    redirect: { kind: 'none', status: 302, mode: 'follow' },
  };
}

function okPreflight(c: Choice): NonNullable<Choice['preflight']> {
  const names = unsafeNames(c.headers[1]);
  return {
    status: PREFLIGHT_STATUS[0] as Labelled<number>,
    acao: c.acao,
    acac: c.acac,
    acam: ['acam-exact', c.method[1]],
    acah: ['acah-exact', names.length ? names.join(', ') : null],
    maxAge: MAX_AGE[0] as Labelled<string | null>,
  };
}

function origins(c: Choice): { origin: string; host: string; other: string; page: string } {
  if (c.target === 'localhost') {
    return {
      origin: 'http://127.0.0.1:{app}',
      host: 'http://localhost:{api}',
      other: 'http://other.test',
      page: 'http://127.0.0.1:{app}',
    };
  }
  if (c.target === 'localhost-site') {
    return {
      origin: 'http://localhost:{app}',
      host: 'http://localhost:{api}',
      other: 'http://other.test',
      page: 'http://localhost:{app}',
    };
  }
  if (c.target === 'same-origin') return { origin: PAGE, host: PAGE, other: 'http://api.test', page: PAGE };
  return { origin: PAGE, host: 'http://api.test', other: 'http://other.test', page: PAGE };
}

/** Rewrites the page origin in ACAO variants for cases whose page is not app.test. */
function forPage(list: HeaderList, page: string): HeaderList {
  if (page === PAGE) return list;
  return list.map(([n, v]) => [n, v.split(PAGE).join(page)]);
}

function build(id: string, c: Choice): HarnessCase {
  const o = origins(c);
  const path = c.redirect.kind === 'none' ? '/data' : '/start';
  const request: PageRequest = {
    origin: o.origin,
    url: `${o.host}${path}`,
    method: c.method[1],
  };
  if (c.headers[1].length) request.headers = c.headers[1].map(([n, v]) => [n, v]);
  if (c.mode !== 'cors') request.mode = c.mode;
  if (c.credentials !== 'same-origin') request.credentials = c.credentials;
  if (c.initiator !== 'fetch') request.initiator = c.initiator;
  if (c.body !== 'none') request.body = c.body;
  if (c.redirect.mode !== 'follow') request.redirect = c.redirect.mode;

  const cors = (acao: HeaderList, acac: HeaderList) => [...forPage(acao, o.page), ...acac];
  const actual: RawResponse = {
    status: 200,
    headers: [
      ['Content-Type', 'text/plain'],
      ['X-Custom', 'c'],
      ['X-Other', 'o'],
      ...cors(c.acao[1], c.acac[1]),
      ...c.aceh[1],
    ],
  };
  const server: HarnessCase['server'] = { actual };
  if (c.preflight) {
    const p = c.preflight;
    const headers: HeaderList = [...cors(p.acao[1], p.acac[1])];
    if (p.acam[1] !== null) headers.push(['Access-Control-Allow-Methods', p.acam[1]]);
    if (p.acah[1] !== null) headers.push(['Access-Control-Allow-Headers', p.acah[1]]);
    if (p.maxAge[1] !== null) headers.push(['Access-Control-Max-Age', p.maxAge[1]]);
    const answer: RawResponse = { status: p.status[1], headers };
    if (p.status[1] >= 300 && p.status[1] < 400) answer.location = `${o.host}/preflight-moved`;
    server.preflight = answer;
  }
  const hopCors = cors(c.acao[1], c.acac[1]);
  const st = c.redirect.status;
  switch (c.redirect.kind) {
    case 'none':
      break;
    case 'same-origin':
      server.hops = { '/start': { status: st, headers: hopCors, location: '/final' } };
      break;
    case 'cross-origin':
      server.hops = { '/start': { status: st, headers: hopCors, location: `${o.other}/final` } };
      break;
    case 'to-page-origin':
      server.hops = { '/start': { status: st, headers: hopCors, location: `${o.page}/final` } };
      break;
    case 'credentials-in-location': {
      const host = o.host.replace('//', '//user:secret@');
      server.hops = { '/start': { status: st, headers: hopCors, location: `${host}/final` } };
      break;
    }
    case 'two-hops':
      server.hops = {
        '/start': { status: st, headers: hopCors, location: '/middle' },
        '/middle': { status: 307, headers: hopCors, location: `${o.other}/final` },
      };
      break;
    case 'hop-no-acao':
      server.hops = { '/start': { status: st, headers: [], location: '/final' } };
      break;
  }
  const out: HarnessCase = { id, description: describe(c), request, server };
  if (c.repeat > 1) out.repeat = c.repeat;
  return out;
}

function describe(c: Choice): string {
  const parts = [
    `${c.initiator === 'XMLHttpRequest' ? 'XHR' : 'fetch'} ${c.method[1]}`,
    `headers=${c.headers[0]}`,
    `mode=${c.mode}`,
    `credentials=${c.credentials}`,
    `target=${c.target}`,
  ];
  if (c.body !== 'none') parts.push(`body=${c.body}`);
  parts.push(`ACAO=${c.acao[0]}`, c.acac[0], c.aceh[0]);
  if (c.preflight) {
    const p = c.preflight;
    parts.push(
      `preflight(${p.status[0]} ACAO=${p.acao[0]} ${p.acac[0]} ${p.acam[0]} ${p.acah[0]} ${p.maxAge[0]})`,
    );
  } else parts.push('no preflight answer');
  if (c.redirect.kind !== 'none')
    parts.push(`redirect=${c.redirect.kind} ${c.redirect.status} ${c.redirect.mode}`);
  if (c.repeat > 1) parts.push(`repeat=${c.repeat}`);
  return parts.join('; ');
}

// ---------------------------------------------------------------------------------------------
// The sweep: one dimension at a time.

function sweep(): [string, Choice][] {
  const out: [string, Choice][] = [];
  const add = (label: string, c: Choice) => out.push([label, c]);
  // Methods, each with an allowing preflight and once with none.
  for (const m of METHODS) {
    const c = { ...base(), method: m };
    add(`method-${m[0]}`, { ...c, preflight: okPreflight(c) });
    add(`method-${m[0]}-no-pf`, c);
  }
  // Header sets, allowing preflight, and with no ACAH.
  for (const h of HEADER_SETS) {
    const c = { ...base(), headers: h };
    add(`headers-${h[0]}`, { ...c, preflight: okPreflight(c) });
    add(`headers-${h[0]}-acah-absent`, {
      ...c,
      preflight: { ...okPreflight(c), acah: ['acah-absent', null] },
    });
  }
  // ACAO x credentials.
  for (const a of ACAO_VARIANTS) {
    for (const cred of ['same-origin', 'include'] as const) {
      const acac =
        cred === 'include'
          ? (ACAC_VARIANTS[1] as Labelled<HeaderList>)
          : (ACAC_VARIANTS[0] as Labelled<HeaderList>);
      add(`acao-${a[0]}-${cred}`, { ...base(), acao: a, acac, credentials: cred });
    }
  }
  // ACAC x credentials modes.
  for (const ac of ACAC_VARIANTS) {
    for (const cred of ['omit', 'include'] as const)
      add(`${ac[0]}-${cred}`, { ...base(), acac: ac, credentials: cred });
  }
  // ACEH x credentials.
  for (const e of ACEH_VARIANTS) {
    add(`${e[0]}`, { ...base(), aceh: e });
    add(`${e[0]}-cred`, {
      ...base(),
      aceh: e,
      credentials: 'include',
      acac: ACAC_VARIANTS[1] as Labelled<HeaderList>,
    });
  }
  // Preflight: ACAM, ACAH, status, max-age (+ repeat), wildcard with credentials.
  const put = {
    ...base(),
    method: ['put', 'PUT'] as Labelled<string>,
    headers: HEADER_SETS.find((h) => h[0] === 'x-foo-x-bar') as Labelled<HeaderList>,
  };
  for (const am of acamVariants('PUT'))
    add(`pf-${am[0]}`, { ...put, preflight: { ...okPreflight(put), acam: am } });
  for (const ah of acahVariants(unsafeNames(put.headers[1])))
    add(`pf-${ah[0]}`, { ...put, preflight: { ...okPreflight(put), acah: ah } });
  for (const s of PREFLIGHT_STATUS) {
    add(`pf-${s[0]}`, { ...put, preflight: { ...okPreflight(put), status: s } });
    add(`pf-${s[0]}-no-acao`, {
      ...put,
      preflight: { ...okPreflight(put), status: s, acao: ['absent', []] },
    });
  }
  for (const ma of MAX_AGE)
    add(`pf-${ma[0]}-repeat`, { ...put, repeat: 2, preflight: { ...okPreflight(put), maxAge: ma } });
  const credPut: Choice = { ...put, credentials: 'include', acac: ACAC_VARIANTS[1] as Labelled<HeaderList> };
  for (const [label, pf] of [
    ['pf-star-cred', { ...okPreflight(credPut), acam: ['acam-star', '*'] }],
    ['pf-acah-star-cred', { ...okPreflight(credPut), acah: ['acah-star', '*'] }],
    ['pf-acao-star-cred', { ...okPreflight(credPut), acao: ACAO_VARIANTS[1] }],
    ['pf-acac-absent-cred', { ...okPreflight(credPut), acac: ACAC_VARIANTS[0] }],
  ] as [string, NonNullable<Choice['preflight']>][]) {
    add(label, { ...credPut, preflight: pf });
  }
  // A cached preflight serving a request with fewer headers, and credentials mixing.
  add('pf-cache-repeat-cred', {
    ...credPut,
    repeat: 2,
    preflight: { ...okPreflight(credPut), maxAge: ['ma-600', '600'] },
  });
  // Modes.
  for (const mode of ['no-cors', 'same-origin'] as const) {
    for (const m of ['get', 'post', 'put', 'lc-patch'])
      add(`mode-${mode}-${m}`, {
        ...base(),
        mode,
        method: METHODS.find((x) => x[0] === m) as Labelled<string>,
      });
    add(`mode-${mode}-x-foo`, {
      ...base(),
      mode,
      headers: HEADER_SETS.find((h) => h[0] === 'x-foo') as Labelled<HeaderList>,
    });
    add(`mode-${mode}-same-origin-target`, { ...base(), mode, target: 'same-origin' });
  }
  // Redirects: each kind with 301/302/303/307/308, a preflighted one, manual and error modes.
  for (const kind of REDIRECTS) {
    for (const status of [301, 302, 303, 307, 308]) {
      add(`redirect-${kind}-${status}`, { ...base(), redirect: { kind, status, mode: 'follow' } });
    }
    add(`redirect-${kind}-star`, {
      ...base(),
      acao: ACAO_VARIANTS[1] as Labelled<HeaderList>,
      redirect: { kind, status: 302, mode: 'follow' },
    });
    add(`redirect-${kind}-null`, {
      ...base(),
      acao: ACAO_VARIANTS.find((a) => a[0] === 'null') as Labelled<HeaderList>,
      redirect: { kind, status: 302, mode: 'follow' },
    });
    add(`redirect-${kind}-put`, {
      ...put,
      preflight: okPreflight(put),
      redirect: { kind, status: 307, mode: 'follow' },
    });
    add(`redirect-${kind}-post-303`, {
      ...base(),
      method: ['post', 'POST'],
      body: 'string',
      redirect: { kind, status: 303, mode: 'follow' },
    });
    for (const mode of ['manual', 'error'] as const)
      add(`redirect-${kind}-${mode}`, { ...base(), redirect: { kind, status: 302, mode } });
  }
  // XHR and targets.
  for (const [label, c] of [
    ['xhr-get', { ...base(), initiator: 'XMLHttpRequest' }],
    ['xhr-get-no-acao', { ...base(), initiator: 'XMLHttpRequest', acao: ['absent', []] }],
    ['xhr-put', { ...put, initiator: 'XMLHttpRequest', preflight: okPreflight(put) }],
    [
      'xhr-cred-star',
      { ...base(), initiator: 'XMLHttpRequest', credentials: 'include', acao: ACAO_VARIANTS[1] },
    ],
    ['localhost-get', { ...base(), target: 'localhost' }],
    ['localhost-cred', { ...base(), target: 'localhost', credentials: 'include', acac: ACAC_VARIANTS[1] }],
    ['localhost-put', { ...put, target: 'localhost', preflight: okPreflight(put) }],
    [
      'localhost-site-cred',
      { ...base(), target: 'localhost-site', credentials: 'include', acac: ACAC_VARIANTS[1] },
    ],
    ['localhost-site-omit', { ...base(), target: 'localhost-site', credentials: 'omit' }],
    ['localhost-site-put-cred', { ...credPut, target: 'localhost-site', preflight: okPreflight(credPut) }],
    ['same-origin-put', { ...put, target: 'same-origin', acao: ['absent', []] }],
    ['same-origin-get', { ...base(), target: 'same-origin', acao: ['absent', []] }],
  ] as [string, Choice][]) {
    add(label, c);
  }
  // Bodies.
  for (const body of ['string', 'form', 'blob'] as const) {
    add(`body-${body}`, { ...base(), method: ['post', 'POST'], body });
    add(`body-${body}-put`, { ...put, body, preflight: okPreflight(put) });
  }
  return out;
}

// ---------------------------------------------------------------------------------------------
// Random combinations.

function random(rng: Prng): Choice {
  const method = rng.weighted<Labelled<string>>([
    [30, ['get', 'GET']],
    [6, ['head', 'HEAD']],
    [16, ['post', 'POST']],
    [30, rng.pick(METHODS.filter((m) => m[0] !== 'trace'))],
  ]);
  const headers = rng.weighted<Labelled<HeaderList>>([
    [30, HEADER_SETS[0] as Labelled<HeaderList>],
    [70, rng.pick(HEADER_SETS)],
  ]);
  const mode = rng.weighted<Choice['mode']>([
    [80, 'cors'],
    [12, 'no-cors'],
    [8, 'same-origin'],
  ]);
  const credentials = rng.weighted<Choice['credentials']>([
    [15, 'omit'],
    [50, 'same-origin'],
    [35, 'include'],
  ]);
  const initiator = rng.chance(0.12) ? 'XMLHttpRequest' : 'fetch';
  const body =
    method[1].toUpperCase() === 'GET' || method[1].toUpperCase() === 'HEAD'
      ? 'none'
      : rng.pick(['none', 'string', 'form', 'blob'] as const);
  const target = rng.weighted<Choice['target']>([
    [86, 'api'],
    [7, 'same-origin'],
    [7, 'localhost'],
  ]);
  const acao = rng.weighted<Labelled<HeaderList>>([
    [45, ACAO_VARIANTS[0] as Labelled<HeaderList>],
    [15, ACAO_VARIANTS[1] as Labelled<HeaderList>],
    [40, rng.pick(ACAO_VARIANTS)],
  ]);
  const acac =
    credentials === 'include' && rng.chance(0.6)
      ? (ACAC_VARIANTS[1] as Labelled<HeaderList>)
      : rng.pick(ACAC_VARIANTS);
  const aceh = rng.chance(0.6) ? (ACEH_VARIANTS[0] as Labelled<HeaderList>) : rng.pick(ACEH_VARIANTS);
  const c: Choice = {
    ...base(),
    method,
    headers,
    mode,
    credentials,
    initiator,
    body,
    target,
    acao,
    acac,
    aceh,
  };
  if (rng.chance(0.85)) {
    const ok = okPreflight(c);
    c.preflight = {
      status: rng.chance(0.75) ? ok.status : rng.pick(PREFLIGHT_STATUS),
      acao: rng.chance(0.8) ? c.acao : rng.pick(ACAO_VARIANTS),
      acac: rng.chance(0.8) ? c.acac : rng.pick(ACAC_VARIANTS),
      acam: rng.chance(0.6) ? ok.acam : rng.pick(acamVariants(method[1])),
      acah: rng.chance(0.6) ? ok.acah : rng.pick(acahVariants(unsafeNames(headers[1]))),
      maxAge: rng.chance(0.6) ? ok.maxAge : rng.pick(MAX_AGE),
    };
    if (rng.chance(0.12)) c.repeat = 2;
  }
  if (rng.chance(0.15)) {
    c.redirect = {
      kind: rng.pick(REDIRECTS),
      status: rng.pick([301, 302, 303, 307, 308]),
      mode: rng.weighted([
        [85, 'follow'],
        [8, 'manual'],
        [7, 'error'],
      ]),
    };
  }
  return c;
}

/** The generated cases: the sweep, then random combinations up to `count` (at least the sweep). */
export function generateCases(seed = DEFAULT_SEED, count = DEFAULT_COUNT): HarnessCase[] {
  const rng = new Prng(seed);
  const out: HarnessCase[] = [];
  const ids = new Set<string>();
  let n = 0;
  const push = (label: string, c: Choice) => {
    const id = `g${String(n++).padStart(3, '0')}-${label}`
      .toLowerCase()
      .replace(/[^a-z0-9-]+/g, '-')
      .slice(0, 80);
    if (ids.has(id)) throw new Error(`generator: duplicate id ${id}`);
    ids.add(id);
    out.push(build(id, c));
  };
  for (const [label, c] of sweep()) push(label, c);
  while (out.length < count) {
    const c = random(rng);
    push(`r-${c.method[0]}-${c.acao[0]}`, c);
  }
  return out;
}

if (process.argv[1] && import.meta.url === new URL(`file://${process.argv[1]}`).href) {
  const seed = Number(process.argv[2] ?? DEFAULT_SEED);
  const count = Number(process.argv[3] ?? DEFAULT_COUNT);
  process.stdout.write(`${JSON.stringify(generateCases(seed, count), null, 2)}\n`);
}
