import { describe, expect, it } from 'vitest';
import type { HttpDecision } from '../_http/index.js';
import { createCorsPolicy } from '../server/index.js';
import { kPlain, plainCopy } from './index.js';

const view = (method: string, headers: Record<string, string>) => ({
  method,
  header: (n: string) => headers[n] ?? null,
});

describe("a policy's plain copy of its shared decisions (read by node's adapter)", () => {
  const policy = createCorsPolicy({
    origins: ['https://app.example'],
    credentials: true,
    methods: ['PUT'],
    requestHeaders: ['content-type'],
    exposeHeaders: ['etag'],
    maxAge: 600,
  });
  const origin = 'https://app.example';
  it.each([
    ['actual', view('GET', { origin })],
    ['options passthrough', view('OPTIONS', { origin })],
    ['preflight', view('OPTIONS', { origin, 'access-control-request-method': 'PUT' })],
    [
      'preflight with headers',
      view('OPTIONS', {
        origin,
        'access-control-request-method': 'PUT',
        'access-control-request-headers': 'content-type',
      }),
    ],
  ])('%s: the same headers and Vary, invisible to users', (_, v) => {
    const d = policy.decide(v) as HttpDecision;
    const plain = plainCopy(d);
    expect(plain).toBeDefined();
    expect(plain?.headers).toEqual(d.headers.flat());
    expect(plain?.vary).toBe(d.vary.join(', '));
    expect(Object.keys(d)).not.toContain(kPlain);
    expect(Object.getOwnPropertyDescriptor(d, kPlain)?.enumerable).toBe(false);
    expect(Object.isFrozen(d)).toBe(true);
    expect(JSON.parse(JSON.stringify(d))).toEqual({ ...d });
  });
  it('a preflight built for one request (reflected request headers) has none: nothing shares it', () => {
    const reflecting = createCorsPolicy({ origins: [origin], credentials: true, requestHeaders: '*' });
    const d = reflecting.decide(
      view('OPTIONS', {
        origin,
        'access-control-request-method': 'GET',
        'access-control-request-headers': 'x-a',
      }),
    ) as HttpDecision;
    expect(d.headers).toContainEqual(['access-control-allow-headers', 'x-a']);
    expect(plainCopy(d)).toBeUndefined();
  });
  it('refusals have none (the adapter reads their empty frozen lists)', () => {
    const d = policy.decide(view('GET', { origin: 'https://evil.example' })) as HttpDecision;
    expect(plainCopy(d)).toBeUndefined();
  });
});
