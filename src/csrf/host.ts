/**
 * The request's own origin: `Host` (RFC 9110 §7.2), and, behind a trusted proxy, `Forwarded`
 * (RFC 7239) or `X-Forwarded-Proto` / `X-Forwarded-Host`. Every value is attacker-supplied text:
 * each parser is bounded, accepts only what the grammar allows and answers `undefined` otherwise.
 */
import { type Origin, parseOrigin, serializeOrigin } from '../origin/index.js';

/** Longest `Host` accepted: a 253-character name, brackets or not, a colon and five digits. */
export const MAX_HOST_LENGTH = 261;
/** Longest `Forwarded` / `X-Forwarded-*` value read. */
export const MAX_FORWARDED_LENGTH = 4096;

/**
 * `Host = uri-host [ ":" port ]` (RFC 9110 §7.2, RFC 3986 §3.2.2), stricter than the RFC:
 * - `uri-host` is an IP-literal in brackets (hex digits, colons and dots; no zone), or a name of
 *   letters, digits, `-`, `.`, `_` and `~` (no percent-encoding, no sub-delims: no browser sends
 *   them and `new URL` would reinterpret some);
 * - `port` is 1 to 5 digits, at most 65535 (an empty port is refused).
 */
const HOST = /^(?:\[[0-9A-Fa-f:.]{2,45}\]|[A-Za-z0-9._~-]{1,253})(?::([0-9]{1,5}))?$/;

/**
 * Checks a `Host` (or `X-Forwarded-Host`, or a `Forwarded` `host=`) value. Returns the value when
 * it is a valid host, `undefined` otherwise. https://www.rfc-editor.org/rfc/rfc9110#section-7.2
 */
export function parseHostHeader(value: string | null | undefined): string | undefined {
  // 1. Absent, empty, or longer than any real host: refuse before reading further.
  if (typeof value !== 'string' || value.length === 0 || value.length > MAX_HOST_LENGTH) return undefined;
  // 2. The grammar (this also refuses CR, LF, NUL, spaces, commas from joined duplicates, userinfo).
  const m = HOST.exec(value);
  if (m === null) return undefined;
  // 3. port = *DIGIT, and a TCP port is at most 65535.
  const port = m[1];
  if (port !== undefined && Number(port) > 65535) return undefined;
  return value;
}

/** A tuple origin of the request, with its serialization. */
export interface OwnOrigin {
  readonly origin: Origin;
  readonly serialized: string;
}

/**
 * The origin `scheme://host` where `host` already passed {@link parseHostHeader}. The URL parser
 * normalizes it (lower case, punycode, default port dropped, IPv4 canonical), so that it compares
 * equal to what a browser puts in `Origin`. `undefined` when the URL parser refuses the host.
 */
export function ownOrigin(scheme: 'http' | 'https', host: string): OwnOrigin | undefined {
  const url = URL.parse(`${scheme}://${host}/`);
  if (url === null || url.hostname === '') return undefined;
  const origin = parseOrigin(url);
  if (origin.type !== 'tuple') return undefined;
  return { origin, serialized: serializeOrigin(origin) };
}

/** `http` or `https` from a proxy's protocol field (case-insensitive), else undefined. */
export function parseProto(value: string | undefined): 'http' | 'https' | undefined {
  if (value === undefined) return undefined;
  const v = value.toLowerCase();
  return v === 'http' || v === 'https' ? v : undefined;
}

/** The first comma-separated member of an `X-Forwarded-*` value, trimmed; undefined when unusable. */
export function firstListMember(value: string | null): string | undefined {
  if (value === null || value.length > MAX_FORWARDED_LENGTH) return undefined;
  const comma = value.indexOf(',');
  const first = (comma < 0 ? value : value.slice(0, comma)).trim();
  return first.length === 0 ? undefined : first;
}

const TCHAR = /^[!#$%&'*+\-.^_`|~0-9A-Za-z]$/;

/** What the first element of `Forwarded` says about the client-facing request. */
export interface ForwardedFirst {
  readonly proto?: string;
  readonly host?: string;
}

/**
 * The first `forwarded-element` of a `Forwarded` header (the one the proxy nearest the client
 * wrote), parsed per RFC 7239 §4:
 *
 *   Forwarded         = 1#forwarded-element
 *   forwarded-element = [ forwarded-pair ] *( ";" [ forwarded-pair ] )
 *   forwarded-pair    = token "=" value
 *   value             = token / quoted-string
 *
 * Returns `undefined` when the value is malformed, too long, or repeats `proto` or `host`.
 * https://www.rfc-editor.org/rfc/rfc7239#section-4
 */
export function parseForwardedFirst(value: string): ForwardedFirst | undefined {
  // 1. Bounded.
  if (value.length > MAX_FORWARDED_LENGTH) return undefined;
  const pairs = new Map<string, string>();
  let i = 0;
  const n = value.length;
  const skipOws = () => {
    while (i < n && (value[i] === ' ' || value[i] === '\t')) i++;
  };
  // 2. Leading OWS and empty list members (`1#` allows them).
  skipOws();
  while (i < n && value[i] === ',') {
    i++;
    skipOws();
  }
  // 3. forwarded-pair *( ";" forwarded-pair ), up to the first top-level comma.
  while (i < n) {
    skipOws();
    if (value[i] === ';') {
      i++;
      continue;
    }
    if (value[i] === ',') break;
    // 3.1. token
    const start = i;
    while (i < n && TCHAR.test(value[i]!)) i++;
    if (i === start || value[i] !== '=') return undefined;
    const name = value.slice(start, i).toLowerCase();
    i++;
    // 3.2. "=" value: token or quoted-string.
    let v: string;
    if (value[i] === '"') {
      i++;
      let out = '';
      for (;;) {
        if (i >= n) return undefined;
        const c = value.charCodeAt(i);
        if (c === 0x22) {
          i++;
          break;
        }
        if (c === 0x5c) {
          // quoted-pair = "\" ( HTAB / SP / VCHAR / obs-text )
          i++;
          if (i >= n) return undefined;
          const q = value.charCodeAt(i);
          if (q !== 0x09 && (q < 0x20 || q === 0x7f)) return undefined;
          out += value[i];
          i++;
          continue;
        }
        // qdtext = HTAB / SP / %x21 / %x23-5B / %x5D-7E / obs-text
        if (c !== 0x09 && (c < 0x20 || c === 0x7f)) return undefined;
        out += value[i];
        i++;
      }
      v = out;
    } else {
      const vs = i;
      while (i < n && TCHAR.test(value[i]!)) i++;
      if (i === vs) return undefined;
      v = value.slice(vs, i);
    }
    // 3.3. A parameter appears at most once per element (RFC 7239 §4).
    if (pairs.has(name)) return undefined;
    pairs.set(name, v);
    skipOws();
    if (i < n && value[i] !== ';' && value[i] !== ',') return undefined;
  }
  const proto = pairs.get('proto');
  const host = pairs.get('host');
  return { ...(proto === undefined ? {} : { proto }), ...(host === undefined ? {} : { host }) };
}
