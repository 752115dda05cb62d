/**
 * The request-target of the request line (RFC 9112 §3.2), read once before routing.
 * https://www.rfc-editor.org/rfc/rfc9112#section-3.2
 */
import { ProxyFailure, truncate } from './failure.js';

/**
 * Reads the request-target and returns the path-and-query the proxy routes on.
 * 1. origin-form (`/path?query`, §3.2.1): used as is.
 * 2. absolute-form (`http://host/path?query`, §3.2.2), which a client sends to a proxy: only http:
 *    and https: are accepted; the path and query are routed exactly as the origin-form would be
 *    (the proxy never routes on the authority the client names).
 * 3. asterisk-form (`*`, §3.2.4, OPTIONS only) names no resource to forward; authority-form
 *    (§3.2.3) belongs to CONNECT, which node:http hands to its own event. Both, and anything else,
 *    are refused with 400.
 * Every form must consist of visible ASCII without a fragment (`#`); anything else is refused
 * rather than passed on for the upstream to interpret differently.
 */
export function requestPath(target: string | undefined): string {
  const t = target ?? '';
  if (!VISIBLE_ASCII_NO_FRAGMENT.test(t)) {
    throw badTarget(
      `the request target "${truncate(t)}" contains a space, a control or non-ASCII character, or a fragment (#)`,
    );
  }
  // 1.
  if (t.charCodeAt(0) === 0x2f /* / */) return t;
  // 2.
  if (ABSOLUTE_FORM.test(t)) {
    let url: URL;
    try {
      url = new URL(t);
    } catch {
      throw badTarget(`the absolute-form request target "${truncate(t)}" is not a valid URL`);
    }
    return url.pathname + url.search;
  }
  // 3.
  if (t === '*') throw badTarget('the request target "*" (asterisk-form) names nothing to forward');
  throw badTarget(
    `the request target "${truncate(t)}" is neither a path (/path?query) nor an absolute http: or https: URL`,
  );
}

const VISIBLE_ASCII_NO_FRAGMENT = /^[\x21-\x22\x24-\x7e]+$/;
const ABSOLUTE_FORM = /^https?:\/\//i;

const badTarget = (reason: string) => new ProxyFailure(400, 'bad-request-target', reason);
