/**
 * The scanner against the fleet: every planted class is reported at its severity, and nothing else;
 * the correctly configured servers get nothing (the public `*` API only its informational note).
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createBrowserFetch } from '../../src/browser/index.js';
import { deriveOriginProbes, type Finding, type ScanReport, scan, summarize } from '../../src/scan/index.js';
import { COOKIE, FLEET, listen, type Running, SITE } from './fleet.js';

const running: Running[] = [];
let report: ScanReport;

function findingSet(findings: readonly Finding[]): Record<string, string> {
  return Object.fromEntries(findings.map((f) => [f.class, f.severity]));
}

/** The site each fleet server plays (its own https origin for servers on a named host). */
function siteOf(i: number): string {
  const s = FLEET[i];
  const url = new URL(running[i]?.url ?? 'http://x');
  return s?.site ?? (s?.host ? `https://${s.host}:${url.port}` : SITE);
}

beforeAll(async () => {
  for (const s of FLEET) running.push(await listen(s.name, s.handler, s.upgrade, s.host));
  // One scan per site (most servers play SITE), stitched back into fleet order.
  const bySite = new Map<string, number[]>();
  for (let i = 0; i < FLEET.length; i++) bySite.set(siteOf(i), [...(bySite.get(siteOf(i)) ?? []), i]);
  const targets: ScanReport['targets'] = [];
  for (const [site, idx] of bySite) {
    const r = await scan(
      idx.map((i) => running[i]?.url ?? ''),
      { origin: site, cookie: COOKIE, concurrency: 16, timeout: 5000 },
    );
    idx.forEach((i, k) => {
      targets[i] = r.targets[k] as ScanReport['targets'][number];
    });
  }
  report = {
    tool: { name: 'crossorigin scan', version: '' },
    startedAt: '',
    durationMs: 0,
    targets,
    summary: summarize(targets),
  };
});

afterAll(async () => {
  await Promise.all(running.map((r) => r.close()));
});

/** Servers whose answer to the plain request does not depend on the session cookie. */
const NOT_COOKIE_DEPENDENT = [
  'public-wildcard-api',
  'post-only',
  'popup-page-no-coop',
  'popup-page-with-coop',
];

describe('scan: the fleet (with the session cookie)', () => {
  it('has a planted server for every finding class, and at least 15 correct ones', async () => {
    const { TITLES } = await import('../../src/scan/index.js');
    const planted = new Set(FLEET.flatMap((s) => Object.keys(s.expected)));
    const classes = Object.keys(TITLES).filter((c) => !['preflight-any-method'].includes(c));
    expect(classes.filter((c) => !planted.has(c))).toEqual([]);
    const correct = FLEET.filter((s) => Object.values(s.expected).every((sev) => sev === 'info'));
    expect(correct.length).toBeGreaterThanOrEqual(15);
  });

  it.each(FLEET.map((s, i) => [s.name, s.what, i] as const))('%s — %s', (_name, _what, i) => {
    const server = FLEET[i];
    const target = report.targets[i];
    expect(server).toBeDefined();
    expect(target?.target).toBe(running[i]?.url);
    expect(target?.error).toBeUndefined();
    expect(target?.failedRequests, 'every probe answered').toBe(0);
    expect(target?.differsWithCookies).toBe(!NOT_COOKIE_DEPENDENT.includes(server?.name ?? ''));
    expect(findingSet(target?.findings ?? [])).toEqual(server?.expected);
  });

  it('every finding has evidence (request and headers) and a fix', () => {
    for (const t of report.targets) {
      for (const f of t.findings) {
        expect(f.evidence.length, `${t.target} ${f.class}`).toBeGreaterThan(0);
        expect(f.evidence[0]?.request.url.startsWith(t.target)).toBe(true);
        expect(f.evidence[0]?.response.status).toBeGreaterThan(0);
        expect(f.fix.length).toBeGreaterThan(20);
        // The cookie never appears in a report.
        expect(JSON.stringify(f)).not.toContain('s3cret');
      }
    }
  });

  it("the caller's own headers are sent but redacted in evidence", async () => {
    const i = FLEET.findIndex((s) => s.name === 'cors-origin-true');
    const r = await scan(running[i]?.url ?? '', {
      origin: SITE,
      cookie: COOKIE,
      headers: { 'X-Api-Key': 'k3y' },
    });
    const f = r.targets[0]?.findings[0];
    expect(f?.class).toBe('origin-reflection');
    expect(f?.evidence[0]?.request.headers).toContainEqual(['x-api-key', '[redacted]']);
    expect(JSON.stringify(r)).not.toContain('k3y');
  });

  it('trusted-origin findings name the trusted probe origins', () => {
    const byName = (n: string) => report.targets[FLEET.findIndex((s) => s.name === n)];
    const prefix = byName('starts-with')?.findings.find((f) => f.class === 'prefix-match');
    expect(prefix?.origins).toContain('https://app.victim.test.evil.example');
    expect(prefix?.credentials).toBe(true);
    const suffix = byName('ends-with')?.findings.find((f) => f.class === 'suffix-match');
    expect(suffix?.origins).toContain('https://evilvictim.test');
    const dot = byName('unescaped-dot')?.findings.find((f) => f.class === 'unescaped-dot');
    expect(dot?.origins).toEqual(['https://appxvictim.test']);
    const third = byName('third-party-developer-origins')?.findings.find(
      (f) => f.class === 'third-party-origin',
    );
    expect(third?.origins).toEqual(['https://crossorigin-scan.github.io', 'https://codepen.io']);
  });

  it('the summary counts the findings', () => {
    const all = report.targets.flatMap((t) => t.findings);
    for (const sev of ['high', 'medium', 'low', 'info'] as const) {
      expect(report.summary[sev]).toBe(all.filter((f) => f.severity === sev).length);
    }
  });
});

/** Whether a page on `origin` can read `url` according to the browser engine (Chromium profile). */
async function engineReads(origin: string, url: string, credentials: RequestCredentials): Promise<boolean> {
  const f = createBrowserFetch({ origin });
  try {
    const res = await f(url, { credentials });
    await res.body?.cancel();
    return true;
  } catch (err) {
    if ((err as { cause?: { name?: string } }).cause?.name === 'CorsError') return false;
    throw err;
  }
}

/** Probe origins a page can have (the engine needs an http(s) origin: not `null`, not special characters). */
const pageOrigin = (o: string) => URL.parse(o)?.origin === o;

describe('scan and the browser engine agree', () => {
  it('every trusted probe origin of a finding can read the target in the engine (with credentials when the finding says so)', async () => {
    let checked = 0;
    for (const [i, t] of report.targets.entries()) {
      for (const f of t.findings) {
        if (f.class === 'preflight-only-trust') continue; // the point: the page cannot read
        for (const origin of (f.origins ?? []).filter(pageOrigin)) {
          const url = running[i]?.url ?? '';
          expect(
            await engineReads(origin, url, f.credentials ? 'include' : 'omit'),
            `${f.class} ${origin}`,
          ).toBe(true);
          checked++;
        }
      }
    }
    expect(checked).toBeGreaterThan(15);
  });

  it('on the correct servers no probe origin can read with credentials, and only the public API without', async () => {
    const probes = deriveOriginProbes(SITE)
      .map((p) => p.origin)
      .filter(pageOrigin);
    for (const name of [
      'crossorigin-server-credentials',
      'crossorigin-server-list',
      'cors-package-allowlist',
      'no-cors',
      'public-wildcard-api',
    ]) {
      const url = running[FLEET.findIndex((s) => s.name === name)]?.url ?? '';
      for (const origin of probes) {
        expect(await engineReads(origin, url, 'include'), `${name} ${origin} include`).toBe(false);
        expect(await engineReads(origin, url, 'omit'), `${name} ${origin} omit`).toBe(
          name === 'public-wildcard-api',
        );
      }
      // And the site itself can (except where CORS is off).
      expect(await engineReads(SITE, url, 'omit')).toBe(name !== 'no-cors');
    }
  });
});

describe('scan: severity follows exploitability', () => {
  it('without a cookie, a credentialed reflection is medium (private data not shown), JSONP too', async () => {
    const i = FLEET.findIndex((s) => s.name === 'cors-origin-true');
    const j = FLEET.findIndex((s) => s.name === 'jsonp');
    const r = await scan([running[i]?.url ?? '', running[j]?.url ?? ''], { origin: SITE });
    expect(r.targets.map((t) => t.differsWithCookies)).toEqual([null, null]);
    expect(findingSet(r.targets[0]?.findings ?? [])).toEqual({
      'origin-reflection': 'medium',
      'preflight-reflection': 'low',
    });
    expect(findingSet(r.targets[1]?.findings ?? [])).toEqual({ jsonp: 'medium' });
  });

  it('a cookie the server ignores: the response does not differ, so medium', async () => {
    const i = FLEET.findIndex((s) => s.name === 'reflected-null');
    const r = await scan(running[i]?.url ?? '', { origin: SITE, cookie: 'other=1' });
    expect(r.targets[0]?.differsWithCookies).toBe(false);
    expect(findingSet(r.targets[0]?.findings ?? [])).toEqual({ 'null-origin': 'medium' });
  });
});

describe('scan: bounded and polite', () => {
  it('a closed port is an error for that target, no probes follow, other targets go on', async () => {
    const dead = await listen('dead', () => {});
    const url = dead.url;
    await dead.close();
    const ok = running[FLEET.findIndex((s) => s.name === 'no-cors')]?.url ?? '';
    const r = await scan([url, ok], { origin: SITE, timeout: 2000 });
    expect(r.targets[0]?.error).toBe('connection refused');
    expect(r.targets[0]?.requests).toBe(1);
    expect(r.targets[0]?.findings).toEqual([]);
    expect(r.targets[1]?.error).toBeUndefined();
  });

  it('a target that redirects is reported as such (redirects are not followed)', async () => {
    const target = running[FLEET.findIndex((s) => s.name === 'no-cors')]?.url ?? '';
    const r301 = await listen('redirect', (_req, res) => {
      res.statusCode = 301;
      res.setHeader('location', target);
      res.end();
    });
    try {
      const r = await scan(r301.url);
      expect(r.targets[0]?.status).toBe(301);
      expect(r.targets[0]?.redirectsTo).toBe(target);
      const { formatText } = await import('../../src/scan/index.js');
      expect(formatText(r)).toContain(`the target redirects (301) to ${target}`);
    } finally {
      await r301.close();
    }
  });

  it('a server that never answers times out once (no retries)', async () => {
    let hits = 0;
    const slow = await listen('slow', () => {
      hits++;
    });
    try {
      const t0 = performance.now();
      const r = await scan(slow.url, { timeout: 300 });
      expect(performance.now() - t0).toBeLessThan(5000);
      expect(r.targets[0]?.error).toBe('no answer within 300 ms');
      expect(hits).toBe(1);
    } finally {
      await slow.close();
    }
  });

  it('method: the origin probes use it; the preflight stays OPTIONS and JSONP GET', async () => {
    const methods: string[] = [];
    const s = await listen('methods', (req, res) => {
      methods.push(`${req.method} ${req.headers.origin === undefined ? 'plain' : 'origin'}`);
      res.end('ok');
    });
    try {
      const r = await scan(s.url, { method: 'POST' });
      const count = (m: string) => methods.filter((x) => x === m).length;
      // Every request reaches the handler (a server without an upgrade listener hands the
      // WebSocket handshake to it as a plain GET with the attacker's Origin).
      expect(r.targets[0]?.requests).toBe(methods.length);
      expect(count('GET origin')).toBe(1);
      expect(count('POST plain')).toBe(1);
      expect(count('POST origin')).toBe(deriveOriginProbes(new URL(s.url).origin).length + 1);
      // The site-origin preflight and two from attacker origins (https://evil.example, null).
      expect(count('OPTIONS origin')).toBe(3);
      // JSONP: one GET carrying every callback parameter.
      expect(count('GET plain')).toBe(1);
    } finally {
      await s.close();
    }
  });

  it('never has more requests in flight than the concurrency limit', async () => {
    let inFlight = 0;
    let peak = 0;
    const s = await listen('count', (_req, res) => {
      inFlight++;
      peak = Math.max(peak, inFlight);
      setTimeout(() => {
        inFlight--;
        res.end('ok');
      }, 5);
    });
    try {
      const r = await scan([s.url, `${s.url}a`, `${s.url}b`], { concurrency: 3 });
      expect(r.targets.every((t) => t.error === undefined)).toBe(true);
      expect(peak).toBeLessThanOrEqual(3);
      expect(peak).toBeGreaterThan(1);
    } finally {
      await s.close();
    }
  });

  it.each([
    [['ftp://x.test/'], {}, 'is not an http(s) URL'],
    [['not a url'], {}, 'is not an http(s) URL'],
    [['http://127.0.0.1:1/'], { concurrency: 0 }, 'concurrency'],
    [['http://127.0.0.1:1/'], { timeout: -1 }, 'timeout'],
    [['http://127.0.0.1:1/'], { origin: 'https://a.test/path' }, 'origin'],
    [['http://127.0.0.1:1/'], { method: 'GET X' }, 'invalid method'],
    [['http://127.0.0.1:1/'], { headers: { origin: 'https://x.test' } }, 'set by the scanner'],
    [['http://127.0.0.1:1/'], { headers: { 'x-key': 'a\r\nb' } }, 'invalid header'],
    [['http://127.0.0.1:1/'], { cookie: 'a=1\nb' }, 'cookie is not a valid header value'],
  ] as const)('misuse throws TypeError: %j %j', async (targets, options, message) => {
    await expect(scan(targets, options)).rejects.toThrow(TypeError);
    await expect(scan(targets, options)).rejects.toThrow(message);
  });
});
