/**
 * `crossorigin` has no main entry: everything is imported from a subpath. Importing (or requiring)
 * the bare name fails with this list, rather than Node's "No exports main defined".
 */

/** The package's subpaths and what each one is. */
export const SUBPATHS: Readonly<Record<string, string>> = Object.freeze({
  'crossorigin/origin': 'origins: parse, serialize, same-origin, same-site, origin patterns',
  'crossorigin/browser': "the browser's side: the Fetch Standard's CORS algorithm, createBrowserFetch()",
  'crossorigin/server': 'a validated CORS policy and a pure decide()',
  'crossorigin/csrf': 'the cross-origin request forgery guard',
  'crossorigin/node': 'CORS and CSRF for node:http',
  'crossorigin/express': 'CORS and CSRF for Express, and cors(), the drop-in for the cors package',
  'crossorigin/fastify': 'CORS and CSRF plugins for Fastify',
  'crossorigin/koa': 'CORS and CSRF for Koa',
  'crossorigin/hono': 'CORS and CSRF for Hono',
  'crossorigin/fetch': 'CORS and CSRF around Fetch handlers (Workers, Deno, Bun, Next.js route handlers)',
  'crossorigin/proxy': 'a CORS / dev reverse proxy that is safe to expose',
  'crossorigin/scan': 'a CORS misconfiguration scanner',
});

const list = Object.entries(SUBPATHS)
  .map(([name, what]) => `  ${name}: ${what}`)
  .join('\n');

throw new Error(
  `The package "crossorigin" has no main entry: import one of its subpaths, for example\n  import { cors } from 'crossorigin/express';\nSubpaths:\n${list}`,
);
