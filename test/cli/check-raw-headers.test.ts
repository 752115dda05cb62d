/**
 * `check` reads the answer's raw header lines (the engine's own transport), so two
 * Access-Control-Allow-Origin lines stay two: Firefox refuses them as "Multiple CORS header", and
 * one line naming two origins as "does not match" (both seen in real Firefox ESR 153,
 * test/browsers/observed/firefox.json, acao-two-lines and acao-multiple-comma).
 */
import http from 'node:http';
import type { AddressInfo } from 'node:net';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { runCheck } from '../../src/cli/check.js';

const PAGE = 'http://localhost:5173';
let server: http.Server;
let api = '';

beforeAll(async () => {
  server = http.createServer((req, res) => {
    if (req.url === '/two-lines') res.setHeader('Access-Control-Allow-Origin', [PAGE, PAGE]);
    else res.setHeader('Access-Control-Allow-Origin', `${PAGE}, ${PAGE}`);
    res.end('ok');
  });
  await new Promise<void>((r) => server.listen(0, '127.0.0.1', r));
  api = `http://127.0.0.1:${(server.address() as AddressInfo).port}`;
});
afterAll(() => new Promise<void>((r) => server.close(() => r())));

describe('check: raw header lines', () => {
  it.each([
    ['/two-lines', 'firefox', 'multiple-allow-origin-values'],
    ['/one-line', 'firefox', 'allow-origin-mismatch'],
    ['/two-lines', 'chromium', 'multiple-allow-origin-values'],
    ['/one-line', 'chromium', 'multiple-allow-origin-values'],
  ])('%s as %s: %s', async (path, browser, kind) => {
    const r = await runCheck(`${api}${path}`, { from: PAGE, browser });
    expect(r.verdict).toBe('blocked');
    expect(r.error?.kind).toBe(kind);
  });
});
