/**
 * The request `Origin` header, as a server receives it.
 *
 * Fetch Standard, `Origin` header: https://fetch.spec.whatwg.org/#origin-header
 *   Origin                        = origin-or-null
 *   origin-or-null                = origin / %s"null" ; case-sensitive
 *   origin                        = scheme "://" host [ ":" port ]
 * A browser always sends the ASCII serialization of an origin
 * (https://html.spec.whatwg.org/multipage/browsers.html#ascii-serialisation-of-an-origin), so this
 * parser accepts exactly that and refuses anything else with a typed reason, in time bounded by
 * {@link MAX_ORIGIN_HEADER_LENGTH}.
 */
import { type Origin, opaqueOrigin } from './origin.js';
import { parseSerializedTupleOrigin, scanOriginCharacters } from './serialized.js';

/** Longest `Origin` value accepted (UTF-16 code units). Checked before anything else is read. */
export const MAX_ORIGIN_HEADER_LENGTH = 2048;

export type OriginHeaderFailure =
  /** Header absent or empty. */
  | 'empty'
  /** Longer than MAX_ORIGIN_HEADER_LENGTH. */
  | 'too-long'
  /** Space or tab anywhere (including leading or trailing). */
  | 'whitespace'
  /** C0 control, DEL, or any other byte a serialized origin cannot hold. */
  | 'control-character'
  /** A comma: several values were combined into one header. */
  | 'multiple-values'
  /** Not parseable as a URL. */
  | 'not-a-url'
  /** A URL whose scheme has no tuple origin (not http, https, ws, wss, ftp). */
  | 'unsupported-scheme'
  /** `user:pass@`. */
  | 'has-userinfo'
  /** A path other than a single trailing slash. */
  | 'has-path'
  /** `https://example.com/`. */
  | 'trailing-slash'
  /** `?…` */
  | 'has-query'
  /** `#…` */
  | 'has-fragment'
  /** A valid origin not written in its serialization: upper case, explicit default port, Unicode
   * host instead of punycode, non-canonical IP address or port. `detail` names the serialized form. */
  | 'not-serialized';

export type OriginHeaderResult =
  | { ok: true; origin: Origin; serialized: string }
  | { ok: false; reason: OriginHeaderFailure; detail: string };

/**
 * Parses a request's `Origin` header value. Never throws.
 *
 * - a serialized tuple origin → `{ ok: true, origin, serialized }` (serialized === value)
 * - `null` → `{ ok: true, origin: <a new opaque origin>, serialized: 'null' }`
 * - anything else → `{ ok: false, reason, detail }`
 *
 * @example
 * parseOriginHeader('https://app.example.com')  // { ok: true, origin: { type: 'tuple', … }, serialized: 'https://app.example.com' }
 * parseOriginHeader('https://app.example.com/') // { ok: false, reason: 'trailing-slash', … }
 */
export function parseOriginHeader(value: string | null | undefined): OriginHeaderResult {
  // 1. Absent or empty.
  if (typeof value !== 'string' || value.length === 0) {
    return { ok: false, reason: 'empty', detail: 'no Origin header value' };
  }
  // 2. Length first, so that every later step is bounded.
  if (value.length > MAX_ORIGIN_HEADER_LENGTH) {
    return {
      ok: false,
      reason: 'too-long',
      detail: `Origin is ${value.length} characters; at most ${MAX_ORIGIN_HEADER_LENGTH} are accepted`,
    };
  }
  // 3. Characters a serialized origin can never hold.
  const bad = scanOriginCharacters(value);
  if (bad !== undefined) return bad;
  // 4. origin-or-null: the opaque origin.
  if (value === 'null') return { ok: true, origin: opaqueOrigin(), serialized: 'null' };
  // 5. A serialized tuple origin, exactly.
  const r = parseSerializedTupleOrigin(value);
  if (r.ok) return { ok: true, origin: r.origin, serialized: value };
  const reason: OriginHeaderFailure =
    r.problem === 'uppercase' || r.problem === 'default-port' || r.problem === 'not-canonical'
      ? 'not-serialized'
      : r.problem;
  return { ok: false, reason, detail: r.detail };
}
