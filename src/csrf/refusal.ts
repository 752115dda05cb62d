/**
 * The refusal response: 403 with one sentence saying why, as JSON or text by `Accept`, or what a
 * custom deny handler returns (checked: a handler can never make the guard emit an invalid header
 * or throw).
 */
import type { RequestView } from '../_http/index.js';
import type { CsrfDenyResponse, CsrfRefusalReason, CsrfRefused, CsrfRefusedInfo } from './types.js';

/** One sentence per reason. Fixed text: a refusal never echoes request data. */
export const REFUSAL_MESSAGES: Readonly<Record<CsrfRefusalReason, string>> = Object.freeze({
  'sec-fetch-site-cross-site':
    'Cross-site request refused: the browser marked it Sec-Fetch-Site: cross-site.',
  'sec-fetch-site-same-site':
    'Cross-origin request refused: the browser marked it Sec-Fetch-Site: same-site, and same-site requests are not trusted.',
  'sec-fetch-site-invalid': 'Request refused: the Sec-Fetch-Site header has an invalid value.',
  'origin-null': 'Cross-origin request refused: the Origin header is null (an opaque origin).',
  'origin-invalid': 'Cross-origin request refused: the Origin header is not a serialized origin.',
  'origin-mismatch': "Cross-origin request refused: the Origin header is not this application's origin.",
  'referer-invalid': 'Cross-origin request refused: the Referer header is not an http(s) URL.',
  'referer-mismatch':
    "Cross-origin request refused: the Referer header is not from this application's origin.",
  'origin-missing':
    'Request refused: neither Sec-Fetch-Site, Origin nor Referer says where this request comes from.',
  'own-origin-unknown':
    "Request refused: this server's own origin could not be determined from the Host or proxy headers.",
  'request-unreadable': 'Request refused: it could not be verified.',
});

const JSON_TYPE = 'application/json; charset=utf-8';
const TEXT_TYPE = 'text/plain; charset=utf-8';
const MAX_ACCEPT_LENGTH = 4096;
const MAX_ACCEPT_MEMBERS = 64;

/**
 * Whether the client prefers JSON to plain text (RFC 9110 §12.5.1), read in bounded time: JSON
 * when a range covering `application/json` (exactly, `application/*`, or a `+json` suffix type)
 * has a q-value above zero and at least that of the best range covering `text/plain`. `*\/*` alone,
 * or no Accept, gives text.
 * https://www.rfc-editor.org/rfc/rfc9110#field.accept
 */
export function prefersJson(accept: string | null): boolean {
  if (accept === null || accept.length === 0 || accept.length > MAX_ACCEPT_LENGTH) return false;
  let json = 0;
  let text = 0;
  const members = accept.split(',', MAX_ACCEPT_MEMBERS);
  for (const member of members) {
    const parts = member.split(';');
    const range = parts[0]!.trim().toLowerCase();
    let q = 1;
    for (let k = 1; k < parts.length; k++) {
      const p = parts[k]!.trim().toLowerCase();
      if (p.startsWith('q=')) {
        const v = Number(p.slice(2));
        q = Number.isFinite(v) && v >= 0 && v <= 1 ? v : 0;
      }
    }
    if (range === 'application/json' || range === 'application/*' || range.endsWith('+json')) {
      json = Math.max(json, q);
    } else if (range === 'text/plain' || range === 'text/*' || range === '*/*') {
      text = Math.max(text, q);
    }
  }
  return json > 0 && json >= text;
}

/** Response headers of every refusal: never stored by a cache. */
const REFUSAL_HEADERS: readonly (readonly [string, string])[] = Object.freeze([
  Object.freeze(['cache-control', 'no-store'] as const),
]);

/**
 * `Vary` of a refusal: the headers whose values decided it. A refusal only ever answers an unsafe
 * method (never reused by a cache, and `no-store` besides), so this is for correctness of the
 * record, not for caches; allowed requests add nothing (see docs/csrf.md, "Vary").
 */
export function refusalVary(refererRead: boolean, byAccept: boolean): readonly string[] {
  if (refererRead) return byAccept ? VARY_REFERER_ACCEPT : VARY_REFERER;
  return byAccept ? VARY_ACCEPT : VARY;
}
const VARY = Object.freeze(['Sec-Fetch-Site', 'Origin']);
const VARY_ACCEPT = Object.freeze(['Sec-Fetch-Site', 'Origin', 'Accept']);
const VARY_REFERER = Object.freeze(['Sec-Fetch-Site', 'Origin', 'Referer']);
const VARY_REFERER_ACCEPT = Object.freeze(['Sec-Fetch-Site', 'Origin', 'Referer', 'Accept']);

/** The default refusal: 403, JSON or text by Accept. */
export function defaultRefusal(
  reason: CsrfRefusalReason,
  accept: string | null,
  refererRead: boolean,
): CsrfRefused {
  const message = REFUSAL_MESSAGES[reason];
  const json = prefersJson(accept);
  return {
    allowed: false,
    reason,
    message,
    end: true,
    status: 403,
    body: json ? `${JSON.stringify({ error: 'csrf', reason, message })}\n` : `Forbidden. ${message}\n`,
    contentType: json ? JSON_TYPE : TEXT_TYPE,
    headers: REFUSAL_HEADERS,
    vary: refusalVary(refererRead, true),
  };
}

const TOKEN = /^[!#$%&'*+\-.^_`|~0-9A-Za-z]+$/;
/** A field value: visible ASCII, obs-text, SP and HTAB; no CR, LF, NUL or other controls. */
const FIELD_VALUE = /^[\t\x20-\x7e\x80-\xff]*$/;
const MAX_DENY_BODY = 64 * 1024;

function isValidHeader(h: unknown): h is readonly [string, string] {
  if (!Array.isArray(h) || h.length !== 2) return false;
  const [name, value] = h as unknown[];
  return (
    typeof name === 'string' &&
    TOKEN.test(name) &&
    typeof value === 'string' &&
    value.length <= 8192 &&
    FIELD_VALUE.test(value) &&
    value === value.trim()
  );
}

/**
 * Runs a custom deny handler and checks what it returns; falls back to `fallback` (the default
 * refusal) when the handler throws or returns anything invalid.
 */
export function customRefusal(
  deny: (refusal: CsrfRefusedInfo, request: RequestView) => CsrfDenyResponse,
  fallback: CsrfRefused,
  request: RequestView,
  refererRead: boolean,
): CsrfRefused {
  let r: CsrfDenyResponse;
  try {
    r = deny({ reason: fallback.reason, message: fallback.message }, request);
  } catch {
    return fallback;
  }
  if (typeof r !== 'object' || r === null) return fallback;
  const status = r.status ?? 403;
  if (!Number.isInteger(status) || status < 400 || status > 599) return fallback;
  if (r.body !== undefined && (typeof r.body !== 'string' || r.body.length > MAX_DENY_BODY)) return fallback;
  if (
    r.contentType !== undefined &&
    (typeof r.contentType !== 'string' || !isValidHeader(['content-type', r.contentType]))
  )
    return fallback;
  const extra = r.headers ?? [];
  if (!Array.isArray(extra) || extra.length > 32 || !extra.every(isValidHeader)) return fallback;
  // A `Vary` from the handler is merged into `vary` (adapters merge it; a header would clobber).
  const headers: (readonly [string, string])[] = [...REFUSAL_HEADERS];
  const handlerVary: string[] = [];
  for (const [n, v] of extra) {
    const name = n.toLowerCase();
    if (name !== 'vary') headers.push([name, v]);
    else for (const part of v.split(',')) if (TOKEN.test(part.trim())) handlerVary.push(part.trim());
  }
  const ownBody = r.body !== undefined;
  return {
    allowed: false,
    reason: fallback.reason,
    message: fallback.message,
    end: true,
    status,
    body: ownBody ? r.body! : fallback.body,
    contentType: r.contentType ?? (ownBody ? TEXT_TYPE : fallback.contentType),
    headers,
    // The handler's body does not depend on Accept unless it chose to use ours.
    vary:
      handlerVary.length === 0
        ? refusalVary(refererRead, !ownBody)
        : [...refusalVary(refererRead, !ownBody), ...handlerVary],
  };
}
