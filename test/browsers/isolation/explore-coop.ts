/** Exploration (not CI): COOP popups and crossOriginIsolated in both browsers. */
import { writeFileSync } from 'node:fs';
import { ChromiumRunner } from '../harness/chromium.js';
import { FirefoxRunner } from '../harness/firefox.js';
import { runPopups } from './_coop.js';
import { isolationPage } from './_drive.js';
import { ISOLATION_PROBE } from './_page.js';
import { IsolationServers } from './_servers.js';

const browser = (process.argv[2] ?? 'chromium') as 'chromium' | 'firefox';
const VALUES = ['', 'same-origin', 'same-origin-allow-popups', 'noopener-allow-popups', 'unsafe-none'];

async function main() {
  const runner = browser === 'chromium' ? await ChromiumRunner.launch() : await FirefoxRunner.launch();
  const s = await IsolationServers.start();
  const page = isolationPage(runner);
  const rows: unknown[] = [];
  let n = 0;
  for (const opener of VALUES) {
    await page.goto(`http://localhost:${s.a}/page?coop=${opener}`);
    const popups = [];
    for (const popup of VALUES)
      for (const where of ['same-origin', 'cross-origin']) {
        const id = `p${n++}`;
        const origin = where === 'same-origin' ? `http://localhost:${s.a}` : `http://localhost:${s.b}`;
        popups.push({ id, url: `${origin}/popup?coop=${popup}&id=${id}`, opener, popup, where });
      }
    const res = await runPopups(page, s.beacons, popups);
    popups.forEach((p, k) => {
      rows.push({ ...p, ...(res[k] as object), popupSawOpener: s.beacons.get(p.id) ?? null });
    });
  }
  const iso: unknown[] = [];
  for (const host of ['localhost', 'app.test'])
    for (const coop of ['', 'same-origin', 'same-origin-allow-popups'])
      for (const coep of ['', 'require-corp', 'credentialless']) {
        await page.goto(`http://${host}:${s.a}/page?coop=${coop}&coep=${coep}`);
        iso.push({ host, coop, coep, ...(await page.evaluate<object>(ISOLATION_PROBE)) });
      }
  writeFileSync(`/tmp/iso-coop-${browser}.json`, JSON.stringify({ rows, iso }, null, 1));
  await runner.close();
  await s.close();
}
main().catch((e) => {
  console.error(e);
  process.exit(1);
});
