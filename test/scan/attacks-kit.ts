/**
 * The real-browser side of test/scan/attacks.browser.test.ts: the fleet servers it attacks (with
 * a log of what each received and a first-party login that sets the victim's session cookie), the
 * attacker's page server, and one small driver per browser that runs a function in a page on
 * `http://evil.test:<port>` (mapped to loopback by the harness's flags or prefs).
 */
import http from 'node:http';
import type { AddressInfo } from 'node:net';
import { chromium } from 'playwright-core';
import puppeteer from 'puppeteer-core';
import { CHROMIUM_ARGS, CHROMIUM_PATH } from '../browsers/harness/chromium.js';
import { FIREFOX_OFFLINE_PREFS, FIREFOX_PATH } from '../browsers/harness/firefox.js';
import type { BrowserName } from '../browsers/harness/types.js';
import { FLEET, listen, type Running } from './fleet.js';

export const ATTACKED = [
  'preflight-only-trust',
  'preflight-same-allowlist',
  'jsonp-text-html',
  'jsonp-signed-in-only',
  'jsonp-nosniff-json',
  'websocket-any-origin',
  'websocket-origin-checked',
  'cors-origin-true',
] as const;
export type Attacked = (typeof ATTACKED)[number];

export interface Victims {
  servers: Record<Attacked, Running>;
  /** Requests each server received: method, and whether the session cookie came along. */
  seen: Record<Attacked, string[]>;
  /** The attacker's page server (any path: a blank page). */
  evilPort: number;
  close(): Promise<void>;
}

/** Starts the attacked fleet servers; `GET /__login` on any of them sets the session cookie. */
export async function startVictims(): Promise<Victims> {
  const servers = {} as Record<Attacked, Running>;
  const seen = {} as Record<Attacked, string[]>;
  for (const name of ATTACKED) {
    const s = FLEET.find((f) => f.name === name);
    if (!s) throw new Error(name);
    const log: string[] = [];
    seen[name] = log;
    servers[name] = await listen(
      name,
      (req, res) => {
        if (req.url === '/__login') {
          res.setHeader('set-cookie', 'session=s3cret; Path=/; SameSite=None');
          res.end('signed in');
          return;
        }
        log.push(`${req.method} ${(req.headers.cookie ?? '').includes('s3cret') ? 'cookie' : 'no-cookie'}`);
        s.handler(req, res);
      },
      s.upgrade,
    );
  }
  const page = http.createServer((_req, res) => {
    res.setHeader('content-type', 'text/html');
    res.end('<!doctype html><title>evil</title>');
  });
  await new Promise<void>((r) => page.listen(0, '127.0.0.1', r));
  return {
    servers,
    seen,
    evilPort: (page.address() as AddressInfo).port,
    async close() {
      await Promise.all(Object.values(servers).map((s) => s.close()));
      page.closeAllConnections();
      await new Promise<void>((r) => page.close(() => r()));
    },
  };
}

/** A browser with the victim signed in to every fleet server (one cookie on 127.0.0.1 covers all ports). */
export interface AttackBrowser {
  /** Runs `fn(arg)` in a fresh page on http://evil.test:<evilPort>/. */
  onEvil<A, R>(fn: (arg: A) => Promise<R>, arg: A): Promise<R>;
  /** The body text of a top-level visit to `url` (first-party: the cookie goes along). */
  visit(url: string): Promise<string>;
  close(): Promise<void>;
}

/**
 * Chromium 156 with the harness's flags (*.test to loopback), its defaults otherwise: the cookie is
 * set through CDP as `SameSite=None; Secure` (127.0.0.1 is a secure context).
 */
async function chromiumBrowser(v: Victims): Promise<AttackBrowser> {
  const b = await chromium.launch({
    executablePath: CHROMIUM_PATH,
    args: [...CHROMIUM_ARGS],
    timeout: 60_000,
  });
  const context = await b.newContext();
  await context.addCookies([
    { name: 'session', value: 's3cret', domain: '127.0.0.1', path: '/', sameSite: 'None', secure: true },
  ]);
  return {
    async onEvil(fn, arg) {
      const p = await context.newPage();
      try {
        await p.goto(`http://evil.test:${v.evilPort}/`);
        return await p.evaluate(fn as never, arg);
      } finally {
        await p.close();
      }
    },
    async visit(url) {
      const p = await context.newPage();
      await p.goto(url);
      const text = (await p.textContent('body')) ?? '';
      await p.close();
      return text;
    },
    close: () => b.close(),
  };
}

/**
 * Firefox ESR 153 offline (every name to loopback) with third-party cookies allowed
 * (`network.cookie.cookieBehavior` 0, as an enterprise policy or an older profile sets it; the
 * default, Total Cookie Protection, keeps them out) and SameSite=None allowed over http; the victim
 * signs in with a first-party visit.
 */
async function firefoxBrowser(v: Victims): Promise<AttackBrowser> {
  const b = await puppeteer.launch({
    browser: 'firefox',
    executablePath: FIREFOX_PATH,
    headless: true,
    timeout: 60_000,
    protocolTimeout: 60_000,
    extraPrefsFirefox: {
      ...FIREFOX_OFFLINE_PREFS,
      'network.cookie.cookieBehavior': 0,
      'network.cookie.sameSite.noneRequiresSecure': false,
    },
  });
  const login = await b.newPage();
  await login.goto(`${v.servers['cors-origin-true'].url}__login`);
  await login.close();
  return {
    async onEvil(fn, arg) {
      const p = await b.newPage();
      try {
        await p.goto(`http://evil.test:${v.evilPort}/`, { waitUntil: 'load' });
        return await p.evaluate(fn as never, arg);
      } finally {
        await p.close();
      }
    },
    async visit(url) {
      const p = await b.newPage();
      await p.goto(url, { waitUntil: 'load' });
      const text = await p.evaluate(() => document.body.textContent ?? '');
      await p.close();
      return text;
    },
    close: () => b.close(),
  };
}

export function launchAttackBrowser(browser: BrowserName, v: Victims): Promise<AttackBrowser> {
  return browser === 'chromium' ? chromiumBrowser(v) : firefoxBrowser(v);
}
