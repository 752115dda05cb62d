/**
 * The exact repro: a crossorigin/server policy that allows the origin, PUT and
 * content-type (debug on), and a PUT with Authorization. The browser's console says "no
 * Access-Control-Allow-Origin"; `check` must name the header, not the origin, and its fix's policy,
 * applied to the server, must let the request through.
 */
import http from 'node:http';
import type { AddressInfo } from 'node:net';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { handleCors } from '../../src/adapters/node.js';
import { runCheck } from '../../src/cli/check.js';
import type { CorsPolicyConfig } from '../../src/server/index.js';

const PAGE = 'http://localhost:5173';
const BASE: CorsPolicyConfig = { origins: [PAGE], methods: ['PUT'], requestHeaders: ['content-type'] };

let policy: CorsPolicyConfig = BASE;
let received: string[] = [];
let server: http.Server;
let api = '';

beforeAll(async () => {
  server = http.createServer(async (req, res) => {
    received.push(`${req.method} ${req.url}`);
    if (await handleCors(policy, req, res)) return;
    res.end('done');
  });
  await new Promise<void>((r) => server.listen(0, '127.0.0.1', r));
  api = `http://127.0.0.1:${(server.address() as AddressInfo).port}`;
});
afterAll(() => new Promise<void>((r) => server.close(() => r())));

const PUT_AUTH = { from: PAGE, method: 'PUT', header: ['Authorization: Bearer x'] };

describe('a refused preflight', () => {
  it('with debug: names the refused header, keeps the origin, and the fix lets it through', async () => {
    policy = { ...BASE, debug: true };
    const r = await runCheck(`${api}/items`, PUT_AUTH);
    expect(r.verdict).toBe('blocked');
    expect(r.error?.kind).toBe('preflight-missing-allow-origin-header');
    expect(r.diagnosis?.cause).toContain('authorization');
    // The refusal's body, read on the way through the engine's own transport (an undici interceptor).
    expect(r.preflight?.exchange?.response?.body).toMatch(/authorization/i);
    expect(r.diagnosis?.cause).toContain(`allows the origin ${PAGE}`);
    expect(r.diagnosis?.candidates).toEqual([]);
    expect(r.diagnosis?.sent).toContain('never sent your PUT');
    expect(r.fix?.text).toContain('`authorization`');
    expect(r.fix?.text).not.toMatch(/Send `Access-Control-Allow-Origin/);
    expect(r.fix?.policy).toEqual({ origins: [PAGE], methods: ['PUT'], requestHeaders: ['authorization'] });
    expect(r.fix?.snippets?.['crossorigin/server']).toContain("requestHeaders: ['authorization']");

    policy = {
      ...BASE,
      ...r.fix!.policy,
      requestHeaders: [...(BASE.requestHeaders as string[]), 'authorization'],
    };
    const after = await runCheck(`${api}/items`, PUT_AUTH);
    expect(after.verdict).toBe('allowed');
  });

  it('without debug: two or three candidates, each with how to tell them apart', async () => {
    policy = BASE;
    const r = await runCheck(`${api}/items`, PUT_AUTH);
    expect(r.verdict).toBe('blocked');
    expect(r.diagnosis?.cause).toContain('answered the preflight with 403');
    const c = r.diagnosis?.candidates ?? [];
    expect(c.length).toBeGreaterThanOrEqual(2);
    expect(c.length).toBeLessThanOrEqual(3);
    expect(c[0]?.cause).toContain('the header authorization');
    for (const x of c) expect(x.tell.length).toBeGreaterThan(20);
    policy = { ...BASE, ...r.fix!.policy };
    expect((await runCheck(`${api}/items`, PUT_AUTH)).verdict).toBe('allowed');
  });

  it('lower-case patch: the page must upper-case it', async () => {
    policy = { ...BASE, methods: ['PATCH'], debug: true };
    const r = await runCheck(`${api}/items`, { from: PAGE, method: 'patch' });
    expect(r.verdict).toBe('blocked');
    expect(r.fix?.side).toBe('page');
    expect(r.fix?.text).toContain('`PATCH`');
    // The fix as data: the page's method, and the server's policy (never the lower-case method,
    // which crossorigin/server refuses and Node's HTTP parser answers with 400).
    expect(r.fix?.request).toEqual({ method: 'PATCH' });
    expect(r.fix?.policy).toEqual({ origins: [PAGE], methods: ['PATCH'] });
    policy = { ...BASE, ...r.fix!.policy };
    expect((await runCheck(`${api}/items`, { from: PAGE, method: r.fix!.request!.method! })).verdict).toBe(
      'allowed',
    );
  });

  it('a read blocked after the request was handled is said plainly', async () => {
    policy = { origins: ['https://elsewhere.example'] };
    received = [];
    const r = await runCheck(`${api}/items`, { from: PAGE, method: 'POST' });
    expect(r.verdict).toBe('blocked');
    expect(received).toEqual(['POST /items']);
    expect(r.diagnosis?.sent).toContain('The server received and handled your POST');
    expect(r.diagnosis?.sent).toContain('only the read was blocked');
  });
});
