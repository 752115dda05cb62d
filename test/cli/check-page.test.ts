/**
 * `crossorigin check` with the page's context (--https-page, --page-url, --page-csp): the CLI (a
 * child process) prints the browser's mixed-content and CSP lines, exits 1, sends nothing; an
 * allowed request still exits 0. Usage mistakes exit 2.
 */
import http from 'node:http';
import type { AddressInfo } from 'node:net';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { CheckResult } from '../../src/cli/check.js';
import { bundleCli, removeBundle, runCli } from './run.js';

let server: http.Server;
let port = 0;
let hits = 0;

beforeAll(async () => {
  server = http.createServer((_req, res) => {
    hits++;
    res.writeHead(200, { 'access-control-allow-origin': '*', 'content-type': 'text/plain' });
    res.end('ok');
  });
  await new Promise<void>((r) => server.listen(0, '127.0.0.1', r));
  port = (server.address() as AddressInfo).port;
  await bundleCli();
}, 120_000);
afterAll(async () => {
  server.closeAllConnections();
  await new Promise<void>((r) => server.close(() => r()));
  await removeBundle();
});

describe('crossorigin check --https-page / --page-csp', () => {
  it('an https page fetching http: is blocked as mixed content, nothing sent', async () => {
    const before = hits;
    const r = await runCli([
      'check',
      'http://api.test:9/data',
      '--from',
      'http://app.test',
      '--https-page',
      '--json',
    ]);
    expect(r.code).toBe(1);
    const j = JSON.parse(r.out) as CheckResult;
    expect(j.error?.kind).toBe('mixed-content-blocked');
    expect(j.error?.message).toBe(
      "Mixed Content: The page at 'https://app.test/' was loaded over HTTPS, but requested an insecure resource 'http://api.test:9/data'. This request has been blocked; the content must be served over HTTPS.",
    );
    expect(j.fix?.side).toBe('page');
    expect(hits).toBe(before);
  });

  it("the page's CSP connect-src, printed for people", async () => {
    const r = await runCli([
      'check',
      `http://127.0.0.1:${port}/data`,
      '--page-url',
      'http://app.test/index.html',
      '--page-csp',
      "default-src 'self'",
    ]);
    expect(r.code).toBe(1);
    expect(r.out).toContain(
      `Connecting to 'http://127.0.0.1:${port}/data' violates the following Content Security Policy directive: "default-src 'self'". Note that 'connect-src' was not explicitly set, so 'default-src' is used as a fallback. The action has been blocked.`,
    );
  });

  it('allowed: an https page may fetch http://127.0.0.1 (potentially trustworthy), CSP allowing it', async () => {
    const r = await runCli([
      'check',
      `http://127.0.0.1:${port}/data`,
      '--from',
      'http://app.test',
      '--https-page',
      '--page-csp',
      `connect-src http://127.0.0.1:${port}`,
      '--json',
    ]);
    expect(r.code, r.err).toBe(0);
    expect((JSON.parse(r.out) as CheckResult).verdict).toBe('allowed');
  });

  it('a --page-url on another origin than --from is a usage error', async () => {
    const r = await runCli([
      'check',
      'http://api.test:9/',
      '--from',
      'http://a.test',
      '--page-url',
      'https://b.test/',
    ]);
    expect(r.code).toBe(2);
    expect(r.err).toContain('is not on --from');
  });
});
