/**
 * The oracle: every case the harness recorded in real Chromium 156 and Firefox ESR 153
 * (test/browsers/observed/*.json, written by test/browsers/record.ts) replayed through
 * createBrowserFetch with the matching profile over a scripted transport that answers exactly as
 * the harness servers did. What the page saw (outcome, status, readable headers, the rejection)
 * and what the network saw (preflights, the actual request, its Origin), and the browser's own
 * console line, must be the same.
 */
import { readFileSync } from 'node:fs';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { describe, expect, it } from 'vitest';
import type { CorsError } from './errors/index.js';
import { createBrowserFetch } from './index.js';
import { createScriptedFetch, type ScriptedRequest, type ScriptedServer } from './scripted-fetch.js';

interface ObservedCase {
  id: string;
  about: string;
  request: {
    origin: string;
    url: string;
    method: string;
    headers?: [string, string][];
    mode?: RequestMode;
    credentials?: RequestCredentials;
    redirect?: RequestRedirect;
    body?: string;
    initiator?: 'fetch' | 'XMLHttpRequest';
  };
  server: ScriptedServer;
  observed: {
    preflights: number;
    actualSent: boolean;
    outcome: 'allowed' | 'blocked' | 'opaque';
    responseType: string | null;
    status: number;
    readableHeaders: string[];
    error: { name: string; message: string } | null;
    console: string[];
    requests: { server: string; method: string; path: string; status: number; origin?: string }[];
  };
}

const here = dirname(fileURLToPath(import.meta.url));
function load(browser: 'chromium' | 'firefox'): ObservedCase[] {
  const file = join(here, '..', '..', 'test', 'browsers', 'observed', `${browser}.json`);
  return (JSON.parse(readFileSync(file, 'utf8')) as { cases: ObservedCase[] }).cases;
}

/** The console lines that explain a block (not the generic "Failed to load resource" lines). */
function corsLines(lines: string[]): string[] {
  return lines.filter((l) => !l.startsWith('Failed to load resource'));
}

function stripPort(origin: string | undefined): string | undefined {
  return origin?.replace(/:\d+$/, '');
}

/**
 * Where a fetch transport cannot show what the browser saw, the engine's answer differs in a known,
 * documented way (docs/browser.md, "Limits"); it is asserted as it is so that any change shows.
 */
const TRANSPORT_LIMITS: Record<string, string> = {
  // Two Access-Control-Allow-Origin lines arrive joined into one by the Fetch Headers object, so
  // Firefox's "multiple lines" diagnosis becomes "does not match" (the request is blocked either way).
  'firefox acao-two-lines':
    'Cross-Origin Request Blocked: The Same Origin Policy disallows reading the remote resource at http://api.test/data. (Reason: CORS header ‘Access-Control-Allow-Origin’ does not match ‘http://app.test, http://app.test’).',
};

for (const browser of ['chromium', 'firefox'] as const) {
  describe(`observed in ${browser}`, () => {
    const cases = load(browser);
    // The servers of that recording sent `Keep-Alive` when some case could read it; answer alike.
    const extra: [string, string][] = cases.some((c) => c.observed.readableHeaders.includes('keep-alive'))
      ? [['Keep-Alive', 'timeout=5']]
      : [];
    it('has recorded cases', () => {
      expect(cases.length).toBeGreaterThan(50);
    });
    it.each(cases.map((c) => [c.id, c] as const))('%s', async (_id, c) => {
      const log: ScriptedRequest[] = [];
      const pageFetch = createBrowserFetch({
        origin: c.request.origin,
        browser,
        fetch: createScriptedFetch(c.server, log, extra),
      });
      const r = c.request;
      const body = r.body === 'string' ? 'hello' : r.body === 'form' ? new URLSearchParams('a=1') : undefined;
      let outcome: 'allowed' | 'blocked' | 'opaque';
      let status = 0;
      let readable: string[] = [];
      let rejection: { name: string; message: string } | null = null;
      let cause: CorsError | undefined;
      try {
        const res = await pageFetch(r.url, {
          method: r.method,
          headers: r.headers ?? [],
          ...(r.mode ? { mode: r.mode } : {}),
          credentials: r.credentials ?? 'same-origin',
          ...(r.redirect ? { redirect: r.redirect } : {}),
          ...(body !== undefined ? { body } : {}),
          ...(r.initiator ? { initiator: r.initiator } : {}),
        });
        outcome = res.type === 'opaque' || res.type === 'opaqueredirect' ? 'opaque' : 'allowed';
        status = res.status;
        readable = [...res.headers.keys()].sort();
        expect(res.type).toBe(c.observed.responseType === 'xhr' ? 'cors' : c.observed.responseType);
      } catch (e) {
        outcome = 'blocked';
        rejection = { name: (e as Error).name, message: (e as Error).message };
        cause = (e as { cause?: CorsError }).cause;
        expect(cause?.name).toBe('CorsError');
      }
      const o = c.observed;
      expect(outcome, 'outcome').toBe(o.outcome);
      expect(status, 'status').toBe(o.status);
      expect(readable, 'readable headers').toEqual(o.readableHeaders);
      expect(log.filter((q) => q.preflight).length, 'preflights').toBe(o.preflights);
      expect(
        log.some((q) => !q.preflight),
        'actual request sent',
      ).toBe(o.actualSent);
      // The Origin each actual request carried, hop by hop.
      const sentOrigins = log
        .filter((q) => !q.preflight)
        .map((q) => q.headers.find(([n]) => n.toLowerCase() === 'origin')?.[1]);
      const seenOrigins = o.requests.filter((q) => q.method !== 'OPTIONS').map((q) => stripPort(q.origin));
      expect(sentOrigins, 'Origin of each actual request').toEqual(seenOrigins);
      // fetch() rejections; XMLHttpRequest reports a ProgressEvent instead, so only its kind is compared.
      if (r.initiator !== 'XMLHttpRequest') expect(rejection, 'rejection').toEqual(o.error);
      const lines = corsLines(o.console);
      if (lines.length > 0) {
        expect(cause?.logged, 'the browser logged a line for this failure').toBe(true);
        expect(cause?.message, 'console message').toBe(TRANSPORT_LIMITS[`${browser} ${c.id}`] ?? lines[0]);
      } else if (cause) {
        expect(cause.logged, 'the browser logged nothing').toBe(false);
      }
    });
  });
}
