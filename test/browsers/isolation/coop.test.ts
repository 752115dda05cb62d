/**
 * COOP and crossOriginIsolated in real Chromium 156 and Firefox ESR 153 against the engine: every
 * pair of opener and popup policies (same-origin and cross-origin popups) — does the popup see
 * `window.opener`, does the opener's handle read `closed`, does `postMessage` arrive, and does
 * `sopAccess` ('opener-access', 'post-message-to-opener') answer the same — and, for
 * every COOP × COEP on a secure (localhost) and a non-secure (app.test) page, `crossOriginIsolated`,
 * `SharedArrayBuffer` and the timer resolution.
 */
import { afterAll, beforeAll, expect, it } from 'vitest';
import {
  crossOriginIsolated,
  parseOpenerPolicy,
  popupRelation,
} from '../../../src/browser/isolation/index.js';
import { PROFILES } from '../../../src/browser/profiles.js';
import { sopAccess } from '../../../src/browser/sop.js';
import { describeBrowser } from '../harness/vitest.js';
import { type PopupSeen, runPopups } from './_coop.js';
import { isolationPage } from './_drive.js';
import { ISOLATION_PROBE } from './_page.js';
import { IsolationServers } from './_servers.js';

const VALUES = ['', 'same-origin', 'same-origin-allow-popups', 'noopener-allow-popups', 'unsafe-none'];

interface Probe {
  crossOriginIsolated: boolean;
  sharedArrayBuffer: boolean;
  isSecureContext: boolean;
  minTick: number | null;
}

for (const browser of ['chromium', 'firefox'] as const) {
  const profile = PROFILES[browser].isolation;
  describeBrowser(browser, (runner) => {
    let s: IsolationServers;
    beforeAll(async () => {
      s = await IsolationServers.start();
    });
    afterAll(async () => {
      await s?.close();
    });

    it('severs window.opener and postMessage exactly where the engine (and sopAccess) says (50 opener/popup pairs)', async () => {
      const page = isolationPage(runner());
      const diffs: string[] = [];
      let severed = 0;
      let n = 0;
      for (const opener of VALUES) {
        const openerUrl = `http://localhost:${s.a}/page?coop=${opener}`;
        await page.goto(openerUrl);
        const popups = VALUES.flatMap((popup) =>
          (['same-origin', 'cross-origin'] as const).map((where) => {
            const id = `${browser}-coop-${n++}`;
            const origin = `http://localhost:${where === 'same-origin' ? s.a : s.b}`;
            return { id, url: `${origin}/popup?coop=${popup}&id=${id}`, popup, origin };
          }),
        );
        const seen = await runPopups(page, s.beacons, popups);
        popups.forEach((p, k) => {
          const b = seen[k] as PopupSeen;
          const e = popupRelation({
            openerOrigin: openerUrl,
            openerPolicy: parseOpenerPolicy(opener || null, true, profile),
            popupOrigin: p.origin,
            popupPolicy: parseOpenerPolicy(p.popup || null, true, profile),
          });
          if (e.severed) severed++;
          const got = {
            handle: b.handle,
            closed: b.closed,
            message: b.message,
            popupSeesOpener: s.beacons.get(p.id) ?? 'no beacon',
          };
          const want = {
            handle: true,
            closed: e.handleClosed,
            message: e.postMessage,
            popupSeesOpener: String(e.popupSeesOpener),
          };
          // sopAccess answers from the same table: the popup's opener link and its message home.
          const q = {
            from: openerUrl,
            to: p.url,
            browser,
            ...(opener ? { fromCoop: opener } : {}),
            ...(p.popup ? { toCoop: p.popup } : {}),
          };
          const sop = {
            openerAccess: sopAccess({ ...q, operation: 'opener-access' }).allowed,
            messageHome: sopAccess({ ...q, operation: 'post-message-to-opener' }).allowed,
          };
          const seenSop = {
            openerAccess: got.popupSeesOpener === 'true' && !b.closed,
            messageHome: b.message,
          };
          if (JSON.stringify(sop) !== JSON.stringify(seenSop))
            diffs.push(
              `sopAccess: ${JSON.stringify(q)}: browser ${JSON.stringify(seenSop)} sopAccess ${JSON.stringify(sop)}`,
            );
          if (JSON.stringify(got) !== JSON.stringify(want)) {
            diffs.push(
              `opener COOP=${opener || '-'} popup COOP=${p.popup || '-'} ${p.origin}: browser ${JSON.stringify(got)} engine ${JSON.stringify(want)}`,
            );
          }
        });
      }
      expect(severed).toBeGreaterThan(10);
      expect(severed).toBeLessThan(45);
      expect(diffs, diffs.join('\n')).toEqual([]);
    }, 150_000);

    it('crossOriginIsolated, SharedArrayBuffer and the timer resolution follow COOP × COEP × secure context (18 pages)', async () => {
      const page = isolationPage(runner());
      const diffs: string[] = [];
      let isolated = 0;
      for (const host of ['localhost', 'app.test'])
        for (const coop of ['', 'same-origin', 'same-origin-allow-popups'])
          for (const coep of ['', 'require-corp', 'credentialless']) {
            const url = `http://${host}:${s.a}/page?coop=${coop}&coep=${coep}`;
            await page.goto(url);
            const b = await page.evaluate<Probe>(ISOLATION_PROBE);
            const want = crossOriginIsolated({ pageUrl: url, coop: coop || null, coep: coep || null });
            if (want) isolated++;
            const resolution = want ? profile.timerResolution.isolated : profile.timerResolution.notIsolated;
            const tickOk = b.minTick !== null && b.minTick > resolution * 0.5 && b.minTick < resolution * 1.5;
            if (b.crossOriginIsolated !== want || b.sharedArrayBuffer !== want || !tickOk) {
              diffs.push(`${url}: browser ${JSON.stringify(b)}, engine isolated=${want} tick=${resolution}`);
            }
          }
      expect(isolated).toBe(2);
      expect(diffs, diffs.join('\n')).toEqual([]);
    }, 60_000);
  });
}
