/**
 * WebSocket opening handshakes: cross-site WebSocket hijacking. No CORS protects a WebSocket: a
 * page on any site may open one to any server, with the user's cookies, and read what comes back.
 * What the server has is the `Origin` header, which a browser always sends on the handshake.
 *
 * - Fetch, "append a request `Origin` header" (step 3: mode "websocket" always gets one):
 *   https://fetch.spec.whatwg.org/#append-a-request-origin-header
 * - WebSockets, "establish a WebSocket connection": https://websockets.spec.whatwg.org/#concept-websocket-establish
 * - RFC 6455 §10.2 (origin considerations): https://www.rfc-editor.org/rfc/rfc6455#section-10.2
 */
import type { RequestView } from '../_http/index.js';
import { parseOriginHeader } from '../origin/index.js';
import { ALLOW, compareClaim, exemptOrRefuse, read } from './_decide.js';
import type { CompiledCsrfOptions } from './options.js';
import type { CsrfAllowed, CsrfRefused } from './types.js';

/** Longest `Upgrade` value read; a longer one is not recognised as a WebSocket upgrade. */
const MAX_UPGRADE_LENGTH = 256;

/**
 * Whether a request is a WebSocket opening handshake over HTTP/1.1: `GET` with `websocket` among
 * the `Upgrade` protocols (compared ASCII case-insensitively, RFC 6455 §4.2.1 step 3).
 * https://www.rfc-editor.org/rfc/rfc6455#section-4.2.1
 */
export function isWebSocketUpgrade(request: RequestView): boolean {
  if (request.method !== 'GET') return false;
  const v = read(request, 'upgrade');
  if (v === null) return false;
  if (v === 'websocket') return true;
  if (v.length > MAX_UPGRADE_LENGTH) return false;
  for (const member of v.split(',')) {
    if (member.trim().toLowerCase() === 'websocket') return true;
  }
  return false;
}

/**
 * Decides a WebSocket handshake (or any request asking to upgrade the connection). `Sec-Fetch-Site`
 * is not consulted: browsers always send `Origin` on a handshake, and it alone says who opens it.
 */
export function checkUpgradeRequest(c: CompiledCsrfOptions, request: RequestView): CsrfAllowed | CsrfRefused {
  // 1. No Origin: never a browser (Fetch appends one to every "websocket" request). Allowed
  //    unless `upgradeWithoutOrigin: 'refuse'` (the default with `strict`).
  const originValue = read(request, 'origin');
  if (originValue === null) {
    return c.upgradeWithoutOrigin
      ? ALLOW['no-origin']
      : exemptOrRefuse(c, request, 'origin-missing', undefined, false);
  }
  // 2. `null`: an opaque origin (sandboxed iframe, data: URL, file: page). Refused.
  if (originValue === 'null') return exemptOrRefuse(c, request, 'origin-null', undefined, false);
  // 3. Not a serialized origin (also two Origin lines joined): refused.
  const parsed = parseOriginHeader(originValue);
  if (!parsed.ok || parsed.origin.type !== 'tuple') {
    return exemptOrRefuse(c, request, 'origin-invalid', undefined, false);
  }
  // 4. It must be the application's own origin (configured, or scheme + Host), or same-site with
  //    `sameSite: 'allow'`, or a trusted origin, or the route a bypass route.
  return compareClaim(c, request, parsed.serialized, parsed.origin, 'origin-match', 'origin-mismatch', false);
}
