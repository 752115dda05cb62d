/**
 * @internal Reading a string that must be exactly the ASCII serialization of a tuple origin
 * (`scheme://host[:port]`, as `serializeOrigin` writes it). Shared by `parseOriginHeader`, origin
 * patterns and the matcher so that all three agree on what a serialized origin is.
 *
 * The definition is: a string S is a serialized tuple origin iff S parses as a URL (URL Standard)
 * whose origin is a tuple origin and serializeOrigin(that origin) === S.
 * {@link parseSerializedTupleOriginFast} decides the common shapes of that definition without
 * building a URL object (it never says yes where the definition says no; when unsure it says
 * `undefined`). {@link parseSerializedTupleOrigin} falls back to the definition itself and, on a
 * miss, explains why.
 */
import {
  DEFAULT_PORTS,
  parseOrigin,
  serializeOrigin,
  TUPLE_ORIGIN_SCHEMES,
  type TupleOrigin,
  tupleOrigin,
} from './origin.js';

export type SerializedOriginProblem =
  | 'not-a-url'
  | 'unsupported-scheme'
  | 'has-userinfo'
  | 'has-path'
  | 'trailing-slash'
  | 'has-query'
  | 'has-fragment'
  | 'uppercase'
  | 'default-port'
  | 'not-canonical';

export type SerializedOriginResult =
  | { ok: true; origin: TupleOrigin }
  | {
      ok: false;
      problem: SerializedOriginProblem;
      detail: string;
      /** The origin the value does denote, when it is a URL with a tuple origin. */
      canonical?: TupleOrigin;
    };

const SCHEME_PREFIXES: readonly (readonly [prefix: string, scheme: string])[] = [
  ['https://', 'https'],
  ['http://', 'http'],
  ['wss://', 'wss'],
  ['ws://', 'ws'],
  ['ftp://', 'ftp'],
];

const CH_DOT = 0x2e;
const CH_DASH = 0x2d;
const CH_COLON = 0x3a;
const CH_0 = 0x30;
const CH_9 = 0x39;
const CH_A = 0x61;
const CH_Z = 0x7a;

/** @internal Mutable parts filled in by the scanners below (reused: no allocation per call). */
export interface OriginParts {
  scheme: string;
  host: string;
  port: number | null;
}

/** Index just past `scheme://` for a tuple-origin scheme, or -1; sets `out.scheme`. */
function schemePrefix(value: string, out: OriginParts): number {
  for (let k = 0; k < SCHEME_PREFIXES.length; k++) {
    const entry = SCHEME_PREFIXES[k]!;
    if (value.startsWith(entry[0])) {
      out.scheme = entry[1];
      return entry[0].length;
    }
  }
  return -1;
}

/**
 * Fast path: recognises `scheme://host[:port]` where scheme is a tuple-origin scheme, host is
 * lower-case ASCII letters, digits and hyphens in non-empty dot-separated labels (no `xn--` label,
 * not ending in a number) or a canonical dotted-decimal IPv4 address, and port is canonical
 * decimal and not the default. Fills `out` and returns true; returns false for anything else
 * (including valid serialized origins of rarer shapes: IPv6, punycode, other host code points),
 * which the caller then checks with the URL parser.
 */
export function scanSerializedTupleOriginFast(value: string, out: OriginParts): boolean {
  let i = schemePrefix(value, out);
  if (i < 0) return false;
  const hostStart = i;
  const n = value.length;
  let labelStart = i;
  let lastLabelAllDigits = true;
  let dots = 0;
  for (; i < n; i++) {
    const c = value.charCodeAt(i);
    if (c === CH_DOT) {
      if (i === labelStart) return false; // empty label
      if (isXnLabel(value, labelStart, i)) return false;
      labelStart = i + 1;
      lastLabelAllDigits = true;
      dots++;
    } else if (c >= CH_0 && c <= CH_9) {
      // digit: label may still be all digits
    } else if ((c >= CH_A && c <= CH_Z) || c === CH_DASH) {
      lastLabelAllDigits = false;
    } else if (c === CH_COLON) {
      break;
    } else {
      return false;
    }
  }
  const hostEnd = i;
  if (hostEnd === labelStart) return false; // empty host, empty last label or trailing dot
  if (isXnLabel(value, labelStart, hostEnd)) return false;
  if (lastLabelAllDigits) {
    // The host "ends in a number": the URL parser reads it as IPv4. Accept only the canonical form.
    if (dots !== 3 || !isCanonicalDottedDecimal(value, hostStart, hostEnd)) return false;
  } else if (value.charCodeAt(labelStart) === CH_0 && value.charCodeAt(labelStart + 1) === 0x78 /* x */) {
    if (isHexTail(value, labelStart + 2, hostEnd)) return false; // 0x… last label: also IPv4 syntax
  }
  if (hostEnd === n) {
    out.host = value.slice(hostStart, hostEnd);
    out.port = null;
    return true;
  }
  // ":" port: canonical decimal (no sign, no leading zero except "0" itself), <= 65535, not the default.
  const port = canonicalPort(value, hostEnd + 1);
  if (port < 0 || port === DEFAULT_PORTS[out.scheme]) return false;
  out.host = value.slice(hostStart, hostEnd);
  out.port = port;
  return true;
}

/** Canonical decimal port from `start` to the end of `value` (1-5 digits, no leading zero unless "0", <= 65535), or -1. */
function canonicalPort(value: string, start: number): number {
  const n = value.length;
  const len = n - start;
  if (len < 1 || len > 5) return -1;
  if (len > 1 && value.charCodeAt(start) === CH_0) return -1;
  let port = 0;
  for (let j = start; j < n; j++) {
    const c = value.charCodeAt(j);
    if (c < CH_0 || c > CH_9) return -1;
    port = port * 10 + (c - CH_0);
  }
  return port > 65535 ? -1 : port;
}

/**
 * Splits `value` as `scheme://host[:port]` WITHOUT validating the host: the parts equal those of
 * the serialized origin when `value` is one, and are meaningless otherwise. The matcher uses it to
 * look a rare-shaped candidate up before paying for the URL parser; a hit is then validated.
 * Returns false when `value` cannot be a serialized tuple origin at all.
 */
export function splitSerializedOriginUnchecked(value: string, out: OriginParts): boolean {
  const hostStart = schemePrefix(value, out);
  if (hostStart < 0) return false;
  let hostEnd: number;
  if (value.charCodeAt(hostStart) === 0x5b /* [ */) {
    const close = value.indexOf(']', hostStart);
    if (close < 0) return false;
    hostEnd = close + 1;
  } else {
    hostEnd = value.indexOf(':', hostStart);
    if (hostEnd < 0) hostEnd = value.length;
  }
  if (hostEnd === hostStart) return false;
  out.host = value.slice(hostStart, hostEnd);
  if (hostEnd === value.length) {
    out.port = null;
    return true;
  }
  if (value.charCodeAt(hostEnd) !== CH_COLON) return false;
  const port = canonicalPort(value, hostEnd + 1);
  if (port < 0) return false;
  out.port = port;
  return true;
}

/**
 * The fast path as a value: a tuple origin when {@link scanSerializedTupleOriginFast} recognises
 * `value`, else `undefined` (which means "not decided", not "invalid").
 */
export function parseSerializedTupleOriginFast(value: string): TupleOrigin | undefined {
  const out: OriginParts = { scheme: '', host: '', port: null };
  return scanSerializedTupleOriginFast(value, out) ? tupleOrigin(out.scheme, out.host, out.port) : undefined;
}

function isXnLabel(s: string, start: number, end: number): boolean {
  return end - start >= 4 && s.startsWith('xn--', start);
}

function isHexTail(s: string, start: number, end: number): boolean {
  for (let j = start; j < end; j++) {
    const c = s.charCodeAt(j);
    if (!((c >= CH_0 && c <= CH_9) || (c >= CH_A && c <= 0x66))) return false;
  }
  return true;
}

function isCanonicalDottedDecimal(s: string, start: number, end: number): boolean {
  let parts = 0;
  let partStart = start;
  for (let i = start; i <= end; i++) {
    if (i < end && s.charCodeAt(i) !== CH_DOT) continue;
    const len = i - partStart;
    if (len === 0 || len > 3 || (len > 1 && s.charCodeAt(partStart) === CH_0)) return false;
    let n = 0;
    for (let j = partStart; j < i; j++) {
      const c = s.charCodeAt(j);
      if (c < CH_0 || c > CH_9) return false;
      n = n * 10 + (c - CH_0);
    }
    if (n > 255) return false;
    parts++;
    partStart = i + 1;
  }
  return parts === 4;
}

/**
 * Reads `value` as a serialized tuple origin; on failure says why. Callers bound the length and
 * reject whitespace, control characters and commas first.
 */
export function parseSerializedTupleOrigin(value: string): SerializedOriginResult {
  const fast = parseSerializedTupleOriginFast(value);
  if (fast !== undefined) return { ok: true, origin: fast };
  return diagnose(value);
}

function fail(
  problem: SerializedOriginProblem,
  detail: string,
  canonical?: TupleOrigin,
): SerializedOriginResult {
  return canonical === undefined ? { ok: false, problem, detail } : { ok: false, problem, detail, canonical };
}

/** The definition itself, by the URL parser (after the character scan). No explanation on failure. */
export function parseSerializedTupleOriginSlow(value: string): TupleOrigin | undefined {
  if (scanOriginCharacters(value) !== undefined) return undefined;
  const url = URL.parse(value);
  if (url === null || !TUPLE_ORIGIN_SCHEMES.has(url.protocol.slice(0, -1))) return undefined;
  const origin = parseOrigin(url) as TupleOrigin;
  return serializeOrigin(origin) === value ? origin : undefined;
}

function diagnose(value: string): SerializedOriginResult {
  const url = URL.parse(value);
  if (url === null) {
    return fail('not-a-url', 'not a URL; an origin is scheme://host[:port], e.g. https://example.com');
  }
  const scheme = url.protocol.slice(0, -1);
  if (!TUPLE_ORIGIN_SCHEMES.has(scheme)) {
    return fail(
      'unsupported-scheme',
      `scheme "${scheme}" has no tuple origin; expected one of http, https, ws, wss, ftp`,
    );
  }
  const origin = parseOrigin(url) as TupleOrigin;
  const serialized = serializeOrigin(origin);
  if (serialized === value) return { ok: true, origin };
  const head = value.slice(0, scheme.length + 3);
  if (head !== `${scheme}://`) {
    if (head.toLowerCase() === `${scheme}://`)
      return fail('uppercase', `the scheme must be lower-case: ${serialized}`, origin);
    return fail(
      'not-canonical',
      `expected "${scheme}://" followed by the host; the origin is ${serialized}`,
      origin,
    );
  }
  const rest = value.slice(head.length);
  let end = -1;
  for (let j = 0; j < rest.length; j++) {
    const c = rest[j];
    if (c === '/' || c === '\\' || c === '?' || c === '#') {
      end = j;
      break;
    }
  }
  const authority = end === -1 ? rest : rest.slice(0, end);
  if (authority.includes('@'))
    return fail(
      'has-userinfo',
      `an origin has no user name or password; the origin is ${serialized}`,
      origin,
    );
  if (end !== -1) {
    const c = rest[end];
    if (c === '?') return fail('has-query', `an origin has no query; the origin is ${serialized}`, origin);
    if (c === '#')
      return fail('has-fragment', `an origin has no fragment; the origin is ${serialized}`, origin);
    if (c === '/' && end === rest.length - 1)
      return fail('trailing-slash', `remove the trailing slash: ${serialized}`, origin);
    return fail('has-path', `an origin has no path; the origin is ${serialized}`, origin);
  }
  // The authority alone is not in canonical form. Explicit default port?
  const portSep = authority.lastIndexOf(':');
  if (portSep !== -1 && portSep > authority.lastIndexOf(']')) {
    const portText = authority.slice(portSep + 1);
    if (portText !== '' && origin.port === null && Number(portText) === DEFAULT_PORTS[scheme]) {
      return fail(
        'default-port',
        `omit the default port ${DEFAULT_PORTS[scheme]} of ${scheme}: ${serialized}`,
        origin,
      );
    }
  }
  if (value.toLowerCase() === serialized)
    return fail('uppercase', `the origin must be lower-case: ${serialized}`, origin);
  return fail(
    'not-canonical',
    `not in serialized form (punycode host, canonical IP address and port); the origin is ${serialized}`,
    origin,
  );
}

/**
 * @internal Whitespace, controls (C0, DEL, C1) and commas: the first one found, as a failure.
 * Other non-ASCII characters are left to the URL parser, which names the punycode form.
 */
export function scanOriginCharacters(
  value: string,
): { ok: false; reason: 'whitespace' | 'control-character' | 'multiple-values'; detail: string } | undefined {
  for (let i = 0; i < value.length; i++) {
    const c = value.charCodeAt(i);
    if (c > 0x20 && c < 0x7f) {
      if (c === 0x2c) {
        return { ok: false, reason: 'multiple-values', detail: `a comma at index ${i}: one origin only` };
      }
      continue;
    }
    if (c === 0x20 || c === 0x09) {
      return { ok: false, reason: 'whitespace', detail: `whitespace at index ${i}` };
    }
    if (c < 0x20 || (c >= 0x7f && c <= 0x9f)) {
      return {
        ok: false,
        reason: 'control-character',
        detail: `control character U+${hex4(c)} at index ${i}`,
      };
    }
  }
  return undefined;
}

function hex4(c: number): string {
  return c.toString(16).toUpperCase().padStart(4, '0');
}
