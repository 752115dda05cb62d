/**
 * The fetch adapter as the runtimes (workerd, Deno, Bun) run it for the shared suite: one handler
 * per setup, built on first use inside the runtime from the JSON setups the bundler inlines. The
 * request picks its setup with the `x-suite-setup` header (an index; cores ignore that header) or,
 * from a browser (where a custom header would change the CORS exchange), the `suite-setup` query
 * parameter.
 */
import { withCors, withCsrf } from '../../../src/adapters/fetch.js';
import { fetchApp } from '../app.js';
import { buildCore, type Setup } from '../setups.js';

declare const __SETUPS__: Setup[];

type Handler = (request: Request) => Response | Promise<Response>;
const handlers = new Map<number, Handler>();
const quiet = { onError: () => {} };

function handlerFor(index: number): Handler | undefined {
  let h = handlers.get(index);
  if (h) return h;
  const setup = __SETUPS__[index];
  if (!setup) return undefined;
  const core = buildCore(setup);
  h =
    setup.kind === 'cors'
      ? withCors(core as Parameters<typeof withCors>[0], fetchApp, quiet)
      : withCsrf(core as Parameters<typeof withCsrf>[0], fetchApp, quiet);
  handlers.set(index, h);
  return h;
}

export async function dispatch(request: Request): Promise<Response> {
  const index = request.headers.get('x-suite-setup') ?? new URL(request.url).searchParams.get('suite-setup');
  const h = index === null ? undefined : handlerFor(Number(index));
  if (!h) return new Response('unknown setup', { status: 404, headers: { 'x-suite': 'no-setup' } });
  return h(request);
}
