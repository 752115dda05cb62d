/**
 * Which response headers script can read: the CORS-filtered response.
 * https://fetch.spec.whatwg.org/#concept-filtered-response-cors
 */
import {
  byteLowercase,
  extractHeaderListValues,
  isCorsSafelistedResponseHeaderName,
  isForbiddenResponseHeaderName,
} from '../_fetch/index.js';
import { headerLines } from './cors-check.js';
import { responseTainting, toNormalizedRequest } from './request.js';
import type { BrowserRequest, NormalizedRequest, ResponseView } from './types.js';

/**
 * The names (lower-case, sorted, unique) of the response's headers that script can read for this
 * request: every header for a same-origin response (except `Set-Cookie`), none for an opaque one,
 * and for a CORS response the CORS-safelisted response headers plus `Access-Control-Expose-Headers`
 * (where `*` means all, but only without credentials). An invalid request reads nothing.
 * https://fetch.spec.whatwg.org/#main-fetch (step 14)
 */
export function exposedHeaderNames(
  request: BrowserRequest | NormalizedRequest,
  response: ResponseView,
): string[] {
  const n = toNormalizedRequest(request);
  if (!n.ok) return [];
  const req = n.request;
  const headers = response.headers;
  const tainting = responseTainting(req);
  const present = new Set<string>();
  for (const [n] of headers) present.add(byteLowercase(n));
  let readable: string[];
  if (tainting === 'opaque') {
    readable = [];
  } else if (tainting === 'basic') {
    // A basic filtered response: every header except forbidden response-header names.
    readable = [...present].filter((n) => !isForbiddenResponseHeaderName(n));
  } else {
    // main fetch 14.1: headerNames = extracting header list values given `Access-Control-Expose-Headers`.
    const parsed = extractHeaderListValues(
      headerLines(headers, 'access-control-expose-headers'),
      'field-name',
    );
    const list = parsed?.ok ? parsed.values : [];
    // 14.2: if credentials mode is not "include" and headerNames contains `*`, every header is exposed.
    if (req.credentials !== 'include' && list.includes('*')) {
      readable = [...present].filter((n) => !isForbiddenResponseHeaderName(n));
    } else {
      // 14.3: otherwise the CORS-safelisted response-header names given headerNames.
      readable = [...present].filter((n) => isCorsSafelistedResponseHeaderName(n, list));
    }
  }
  return readable.sort();
}
