/**
 * Runs generated page-context cases in a real browser and through the engine, and compares them:
 * per load, what the page could do (`ok` / `blocked`), which scheme the resource was finally served
 * over (mixed-content upgrades), and for Chromium the console lines logged for it (distinct lines,
 * port numbers written back as `{role}`).
 */
import { Agent } from 'undici';
import { type BrowserFetchEvent, createBrowserFetch } from '../../../src/browser/browser-fetch.js';
import { createPageContext } from '../../../src/browser/page-context.js';
import { getProfile, profileForRelease, releaseOf } from '../../../src/browser/releases.js';
import type { Initiator, RequestMode } from '../../../src/browser/types.js';
import { loopbackLookup } from '../harness/net.js';
import { testTlsConnectOptions } from '../harness/tls.js';
import type { BrowserName } from '../harness/types.js';
import type { ContextBrowser } from './_browsers.js';
import type { LoadKind } from './_page-script.js';
import type { ContextServers } from './_servers.js';
import { type ContextPage, loadUrl, pageUrl } from './generate.js';

export interface LoadResult {
  id: string;
  outcome: 'ok' | 'blocked' | 'timeout';
  /** Scheme of the last non-redirect request the servers saw for the load, or null. */
  served: 'http' | 'https' | null;
  /** Distinct console lines naming the load, delocalized, sorted. */
  console: string[];
}

export interface Disagreement {
  id: string;
  page: string;
  load: string;
  field: 'outcome' | 'served' | 'console';
  browser: unknown;
  engine: unknown;
}

function servedScheme(servers: ContextServers, id: string): 'http' | 'https' | null {
  const hits = servers.requestsFor(id).filter((r) => !r.path.includes('/to/'));
  return hits.length > 0 ? (hits[hits.length - 1]?.scheme ?? null) : null;
}

function linesFor(lines: string[], id: string, servers: ContextServers): string[] {
  return [...new Set(lines.filter((l) => l.includes(`/${id}/`)).map((l) => servers.delocalize(l)))].sort();
}

/** Runs every page in the browser; one navigation and one batch per page. */
export async function runInBrowser(
  browser: ContextBrowser,
  servers: ContextServers,
  pages: ContextPage[],
): Promise<Map<string, LoadResult>> {
  const out = new Map<string, LoadResult>();
  for (const p of pages) {
    servers.seen.length = 0;
    const visit = await browser.visit(
      servers.localize(pageUrl(p)),
      p.loads.map((l) => ({ id: l.id, kind: l.kind, url: servers.localize(loadUrl(l)) })),
    );
    for (const l of p.loads) {
      const outcome = visit.outcomes[l.id] ?? 'timeout';
      out.set(l.id, {
        id: l.id,
        outcome,
        served: servedScheme(servers, l.id),
        console: linesFor(visit.console, l.id, servers),
      });
    }
  }
  return out;
}

const INIT: Record<LoadKind, { initiator: Initiator; mode: RequestMode }> = {
  fetch: { initiator: 'fetch', mode: 'cors' },
  xhr: { initiator: 'XMLHttpRequest', mode: 'cors' },
  img: { initiator: 'image', mode: 'no-cors' },
  script: { initiator: 'script', mode: 'no-cors' },
  audio: { initiator: 'media', mode: 'no-cors' },
};

/**
 * Runs every page through the engine (createBrowserFetch with the page's context), following the
 * profile of the release `version` names (src/browser/releases.ts), or the newest one.
 */
export async function runInEngine(
  name: BrowserName,
  servers: ContextServers,
  pages: ContextPage[],
  version?: string,
): Promise<Map<string, LoadResult>> {
  const release = version === undefined ? null : releaseOf(version);
  const browser = release === null ? getProfile(name) : profileForRelease(name, release);
  const agent = new Agent({
    connect: { lookup: loopbackLookup as never, ...(await testTlsConnectOptions()) },
  });
  const out = new Map<string, LoadResult>();
  try {
    for (const p of pages) {
      const page = createPageContext({
        url: servers.localize(pageUrl(p)),
        csp: p.csp.map((v) => servers.localize(v)),
        cspReportOnly: p.reportOnly.map((v) => servers.localize(v)),
        ...(p.addressSpace ? { addressSpace: p.addressSpace } : {}),
      });
      for (const l of p.loads) {
        servers.seen.length = 0;
        const lines: string[] = [];
        const onEvent = (e: BrowserFetchEvent) => {
          if (e.type === 'console') lines.push(e.message);
        };
        const pageFetch = createBrowserFetch({ page, browser, dispatcher: agent, onEvent });
        let outcome: LoadResult['outcome'] = 'ok';
        try {
          const res = await pageFetch(servers.localize(loadUrl(l)), { ...INIT[l.kind], cache: 'no-store' });
          await res.arrayBuffer();
        } catch {
          outcome = 'blocked';
        }
        out.set(l.id, {
          id: l.id,
          outcome,
          served: servedScheme(servers, l.id),
          console: linesFor(lines, l.id, servers),
        });
      }
    }
  } finally {
    await agent.close();
  }
  return out;
}

/** Every field where the browser and the engine differ (console: Chromium only). */
export function compareRuns(
  browser: BrowserName,
  pages: ContextPage[],
  seen: Map<string, LoadResult>,
  engine: Map<string, LoadResult>,
): Disagreement[] {
  const out: Disagreement[] = [];
  for (const p of pages) {
    for (const l of p.loads) {
      const b = seen.get(l.id);
      const e = engine.get(l.id);
      if (!b || !e) throw new Error(`missing result for ${l.id}`);
      const base = { id: l.id, page: pageUrl(p), load: `${l.kind} ${loadUrl(l)}` };
      if (b.outcome !== e.outcome)
        out.push({ ...base, field: 'outcome', browser: b.outcome, engine: e.outcome });
      else if (b.outcome === 'ok' && b.served !== e.served)
        out.push({ ...base, field: 'served', browser: b.served, engine: e.served });
      if (browser === 'chromium' && JSON.stringify(b.console) !== JSON.stringify(e.console))
        out.push({ ...base, field: 'console', browser: b.console, engine: e.console });
    }
  }
  return out;
}
