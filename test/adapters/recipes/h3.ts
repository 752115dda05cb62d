// server.ts: an H3 (v2) app, and so a Nitro v3 server, behind crossorigin/fetch. H3 v2 speaks
// Request/Response: wrap its fetch, and serve that.
import { H3 } from 'h3';
import { withCors } from '../../../src/adapters/fetch.js';

const app = new H3()
  .get('/items', () => ({ items: ['a'] }))
  .put('/items', async (event) => ({ saved: await event.req.text() }));

export const fetchWithCors = withCors(
  { origins: ['https://app.example'], credentials: true, methods: ['PUT'] },
  (request: Request) => app.fetch(request),
);
// serve({ fetch: fetchWithCors }) from 'h3' (or srvx) starts it on Node, Deno or Bun.
