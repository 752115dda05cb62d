/**
 * Private helpers with no spec behind them, shared by every layer. Nothing here knows about CORS,
 * origins or browsers.
 */
export { BoundedMap } from './bounded-map.js';
