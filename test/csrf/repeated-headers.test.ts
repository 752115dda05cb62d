/**
 * Repeated `Host` and `Referer` (issue #17), over raw sockets and through every adapter: a request
 * with two `Host` lines or two `Referer` lines is refused (Go's server answers 400 to a repeated
 * Host; the guard refuses with 403), whichever line comes first. node's `IncomingMessage.headers`
 * keeps only the first line of these two headers, so each adapter must read every line.
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createCsrfGuard } from '../../src/csrf/index.js';
import { type Running, STARTERS } from '../adapters/servers.js';
import type { HeaderList } from '../fixtures/schema.js';

const onError = (error: unknown) => {
  throw error;
};

describe.each(STARTERS.map((s) => [s.name, s] as const))('%s', (_name, starter) => {
  let byHost: Running;
  let byOrigin: Running;
  beforeAll(async () => {
    byHost = await starter.start('csrf', createCsrfGuard({ scheme: 'https' }), onError);
    byOrigin = await starter.start('csrf', createCsrfGuard({ origin: 'https://app.example.com' }), onError);
  });
  afterAll(async () => {
    await byHost?.close();
    await byOrigin?.close();
  });
  const post = (r: Running, headers: HeaderList) =>
    r.call({ method: 'POST', path: '/transfer', headers: [...headers, ['Content-Length', '0']] });

  it.each([
    ["issue's case: Host evil.example.net then app.example.com", ['evil.example.net', 'app.example.com']],
    ['the other order, Origin the second', ['app.example.com', 'evil.example.net']],
  ])('scheme https, two Host lines (%s), Origin evil: refused', async (_o, [first, second]) => {
    const reply = await post(byHost, [
      ['Host', first!],
      ['Host', second!],
      ['Origin', 'https://evil.example.net'],
    ]);
    expect([400, 403]).toContain(reply.status);
    expect(reply.headers.has('x-app')).toBe(false);
  });

  it('one Host, Origin of that host: allowed (the control)', async () => {
    const reply = await post(byHost, [
      ['Host', 'app.example.com'],
      ['Origin', 'https://app.example.com'],
    ]);
    expect(reply.status).toBe(200);
  });

  it.each([
    ['app first', ['https://app.example.com/a', 'https://evil.example.net/b']],
    ['evil first', ['https://evil.example.net/b', 'https://app.example.com/a']],
    ['both of the app', ['https://app.example.com/a', 'https://app.example.com/b']],
  ])('two Referer lines (%s), no Origin: refused', async (_o, [a, b]) => {
    const reply = await post(byOrigin, [
      ['Host', 'app.example.com'],
      ['Referer', a!],
      ['Referer', b!],
    ]);
    expect(reply.status).toBe(403);
  });

  it('one Referer of the app, no Origin: allowed (the control)', async () => {
    const reply = await post(byOrigin, [
      ['Host', 'app.example.com'],
      ['Referer', 'https://app.example.com/a'],
    ]);
    expect(reply.status).toBe(200);
  });
});
