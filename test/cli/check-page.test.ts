/**
 * `crossorigin check` with the page's context (--https-page, --page-url, --page-csp, --coep): the
 * CLI (a child process) prints the browser's mixed-content and CSP lines, exits 1, sends nothing;
 * an allowed request still exits 0. `--json` is valid against docs/check-result.schema.json. Usage
 * mistakes exit 2.
 */
import http from 'node:http';
import type { AddressInfo } from 'node:net';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { CheckResult } from '../../src/cli/check.js';
import { bundleCli, removeBundle, runCli } from './run.js';
import { expectValid } from './schema.js';

const valid = expectValid;

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
    expect(j.diagnosis?.sent).toMatch(/^Nothing was sent/);
    expect(j.page).toMatchObject({
      url: 'https://app.test/',
      secureContext: true,
      csp: [],
      coep: 'unsafe-none',
    });
    expect(j.console).toEqual([j.error?.message]);
    valid(j);
    expect(hits).toBe(before);
  });

  it('--page-url alone sets --from; CSP fetch refusal lists both Chromium lines and the fix', async () => {
    const r = await runCli([
      'check',
      `http://127.0.0.1:${port}/data`,
      '--page-url',
      'https://app.test/a/b.html',
      '--page-csp',
      "connect-src 'self'",
      '--json',
    ]);
    expect(r.code).toBe(1);
    const j = JSON.parse(r.out) as CheckResult;
    valid(j);
    expect(j.from).toBe('https://app.test');
    expect(j.error?.kind).toBe('csp-blocked');
    expect(j.console).toEqual([
      `Connecting to 'http://127.0.0.1:${port}/data' violates the following Content Security Policy directive: "connect-src 'self'". The action has been blocked.`,
      `Fetch API cannot load http://127.0.0.1:${port}/data. Refused to connect because it violates the document's Content Security Policy.`,
    ]);
    // 127.0.0.1 is potentially trustworthy: no mixed content, so the fix names the URL's own origin.
    expect(j.fix?.text).toBe(
      `Allow it in the page's Content-Security-Policy (the header, or <meta http-equiv>, of the page, not of the API): add http://127.0.0.1:${port} to \`connect-src\`, or load the resource from a source the policy lists. (A report-only policy only logs: it never blocks.)`,
    );
  });

  it('--coep on an http page is ignored as a browser ignores it, with a note', async () => {
    const r = await runCli([
      'check',
      `http://127.0.0.1:${port}/data`,
      '--page-url',
      'http://app.test/',
      '--coep',
      'require-corp',
      '--json',
    ]);
    expect(r.code, r.err).toBe(0);
    const j = JSON.parse(r.out) as CheckResult;
    valid(j);
    expect(j.page?.coep).toBe('unsafe-none');
    expect(j.page?.warnings?.[0]).toContain('not a secure context');
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
      'Page: http://app.test/index.html (not a secure context, CSP "default-src \'self\'")',
    );
    expect(r.out).toContain('Fix (in the page):');
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

  it('--https-page with an http --page-url, or --page-csp without any page or origin, is a usage error', async () => {
    const a = await runCli(['check', 'http://api.test:9/', '--page-url', 'http://a.test/', '--https-page']);
    expect(a.code).toBe(2);
    expect(a.err).toContain('--https-page contradicts --page-url');
    const b = await runCli(['check', 'http://api.test:9/', '--page-csp', "default-src 'self'"]);
    expect(b.code).toBe(2);
    expect(b.err).toContain('need --from');
  });
});
