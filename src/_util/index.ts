/**
 * Private helpers with no spec behind them, shared by every layer. Nothing here knows about CORS,
 * origins or browsers.
 */
export { BoundedMap } from './bounded-map.js';
export { kPlain, type PlainCopy, plainCopy, withPlainCopy } from './plain-copy.js';
