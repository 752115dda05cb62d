/**
 * Cookies in HTTP-network-or-cache fetch: which request includes credentials, the `Cookie` header
 * from the jar, and storing `Set-Cookie` lines, with the profile's third-party and SameSite rules.
 * https://fetch.spec.whatwg.org/#http-network-or-cache-fetch (steps 8.14, 8.17; HTTP-network fetch 15)
 */
import { isSameSite, parseOrigin } from '../../origin/index.js';
import type { NormalizedRequest, ResponseTainting } from '../types.js';
import type { FetchContext } from './context.js';

/**
 * Whether the request includes credentials: credentials mode "include", or "same-origin" with
 * response tainting "basic".
 * https://fetch.spec.whatwg.org/#http-network-or-cache-fetch (step 8.2)
 */
export function includesCredentials(req: NormalizedRequest, tainting: ResponseTainting): boolean {
  return req.credentials === 'include' || (req.credentials === 'same-origin' && tainting === 'basic');
}

function cookieContext(ctx: FetchContext, req: NormalizedRequest): 'strict' | 'none' {
  return isSameSite(parseOrigin(req.url), parseOrigin(ctx.origin)) ? 'strict' : 'none';
}

/** The `Cookie` header for the request, or null (no jar, third-party cookies off, none sendable). */
export async function cookieHeader(ctx: FetchContext, req: NormalizedRequest): Promise<string | null> {
  if (!ctx.jar) return null;
  const context = cookieContext(ctx, req);
  if (context === 'none' && !ctx.thirdPartyCookies) return null;
  const cookies = await ctx.jar.getCookies(req.url.href, { sameSiteContext: context, http: true });
  const laxByDefault = context === 'none' && ctx.profile.cookieDefaultSameSite === 'lax';
  // chromium: a cookie without SameSite is Lax, so it is not sent on a cross-site subresource request.
  const sendable = laxByDefault
    ? cookies.filter((c) => c.sameSite !== undefined && c.sameSite !== null)
    : cookies;
  return sendable.length === 0 ? null : sendable.map((c) => c.cookieString()).join('; ');
}

/** Stores the response's `Set-Cookie` lines in the jar, as the profile would. */
export async function storeCookies(
  ctx: FetchContext,
  req: NormalizedRequest,
  headers: [string, string][],
): Promise<void> {
  if (!ctx.jar) return;
  const context = cookieContext(ctx, req);
  if (context === 'none' && !ctx.thirdPartyCookies) return;
  for (const [n, v] of headers) {
    if (n !== 'set-cookie') continue;
    // chromium: SameSite=None without Secure is rejected.
    if (
      ctx.profile.cookieDefaultSameSite === 'lax' &&
      /;\s*samesite\s*=\s*none/i.test(v) &&
      !/;\s*secure\b/i.test(v)
    )
      continue;
    await ctx.jar.setCookie(v, req.url.href, { sameSiteContext: context, ignoreError: true, http: true });
  }
}
