/**
 * A seeded generator of isolation cases (ORB, CORP, COEP, fetch() modes): INPUTS only, the page's embedder policy,
 * where the resource lives, how it is loaded and what the server answers. What must happen is
 * decided by the engine and judged by the real browsers. Same seed, same cases.
 *
 *   npx tsx test/browsers/isolation/generate.ts [seed] [count]
 */
import { Prng } from '../generate.js';
import { BODY_KINDS, type BodyKind } from './_bodies.js';

export const ISOLATION_SEED = 20261203;

export type Where = 'same-origin' | 'same-site' | 'cross-site' | 'other-scheme';
export type Coep = 'none' | 'require-corp' | 'credentialless';
export type Family = 'orb' | 'corp' | 'coep' | 'scheme' | 'fetch';
/** `Access-Control-Allow-Origin` the server sends: none, the page's origin (with credentials), or `*`. */
export type Acao = 'echo' | 'echo-credentials' | '*' | null;

export interface IsolationCase {
  id: string;
  family: Family;
  /** The page is `http://localhost:{a}` or `https://localhost:{c}`. */
  pageScheme: 'http' | 'https';
  coep: Coep;
  where: Where;
  loader: 'fetch' | 'script' | 'img';
  status: number;
  contentType: string | null;
  nosniff: boolean;
  corp: string | null;
  body: BodyKind;
  /** fetch(): its mode and credentials mode (default no-cors, include). */
  mode?: 'no-cors' | 'cors';
  credentials?: 'include' | 'same-origin' | 'omit';
  /** fetch() in cors mode: what the server answers for CORS. */
  acao?: Acao;
  /**
   * fetch(): the request first goes to a URL there, answered `302` to the resource (with the same
   * CORS headers and its own `Cross-Origin-Resource-Policy`, `viaCorp`).
   */
  via?: Where;
  viaCorp?: string | null;
}

export const CONTENT_TYPES: readonly (string | null)[] = [
  'application/json',
  'text/json',
  'application/ld+json',
  'text/html',
  'text/xml',
  'application/xml',
  'image/svg+xml',
  'application/javascript',
  'text/javascript',
  'image/png',
  'image/gif',
  'audio/wav',
  'video/mp4',
  'text/plain',
  'text/csv',
  'text/css',
  'application/octet-stream',
  'application/pdf',
  'application/zip',
  'text/event-stream',
  'application/x-protobuf',
  'text/javascript; charset=utf-8',
  'application/json; charset=utf-8',
  'TEXT/HTML',
  null,
];
const CORP_VALUES: readonly (string | null)[] = [
  null,
  'same-origin',
  'same-site',
  'cross-origin',
  'SAME-ORIGIN',
  'bogus',
];
const LOADERS = ['fetch', 'script', 'img'] as const;

function bodyFor(loader: IsolationCase['loader'], rng: Prng): BodyKind {
  if (loader === 'img' && rng.chance(0.7)) return 'png';
  if (loader === 'script' && rng.chance(0.4)) return 'js';
  return rng.pick(BODY_KINDS);
}

function orbCase(rng: Prng): Omit<IsolationCase, 'id'> {
  const loader = rng.pick(LOADERS);
  return {
    family: 'orb',
    pageScheme: 'http',
    coep: 'none',
    where: 'cross-site',
    loader,
    status: rng.weighted([
      [14, 200],
      [2, 206],
      [2, 404],
      [1, 500],
    ]),
    contentType: rng.pick(CONTENT_TYPES),
    nosniff: rng.chance(0.35),
    corp: rng.chance(0.2) ? 'cross-origin' : null,
    body: rng.chance(0.6)
      ? rng.pick(['json', 'json-array', 'json-prefix', 'html', 'xml', 'text'] as const)
      : bodyFor(loader, rng),
  };
}

/** A resource that loads when nothing blocks it: a PNG for img, JavaScript for script. */
function benign(loader: IsolationCase['loader']): Pick<IsolationCase, 'contentType' | 'body'> {
  if (loader === 'img') return { contentType: 'image/png', body: 'png' };
  if (loader === 'script') return { contentType: 'application/javascript', body: 'js' };
  return { contentType: 'text/plain', body: 'text' };
}

function corpCase(rng: Prng, coep: Coep, family: Family): Omit<IsolationCase, 'id'> {
  const loader = rng.pick(LOADERS);
  const base = rng.chance(0.8)
    ? benign(loader)
    : { contentType: rng.pick(CONTENT_TYPES), body: bodyFor(loader, rng) };
  return {
    family,
    pageScheme: 'http',
    coep,
    where: rng.weighted([
      [1, 'same-origin'],
      [3, 'same-site'],
      [3, 'cross-site'],
    ]),
    loader,
    status: rng.chance(0.9) ? 200 : 404,
    nosniff: rng.chance(0.2),
    corp: rng.pick(CORP_VALUES),
    ...base,
  };
}

/** CORP and COEP across schemes: http and https pages, resources on the other scheme of the same host. */
function schemeCase(rng: Prng): Omit<IsolationCase, 'id'> {
  const c = corpCase(rng, rng.pick(['none', 'none', 'require-corp', 'credentialless'] as const), 'scheme');
  return {
    ...c,
    pageScheme: rng.pick(['http', 'https'] as const),
    where: rng.weighted([
      [1, 'same-origin'],
      [1, 'same-site'],
      [1, 'cross-site'],
      [4, 'other-scheme'],
    ]),
    corp: rng.pick([null, 'same-site', 'same-site', 'same-origin', 'cross-origin']),
  };
}

/**
 * fetch() in every mode the page can pick: no-cors or cors, each credentials mode, on an http or
 * https page with any embedder policy, answered with or without CORS, CORP, JSON or a script,
 * directly or after a redirect from another origin.
 */
function fetchCase(rng: Prng): Omit<IsolationCase, 'id'> {
  const mode = rng.chance(0.45) ? 'cors' : 'no-cors';
  return {
    family: 'fetch',
    pageScheme: rng.pick(['http', 'https'] as const),
    coep: rng.pick(['none', 'require-corp', 'credentialless'] as const),
    where: rng.weighted([
      [1, 'same-origin'],
      [2, 'same-site'],
      [3, 'cross-site'],
      [1, 'other-scheme'],
    ]),
    loader: 'fetch',
    status: rng.chance(0.85) ? 200 : rng.pick([404, 500]),
    contentType: rng.pick(CONTENT_TYPES),
    nosniff: rng.chance(0.3),
    corp: rng.pick([null, null, 'same-origin', 'same-site', 'cross-origin', 'bogus']),
    body: rng.pick(BODY_KINDS),
    mode,
    credentials: rng.pick(['include', 'include', 'same-origin', 'omit'] as const),
    acao: mode === 'cors' ? rng.pick(['echo', 'echo-credentials', '*', null] as const) : null,
    ...(rng.chance(0.35)
      ? {
          via: rng.pick(['same-origin', 'same-site', 'cross-site'] as const),
          viaCorp: rng.pick([null, null, 'same-origin', 'same-site', 'cross-origin']),
        }
      : {}),
  };
}

/**
 * `count` cases, in rounds of 25: 8 ORB, 4 CORP (no COEP), 4 COEP, 4 across schemes (http/https
 * pages), 5 fetch() in any mode and credentials mode (run through createBrowserFetch too).
 */
export function generateIsolationCases(seed = ISOLATION_SEED, count = 400): IsolationCase[] {
  const rng = new Prng(seed);
  const out: IsolationCase[] = [];
  for (let i = 0; i < count; i++) {
    const r = i % 25;
    const c =
      r < 8
        ? orbCase(rng)
        : r < 12
          ? corpCase(rng, 'none', 'corp')
          : r < 16
            ? corpCase(rng, r % 2 === 0 ? 'require-corp' : 'credentialless', 'coep')
            : r < 20
              ? schemeCase(rng)
              : fetchCase(rng);
    out.push({ id: `i${seed.toString(36)}-${i}`, ...c });
  }
  return out;
}

if (process.argv[1]?.endsWith('isolation/generate.ts')) {
  const seed = Number(process.argv[2] ?? ISOLATION_SEED);
  const count = Number(process.argv[3] ?? 400);
  process.stdout.write(`${JSON.stringify(generateIsolationCases(seed, count), null, 2)}\n`);
}
