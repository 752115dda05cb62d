/**
 * `npm run bench -- server`: the CORS decision of crossorigin/server against the `cors` package,
 * `@fastify/cors` and Hono's `cors` middleware, on equivalent configurations.
 *
 * Each operation is one request through the middleware's decision and header writing, with fake
 * request/response objects built once per case (a fresh header store per operation for every
 * library alike): ours is `policy.decide(view)` plus writing the decision's headers and merging
 * `Vary` as the node adapter does. `cors` is its middleware called as its own test suite calls it;
 * `@fastify/cors` is its real `onRequest` hook, captured from the plugin with a stub `fastify`
 * and called with stub `request`/`reply`; Hono's `cors` is async (it awaits the origin function
 * and `next`), so it is measured in a separate awaited loop against ours awaited the same way.
 *
 * Workloads: an allowed actual GET, an allowed preflight (PUT with two request headers), a GET
 * from a disallowed origin, and a GET without Origin; with 1, 100 and 10,000 allowed origins (the
 * allowed origin is the middle one of the list; peers scan lists linearly, we hash).
 */

import { createRequire } from 'node:module';
import { availableParallelism, loadavg } from 'node:os';
import { performance } from 'node:perf_hooks';
import { mergeVary, type RequestView, varyValue } from '../src/_http/index.js';
import { type CorsDecision, createCorsPolicy } from '../src/server/index.js';
import { type BenchResult, compare, machineLine, table } from './lib.js';

const require = createRequire(import.meta.url);
const corsPkg = require('cors') as (o: unknown) => (req: unknown, res: unknown, next: () => void) => void;
const fastifyCors = require('@fastify/cors') as (f: unknown, o: unknown, next: (e?: unknown) => void) => void;
const { cors: honoCors } = (await import('hono/cors')) as {
  cors: (o: unknown) => (c: unknown, next: () => Promise<void>) => Promise<unknown>;
};

const SIZES = [1, 100, 10_000] as const;
const METHODS = ['PUT', 'DELETE'];
const REQ_HEADERS = ['content-type', 'x-request-id'];

function originsOf(n: number): string[] {
  return Array.from({ length: n }, (_, i) => `https://tenant${i}.example.com`);
}

type Workload =
  | 'actual allowed'
  | 'preflight allowed'
  | 'disallowed origin'
  | 'disallowed, 4,096 rotating'
  | 'no Origin';
const WORKLOADS: Workload[] = [
  'actual allowed',
  'preflight allowed',
  'disallowed origin',
  'disallowed, 4,096 rotating',
  'no Origin',
];
const HONO_WORKLOADS = WORKLOADS.filter((w) => w !== 'disallowed, 4,096 rotating');
const ROTATING = Array.from({ length: 4096 }, (_, i) => `https://evil${i}.example`);

/** Rotates the Origin of a rotating workload before each operation (the same for every library). */
function rotator(w: Workload, headers: Record<string, string>): () => void {
  if (w !== 'disallowed, 4,096 rotating') return () => {};
  let i = 0;
  return () => {
    headers.origin = ROTATING[i++ & 4095]!;
  };
}

function requestOf(w: Workload, allowed: string): { method: string; headers: Record<string, string> } {
  switch (w) {
    case 'actual allowed':
      return { method: 'GET', headers: { origin: allowed } };
    case 'preflight allowed':
      return {
        method: 'OPTIONS',
        headers: {
          origin: allowed,
          'access-control-request-method': 'PUT',
          'access-control-request-headers': 'content-type,x-request-id',
        },
      };
    case 'disallowed origin':
    case 'disallowed, 4,096 rotating':
      return { method: 'GET', headers: { origin: 'https://evil.example' } };
    case 'no Origin':
      return { method: 'GET', headers: {} };
  }
}

// --- ours ---------------------------------------------------------------------------------------

function ours(origins: string[], w: Workload): () => unknown {
  const policy = createCorsPolicy({
    origins,
    credentials: true,
    methods: METHODS,
    requestHeaders: REQ_HEADERS,
    exposeHeaders: ['etag'],
    maxAge: 600,
  });
  const r = requestOf(w, origins[origins.length >> 1]!);
  const view: RequestView = { method: r.method, header: (n) => r.headers[n] ?? null };
  const rotate = rotator(w, r.headers);
  return () => {
    rotate();
    const d = policy.decide(view) as CorsDecision;
    const out: Record<string, string | number> = {};
    const hs = d.headers;
    for (let i = 0; i < hs.length; i++) out[hs[i]![0]] = hs[i]![1];
    // The node adapter's own Vary function (a frozen list's join is computed once).
    if (d.vary.length > 0) out.vary = varyValue(out.vary, d.vary);
    if (d.end) out[':status'] = d.status!;
    return out;
  };
}

/** As `ours`, but merging `Vary` with the shared `mergeVary` on every request (no remembered join). */
function oursMergeVary(origins: string[], w: Workload): () => unknown {
  const policy = createCorsPolicy({
    origins,
    credentials: true,
    methods: METHODS,
    requestHeaders: REQ_HEADERS,
    exposeHeaders: ['etag'],
    maxAge: 600,
  });
  const r = requestOf(w, origins[origins.length >> 1]!);
  const view: RequestView = { method: r.method, header: (n) => r.headers[n] ?? null };
  return () => {
    const d = policy.decide(view) as CorsDecision;
    const out: Record<string, string | number> = {};
    const hs = d.headers;
    for (let i = 0; i < hs.length; i++) out[hs[i]![0]] = hs[i]![1];
    if (d.vary.length > 0) out.vary = mergeVary(out.vary as string | undefined, d.vary);
    if (d.end) out[':status'] = d.status!;
    return out;
  };
}

function oursDecideOnly(origins: string[], w: Workload): () => unknown {
  const policy = createCorsPolicy({
    origins,
    credentials: true,
    methods: METHODS,
    requestHeaders: REQ_HEADERS,
    exposeHeaders: ['etag'],
    maxAge: 600,
  });
  const r = requestOf(w, origins[origins.length >> 1]!);
  const view: RequestView = { method: r.method, header: (n) => r.headers[n] ?? null };
  const rotate = rotator(w, r.headers);
  return () => {
    rotate();
    return policy.decide(view);
  };
}

// --- cors -----------------------------------------------------------------------------------------

function corsCase(origins: string[], w: Workload): () => unknown {
  const mw = corsPkg({
    origin: origins,
    credentials: true,
    methods: ['GET', 'HEAD', 'POST', ...METHODS],
    allowedHeaders: REQ_HEADERS,
    exposedHeaders: ['etag'],
    maxAge: 600,
  });
  const r = requestOf(w, origins[origins.length >> 1]!);
  const req = { method: r.method, headers: r.headers };
  let store: Record<string, unknown> = {};
  const res = {
    statusCode: 200,
    getHeader: (k: string) => store[k.toLowerCase()],
    setHeader: (k: string, v: unknown) => {
      store[k.toLowerCase()] = v;
    },
    end: () => {},
  };
  const next = () => {};
  const rotate = rotator(w, r.headers);
  return () => {
    rotate();
    store = {};
    mw(req, res, next);
    return store;
  };
}

// --- @fastify/cors ------------------------------------------------------------------------------

function fastifyCase(origins: string[], w: Workload): () => unknown {
  let hook: ((req: unknown, reply: unknown, next: (e?: unknown) => void) => void) | undefined;
  const fakeFastify = {
    decorateRequest() {},
    addHook(_name: string, fn: typeof hook) {
      hook = fn;
    },
    options() {},
  };
  fastifyCors(
    fakeFastify,
    {
      origin: origins,
      credentials: true,
      methods: ['GET', 'HEAD', 'POST', ...METHODS],
      allowedHeaders: REQ_HEADERS,
      exposedHeaders: ['etag'],
      maxAge: 600,
    },
    (e) => {
      if (e) throw e;
    },
  );
  if (hook === undefined) throw new Error('@fastify/cors registered no hook');
  const h = hook;
  const r = requestOf(w, origins[origins.length >> 1]!);
  const req = {
    headers: r.headers,
    method: r.method,
    raw: { method: r.method },
    routeOptions: { config: {} },
    corsPreflightEnabled: false,
  };
  let store: Record<string, unknown> = {};
  const reply = {
    header(k: string, v: unknown) {
      store[k.toLowerCase()] = v;
      return reply;
    },
    getHeader: (k: string) => store[k.toLowerCase()],
    hasHeader: (k: string) => k.toLowerCase() in store,
    removeHeader(k: string) {
      delete store[k.toLowerCase()];
      return reply;
    },
    code(s: number) {
      store[':status'] = s;
      return reply;
    },
    status(s: number) {
      store[':status'] = s;
      return reply;
    },
    type() {
      return reply;
    },
    send() {
      return reply;
    },
  };
  const next = () => {};
  const rotate = rotator(w, r.headers);
  return () => {
    rotate();
    store = {};
    h(req, reply, next);
    return store;
  };
}

// --- Hono (async) --------------------------------------------------------------------------------

function honoCase(origins: string[], w: Workload): () => Promise<unknown> {
  const mw = honoCors({
    origin: origins,
    credentials: true,
    allowMethods: ['GET', 'HEAD', 'POST', ...METHODS],
    allowHeaders: REQ_HEADERS,
    exposeHeaders: ['etag'],
    maxAge: 600,
  });
  const r = requestOf(w, origins[origins.length >> 1]!);
  const lower = Object.fromEntries(Object.entries(r.headers).map(([k, v]) => [k.toLowerCase(), v]));
  const next = async () => {};
  return async () => {
    const res = { headers: new Headers() };
    const c = {
      req: { method: r.method, header: (n: string) => lower[n.toLowerCase()] },
      res,
      header(k: string, v: string, o?: { append?: boolean }) {
        if (o?.append) res.headers.append(k, v);
        else res.headers.set(k, v);
      },
    };
    return await mw(c, next);
  };
}

function oursAsync(origins: string[], w: Workload): () => Promise<unknown> {
  const f = ours(origins, w);
  return async () => await f();
}

/** Interleaved awaited rounds (compare() is synchronous and would not wait for Hono's promises). */
async function compareAsync(
  cases: { name: string; fn: () => Promise<unknown> }[],
  rounds = 15,
  batchMs = 20,
): Promise<BenchResult[]> {
  const iterations: number[] = [];
  for (const c of cases) {
    for (let i = 0; i < 500; i++) await c.fn();
    let n = 100;
    for (;;) {
      const t = performance.now();
      for (let i = 0; i < n; i++) await c.fn();
      const ms = performance.now() - t;
      if (ms >= batchMs || n >= 1e7) {
        iterations.push(Math.max(1, Math.round((n * batchMs) / ms)));
        break;
      }
      n *= 4;
    }
  }
  const samples: number[][] = cases.map(() => []);
  for (let r = 0; r < rounds; r++) {
    for (let k = 0; k < cases.length; k++) {
      const c = cases[k]!;
      const n = iterations[k]!;
      const t = performance.now();
      for (let i = 0; i < n; i++) await c.fn();
      samples[k]!.push(((performance.now() - t) * 1e6) / n);
    }
  }
  return cases.map((c, k) => {
    const s = [...samples[k]!].sort((a, b) => a - b);
    const m = s[s.length >> 1]!;
    return { name: c.name, medianNs: m, opsPerSec: 1e9 / m, rounds };
  });
}

/** Checks that every library answers the workload as intended before timing it. */
function sanity(): void {
  const origins = originsOf(100);
  for (const w of WORKLOADS) {
    const o = ours(origins, w)() as Record<string, string>;
    const c = corsCase(origins, w)() as Record<string, unknown>;
    const f = fastifyCase(origins, w)() as Record<string, unknown>;
    const allowed = w === 'actual allowed' || w === 'preflight allowed';
    if (w === 'disallowed, 4,096 rotating') continue;
    for (const [name, out] of [
      ['ours', o],
      ['cors', c],
      ['@fastify/cors', f],
    ] as const) {
      const acao = out['access-control-allow-origin'];
      if (allowed !== (acao !== undefined && acao !== false)) {
        throw new Error(`bench sanity: ${name} on "${w}" gave ACAO ${String(acao)}`);
      }
    }
  }
}

export default async function run(): Promise<string> {
  const loadStart = loadavg()[0]!.toFixed(1);
  sanity();
  const sections: string[] = [];
  const summary: string[] = [];
  const oursByWorkload = new Map<string, number>();
  for (const n of SIZES) {
    const origins = originsOf(n);
    const cases = WORKLOADS.flatMap((w) => [
      { name: `${w}: crossorigin`, fn: ours(origins, w) },
      { name: `${w}: crossorigin (decide only)`, fn: oursDecideOnly(origins, w) },
      { name: `${w}: cors`, fn: corsCase(origins, w) },
      { name: `${w}: @fastify/cors`, fn: fastifyCase(origins, w) },
    ]);
    // The 1-origin comparison carries the headline ratio: more rounds for it.
    const results = compare(cases, n === 1 ? { rounds: 61, batchMs: 10 } : { rounds: 31, batchMs: 8 });
    const rows: string[] = [];
    for (const w of WORKLOADS) {
      const get = (lib: string) => results.find((r) => r.name === `${w}: ${lib}`)!.medianNs;
      const us = get('crossorigin');
      oursByWorkload.set(`${w}@${n}`, us);
      rows.push(
        `| ${w} | ${us.toFixed(0)} | ${get('crossorigin (decide only)').toFixed(0)} | ${get('cors').toFixed(0)} | ${(get('cors') / us).toFixed(1)}x | ${get('@fastify/cors').toFixed(0)} | ${(get('@fastify/cors') / us).toFixed(1)}x |`,
      );
    }
    sections.push(
      `#### ${n.toLocaleString('en-US')} allowed origin${n === 1 ? '' : 's'}\n\n| workload | crossorigin ns/op | (decide only) | cors ns/op | cors / ours | @fastify/cors ns/op | @fastify/cors / ours |\n|---|---:|---:|---:|---:|---:|---:|\n${rows.join('\n')}\n\n<details><summary>raw</summary>\n\n${table(results)}\n\n</details>`,
    );
    if (n === 1) {
      for (const w of WORKLOADS) {
        const cors1 = results.find((r) => r.name === `${w}: cors`)!.medianNs;
        const decide1 = results.find((r) => r.name === `${w}: crossorigin (decide only)`)!.medianNs;
        summary.push(
          `- ${w}: ${(cors1 / oursByWorkload.get(`${w}@1`)!).toFixed(1)}x faster than cors with 1 origin (decision alone: ${(cors1 / decide1).toFixed(1)}x)`,
        );
      }
    }
  }
  // Scaling: ours at 1, 100 and 10,000 origins measured in the same interleaved rounds, with and
  // without writing the headers (the decision alone is what depends on the number of origins).
  const scaling = compare(
    WORKLOADS.flatMap((w) =>
      SIZES.flatMap((n) => [
        { name: `${w} @ ${n}`, fn: ours(originsOf(n), w) },
        { name: `${w} @ ${n} decide`, fn: oursDecideOnly(originsOf(n), w) },
      ]),
    ),
    { rounds: 31, batchMs: 8 },
  );
  const scalingRows: string[] = [];
  for (const w of WORKLOADS) {
    const at = (n: number, suffix = '') => scaling.find((r) => r.name === `${w} @ ${n}${suffix}`)!.medianNs;
    const ratio = at(10_000) / at(1);
    const ratioDecide = at(10_000, ' decide') / at(1, ' decide');
    scalingRows.push(
      `| ${w} | ${at(1).toFixed(0)} | ${at(100).toFixed(0)} | ${at(10_000).toFixed(0)} | ${ratio.toFixed(2)} | ${at(1, ' decide').toFixed(0)} | ${at(10_000, ' decide').toFixed(0)} | ${ratioDecide.toFixed(2)} |`,
    );
    summary.push(
      `- ${w}: ours at 10,000 origins / ours at 1 origin = ${ratio.toFixed(2)} with header writing, ${ratioDecide.toFixed(2)} for the decision alone (target <= 1.5)`,
    );
  }

  // Where the preflight time goes: Vary merging as the node adapter does it today, or joined.
  const one = originsOf(1);
  const varyCost = compare(
    [
      { name: "crossorigin (the node adapter's Vary: join remembered)", fn: ours(one, 'preflight allowed') },
      { name: 'crossorigin, mergeVary on every request', fn: oursMergeVary(one, 'preflight allowed') },
      { name: 'crossorigin, decide only', fn: oursDecideOnly(one, 'preflight allowed') },
      { name: 'cors', fn: corsCase(one, 'preflight allowed') },
    ],
    { rounds: 41, batchMs: 10 },
  );
  const corsPre = varyCost.find((r) => r.name === 'cors')!.medianNs;
  const varyRows = varyCost
    .map((r) => `| ${r.name} | ${r.medianNs.toFixed(0)} | ${(corsPre / r.medianNs).toFixed(1)}x |`)
    .join('\n');

  // Hono, awaited loop, 1 and 10,000 origins.
  const honoRows: string[] = [];
  for (const n of [1, 10_000]) {
    const origins = originsOf(n);
    const cases = HONO_WORKLOADS.flatMap((w) => [
      { name: `${w}: crossorigin (awaited)`, fn: oursAsync(origins, w) },
      { name: `${w}: hono`, fn: honoCase(origins, w) },
    ]);
    const results = await compareAsync(cases);
    for (const w of HONO_WORKLOADS) {
      const a = results.find((r) => r.name === `${w}: crossorigin (awaited)`)!.medianNs;
      const h = results.find((r) => r.name === `${w}: hono`)!.medianNs;
      honoRows.push(
        `| ${n.toLocaleString('en-US')} | ${w} | ${a.toFixed(0)} | ${h.toFixed(0)} | ${(h / a).toFixed(1)}x |`,
      );
    }
  }

  return `## server: CORS decision vs cors, @fastify/cors, Hono

Command: \`npm run bench -- server\` (${machineLine()}; load average at start ${loadStart}, at end ${loadavg()[0]!.toFixed(1)} on ${availableParallelism()} cores: a shared, busy machine, so single figures move by 2x between runs; compare ratios within one table).

What is measured: one request through each middleware's decision and header writing, on stub
request/response objects (no network): ours is \`policy.decide(view)\` plus writing its headers and
merging \`Vary\`, as the node adapter does ("decide only" is the policy alone). Equivalent
configurations: credentials, methods PUT and DELETE (peers list GET, HEAD, POST too), request
headers content-type and x-request-id, exposed etag, max-age 600; \`n\` allowed origins
\`https://tenant{i}.example.com\`, the middle one making the request. "disallowed, 4,096 rotating"
cycles through 4,096 distinct disallowed origins (more than our 1,024-entry cache of refused
origins could hold: ours checks each one's syntax with the origin scanner, nothing is served from
a cache). Median of 31 interleaved rounds (61 for the 1-origin comparison).
Note: peers answer every OPTIONS as a preflight and send CORS headers to disallowed origins;
the work is not identical, the result for the browser is.

### Summary

${summary.join('\n')}

### Scaling with the number of allowed origins (ours, interleaved in one run)

| workload | 1 origin ns/op | 100 | 10,000 | 10,000 / 1 | decide only, 1 | decide only, 10,000 | 10,000 / 1 |
|---|---:|---:|---:|---:|---:|---:|---:|
${scalingRows.join('\n')}

### Allowed preflight, 1 origin: where the time goes

Writing five headers is the same for every library. The preflight's three \`Vary\` names are a
frozen list shared by every decision of the policy, so the node adapter joins them once and
reuses the string when the response has no \`Vary\` yet; merging them with the shared
\`mergeVary\` on every request is shown beside it.

| variant | ns/op | cors / variant |
|---|---:|---:|
${varyRows}

### cors and @fastify/cors (synchronous)

${sections.join('\n\n')}

### Hono's \`cors\` (asynchronous; both awaited per operation)

| origins | workload | crossorigin ns/op | hono ns/op | hono / ours |
|---|---|---:|---:|---:|
${honoRows.join('\n')}
`;
}
