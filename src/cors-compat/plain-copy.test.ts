/**
 * The drop-in's per-origin decisions (shared by every actual request from one origin) carry the
 * plain copy node's glue applies through its single setHeader call site, as the policy's do; a
 * decision built for one request (a preflight, an origin callback's answer) has none. The headers
 * and their case are cors's either way (the express-cors differential checks the bytes).
 */
import { describe, expect, it } from 'vitest';
import type { HttpDecision } from '../_http/index.js';
import { kPlain, plainCopy } from '../_util/index.js';
import { type CorsOptions, createCorsCompat } from './index.js';

const view = (method: string, headers: Record<string, string>) => ({
  method,
  header: (n: string) => headers[n] ?? null,
});
const origin = 'https://app.example';

describe("the drop-in's shared decisions carry a plain copy", () => {
  const configs: [string, CorsOptions][] = [
    [
      'a listed origin, credentials, exposed headers',
      { origin: [origin], credentials: true, exposedHeaders: ['ETag'] },
    ],
    ['a fixed origin', { origin }],
    ['a RegExp', { origin: /^https:\/\/app\.example$/ }],
    ['any origin (no Vary)', { origin: '*' }],
    ['a refused origin (no Access-Control-Allow-Origin)', { origin: ['https://other.example'] }],
  ];
  it.each(configs)('%s: the same headers and Vary, invisible, one object per origin', (_, options) => {
    const compat = createCorsCompat(options);
    const d = compat.decide?.(view('GET', { origin })) as HttpDecision;
    expect(compat.decide?.(view('GET', { origin }))).toBe(d);
    const plain = plainCopy(d);
    expect(plain).toBeDefined();
    expect(plain?.headers).toEqual(d.headers.flat());
    expect(plain?.vary).toBe(d.vary.join(', '));
    expect(Object.getOwnPropertyDescriptor(d, kPlain)?.enumerable).toBe(false);
    expect(Object.isFrozen(d)).toBe(true);
    expect(JSON.parse(JSON.stringify(d))).toEqual({ ...d });
  });

  it('a preflight has none (built for its request: reflected request headers)', () => {
    const compat = createCorsCompat({ origin: [origin] });
    const d = compat.decide?.(
      view('OPTIONS', {
        origin,
        'access-control-request-method': 'PUT',
        'access-control-request-headers': 'x-a',
      }),
    ) as HttpDecision;
    expect(d.headers).toContainEqual(['Access-Control-Allow-Headers', 'x-a']);
    expect(plainCopy(d)).toBeUndefined();
  });

  it("an origin callback's answer has none (decided per request)", async () => {
    const compat = createCorsCompat({ origin: (_o, cb) => cb(null, true) });
    expect(compat.decide).toBeUndefined();
    const d = await new Promise<HttpDecision | null>((resolve, reject) =>
      compat.resolve({} as never, view('GET', { origin }), (error, decision) =>
        error == null ? resolve(decision) : reject(error),
      ),
    );
    expect(d?.headers).toContainEqual(['Access-Control-Allow-Origin', origin]);
    expect(plainCopy(d as HttpDecision)).toBeUndefined();
  });
});
