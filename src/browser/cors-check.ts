/**
 * The CORS check, and reading header lines from a raw response.
 * https://fetch.spec.whatwg.org/#concept-cors-check
 */
import { byteLowercase, normalizeHeaderValue } from '../_fetch/index.js';
import { errorDetails } from './classify.js';
import { type CorsError, type CorsErrorKind, makeCorsError, PREFLIGHT_TWIN } from './errors/index.js';
import type { BrowserProfile } from './profiles.js';
import { getProfile } from './releases.js';
import { serializeRequestOrigin, toNormalizedRequest } from './request.js';
import type { BrowserName, BrowserRequest, HeaderList, NormalizedRequest, ResponseView } from './types.js';

/**
 * Every value of the header `lowerName` (one per line), in order, with leading and trailing HTTP
 * whitespace removed as an HTTP parser removes it.
 */
export function headerLines(headers: HeaderList, lowerName: string): string[] {
  const out: string[] = [];
  for (const [n, v] of headers) {
    if (n.length === lowerName.length && byteLowercase(n) === lowerName) out.push(normalizeHeaderValue(v));
  }
  return out;
}

/** The header's combined value (lines joined with ", "), or null: the Fetch "get" of a header list. */
export function getHeader(headers: HeaderList, lowerName: string): string | null {
  const lines = headerLines(headers, lowerName);
  return lines.length === 0 ? null : lines.join(', ');
}

function fail(
  req: NormalizedRequest,
  kind: CorsErrorKind,
  preflight: boolean,
  profile: BrowserProfile,
  extra: { hint?: string; status?: number; allowOriginLines?: number },
): CorsError {
  const k = preflight ? (PREFLIGHT_TWIN[kind] ?? kind) : kind;
  return makeCorsError(errorDetails(req, k, extra), profile.name);
}

/**
 * Why an `Access-Control-Allow-Origin` value that is not the origin is refused, as the profile
 * reports it. Chromium: a space or comma means several values; `null` is a mismatch; a value that
 * does not parse as a URL is invalid; anything else is a mismatch (cors.cc CheckAccess). Firefox:
 * several header lines are "multiple", anything else "does not match".
 */
function allowOriginFailure(value: string, lines: number, profile: BrowserProfile): CorsErrorKind {
  if (profile.allowOriginDiagnostics === 'firefox') {
    return lines > 1 ? 'multiple-allow-origin-values' : 'allow-origin-mismatch';
  }
  if (value.includes(' ') || value.includes(',')) return 'multiple-allow-origin-values';
  if (value === 'null') return 'allow-origin-mismatch';
  if (!URL.canParse(value)) return 'invalid-allow-origin-value';
  return 'allow-origin-mismatch';
}

/**
 * The error for a request the page could not even construct (an invalid URL, method or header):
 * `new Request()` would throw, which the browser reports as a network error.
 */
export function invalidRequestError(
  request: BrowserRequest,
  problem: string,
  profile: BrowserProfile,
): CorsError {
  return makeCorsError(
    {
      kind: 'network-error',
      url: String(request?.url),
      initialUrl: String(request?.url),
      origin: String(request?.origin),
      requestOrigin: String(request?.origin),
      initiator: 'fetch',
      method: String(request?.method ?? 'GET'),
      credentials: 'same-origin',
      hint: problem,
    },
    profile.name,
  );
}

/**
 * The CORS check: does this response let the page read it? `null` means success; a failure is a
 * `CorsError` value. Never throws (an invalid request fails as a value too: see `classify`).
 * `preflight` reports a failure as the preflight's kind (the check of a preflight's answer).
 * https://fetch.spec.whatwg.org/#concept-cors-check
 *
 * @example
 * corsCheck({ origin: 'https://app.example', url: 'https://api.example/x' },
 *           { status: 200, headers: [['Access-Control-Allow-Origin', '*']] }) // null
 */
export function corsCheck(
  request: BrowserRequest | NormalizedRequest,
  response: ResponseView,
  browser: BrowserName | BrowserProfile = 'chromium',
  preflight = false,
): CorsError | null {
  const profile = getProfile(browser);
  const n = toNormalizedRequest(request, profile);
  if (!n.ok) return invalidRequestError(request as BrowserRequest, n.problem, profile);
  const req = n.request;
  const status = response.status;
  // 1. Let origin be the result of getting `Access-Control-Allow-Origin` from response's header list.
  const lines = headerLines(response.headers, 'access-control-allow-origin');
  // 2. If origin is null, then return failure.
  if (lines.length === 0) return fail(req, 'missing-allow-origin-header', preflight, profile, { status });
  // firefox: several header lines fail as "multiple" even when each is the right origin.
  if (profile.allowOriginDiagnostics === 'firefox' && lines.length > 1) {
    return fail(req, 'multiple-allow-origin-values', preflight, profile, {
      status,
      allowOriginLines: lines.length,
    });
  }
  const origin = lines.join(', ');
  const include = req.credentials === 'include';
  // 3. If request's credentials mode is not "include" and origin is `*`, then return success.
  if (origin === '*') {
    if (!include) return null;
    // (Step 4 fails below for `*` with credentials; Chromium reports it as its own kind.)
    return fail(req, 'wildcard-origin-not-allowed', preflight, profile, { status, hint: '*' });
  }
  // 4. If the result of byte-serializing a request origin with request is not origin, then return failure.
  // firefox: a preflight is checked against the Origin it sent (the page's, even after a taint).
  const expected =
    preflight && profile.preflightCheckOrigin === 'sent' ? req.originSerialized : serializeRequestOrigin(req);
  if (expected !== origin) {
    const kind = allowOriginFailure(origin, lines.length, profile);
    return fail(req, kind, preflight, profile, { status, hint: origin, allowOriginLines: lines.length });
  }
  // 5. If request's credentials mode is not "include", then return success.
  if (!include) return null;
  // 6. Let credentials be the result of getting `Access-Control-Allow-Credentials`.
  const credentials = getHeader(response.headers, 'access-control-allow-credentials');
  // 7. If credentials is `true`, then return success.
  if (credentials === 'true') return null;
  // 8. Return failure.
  return fail(req, 'invalid-allow-credentials', preflight, profile, { status, hint: credentials ?? '' });
}
