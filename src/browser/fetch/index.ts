/**
 * The Fetch Standard's fetch layers, one per file: `new Request()` (construct-request.ts), main
 * fetch, HTTP fetch with the CORS-preflight fetch, HTTP-network-or-cache fetch, HTTP-network fetch
 * and HTTP-redirect fetch; the filtered responses; and the checks other modules plug in (checks.ts).
 * https://fetch.spec.whatwg.org/#fetching
 */

export { type BrowserRequestInit, constructRequest } from './construct-request.js';
export {
  type BrowserFetchEvent,
  type BrowserFetchResponseEvent,
  type CachedRedirect,
  type FetchContext,
  NetworkError,
  safely,
} from './context.js';
export { mainFetch } from './main-fetch.js';
