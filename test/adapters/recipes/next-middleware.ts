// middleware.ts: CORS for every /api route in Next.js middleware, through crossorigin/fetch.
// A preflight is answered here; any other request continues (NextResponse.next()) with the CORS
// headers, which Next copies onto the route's response.
import { type NextRequest, NextResponse } from 'next/server.js';
import { withCors } from '../../../src/adapters/fetch.js';

const cors = withCors({ origins: ['https://app.example'], credentials: true, methods: ['PUT'] }, () =>
  NextResponse.next(),
);

export function middleware(request: NextRequest): Response | Promise<Response> {
  return cors(request);
}

export const config = { matcher: '/api/:path*' };
