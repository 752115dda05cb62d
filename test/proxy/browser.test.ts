/**
 * A real browser (Chromium, from Debian) reads, through the proxy, an API that sends no CORS
 * headers: the page on one loopback origin, the API and the proxy on others. The direct request is
 * blocked by the browser; the proxied ones (simple and preflighted) succeed, and a refusal's
 * explanation is readable. Through the harness's availability rule: fails under CI=true when Chromium is missing.
 */
import http from 'node:http';
import type { AddressInfo } from 'node:net';
import { type Browser, chromium } from 'playwright-core';
import { afterAll, beforeAll, expect, it } from 'vitest';
import type { ListeningProxy } from '../../src/proxy/listen.js';
import { CHROMIUM_BASE_ARGS, CHROMIUM_LOOPBACK_ONLY } from '../browsers/harness/chromium.js';
import { describeWithBrowser } from '../browsers/harness/vitest.js';
import { fakeResolver, PUBLIC_V4, startProxy, startUpstream, type Upstream } from './helpers.js';

const CHROMIUM = '/usr/bin/chromium';

describeWithBrowser('chromium', 'Chromium reads an API without CORS headers through the proxy', () => {
  let api: Upstream;
  let page: http.Server;
  let pageOrigin: string;
  let proxy: ListeningProxy;
  let browser: Browser;

  beforeAll(async () => {
    api = await startUpstream((req, res) => {
      // No CORS headers at all, like an API you do not control.
      const chunks: Buffer[] = [];
      req.on('data', (c: Buffer) => chunks.push(c));
      req.on('end', () => {
        res.setHeader('content-type', 'application/json');
        res.end(JSON.stringify({ method: req.method, url: req.url, body: Buffer.concat(chunks).toString() }));
      });
    });
    page = http.createServer((_req, res) => {
      res.setHeader('content-type', 'text/html');
      res.end('<!doctype html><title>page</title><p>page</p>');
    });
    await new Promise<void>((r) => page.listen(0, '127.0.0.1', r));
    pageOrigin = `http://127.0.0.1:${(page.address() as AddressInfo).port}`;
    proxy = await startProxy({
      cors: { origins: [pageOrigin], methods: ['PUT'], requestHeaders: ['content-type'] },
      routes: [{ prefix: '/api', target: `${api.url}/v1` }],
      // cors-anywhere style too: the fake resolver answers a public address for api.test, the
      // connect-time check approves it, and the internal test seam then connects to the loopback API.
      openTargets: { allowHosts: ['api.test'] },
      resolver: fakeResolver({ 'api.test': [PUBLIC_V4] }),
    });
    browser = await chromium.launch({
      executablePath: CHROMIUM,
      args: [...CHROMIUM_BASE_ARGS, CHROMIUM_LOOPBACK_ONLY],
    });
  });

  afterAll(async () => {
    await browser?.close();
    await proxy?.close();
    await api?.close();
    await new Promise<void>((r) => (page ? page.close(() => r()) : r()));
  });

  it('direct: blocked by the browser; proxied: readable (simple GET and preflighted PUT); refusals readable', async () => {
    const context = await browser.newContext();
    const tab = await context.newPage();
    await tab.goto(`${pageOrigin}/`);
    const result = await tab.evaluate(
      async ({ apiUrl, proxyUrl }) => {
        const out: Record<string, unknown> = {};
        try {
          await (await fetch(`${apiUrl}/v1/direct`)).text();
          out.direct = 'read';
        } catch (e) {
          out.direct = `blocked: ${(e as Error).name}`;
        }
        const get = await fetch(`${proxyUrl}/api/items?x=1`);
        out.get = { status: get.status, body: await get.json() };
        const put = await fetch(`${proxyUrl}/api/items/7`, {
          method: 'PUT',
          headers: { 'content-type': 'application/json' },
          body: JSON.stringify({ name: 'seven' }),
        });
        out.put = { status: put.status, body: await put.json() };
        const open = await fetch(`${proxyUrl}/http://api.test:${new URL(apiUrl).port}/v1/open`);
        out.open = { status: open.status, body: await open.json() };
        const ssrf = await fetch(`${proxyUrl}/${apiUrl}/v1/secret`);
        out.ssrf = { status: ssrf.status, text: await ssrf.text() };
        const refused = await fetch(`${proxyUrl}/nope`);
        out.refused = { status: refused.status, text: await refused.text() };
        return out;
      },
      { apiUrl: api.url, proxyUrl: proxy.url },
    );
    expect(result.direct).toBe('blocked: TypeError');
    expect(result.get).toEqual({ status: 200, body: { method: 'GET', url: '/v1/items?x=1', body: '' } });
    expect(result.put).toEqual({
      status: 200,
      body: { method: 'PUT', url: '/v1/items/7', body: '{"name":"seven"}' },
    });
    expect(result.open).toEqual({ status: 200, body: { method: 'GET', url: '/v1/open', body: '' } });
    expect(result.ssrf).toEqual({
      status: 403,
      text: '403 Forbidden: the target 127.0.0.1 is a loopback address [private-address]\n',
    });
    expect(result.refused).toEqual({
      status: 400,
      text: '400 Bad Request: the path must be a full target URL, for example /https://api.example.com/items [bad-target]\n',
    });
    // The API saw the proxied requests only (the preflight was answered by the proxy's policy).
    expect(api.hits.map((h) => `${h.method} ${h.url}`)).toEqual([
      'GET /v1/direct',
      'GET /v1/items?x=1',
      'PUT /v1/items/7',
      'GET /v1/open',
    ]);
    await context.close();
  });
});
