/**
 * The CSRF guard: refuses unsafe cross-origin requests from browsers, by Fetch Metadata first and
 * the `Origin` (or `Referer`) header second, without tokens.
 *
 * - Fetch Metadata, `Sec-Fetch-Site`: https://w3c.github.io/webappsec-fetch-metadata/#sec-fetch-site-header
 * - Fetch, "append a request `Origin` header": https://fetch.spec.whatwg.org/#append-a-request-origin-header
 * - RFC 9110 safe methods: https://www.rfc-editor.org/rfc/rfc9110#section-9.2.1
 * - Go 1.25 `net/http.CrossOriginProtection` (the model) and the OWASP CSRF Prevention Cheat Sheet
 *   (the Referer fallback); where this guard differs from each is written in docs/csrf.md.
 */
import type { RequestView } from '../_http/index.js';
import { isSameSite, parseOrigin, parseOriginHeader } from '../origin/index.js';
import { ALLOW, compareClaim, exemptOrRefuse, read, requestOwnOrigin } from './_decide.js';
import type { OwnOrigin } from './host.js';
import { type CompiledCsrfOptions, compileCsrfOptions } from './options.js';
import { defaultRefusal } from './refusal.js';
import type { CsrfAllowed, CsrfGuard, CsrfGuardOptions, CsrfRefused } from './types.js';
import { checkUpgradeRequest, isWebSocketUpgrade } from './upgrade.js';

/** Longest `Referer` read; a longer one is refused as invalid. */
export const MAX_REFERER_LENGTH = 8192;

/**
 * Creates a guard. Validates `options` once and throws a `CsrfOptionsError` listing every problem;
 * the guard's `check` then never throws.
 *
 * @example
 * ```ts
 * import { createCsrfGuard } from 'crossorigin/csrf';
 *
 * const guard = createCsrfGuard({ origin: 'https://app.example' });
 * const d = guard.check({ method: 'POST', header: (n) => req.headers[n] ?? null, url: req.url });
 * if (!d.allowed) { res.writeHead(d.status, { 'content-type': d.contentType }).end(d.body); }
 * ```
 */
export function createCsrfGuard(options?: CsrfGuardOptions): CsrfGuard {
  const c = compileCsrfOptions(options);
  const check = (request: RequestView): CsrfAllowed | CsrfRefused => {
    try {
      return checkRequest(c, request);
    } catch {
      // A header getter or a method that throws: refuse rather than guess (fixed text, no Accept).
      return defaultRefusal('request-unreadable', null, false);
    }
  };
  const checkUpgrade = (request: RequestView): CsrfAllowed | CsrfRefused => {
    try {
      return checkUpgradeRequest(c, request);
    } catch {
      return defaultRefusal('request-unreadable', null, false);
    }
  };
  return Object.freeze({ check, handle: check, checkUpgrade });
}

/**
 * Decides one request.
 */
function checkRequest(c: CompiledCsrfOptions, request: RequestView): CsrfAllowed | CsrfRefused {
  // 1. Safe methods (RFC 9110 §9.2.1) are never refused. Methods are case-sensitive: `get` is not
  //    GET and is checked like any unsafe method (browsers normalize only the standard names).
  //    A WebSocket handshake is a GET that opens a two-way channel: its Origin decides (upgrade.ts).
  const method = request.method;
  if (method === 'GET')
    return isWebSocketUpgrade(request) ? checkUpgradeRequest(c, request) : ALLOW['safe-method'];
  if (method === 'HEAD' || method === 'OPTIONS') return ALLOW['safe-method'];

  // 2. Sec-Fetch-Site, when the browser sent it, decides.
  const site = read(request, 'sec-fetch-site');
  if (site !== null) {
    // 2.1. same-origin, or none (a navigation the user started: address bar, bookmark).
    if (site === 'same-origin') return ALLOW['sec-fetch-site-same-origin'];
    if (site === 'none') return ALLOW['sec-fetch-site-none'];
    // 2.2. same-site: with sameSite 'allow', accepted when Origin proves the same schemeful site
    //      (the header alone does not say whether the scheme matched).
    if (site === 'same-site') {
      if (c.sameSite && originIsSameSite(c, request)) return ALLOW['same-site-allowed'];
      return exemptOrRefuse(c, request, 'sec-fetch-site-same-site', originHeaderClaim(request), false);
    }
    // 2.3. cross-site, or a value the Fetch Metadata spec does not define.
    const reason = site === 'cross-site' ? 'sec-fetch-site-cross-site' : 'sec-fetch-site-invalid';
    return exemptOrRefuse(c, request, reason, originHeaderClaim(request), false);
  }

  // 3. No Sec-Fetch-Site (an older browser, or not a browser): the Origin header.
  const originValue = read(request, 'origin');
  if (originValue !== null) {
    // 3.1. `null`: an opaque origin (sandboxed iframe, data: URL, after a cross-origin redirect).
    if (originValue === 'null') return exemptOrRefuse(c, request, 'origin-null', undefined, false);
    // 3.2. Not a serialized origin: refused.
    const parsed = parseOriginHeader(originValue);
    if (!parsed.ok || parsed.origin.type !== 'tuple') {
      return exemptOrRefuse(c, request, 'origin-invalid', undefined, false);
    }
    // 3.3. It must be the request's own origin (configured, or scheme + Host).
    return compareClaim(
      c,
      request,
      parsed.serialized,
      parsed.origin,
      'origin-match',
      'origin-mismatch',
      false,
    );
  }

  // 4. No Origin. Without the Referer check: allowed (strict: refused).
  const refererValue = c.referer ? read(request, 'referer') : null;
  if (refererValue === null) {
    return c.strict ? exemptOrRefuse(c, request, 'origin-missing', undefined, c.referer) : ALLOW['no-origin'];
  }
  // 5. The Referer's origin must be the request's own origin.
  const ref = refererOrigin(refererValue);
  if (ref === undefined) return exemptOrRefuse(c, request, 'referer-invalid', undefined, true);
  return compareClaim(c, request, ref.serialized, ref.origin, 'referer-match', 'referer-mismatch', true);
}

/** The origin of a Referer value, when it is an http(s) URL of bounded length. */
function refererOrigin(value: string): OwnOrigin | undefined {
  // A serialized URL holds no whitespace: a space means two Referer lines joined with ", " (a
  // repeated Referer is refused, as a repeated Host is) or a value no browser sends.
  if (value.length > MAX_REFERER_LENGTH || /\s/.test(value)) return undefined;
  const url = URL.parse(value);
  if (url === null || (url.protocol !== 'http:' && url.protocol !== 'https:')) return undefined;
  const origin = parseOrigin(url);
  if (origin.type !== 'tuple') return undefined;
  const port = origin.port === null ? '' : `:${origin.port}`;
  return { origin, serialized: `${origin.scheme}://${origin.host}${port}` };
}

/** The Origin header as a trusted-origin candidate: its value when it is a serialized tuple origin. */
function originHeaderClaim(request: RequestView): string | undefined {
  const v = read(request, 'origin');
  if (v === null || v === 'null') return undefined;
  const p = parseOriginHeader(v);
  return p.ok && p.origin.type === 'tuple' ? p.serialized : undefined;
}

/** With `Sec-Fetch-Site: same-site`: whether Origin is of the same schemeful site as this application. */
function originIsSameSite(c: CompiledCsrfOptions, request: RequestView): boolean {
  const v = read(request, 'origin');
  if (v === null) return false;
  const p = parseOriginHeader(v);
  if (!p.ok || p.origin.type !== 'tuple') return false;
  const origin = p.origin;
  if (c.own !== undefined) return c.own.some((o) => isSameSite(origin, o.origin));
  const own = requestOwnOrigin(c, request);
  return own !== undefined && isSameSite(origin, own.origin);
}
