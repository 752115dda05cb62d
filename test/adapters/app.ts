/**
 * The application every adapter test server runs, the same behaviour in every framework, chosen by
 * the request path:
 * - `/vary-after…`: the handler sets `Vary: Accept-Encoding` after the middleware ran;
 * - `/vary-before…`: a middleware registered before ours sets `Vary: Accept-Encoding`;
 * - `/vary-writehead…` (node:http and Express): `res.writeHead(200, { vary: 'Accept-Encoding' })`;
 * - anything else: 200.
 * Every application answer carries `x-app: reached` and the body `app:<METHOD>` (none for HEAD).
 */
export const APP_MARK = 'x-app';
export const APP_VARY = 'Accept-Encoding';

export function appBody(method: string): string {
  return `app:${method}`;
}

/** Whether the app sets Vary itself (in the handler) for this path. */
export function varyAfter(path: string): boolean {
  return path.startsWith('/vary-after');
}
export function varyBefore(path: string): boolean {
  return path.startsWith('/vary-before');
}
export function varyWriteHead(path: string): boolean {
  return path.startsWith('/vary-writehead');
}

/** The application as a Fetch handler (fetch adapter, workerd, Deno, Bun). */
export function fetchApp(request: Request): Response {
  const path = new URL(request.url).pathname;
  const headers = new Headers({ 'content-type': 'text/plain; charset=utf-8', [APP_MARK]: 'reached' });
  if (varyAfter(path) || varyBefore(path) || varyWriteHead(path)) headers.set('vary', APP_VARY);
  return new Response(request.method === 'HEAD' ? null : appBody(request.method), { status: 200, headers });
}
