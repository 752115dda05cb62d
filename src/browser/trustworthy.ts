/**
 * Secure Contexts: "Is url potentially trustworthy?", the test mixed content and Local Network
 * Access read, on top of the origin test in `crossorigin/origin`.
 * https://w3c.github.io/webappsec-secure-contexts/#is-url-trustworthy
 */
import { isPotentiallyTrustworthyOrigin, parseOrigin } from '../origin/index.js';

/** Is url potentially trustworthy? (Secure Contexts §3.2.) */
export function isPotentiallyTrustworthyUrl(url: URL): boolean {
  // 1. If url is "about:blank" or "about:srcdoc", return "Potentially Trustworthy".
  if (url.href === 'about:blank' || url.href === 'about:srcdoc') return true;
  // 2. If url's scheme is "data", return "Potentially Trustworthy".
  if (url.protocol === 'data:') return true;
  // 3. Return the result of executing §3.1 on url's origin.
  return isPotentiallyTrustworthyOrigin(parseOrigin(url));
}
