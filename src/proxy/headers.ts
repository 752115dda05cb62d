/**
 * Header rewriting between the client and the upstream. Hop-by-hop headers are connection-scoped
 * and never forwarded (RFC 9110 §7.6.1), including every name listed in `Connection`.
 * https://www.rfc-editor.org/rfc/rfc9110#section-7.6.1
 */

/** Hop-by-hop headers (RFC 9110 §7.6.1 and the legacy names proxies still see). */
export const HOP_BY_HOP: ReadonlySet<string> = new Set([
  'connection',
  'keep-alive',
  'proxy-connection',
  'proxy-authenticate',
  'proxy-authorization',
  'te',
  'trailer',
  'transfer-encoding',
  'upgrade',
]);

/** Names listed in a Connection header value (lower-case). */
export function connectionListed(value: string | string[] | undefined | null): Set<string> | null {
  if (value == null || value === 'keep-alive' || value === 'close') return null;
  const text = Array.isArray(value) ? value.join(',') : value;
  const out = new Set<string>();
  for (const part of text.split(',')) {
    const name = part.trim().toLowerCase();
    if (name && name !== 'close' && name !== 'keep-alive') out.add(name);
  }
  return out.size ? out : null;
}

/** How the Origin request header is forwarded. */
export type OriginMode = 'remove' | 'rewrite' | 'keep';

export interface RequestHeaderRules {
  readonly cookies: boolean;
  readonly origin: OriginMode;
  readonly trustForwarded: boolean;
  /** When true, sec-websocket-* headers are kept (upgrade requests). */
  readonly websocket?: boolean;
  /** This proxy's Via entry (`1.1 crossorigin-<id>`), appended to the client's Via. */
  readonly via?: string;
}

/** Request headers the proxy always replaces or never forwards (besides hop-by-hop). */
const DROP_REQUEST: ReadonlySet<string> = new Set(['host', 'expect', 'content-length']);

/**
 * The upstream request's headers, as a flat [name, value, ...] list.
 * 1. Drop hop-by-hop headers and every name listed in Connection.
 * 2. Drop Host (undici writes the target's), Expect, Cookie unless allowed, X-Forwarded-* and
 *    Forwarded unless trusted, Origin per the mode.
 * 3. Set X-Forwarded-For / -Host / -Proto, and append this proxy to Via (RFC 9110 §7.6.3), which
 *    is also how a request looping back through the same proxy is recognised.
 */
export function upstreamRequestHeaders(
  raw: readonly string[],
  rules: RequestHeaderRules,
  info: {
    clientAddress: string;
    host: string | undefined;
    proto: string;
    targetOrigin: string;
    contentLength?: string;
  },
): string[] {
  const out: string[] = [];
  let listed: Set<string> | null = null;
  let forwardedFor: string | null = null;
  let via: string | null = null;
  for (let i = 0; i < raw.length; i += 2) {
    if (raw[i]!.length === 10 && raw[i]!.toLowerCase() === 'connection')
      listed = connectionListed(raw[i + 1]);
  }
  for (let i = 0; i < raw.length; i += 2) {
    const name = raw[i]!.toLowerCase();
    const value = raw[i + 1]!;
    // 1.
    if (HOP_BY_HOP.has(name) || listed?.has(name)) continue;
    // 2.
    if (DROP_REQUEST.has(name)) continue;
    if (name === 'cookie' && !rules.cookies) continue;
    if (name === 'origin') {
      if (rules.origin === 'remove') continue;
      if (rules.origin === 'rewrite') {
        out.push('origin', info.targetOrigin);
        continue;
      }
    }
    if (name.startsWith('x-forwarded-') || name === 'forwarded') {
      if (rules.trustForwarded && name === 'x-forwarded-for') forwardedFor = value;
      if (!rules.trustForwarded || name === 'x-forwarded-for') continue;
    }
    if (!rules.websocket && name.startsWith('sec-websocket-')) continue;
    if (name === 'via' && rules.via) {
      via = via === null ? value : `${via}, ${value}`;
      continue;
    }
    out.push(name, value);
  }
  if (info.contentLength !== undefined) out.push('content-length', info.contentLength);
  // 3.
  out.push('x-forwarded-for', forwardedFor ? `${forwardedFor}, ${info.clientAddress}` : info.clientAddress);
  if (info.host !== undefined && !rules.trustForwarded) out.push('x-forwarded-host', info.host);
  if (!rules.trustForwarded) out.push('x-forwarded-proto', info.proto);
  if (rules.via) out.push('via', via === null ? rules.via : `${via}, ${rules.via}`);
  return out;
}

/** Response header names that the proxy's CORS policy owns. */
export function isCorsResponseHeader(name: string): boolean {
  return name.startsWith('access-control-');
}
