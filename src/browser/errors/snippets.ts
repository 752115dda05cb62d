/**
 * Server configuration that allows one request, written three ways: a crossorigin/server policy
 * (through an adapter), the `cors` package, and nginx. Every snippet names an allowlist: none of
 * them echoes whatever Origin arrives.
 */

/** What a policy must allow for one request to pass. */
export interface PolicyShape {
  /** The page's serialized origin. */
  origin: string;
  credentials: boolean;
  /** Methods beyond GET, HEAD and POST, exactly as the page sends them. */
  methods: string[];
  /** Request header names that are not CORS-safelisted, lower-case. */
  headers: string[];
}

/** The snippets, keyed by what they configure. */
export type Snippets = Record<'crossorigin/server' | 'cors' | 'nginx', string>;

/** The crossorigin/server config (a `CorsPolicyConfig`) that allows the shape. */
export interface PolicyConfigShape {
  origins: string[];
  credentials?: true;
  methods?: string[];
  requestHeaders?: string[];
}

const q = (s: string): string => `'${s.replace(/\\/g, '\\\\').replace(/'/g, "\\'")}'`;

/** The policy config for `p` (what the crossorigin/server snippet spells out). */
export function policyConfigFor(p: PolicyShape): PolicyConfigShape {
  return {
    origins: [p.origin],
    ...(p.credentials ? { credentials: true as const } : {}),
    ...(p.methods.length ? { methods: [...p.methods] } : {}),
    ...(p.headers.length ? { requestHeaders: [...p.headers] } : {}),
  };
}

/** A `createCorsPolicy` call allowing exactly `origins` (used by `scan` and by fixes). */
export function allowlistSnippet(origins: readonly string[], credentials: boolean): string {
  return [
    "import { createCorsPolicy } from 'crossorigin/server';",
    `const policy = createCorsPolicy({ origins: [${origins.map(q).join(', ')}]${credentials ? ', credentials: true' : ''} });`,
  ].join('\n');
}

function serverSnippet(p: PolicyShape): string {
  const co = [`  origins: [${q(p.origin)}],`];
  if (p.credentials) co.push('  credentials: true,');
  if (p.methods.length) co.push(`  methods: [${p.methods.map(q).join(', ')}],`);
  if (p.headers.length) co.push(`  requestHeaders: [${p.headers.map(q).join(', ')}],`);
  return [
    "import { corsMiddleware } from 'crossorigin/express'; // or /node, /fastify, /koa, /hono, /fetch",
    '',
    'app.use(corsMiddleware({',
    ...co,
    '}));',
  ].join('\n');
}

function corsPackageSnippet(p: PolicyShape): string {
  const cm = [`  origin: [${q(p.origin)}], // an allowlist: never \`true\`, which echoes any Origin`];
  if (p.credentials) cm.push('  credentials: true,');
  if (p.methods.length) cm.push(`  methods: [${['GET', 'HEAD', 'POST', ...p.methods].map(q).join(', ')}],`);
  if (p.headers.length) cm.push(`  allowedHeaders: [${p.headers.map(q).join(', ')}],`);
  return ["const cors = require('cors');", '', 'app.use(cors({', ...cm, '}));'].join('\n');
}

function nginxSnippet(p: PolicyShape): string {
  const common = [`add_header Access-Control-Allow-Origin "${p.origin}" always;`];
  if (p.credentials) common.push('add_header Access-Control-Allow-Credentials "true" always;');
  common.push('add_header Vary "Origin" always;');
  const pre = [
    ...common,
    `add_header Access-Control-Allow-Methods "${['GET', 'HEAD', 'POST', ...p.methods].join(', ')}" always;`,
  ];
  if (p.headers.length) pre.push(`add_header Access-Control-Allow-Headers "${p.headers.join(', ')}" always;`);
  pre.push('add_header Access-Control-Max-Age "7200" always;', 'return 204;');
  return [
    '# only for this one origin: for several, map $http_origin against a list, never echo it',
    'location / {',
    '    if ($request_method = OPTIONS) {',
    ...pre.map((l) => `        ${l}`),
    '    }',
    ...common.map((l) => `    ${l}`),
    '    # proxy_pass / root as before',
    '}',
  ].join('\n');
}

/** Snippets that allow the request `p` describes: crossorigin/server, the `cors` package, nginx. */
export function snippetsFor(p: PolicyShape): Snippets {
  return { 'crossorigin/server': serverSnippet(p), cors: corsPackageSnippet(p), nginx: nginxSnippet(p) };
}
