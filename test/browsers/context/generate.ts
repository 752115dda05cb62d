/**
 * A seeded generator of page-context cases (mixed content and CSP): pages (scheme, host, CSP
 * headers) each with a batch of loads (fetch, XHR, image, script, audio; direct or through one
 * redirect). INPUTS only: what each load does is decided by the real browsers and compared with
 * the engine. Same seed, same cases (the harness's sfc32 PRNG).
 *
 *   npx tsx test/browsers/context/generate.ts [seed] [pages]   # prints the pages as JSON
 */
import { Prng } from '../generate.js';
import type { LoadKind } from './_page-script.js';
import type { Role } from './_servers.js';

export const CONTEXT_SEED = 20261203;
export const CONTEXT_PAGES = 32;
export const LOADS_PER_PAGE = 6;

export interface Endpoint {
  scheme: 'http' | 'https';
  host: string;
  role: Role;
}

export interface ContextLoad {
  id: string;
  kind: LoadKind;
  /** Where the resource is (`/r/<id>/x.<ext>`, or `/s/<id>/...` outside the `/r/` path sources). */
  target: Endpoint & { dir: 'r' | 's' };
  /** One 302 first, from here (its path is `/r/<id>/to/<id>/1`). */
  via?: Endpoint;
}

export interface ContextPage {
  id: string;
  page: Endpoint;
  /** Content-Security-Policy header lines (port placeholders `{app}` `{api}` `{other}`). */
  csp: string[];
  /** Content-Security-Policy-Report-Only header lines. */
  reportOnly: string[];
  loads: ContextLoad[];
  /** Local Network Access: the page's address space, when the suite makes the page server `public`. */
  addressSpace?: 'public' | 'local' | 'loopback';
}

const EXT: Record<LoadKind, string> = { fetch: 'json', xhr: 'json', img: 'png', script: 'js', audio: 'wav' };

const HOSTS: readonly [string, Role][] = [
  ['app.test', 'app'],
  ['api.test', 'api'],
  ['api.test', 'api'],
  ['other.test', 'other'],
  ['localhost', 'api'],
  ['127.0.0.1', 'api'],
];

const SOURCES: readonly string[] = [
  "'self'",
  "'none'",
  '*',
  'http:',
  'https:',
  'api.test:{api}',
  'api.test:{api}',
  '*.test:{api}',
  'http://api.test:{api}',
  'https://api.test:{api}',
  'api.test:*',
  'api.test',
  'http://*.test:*',
  'https://*.test:*',
  'other.test:{other}',
  'api.test:{api}/r/',
  'api.test:{api}/s/',
  'other.test:{other}/s/',
  '127.0.0.1:{api}',
  'localhost:{api}',
  "'unsafe-inline'",
];

const DIRECTIVES: readonly string[] = [
  'connect-src',
  'connect-src',
  'img-src',
  'script-src',
  'script-src-elem',
  'media-src',
  'default-src',
  'default-src',
];

function directive(rng: Prng): string {
  const name = rng.pick(DIRECTIVES);
  const n = 1 + rng.int(3);
  const sources = new Set<string>();
  for (let i = 0; i < n; i++) sources.add(rng.pick(SOURCES));
  if (name.startsWith('script') && rng.chance(0.2)) sources.add("'strict-dynamic'");
  return `${name} ${[...sources].join(' ')}`;
}

function policy(rng: Prng): string {
  const n = 1 + rng.int(3);
  const names = new Set<string>();
  const out: string[] = [];
  for (let i = 0; i < n; i++) {
    const d = directive(rng);
    const name = d.split(' ')[0] as string;
    if (names.has(name)) continue;
    names.add(name);
    out.push(d);
  }
  return out.join('; ');
}

function endpoint(rng: Prng): Endpoint {
  const [host, role] = rng.pick(HOSTS);
  return { scheme: rng.chance(0.5) ? 'http' : 'https', host, role };
}

/** The pages and their loads. */
export function generateContextPages(seed = CONTEXT_SEED, pages = CONTEXT_PAGES): ContextPage[] {
  const rng = new Prng(seed);
  const out: ContextPage[] = [];
  for (let p = 0; p < pages; p++) {
    const scheme = rng.chance(0.65) ? 'https' : 'http';
    const host = rng.chance(0.8) ? 'app.test' : rng.pick(['localhost', '127.0.0.1']);
    const csp = rng.chance(0.15) ? [] : [policy(rng)];
    if (rng.chance(0.15)) csp.push(policy(rng));
    const reportOnly = rng.chance(0.15) ? [policy(rng)] : [];
    const loads: ContextLoad[] = [];
    for (let i = 0; i < LOADS_PER_PAGE; i++) {
      const id = `p${p}l${i}`;
      const kind = rng.pick<LoadKind>(['fetch', 'fetch', 'xhr', 'img', 'img', 'script', 'audio']);
      const load: ContextLoad = { id, kind, target: { ...endpoint(rng), dir: rng.chance(0.8) ? 'r' : 's' } };
      if (rng.chance(0.25)) load.via = { ...endpoint(rng) };
      loads.push(load);
    }
    out.push({ id: `p${p}`, page: { scheme, host, role: 'app' }, csp, reportOnly, loads });
  }
  return out;
}

/** The page's URL (placeholders kept). */
export function pageUrl(p: ContextPage): string {
  const q = [
    ...p.csp.map((v) => `csp=${encodeURIComponent(v)}`),
    ...p.reportOnly.map((v) => `ro=${encodeURIComponent(v)}`),
  ];
  return `${p.page.scheme}://${p.page.host}:{${p.page.role}}/page${q.length ? `?${q.join('&')}` : ''}`;
}

function at(e: Endpoint): string {
  return `${e.scheme}://${e.host}:{${e.role}}`;
}

/** The load's first URL (placeholders kept). */
export function loadUrl(l: ContextLoad): string {
  const final = `${at(l.target)}/${l.target.dir}/${l.id}/x.${EXT[l.kind]}`;
  if (!l.via) return final;
  return `${at(l.via)}/r/${l.id}/to/${l.id}/1?u=${final}`;
}

if (import.meta.url === `file://${process.argv[1]}`) {
  const seed = Number(process.argv[2] ?? CONTEXT_SEED);
  const n = Number(process.argv[3] ?? CONTEXT_PAGES);
  process.stdout.write(`${JSON.stringify(generateContextPages(seed, n), null, 2)}\n`);
}
