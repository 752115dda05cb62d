/**
 * HTTP-redirect fetch: what happens to a request when a response redirects it.
 * https://fetch.spec.whatwg.org/#http-redirect-fetch
 */
import { errorDetails } from './classify.js';
import { getHeader } from './cors-check.js';
import { type CorsError, makeCorsError } from './errors/index.js';
import type { BrowserProfile } from './profiles.js';
import { hasRedirectTaintedOrigin, responseTainting } from './request.js';
import type { NormalizedRequest, ResponseView } from './types.js';

/** A redirect status: 301, 302, 303, 307 or 308. https://fetch.spec.whatwg.org/#redirect-status */
export function isRedirectStatus(status: number): boolean {
  return status === 301 || status === 302 || status === 303 || status === 307 || status === 308;
}

/** Request-body-header names, removed when a redirect turns the request into a GET. */
const REQUEST_BODY_HEADERS: ReadonlySet<string> = new Set([
  'content-encoding',
  'content-language',
  'content-location',
  'content-type',
]);

export type RedirectStep =
  /** Not a redirect (no Location): the response is the answer. */
  | { kind: 'not-redirect' }
  /** redirect mode `manual`: an opaque-redirect filtered response. */
  | { kind: 'opaque-redirect' }
  /** Follow: the next request, and what changed. */
  | {
      kind: 'follow';
      request: NormalizedRequest;
      location: URL;
      methodChanged: boolean;
      authorizationDropped: boolean;
      /** The Origin the next request carries became `null`. */
      tainted: boolean;
    }
  | { kind: 'error'; error: CorsError };

const NOT_REDIRECT: RedirectStep = Object.freeze({ kind: 'not-redirect' });

/**
 * Decides the redirect step for a response that has already passed the CORS check (when one
 * applies). Never throws.
 */
export function redirectStep(
  req: NormalizedRequest,
  response: ResponseView,
  profile: BrowserProfile,
  redirectCount: number,
): RedirectStep {
  if (!isRedirectStatus(response.status)) return NOT_REDIRECT;
  // Location URL: parse the `Location` value relative to the current URL. Null -> not a redirect.
  const raw = getHeader(response.headers, 'location');
  if (raw === null) return NOT_REDIRECT;
  const fail = (kind: Parameters<typeof errorDetails>[1], hint?: string): RedirectStep => ({
    kind: 'error',
    error: makeCorsError(
      errorDetails(req, kind, { status: response.status, ...(hint === undefined ? {} : { hint }) }),
      profile.name,
    ),
  });
  const location = URL.parse(raw, req.url);
  // chromium: a Location with credentials is refused before the redirect mode is looked at.
  if (profile.redirectCredentialsBeforeMode && location !== null && req.redirect !== 'manual') {
    const refused = credentialsRefusal(req, location);
    if (refused) return fail('redirect-contains-credentials', '');
  }
  // http fetch 6: switch on request's redirect mode.
  if (req.redirect === 'error') return fail('redirect-mode-error');
  if (req.redirect === 'manual') return { kind: 'opaque-redirect' };
  // 3. If locationURL is failure, return a network error.
  if (location === null) return fail('invalid-redirect-location', raw);
  // 5. If locationURL's scheme is not an HTTP(S) scheme, then return a network error.
  if (location.protocol !== 'http:' && location.protocol !== 'https:') {
    return fail('redirect-to-non-http-scheme', location.href);
  }
  // 6. If request's redirect count is 20, then return a network error. 7. Increase it by 1.
  if (redirectCount >= 20) return fail('too-many-redirects');
  // 8-9. Credentials in a cross-origin Location.
  if (credentialsRefusal(req, location)) return fail('redirect-contains-credentials', '');
  // chromium: a redirect to any URL with credentials fails (no console line), even same-origin or no-cors.
  if (profile.refusesRedirectToUrlWithCredentials && (location.username !== '' || location.password !== '')) {
    return fail('redirect-to-url-with-credentials', location.href);
  }
  // 10. If status is not 303, request's body is non-null and its source is null, network error.
  if (response.status !== 303 && req.body === 'stream') return fail('redirect-with-stream-body');
  // 12-13. The method, body and headers of the next request.
  const { method, headers, body, methodChanged, authorizationDropped } = nextRequestParts(
    req,
    response.status,
    location,
  );
  // 16. Append locationURL to request's URL list.
  const next: NormalizedRequest = {
    ...req,
    method,
    headers,
    body,
    url: location,
    urlList: [...req.urlList, location],
  };
  const before = hasRedirectTaintedOrigin(req);
  return {
    kind: 'follow',
    request: next,
    location,
    methodChanged,
    authorizationDropped,
    tainted: !before && hasRedirectTaintedOrigin(next),
  };
}

/**
 * HTTP-redirect fetch steps 12-13: a 301 or 302 to a POST, or a 303 to anything but GET or HEAD,
 * becomes a GET without body or request-body headers; a cross-origin hop drops `Authorization`.
 * https://fetch.spec.whatwg.org/#http-redirect-fetch
 */
function nextRequestParts(req: NormalizedRequest, status: number, location: URL) {
  // 12. If status is 301 or 302 and method is `POST`, or status is 303 and method is not GET or
  //     HEAD: method becomes `GET`, body null, request-body-header names removed.
  let method = req.method;
  let headers = req.headers;
  let body = req.body;
  let methodChanged = false;
  if (
    ((status === 301 || status === 302) && req.method === 'POST') ||
    (status === 303 && req.method !== 'GET' && req.method !== 'HEAD')
  ) {
    method = 'GET';
    body = 'none';
    headers = headers.filter(([n]) => !REQUEST_BODY_HEADERS.has(n));
    methodChanged = true;
  }
  // 13. If request's current URL's origin is not same origin with locationURL's origin, remove
  //     `Authorization` (and the other credential headers the transport adds).
  let authorizationDropped = false;
  if (req.url.origin !== location.origin && headers.some(([n]) => n === 'authorization')) {
    headers = headers.filter(([n]) => n !== 'authorization');
    authorizationDropped = true;
  }
  return { method, headers, body, methodChanged, authorizationDropped };
}

/**
 * HTTP-redirect fetch steps 8-9: if request's mode is "cors", locationURL includes credentials, and
 * request's origin is not same origin with locationURL's origin; or if request's response tainting
 * is "cors" and locationURL includes credentials: a network error.
 */
function credentialsRefusal(req: NormalizedRequest, location: URL): boolean {
  if (location.username === '' && location.password === '') return false;
  const crossToPage = req.originSerialized !== location.origin;
  return (req.mode === 'cors' && crossToPage) || responseTainting(req) === 'cors';
}
