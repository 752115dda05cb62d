/**
 * `npm run bench -- csrf`: the CSRF guard's decision cost per kind of request, and the guard inside
 * Hono against Hono's own `csrf()` middleware (the peer), in the same run.
 */
import { performance } from 'node:perf_hooks';
import { Hono } from 'hono';
import { csrf as honoCsrf } from 'hono/csrf';
import type { RequestView } from '../src/_http/index.js';
import { csrfMiddleware } from '../src/adapters/hono.js';
import { createCsrfGuard } from '../src/csrf/index.js';
import { type BenchResult, compare, machineLine, table } from './lib.js';

const APP = 'https://app.example.com';

function view(method: string, headers: Record<string, string>, url = '/transfer'): RequestView {
  return { method, url, header: (n) => headers[n] ?? null };
}

const byOrigin = createCsrfGuard({
  origin: APP,
  trustedOrigins: ['https://partner.example', 'https://*.cdn.example'],
});
const byHost = createCsrfGuard({ scheme: 'https' });
const byProxy = createCsrfGuard({ trustProxy: true });

const REQUESTS: { name: string; guard: typeof byOrigin; view: RequestView; allowed: boolean }[] = [
  {
    name: 'GET (safe method)',
    guard: byOrigin,
    view: view('GET', { 'sec-fetch-site': 'cross-site' }),
    allowed: true,
  },
  {
    name: 'POST, Sec-Fetch-Site: same-origin',
    guard: byOrigin,
    view: view('POST', { 'sec-fetch-site': 'same-origin', origin: APP }),
    allowed: true,
  },
  {
    name: 'POST, Sec-Fetch-Site: cross-site (refused, text body)',
    guard: byOrigin,
    view: view('POST', { 'sec-fetch-site': 'cross-site', origin: 'https://evil.example' }),
    allowed: false,
  },
  {
    name: 'POST, cross-site from a trusted wildcard origin',
    guard: byOrigin,
    view: view('POST', { 'sec-fetch-site': 'cross-site', origin: 'https://eu.cdn.example' }),
    allowed: true,
  },
  {
    name: 'POST, legacy Origin = configured origin',
    guard: byOrigin,
    view: view('POST', { origin: APP }),
    allowed: true,
  },
  {
    name: 'POST, legacy Origin vs scheme + Host',
    guard: byHost,
    view: view('POST', { origin: APP, host: 'app.example.com' }),
    allowed: true,
  },
  {
    name: 'POST, legacy Origin vs X-Forwarded-*',
    guard: byProxy,
    view: view('POST', {
      origin: APP,
      host: '10.0.0.5:3000',
      'x-forwarded-proto': 'https',
      'x-forwarded-host': 'app.example.com',
    }),
    allowed: true,
  },
  {
    name: 'POST, legacy Referer only',
    guard: byOrigin,
    view: view('POST', { referer: `${APP}/form?step=2` }),
    allowed: true,
  },
  { name: 'POST, no Origin (non-browser client)', guard: byOrigin, view: view('POST', {}), allowed: true },
];

/** Async twin of compare(): interleaved rounds of `n` awaited operations per case, median ns/op. */
async function compareAsync(
  cases: { name: string; fn: () => unknown }[],
  rounds = 15,
  n = 400,
): Promise<BenchResult[]> {
  for (const c of cases) for (let i = 0; i < 200; i++) await c.fn();
  const samples: number[][] = cases.map(() => []);
  for (let r = 0; r < rounds; r++) {
    for (const [i, c] of cases.entries()) {
      const t0 = performance.now();
      for (let k = 0; k < n; k++) await c.fn();
      samples[i]!.push(((performance.now() - t0) * 1e6) / n);
    }
  }
  return cases.map((c, i) => {
    const s = [...samples[i]!].sort((a, b) => a - b);
    const m = s[s.length >> 1]!;
    return { name: c.name, medianNs: m, opsPerSec: 1e9 / m, rounds };
  });
}

function honoApp(kind: 'none' | 'hono' | 'crossorigin'): Hono {
  const app = new Hono();
  if (kind === 'hono') app.use(honoCsrf({ origin: APP }));
  if (kind === 'crossorigin') app.use(csrfMiddleware(createCsrfGuard({ origin: APP })));
  app.post('/transfer', (c) => c.text('ok'));
  return app;
}

export default async function (): Promise<string> {
  for (const r of REQUESTS) {
    if (r.guard.check(r.view).allowed !== r.allowed)
      throw new Error(`bench: unexpected decision for ${r.name}`);
  }
  const micro = compare(REQUESTS.map((r) => ({ name: r.name, fn: () => r.guard.check(r.view) })));

  const form = { 'content-type': 'application/x-www-form-urlencoded' };
  const crossSite = { ...form, 'sec-fetch-site': 'cross-site', origin: 'https://evil.example' };
  const sameOrigin = { ...form, 'sec-fetch-site': 'same-origin', origin: APP };
  const apps = { none: honoApp('none'), hono: honoApp('hono'), crossorigin: honoApp('crossorigin') };
  const req = (app: Hono, headers: Record<string, string>) => () =>
    app.request(`${APP}/transfer`, { method: 'POST', headers, body: 'a=1' });
  for (const [name, app] of Object.entries(apps)) {
    const a = await req(app, crossSite)();
    const b = await req(app, sameOrigin)();
    if (name !== 'none' && (a.status !== 403 || b.status !== 200))
      throw new Error(`bench: ${name} decided wrongly`);
  }
  const refused = await compareAsync([
    { name: 'Hono csrf() (peer)', fn: req(apps.hono, crossSite) },
    { name: 'crossorigin/hono csrfMiddleware', fn: req(apps.crossorigin, crossSite) },
    { name: 'no middleware (200, for scale)', fn: req(apps.none, crossSite) },
  ]);
  const allowed = await compareAsync([
    { name: 'Hono csrf() (peer)', fn: req(apps.hono, sameOrigin) },
    { name: 'crossorigin/hono csrfMiddleware', fn: req(apps.crossorigin, sameOrigin) },
    { name: 'no middleware', fn: req(apps.none, sameOrigin) },
  ]);
  const r = (rs: BenchResult[]) => (rs[1]!.medianNs / rs[0]!.medianNs).toFixed(2);

  return [
    '## crossorigin/csrf: guard decisions',
    '',
    'Command: `npm run bench -- csrf`',
    '',
    `${machineLine()}. One operation is \`guard.check(view)\` on a prebuilt request view (no framework).`,
    'The guards: `{ origin }` with two trusted patterns, `{ scheme: "https" }` (own origin from Host),',
    '`{ trustProxy: true }`. Time ratios are against the common case: an unsafe request with Sec-Fetch-Site: same-origin.',
    '',
    table(micro, micro[1]!.name),
    '',
    'Inside Hono (`app.request()`, in process, no network), a cross-site form POST that both refuse with 403,',
    "and a same-origin form POST that both allow. Peer: Hono's built-in `csrf({ origin })` (checks only",
    'form content types; allows when either Sec-Fetch-Site or Origin passes).',
    '',
    'Refused (403):',
    '',
    table(refused, refused[0]!.name),
    '',
    'Allowed (200):',
    '',
    table(allowed, allowed[0]!.name),
    '',
    `crossorigin/hono time / Hono csrf(): refused ${r(refused)}x, allowed ${r(allowed)}x.`,
  ].join('\n');
}
