// app/api/items/route.ts: a Next.js route handler through crossorigin/fetch. Preflights are
// answered by withCors without reaching the handler; export OPTIONS so Next routes them to it.
import { NextResponse } from 'next/server.js';
import { withCors } from '../../../src/adapters/fetch.js';
import { createCorsPolicy } from '../../../src/server/index.js';

const policy = createCorsPolicy({ origins: ['https://app.example'], credentials: true, methods: ['PUT'] });

export const GET = withCors(policy, async () => NextResponse.json({ items: ['a'] }));
export const PUT = withCors(policy, async (request: Request) =>
  NextResponse.json({ saved: await request.text() }),
);
export const OPTIONS = withCors(policy, async () => new NextResponse(null, { status: 204 }));
