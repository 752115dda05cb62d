/**
 * Seeded cases for test/browsers/header-order.test.ts: a GET with 2-6 CORS-unsafe request headers
 * (random names of 1-40 characters in mixed case, plus `range`, `content-language`, `accept` and
 * `content-type` with unsafe values), sometimes beside safelisted ones, and a preflight answer
 * that allows none or one of them, so that several are not allowed and the browser must pick the
 * one it names. Inputs only: what is named is decided by the browsers.
 *
 *   npx tsx test/browsers/header-order-cases.ts [seed] [count]   # prints the cases as JSON
 */
import type { HeaderList } from '../fixtures/schema.js';
import { Prng } from './generate.js';
import type { HarnessCase } from './harness/types.js';

export const HEADER_ORDER_SEED = 20261203;
export const HEADER_ORDER_COUNT = 220;

const NAME_CHARS = 'abcdefghijklmnopqrstuvwxyzABCDEFGHIJKLMNOPQRSTUVWXYZ0123456789-_.!~';
/** Known names with a value that makes them CORS-unsafe. */
const UNSAFE_KNOWN: HeaderList = [
  ['Range', 'bytes=0-1,3-4'],
  ['Content-Language', 'en@x'],
  ['Accept', 'text/(x)'],
  ['Content-Type', 'application/json'],
  ['X-Custom', '1'],
  ['Authorization', 'Bearer t'],
];
/** Safelisted headers that may sit beside the unsafe ones. */
const SAFE_KNOWN: HeaderList = [
  ['Accept', '*/*'],
  ['Content-Type', 'text/plain'],
  ['Content-Language', 'en'],
  ['Accept-Language', 'de'],
];

function randomName(rng: Prng): string {
  const len = 1 + rng.int(rng.int(4) === 0 ? 40 : 12);
  let name = '';
  for (let i = 0; i < len; i++) name += rng.pick([...NAME_CHARS]);
  return name;
}

/** One case: the request's headers in a random order and the names the preflight allows. */
function makeCase(rng: Prng, index: number): HarnessCase {
  const headers: [string, string][] = [];
  const has = (name: string) => headers.some(([n]) => n.toLowerCase() === name.toLowerCase());
  const unsafeCount = 2 + rng.int(5);
  while (headers.length < unsafeCount) {
    const [name, value] = rng.int(3) === 0 ? rng.pick(UNSAFE_KNOWN) : [randomName(rng), 'v'];
    if (!has(name)) headers.push([name, value]);
  }
  const unsafe = headers.map(([n]) => n);
  for (const [name, value] of SAFE_KNOWN) if (rng.int(3) === 0 && !has(name)) headers.push([name, value]);
  for (let i = headers.length - 1; i > 0; i--) {
    const j = rng.int(i + 1);
    [headers[i], headers[j]] = [headers[j] as [string, string], headers[i] as [string, string]];
  }
  const allowed = rng.int(2) === 0 ? [] : [rng.pick(unsafe)];
  const preflight: HeaderList = [['Access-Control-Allow-Origin', '*']];
  if (allowed.length) preflight.push(['Access-Control-Allow-Headers', allowed.join(', ')]);
  return {
    id: `header-order-${index}`,
    description: `${unsafeCount} unsafe headers, ${allowed.length} allowed`,
    request: { origin: 'http://app.test', url: 'http://api.test/item', method: 'GET', headers },
    server: {
      preflight: { status: 204, headers: preflight },
      actual: { status: 200, headers: [['Access-Control-Allow-Origin', '*']] },
    },
  };
}

export function headerOrderCases(seed = HEADER_ORDER_SEED, count = HEADER_ORDER_COUNT): HarnessCase[] {
  const rng = new Prng(seed);
  return Array.from({ length: count }, (_, i) => makeCase(rng, i));
}

if (process.argv[1]?.endsWith('header-order-cases.ts')) {
  const [seed, count] = process.argv.slice(2).map(Number);
  console.log(
    JSON.stringify(headerOrderCases(seed || HEADER_ORDER_SEED, count || HEADER_ORDER_COUNT), null, 2),
  );
}
