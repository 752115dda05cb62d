/**
 * A RequestView from a fixture request: header names lower-cased, repeated lines joined with ", "
 * (as node:http and the Fetch API do), exactly the view every adapter builds.
 */
import type { RequestView } from '../../src/_http/index.js';
import type { HeaderList } from '../fixtures/schema.js';

export function viewOf(request: { method: string; url?: string; headers: HeaderList }): RequestView {
  const map = new Map<string, string>();
  for (const [name, value] of request.headers) {
    const key = name.toLowerCase();
    const prev = map.get(key);
    map.set(key, prev === undefined ? value : `${prev}, ${value}`);
  }
  return {
    method: request.method,
    url: request.url,
    header: (name: string) => map.get(name) ?? null,
  };
}
