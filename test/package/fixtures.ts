/**
 * The consumer projects of the tarball test, as files: what a new user writes in a fresh ESM or
 * CommonJS project. Kept apart from the test so each file reads as the user would write it.
 */

export const SUBPATHS = [
  'origin',
  'browser',
  'server',
  'csrf',
  'node',
  'express',
  'fastify',
  'koa',
  'hono',
  'fetch',
  'proxy',
  'scan',
].map((s) => `crossorigin/${s}`);

/** Loads every subpath with require() and import(); prints the export names of each, both ways. */
export const LOAD_ALL_CJS = `
const names = ${JSON.stringify(SUBPATHS)};
(async () => {
  const out = {};
  for (const name of names) {
    const required = Object.keys(require(name)).sort();
    const imported = Object.keys(await import(name)).sort();
    out[name] = { required, imported };
  }
  let bare = null;
  try { require('crossorigin'); } catch (e) { bare = String(e.message); }
  console.log(JSON.stringify({ out, bare }));
})();
`;

export const LOAD_ALL_ESM = `
import { createRequire } from 'node:module';
const require = createRequire(import.meta.url);
const names = ${JSON.stringify(SUBPATHS)};
const out = {};
for (const name of names) {
  const imported = Object.keys(await import(name)).sort();
  const required = Object.keys(require(name)).sort();
  out[name] = { required, imported };
}
let bare = null;
try { await import('crossorigin'); } catch (e) { bare = String(e.message); }
console.log(JSON.stringify({ out, bare }));
`;

/** The README's migration, in a CommonJS Express app: a preflight and an actual request. */
export const EXPRESS_APP_CJS = `
const express = require('express');
const { cors } = require('crossorigin/express');

const app = express();
app.use(cors({ origin: ['https://app.example'], credentials: true, methods: ['GET', 'PUT'] }));
app.put('/items', (req, res) => { res.vary('Accept'); res.json({ ok: true }); });

const server = app.listen(0, '127.0.0.1', async () => {
  const base = 'http://127.0.0.1:' + server.address().port;
  const pick = (r) => ({
    status: r.status,
    acao: r.headers.get('access-control-allow-origin'),
    acac: r.headers.get('access-control-allow-credentials'),
    acam: r.headers.get('access-control-allow-methods'),
    acah: r.headers.get('access-control-allow-headers'),
    vary: r.headers.get('vary'),
  });
  const preflight = await fetch(base + '/items', {
    method: 'OPTIONS',
    headers: { origin: 'https://app.example', 'access-control-request-method': 'PUT', 'access-control-request-headers': 'content-type' },
  });
  const actual = await fetch(base + '/items', { method: 'PUT', headers: { origin: 'https://app.example' } });
  const evil = await fetch(base + '/items', { method: 'PUT', headers: { origin: 'https://evil.example' } });
  console.log(JSON.stringify({ preflight: pick(preflight), actual: { ...pick(actual), body: await actual.json() }, evil: pick(evil) }));
  server.close();
});
`;

/** A consumer typed against the package: wrong use must fail to compile (see MISUSE). */
export const CONSUMER_TS = `
import { createCorsPolicy, type CorsPolicyConfig } from 'crossorigin/server';
import { cors, corsMiddleware } from 'crossorigin/express';
import { withCors } from 'crossorigin/fetch';
import { parseOrigin } from 'crossorigin/origin';
import { createCsrfGuard } from 'crossorigin/csrf';
import { createBrowserFetch } from 'crossorigin/browser';
import { createProxy } from 'crossorigin/proxy';
import { scan } from 'crossorigin/scan';
import { handleCors } from 'crossorigin/node';

const config: CorsPolicyConfig = { origins: ['https://app.example'], credentials: true };
export const policy = createCorsPolicy(config);
export const a = cors({ origin: ['https://app.example'], credentials: true });
export const b = corsMiddleware(policy);
export const c = withCors(policy, (_request: Request) => new Response('ok'));
export const d: unknown[] = [parseOrigin, createCsrfGuard, createBrowserFetch, createProxy, scan, handleCors];
`;

/** Must not compile: proves the types are really resolved (not \`any\`). */
export const MISUSE_TS = `
import { createCorsPolicy } from 'crossorigin/server';
export const p = createCorsPolicy({ origins: 42 });
`;
