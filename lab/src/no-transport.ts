/**
 * Stands in for src/browser/transport.ts in the lab page's bundle: the default transport needs
 * Node, and the page always gives the engine its own `fetch`, so this is never called.
 */
export function exchange(): never {
  throw new TypeError('crossorigin: in a page, createBrowserFetch needs a fetch option');
}

export function dispatcherTransport(): never {
  throw new TypeError('crossorigin: the dispatcher transport needs Node');
}
