/**
 * Records what real Chromium and Firefox do for the representative cases (cases/representative.ts)
 * into observed/chromium.json and observed/firefox.json: outcome, error, readable headers, the
 * preflight's request headers and the exact console text, written back in fixture form (no ports,
 * no /c/<id> prefix; see `delocalize`). The engine's error strings are checked against these.
 *
 *   npx tsx test/browsers/record.ts [chromium|firefox ...]
 */
import { mkdirSync, writeFileSync } from 'node:fs';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { REPRESENTATIVE } from './cases/representative.js';
import { browserAvailable } from './harness/available.js';
import { ChromiumRunner } from './harness/chromium.js';
import { FirefoxRunner } from './harness/firefox.js';
import { CaseServers, delocalize } from './harness/servers.js';
import type { BrowserName, BrowserRunner, RunObservation } from './harness/types.js';

const here = dirname(fileURLToPath(import.meta.url));

function summarize(o: RunObservation, id: string, servers: CaseServers) {
  const d = (s: string) => delocalize(s, id, servers.ports);
  return {
    preflight: o.preflight
      ? { method: o.preflight.method, requestHeaders: o.preflight.requestHeaders }
      : null,
    preflights: o.preflights,
    actualSent: o.actualSent,
    cookieSent: o.cookieSent,
    outcome: o.outcome,
    responseType: o.responseType,
    status: o.status,
    readableHeaders: o.readableHeaders,
    error: o.error,
    console: o.console.map(d),
    requests: o.requests.map((r) => ({
      server: r.role,
      method: r.method,
      path: r.path,
      status: r.status,
      origin: ((o) => (o === null ? null : d(o)))(
        r.headers.find(([n]) => n.toLowerCase() === 'origin')?.[1] ?? null,
      ),
      headers: r.headers.map(([n, v]) => [n, d(v)]),
    })),
  };
}

async function record(browser: BrowserName, servers: CaseServers): Promise<void> {
  const runner: BrowserRunner =
    browser === 'chromium'
      ? await ChromiumRunner.launch({ servers })
      : await FirefoxRunner.launch({ servers });
  try {
    const obs = await runner.runCases(REPRESENTATIVE);
    const out = {
      browser,
      version: runner.version,
      note: 'Recorded by test/browsers/record.ts. Texts are in fixture form: page origin http://app.test, URLs http://api.test/<path> (the harness serves them on ephemeral ports under /c/<id>). Request headers (and origin, null when no Origin header was sent) are delocalized the same way.',
      cases: REPRESENTATIVE.map((c, i) => {
        const o = obs[i];
        if (!o || o.id !== c.id) throw new Error(`observation order broken at ${c.id}`);
        return {
          id: c.id,
          about: c.about,
          request: c.request,
          server: c.server,
          ...(c.repeat ? { repeat: c.repeat } : {}),
          observed: summarize(o, c.id, servers),
          ...(o.repeats.length ? { repeats: o.repeats.map((r) => summarize(r, c.id, servers)) } : {}),
        };
      }),
    };
    const dir = join(here, 'observed');
    mkdirSync(dir, { recursive: true });
    writeFileSync(join(dir, `${browser}.json`), `${JSON.stringify(out, null, 2)}\n`);
    process.stderr.write(`wrote observed/${browser}.json (${out.cases.length} cases, ${runner.version})\n`);
  } finally {
    await runner.close();
  }
}

const wanted = (
  process.argv.slice(2).length ? process.argv.slice(2) : ['chromium', 'firefox']
) as BrowserName[];
const servers = await CaseServers.start();
try {
  for (const b of wanted) {
    const a = browserAvailable(b);
    if (!a.ok) {
      process.stderr.write(`skip ${b}: ${a.reason}\n`);
      process.exitCode = 1;
      continue;
    }
    await record(b, servers);
  }
} finally {
  await servers.close();
}
