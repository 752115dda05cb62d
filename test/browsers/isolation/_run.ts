/**
 * Runs isolation cases in a real browser (batched: one page load per embedder policy and batch)
 * and through the engine (src/browser/isolation), and compares what the page could do.
 */
import { noCorsLoad, parseEmbedderPolicy } from '../../../src/browser/isolation/index.js';
import { PROFILES } from '../../../src/browser/profiles.js';
import { bodyOf } from './_bodies.js';
import type { IsolationPage } from './_drive.js';
import { batchExpression, type PageLoad, type PageOutcome } from './_page.js';
import type { IsolationServers, ResourceAnswer } from './_servers.js';
import type { IsolationCase } from './generate.js';

/** What the page could do, in terms both sides can produce. */
export interface Seen {
  /** fetch: `error`, `opaque`, `basic`; script: `error`, `ran`, `syntax-error`, `nothing`; img: `error`, `load`. */
  view: string;
  /** Whether cookies went out (same-origin and same-site targets only; null elsewhere). */
  cookie: boolean | null;
  console: string[];
  /** The network error the browser reported for the request (DevTools' net::ERR_...), if any. */
  failure?: string | null;
}

export function pageUrl(s: IsolationServers, c: Pick<IsolationCase, 'coep' | 'pageScheme'>): string {
  const origin = c.pageScheme === 'https' ? `https://localhost:${s.c}` : `http://localhost:${s.a}`;
  return `${origin}/page${c.coep === 'none' ? '' : `?coep=${c.coep}`}`;
}

/** Where each kind of target lives, for an http page and for an https page. */
function targetOrigin(s: IsolationServers, c: IsolationCase): string {
  if (c.pageScheme === 'https') {
    if (c.where === 'same-origin') return `https://localhost:${s.c}`;
    if (c.where === 'same-site') return `https://localhost:${s.d}`;
    if (c.where === 'cross-site') return `https://api.test:${s.d}`;
    return `http://localhost:${s.b}`;
  }
  if (c.where === 'same-origin') return `http://localhost:${s.a}`;
  if (c.where === 'same-site') return `http://localhost:${s.b}`;
  if (c.where === 'cross-site') return `http://api.test:${s.a}`;
  return `https://localhost:${s.c}`;
}

export function resourceUrl(s: IsolationServers, c: IsolationCase): string {
  return `${targetOrigin(s, c)}/r/${c.id}`;
}

/** The URL the page asks for: the resource, or the redirect to it (`via`). */
export function requestUrl(s: IsolationServers, c: IsolationCase): string {
  return c.via === undefined ? resourceUrl(s, c) : `${targetOrigin(s, { ...c, where: c.via })}/r/${c.id}-via`;
}

/** Registers the case's answers (the redirect's too) and clears what the servers saw for them. */
export function registerCase(s: IsolationServers, c: IsolationCase): void {
  const answer = answerOf(s, c);
  s.register(c.id, answer);
  if (c.via === undefined) return;
  const cors = answer.headers.filter(([n]) => n.startsWith('Access-Control-'));
  const corp: [string, string][] = c.viaCorp ? [['Cross-Origin-Resource-Policy', c.viaCorp]] : [];
  s.register(`${c.id}-via`, {
    status: 302,
    headers: [['Location', resourceUrl(s, c)], ...cors, ...corp],
    body: '',
  });
}

/** The resource's answer: status, header lines and body exactly as the server sends them. */
export function answerOf(s: IsolationServers, c: IsolationCase): ResourceAnswer {
  return {
    status: c.status,
    headers: headersOf(c, new URL(pageUrl(s, c)).origin),
    body: bodyOf(c.body, c.id),
  };
}

export function headersOf(c: IsolationCase, pageOrigin: string): [string, string][] {
  const h: [string, string][] = [];
  if (c.acao === '*') h.push(['Access-Control-Allow-Origin', '*']);
  if (c.acao === 'echo' || c.acao === 'echo-credentials') h.push(['Access-Control-Allow-Origin', pageOrigin]);
  if (c.acao === 'echo-credentials') h.push(['Access-Control-Allow-Credentials', 'true']);
  if (c.contentType !== null) h.push(['Content-Type', c.contentType]);
  if (c.nosniff) h.push(['X-Content-Type-Options', 'nosniff']);
  if (c.corp !== null) h.push(['Cross-Origin-Resource-Policy', c.corp]);
  if (c.status === 206) h.push(['Content-Range', `bytes 0-${bodyOf(c.body, c.id).length - 1}/100000`]);
  return h;
}

const cookieScope = (c: IsolationCase) => c.where === 'same-origin' || c.where === 'same-site';

/** What the engine says the page sees. */
export function engineSeen(s: IsolationServers, c: IsolationCase, browser: 'chromium' | 'firefox'): Seen {
  const page = pageUrl(s, c);
  const url = resourceUrl(s, c);
  const out = noCorsLoad(
    {
      pageUrl: page,
      embedderPolicy: parseEmbedderPolicy(c.coep === 'none' ? null : c.coep, page),
      url,
      loader: c.loader,
      credentials: c.credentials ?? 'include',
      response: answerOf(s, c),
    },
    browser,
    PROFILES[browser].isolation,
  );
  let view: string;
  if (c.loader === 'fetch') {
    view = out.view === 'network-error' ? 'error' : out.view === 'load' ? 'basic' : 'opaque';
  } else if (c.loader === 'script') {
    view =
      out.view !== 'executed'
        ? 'error'
        : c.body === 'js'
          ? 'ran'
          : c.body === 'json-array' || c.body === 'empty'
            ? 'nothing'
            : 'syntax-error';
  } else view = out.view === 'load' ? 'load' : 'error';
  return { view, cookie: cookieScope(c) ? out.credentialsSent : null, console: out.console };
}

function browserView(c: IsolationCase, o: PageOutcome): string {
  if (o.outcome === 'timeout') return 'timeout';
  if (c.loader === 'fetch') return o.outcome === 'error' ? 'error' : (o.type ?? '?');
  if (c.loader === 'script') {
    if (o.outcome === 'error') return 'error';
    return o.ran ? 'ran' : o.syntaxError ? 'syntax-error' : 'nothing';
  }
  return o.outcome === 'load' ? 'load' : 'error';
}

/** Loads run at once in one page (fewer on a retry). */
const BATCH = 40;
/** How long one load may take before it counts as `timeout` (a loaded CI machine is slow). */
const LOAD_TIMEOUT_MS = 20_000;

/** Waits until `count()` has not changed for 400 ms (at least 600 ms, at most 4 s). */
async function settle(count: () => number): Promise<void> {
  const start = Date.now();
  let last = count();
  let quietSince = start;
  while (Date.now() - start < 4000) {
    await new Promise((r) => setTimeout(r, 100));
    const n = count();
    if (n !== last) {
      last = n;
      quietSince = Date.now();
    } else if (Date.now() - quietSince >= 400 && Date.now() - start >= 600) return;
  }
}

/** Runs one batch of cases of one page (same scheme and embedder policy) at once. */
async function runBatch(
  page: IsolationPage,
  s: IsolationServers,
  batch: IsolationCase[],
  out: Map<string, Seen>,
): Promise<void> {
  await page.goto(pageUrl(s, batch[0] as IsolationCase));
  page.console.length = 0;
  page.failures.length = 0;
  page.settled.clear();
  const loads: PageLoad[] = batch.map((c) => {
    registerCase(s, c);
    return {
      id: c.id,
      url: requestUrl(s, c),
      loader: c.loader,
      ...(c.loader === 'fetch' ? { mode: c.mode ?? 'no-cors', credentials: c.credentials ?? 'include' } : {}),
    };
  });
  const results = await page.evaluate<PageOutcome[]>(batchExpression(loads, LOAD_TIMEOUT_MS));
  // Console lines and finished/failed-request reports arrive asynchronously after the load
  // events: wait until every request has been reported (at most 2 s: Chromium reports neither for
  // some answers the page used), then until no line or report has come for 400 ms (at most 4 s).
  const reported = (c: IsolationCase) =>
    page.settled.has(resourceUrl(s, c)) || page.settled.has(requestUrl(s, c));
  for (const end = Date.now() + 2_000; Date.now() < end && !batch.every(reported); )
    await new Promise((r) => setTimeout(r, 100));
  await settle(() => page.console.length + page.failures.length + page.settled.size);
  batch.forEach((c, k) => {
    const re = new RegExp(`/r/${c.id}(?![0-9])`);
    // Mixed-content lines (an https page loading http://localhost) belong to the page-context
    // model (src/browser/mixed-content, the context engineer's); they are not compared here.
    const lines = page.console
      .filter((l) => (re.test(l.text) || re.test(l.url)) && !l.text.startsWith('Mixed Content: '))
      .map((l) => l.text);
    const seen = s.requests(c.id);
    const urls = [resourceUrl(s, c), requestUrl(s, c)];
    out.set(c.id, {
      failure: page.failures.find((f) => urls.includes(f.url))?.error ?? null,
      view: browserView(c, results[k] as PageOutcome),
      cookie: cookieScope(c) ? seen.some((q) => q.cookie?.includes('harness=1') === true) : null,
      console: lines,
    });
  });
}

/**
 * Runs the cases in the browser: one page load per embedder policy and batch. A load that timed
 * out (a starved machine) is run once more, in batches of 5.
 */
export async function browserSeen(
  page: IsolationPage,
  s: IsolationServers,
  cases: IsolationCase[],
): Promise<Map<string, Seen>> {
  const out = new Map<string, Seen>();
  const pages = (list: IsolationCase[]) => {
    const groups = new Map<string, IsolationCase[]>();
    for (const c of list) {
      const key = `${c.pageScheme} ${c.coep}`;
      groups.set(key, [...(groups.get(key) ?? []), c]);
    }
    return [...groups.values()];
  };
  for (const group of pages(cases))
    for (let i = 0; i < group.length; i += BATCH) await runBatch(page, s, group.slice(i, i + BATCH), out);
  const late = cases.filter((c) => out.get(c.id)?.view === 'timeout');
  for (const group of pages(late))
    for (let i = 0; i < group.length; i += 5) await runBatch(page, s, group.slice(i, i + 5), out);
  return out;
}

/** A one-line description of a case, for failure messages. */
export function describeCase(c: IsolationCase): string {
  const fetchInit =
    c.loader === 'fetch'
      ? ` ${c.mode ?? 'no-cors'}/${c.credentials ?? 'include'}${c.acao ? ` acao=${c.acao}` : ''}${c.via ? ` via ${c.via} (corp=${c.viaCorp ?? '-'})` : ''}`
      : '';
  return `${c.id} [${c.family}] ${c.pageScheme} page coep=${c.coep} ${c.where} ${c.loader}${fetchInit} ${c.status} ct=${c.contentType ?? '-'}${c.nosniff ? ' nosniff' : ''} corp=${c.corp ?? '-'} body=${c.body}`;
}
