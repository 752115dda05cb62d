/**
 * A seeded generator of isolation cases (ORB, CORP, COEP): INPUTS only, the page's embedder policy,
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
export type Family = 'orb' | 'corp' | 'coep' | 'scheme';

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
}

const CONTENT_TYPES: readonly (string | null)[] = [
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

/** `count` cases: 40% ORB, 20% CORP (no COEP), 20% COEP, 20% across schemes (http/https pages). */
export function generateIsolationCases(seed = ISOLATION_SEED, count = 320): IsolationCase[] {
  const rng = new Prng(seed);
  const out: IsolationCase[] = [];
  for (let i = 0; i < count; i++) {
    const r = i % 20;
    const c =
      r < 8
        ? orbCase(rng)
        : r < 12
          ? corpCase(rng, 'none', 'corp')
          : r < 16
            ? corpCase(rng, r % 2 === 0 ? 'require-corp' : 'credentialless', 'coep')
            : schemeCase(rng);
    out.push({ id: `i${seed.toString(36)}-${i}`, ...c });
  }
  return out;
}

if (process.argv[1]?.endsWith('isolation/generate.ts')) {
  const seed = Number(process.argv[2] ?? ISOLATION_SEED);
  const count = Number(process.argv[3] ?? 320);
  process.stdout.write(`${JSON.stringify(generateIsolationCases(seed, count), null, 2)}\n`);
}
