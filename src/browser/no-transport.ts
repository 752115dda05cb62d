/**
 * Stands in for transport.ts in a browser bundle (package.json "browser" maps one to the other, so
 * the lab page and any bundler that honours the field leave undici out): the default transport needs
 * Node, and the page always gives the engine its own `fetch`, so this is never called.
 */
export function exchange(): never {
  throw new TypeError('crossorigin: in a page, createBrowserFetch needs a fetch option');
}

export function dispatcherTransport(): never {
  throw new TypeError('crossorigin: the dispatcher transport needs Node');
}
