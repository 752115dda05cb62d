/**
 * Exploration (not CI): runs a wide matrix of cross-origin loads in real Chromium and Firefox and
 * writes what each page saw and logged to /tmp/iso-explore-<browser>.json.
 * Run: npx tsx test/browsers/isolation/explore.ts [chromium|firefox] [matrix]
 */
import { writeFileSync } from 'node:fs';
import { ChromiumRunner } from '../harness/chromium.js';
import { FirefoxRunner } from '../harness/firefox.js';
import { BODY_KINDS, type BodyKind, bodyOf } from './_bodies.js';
import { isolationPage } from './_drive.js';
import { batchExpression, type Loader, type PageLoad } from './_page.js';
import { IsolationServers } from './_servers.js';

const browser = (process.argv[2] ?? 'chromium') as 'chromium' | 'firefox';
const matrix = process.argv[3] ?? 'orb';

interface Row {
  id: string;
  [k: string]: unknown;
}

const CTS = [
  'application/json',
  'text/html',
  'text/xml',
  'application/javascript',
  'image/png',
  'audio/wav',
  'text/plain',
  '',
  'application/octet-stream',
  'text/css',
];

async function main() {
  const runner = browser === 'chromium' ? await ChromiumRunner.launch() : await FirefoxRunner.launch();
  const s = await IsolationServers.start();
  const page = isolationPage(runner);
  const rows: Row[] = [];
  const loads: PageLoad[] = [];
  let n = 0;
  const add = (
    spec: Record<string, unknown>,
    load: Omit<PageLoad, 'id' | 'url'>,
    target: string,
    headers: [string, string][],
    body: BodyKind,
    status = 200,
  ) => {
    const id = `x${n++}`;
    s.register(id, { status, headers, body: bodyOf(body, id) });
    const url = `${target}/r/${id}`;
    rows.push({ id, ...spec, loader: load.loader, url });
    loads.push({ id, url, ...load });
  };
  let pageUrl = `http://localhost:${s.a}/page`;
  const cross = `http://api.test:${s.a}`;
  if (matrix === 'orb') {
    for (const body of BODY_KINDS)
      for (const ct of CTS)
        for (const nosniff of [false, true])
          for (const status of [200, 404])
            for (const loader of ['fetch', 'script', 'img'] as Loader[]) {
              if (status === 404 && nosniff) continue;
              const h: [string, string][] = [];
              if (ct) h.push(['Content-Type', ct]);
              if (nosniff) h.push(['X-Content-Type-Options', 'nosniff']);
              add({ body, ct, nosniff, sstatus: status }, { loader }, cross, h, body, status);
            }
  } else if (matrix === 'range') {
    for (const body of ['wav', 'json', 'js', 'png', 'text'] as BodyKind[])
      for (const ct of [
        'audio/wav',
        'application/json',
        'text/plain',
        '',
        'application/javascript',
        'image/png',
      ])
        for (const status of [200, 206])
          for (const loader of ['fetch', 'audio'] as Loader[]) {
            const h: [string, string][] = [];
            if (ct) h.push(['Content-Type', ct]);
            if (status === 206) h.push(['Content-Range', 'bytes 0-5/100']);
            add(
              { body, ct, sstatus: status },
              { loader, ...(loader === 'fetch' ? { range: 'bytes=0-5' } : {}) },
              cross,
              h,
              body,
              status,
            );
          }
  } else if (matrix === 'corp' || matrix === 'coep') {
    const coep = matrix === 'coep' ? (process.argv[4] ?? 'require-corp') : '';
    pageUrl = `http://localhost:${s.a}/page?coep=${coep}`;
    const targets: Record<string, string> = {
      'same-origin': `http://localhost:${s.a}`,
      'same-site': `http://localhost:${s.b}`,
      'cross-site': cross,
    };
    for (const [where, target] of Object.entries(targets))
      for (const corp of ['', 'same-origin', 'same-site', 'cross-origin', 'SAME-ORIGIN', 'bogus'])
        for (const acao of [false, true])
          for (const [loader, extra] of [
            ['img', {}],
            ['img', { crossorigin: 'anonymous' }],
            ['fetch', { mode: 'no-cors' }],
            ['fetch', { mode: 'cors', credentials: 'omit' }],
            ['script', {}],
            ['script', { crossorigin: 'anonymous' }],
          ] as [Loader, Partial<PageLoad>][]) {
            const body: BodyKind = loader === 'img' ? 'png' : loader === 'script' ? 'js' : 'text';
            const ct =
              loader === 'img' ? 'image/png' : loader === 'script' ? 'application/javascript' : 'text/plain';
            const h: [string, string][] = [['Content-Type', ct]];
            if (corp) h.push(['Cross-Origin-Resource-Policy', corp]);
            if (acao) h.push(['Access-Control-Allow-Origin', '*']);
            add(
              { where, corp, acao, coep, crossorigin: extra.crossorigin ?? null, mode: extra.mode ?? null },
              { loader, ...extra },
              target,
              h,
              body,
            );
          }
  }
  const out: Row[] = [];
  const BATCH = 120;
  for (let i = 0; i < loads.length; i += BATCH) {
    await page.goto(pageUrl);
    page.console.length = 0;
    const batch = loads.slice(i, i + BATCH);
    const res = await page.evaluate<unknown[]>(batchExpression(batch));
    await new Promise((r) => setTimeout(r, 700));
    batch.forEach((l, k) => {
      const row = rows[i + k] as Row;
      const re = new RegExp(`/r/${l.id}(?![0-9])`);
      const lines = page.console
        .filter((c) => re.test(c.text) || re.test(c.url))
        .map((c) => c.text.replaceAll(String(s.a), 'A').replaceAll(String(s.b), 'B'));
      out.push({
        ...row,
        seen: s.requests(l.id).length,
        cookie: s.requests(l.id).map((q) => q.cookie),
        range: s.requests(l.id)[0]?.range ?? null,
        ...(res[k] as object),
        console: lines,
      });
    });
    const stray = page.console.filter((c) => !/\/r\/x\d+/.test(c.text + c.url));
    if (stray.length) console.log('stray', stray.slice(0, 5));
  }
  writeFileSync(
    `/tmp/iso-explore-${browser}-${matrix}${process.argv[4] ? `-${process.argv[4]}` : ''}.json`,
    JSON.stringify(out, null, 1),
  );
  console.log(browser, (runner as { version: string }).version, out.length, 'rows');
  await runner.close();
  await s.close();
}
main().catch((e) => {
  console.error(e);
  process.exit(1);
});
