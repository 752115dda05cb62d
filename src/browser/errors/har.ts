/**
 * A HAR file (Chromium's or Firefox's network panel, or a harness recording) re-judged by the
 * engine: every cross-origin exchange (a request whose `Origin` differs from its URL's origin) is
 * replayed through `createBrowserFetch` with the recorded answers as its network, preflight entries
 * matched to the actual request they were for. An exchange whose answer the HAR does not hold (a
 * blocked request recorded without its response) is reported as not judged, never guessed.
 */
import { isForbiddenRequestHeader } from '../../_fetch/index.js';
import { createBrowserFetch } from '../browser-fetch.js';
import type { BrowserProfile } from '../profiles.js';
import { getProfile } from '../releases.js';
import type { BrowserName } from '../types.js';
import type { CorsError, CorsErrorKind } from './kinds.js';

interface HarHeader {
  name: string;
  value: string;
}
/** The part of a HAR entry we read. */
export interface HarEntry {
  request: { method: string; url: string; headers: HarHeader[]; postData?: { text?: string } };
  response: { status: number; headers: HarHeader[] };
  /** The browser's own failure text for this entry (DevTools `_error`, Playwright `_failureText`). */
  failed?: string;
}

export interface HarExchange {
  /** Index of the actual request's entry in `log.entries`. */
  entry: number;
  /** Index of the preflight entry matched to it, if the HAR holds one. */
  preflightEntry?: number;
  method: string;
  url: string;
  origin: string;
  credentials: 'include' | 'same-origin';
  recordedStatus: number;
  verdict: 'allowed' | 'blocked' | 'not-judged';
  /** The engine's refusal when blocked. */
  error?: CorsError;
  /** Other refusals the HAR cannot tell apart from `error` (see mergedLines). */
  alternatives?: CorsErrorKind[];
  /** Why it could not be judged, or what was assumed. */
  note?: string;
}

export type HarParse = { ok: true; entries: HarEntry[] } | { ok: false; problem: string };

/** Checks the HAR's shape (log.entries with request and response) and returns its entries. */
export function parseHar(json: unknown): HarParse {
  const entries = (json as { log?: { entries?: unknown } } | null)?.log?.entries;
  if (!Array.isArray(entries)) return { ok: false, problem: 'not a HAR file: no log.entries array' };
  const out: HarEntry[] = [];
  for (const [i, e] of entries.entries()) {
    const req = (e as HarEntry)?.request;
    const res = (e as HarEntry)?.response;
    if (
      !req ||
      typeof req.url !== 'string' ||
      typeof req.method !== 'string' ||
      !Array.isArray(req.headers)
    ) {
      return { ok: false, problem: `log.entries[${i}] has no request with method, url and headers` };
    }
    const x = e as { _error?: unknown; response?: { _error?: unknown; _failureText?: unknown } };
    const failed = x._error ?? x.response?._error ?? x.response?._failureText;
    out.push({
      ...(typeof failed === 'string' && failed ? { failed } : {}),
      request: {
        method: req.method,
        url: req.url,
        headers: req.headers,
        ...(req.postData ? { postData: req.postData } : {}),
      },
      response: {
        status: typeof res?.status === 'number' ? res.status : 0,
        headers: Array.isArray(res?.headers) ? res.headers : [],
      },
    });
  }
  return { ok: true, entries: out };
}

const get = (hs: HarHeader[], n: string): string | undefined =>
  hs.find((h) => h.name.toLowerCase() === n)?.value;
const isPreflight = (e: HarEntry): boolean =>
  e.request.method === 'OPTIONS' && get(e.request.headers, 'access-control-request-method') !== undefined;
/** Chromium records a blocked request with status 0 (or -1) and no headers. */
const answered = (e: HarEntry): boolean => e.response.status > 0;

/**
 * The page origin of a cross-origin request, or null. Chromium records a request whose preflight
 * failed without the headers it never sent (no Origin), and after its preflight: then the
 * preflight's Origin (or the Referer's origin) says who asked.
 */
function crossOriginOf(entries: HarEntry[], i: number, preflight: number | undefined): string | null {
  const e = entries[i]!;
  const url = URL.parse(e.request.url);
  if (!url || isPreflight(e)) return null;
  const referer = URL.parse(get(e.request.headers, 'referer') ?? '');
  const origin =
    get(e.request.headers, 'origin') ??
    (preflight !== undefined ? get(entries[preflight]!.request.headers, 'origin') : undefined) ??
    (referer && e.failed ? referer.origin : undefined);
  return origin && origin !== url.origin ? origin : null;
}

/** The nearest unused preflight for the same URL and method (browsers record it before or after). */
function matchPreflight(entries: HarEntry[], i: number, used: Set<number>): number | undefined {
  const e = entries[i]!;
  let best: number | undefined;
  for (const [j, p] of entries.entries()) {
    if (used.has(j) || !isPreflight(p) || p.request.url !== e.request.url) continue;
    if (get(p.request.headers, 'access-control-request-method') !== e.request.method) continue;
    if (best === undefined || Math.abs(j - i) < Math.abs(best - i)) best = j;
  }
  if (best !== undefined) used.add(best);
  return best;
}

/** Marks a transport failure that means "the HAR does not hold this answer" (the engine keeps the message as its hint). */
const UNRECORDED = '[not in the HAR] ';
class Unrecorded extends Error {
  constructor(message: string) {
    super(UNRECORDED + message);
  }
}

function responseOf(e: HarEntry): Response {
  const headers = new Headers();
  for (const h of e.response.headers) {
    try {
      headers.append(h.name, h.value);
    } catch {
      // a pseudo-header (":status") or an invalid line: not part of the answer the page sees
    }
  }
  const nullBody =
    [101, 204, 205, 304].includes(e.response.status) || (e.response.status >= 300 && e.response.status < 400);
  return new Response(nullBody ? null : '', { status: e.response.status, headers });
}

/** A network that answers from the HAR: the matched preflight, then the entries in order. */
function replay(
  entries: HarEntry[],
  actual: number,
  preflight: number | undefined,
  notes: string[],
  consumed: Set<number>,
): typeof fetch {
  let cursor = actual;
  return async (input, init) => {
    const url = typeof input === 'string' ? input : input instanceof URL ? input.href : input.url;
    const method = (init?.method ?? 'GET').toUpperCase();
    if (method === 'OPTIONS') {
      if (preflight !== undefined && answered(entries[preflight]!)) return responseOf(entries[preflight]!);
      if (preflight === undefined && answered(entries[actual]!)) {
        notes.push('the HAR holds no preflight, but the actual request was sent, so its preflight passed');
        const h = new Headers(init?.headers);
        return new Response(null, {
          status: 204,
          headers: {
            'access-control-allow-origin': h.get('origin') ?? '*',
            'access-control-allow-methods': h.get('access-control-request-method') ?? 'GET',
            ...(h.get('access-control-request-headers')
              ? { 'access-control-allow-headers': h.get('access-control-request-headers')! }
              : {}),
            'access-control-allow-credentials': 'true',
          },
        });
      }
      throw new Unrecorded('the preflight is not in the HAR with its answer');
    }
    for (let j = cursor; j < entries.length; j++) {
      const e = entries[j]!;
      if (e.request.url === url && e.request.method.toUpperCase() === method && !isPreflight(e)) {
        cursor = j + 1;
        consumed.add(j);
        if (!answered(e))
          throw new Unrecorded('the browser recorded this request without its response (status 0)');
        return responseOf(e);
      }
    }
    throw new Unrecorded(`no entry for ${method} ${url} in the HAR`);
  };
}

/**
 * A HAR does not record the credentials mode. A Cookie header says 'include'; otherwise the request
 * is judged without, and, when the browser recorded a failure the engine does not reproduce so,
 * again with credentials: 'include' (noted in the result).
 */
async function judgeOne(
  entries: HarEntry[],
  i: number,
  preflight: number | undefined,
  origin: string,
  browser: BrowserProfile,
  consumed: Set<number>,
): Promise<HarExchange> {
  const e = entries[i]!;
  const withCookie = get(e.request.headers, 'cookie') !== undefined;
  const first = await judgeWith(
    entries,
    i,
    preflight,
    origin,
    browser,
    withCookie ? 'include' : 'same-origin',
    consumed,
  );
  if (withCookie || first.verdict !== 'allowed' || !e.failed) return first;
  const again = await judgeWith(entries, i, preflight, origin, browser, 'include', new Set());
  if (again.verdict !== 'blocked') return first;
  const note = `the HAR does not record the credentials mode; the browser failed this request (${e.failed}), and with credentials: 'include' so does the engine`;
  return { ...again, note: again.note ? `${again.note}; ${note}` : note };
}

/**
 * Headers the browser adds itself, recorded in the HAR beside the page's: User-Agent, and Firefox's
 * `Priority` (RFC 9218, sent on HTTP/1.1 too). Replayed as the page's, they would call for a
 * preflight that never happened; one the preflight's Access-Control-Request-Headers names stays.
 */
const BROWSER_ADDED = new Set(['user-agent', 'priority']);

async function judgeWith(
  entries: HarEntry[],
  i: number,
  preflight: number | undefined,
  origin: string,
  browser: BrowserProfile,
  credentials: 'include' | 'same-origin',
  consumed: Set<number>,
): Promise<HarExchange> {
  const e = entries[i]!;
  const base: HarExchange = {
    entry: i,
    ...(preflight !== undefined ? { preflightEntry: preflight } : {}),
    method: e.request.method,
    url: e.request.url,
    origin,
    credentials,
    recordedStatus: e.response.status,
    verdict: 'not-judged',
  };
  const notes: string[] = [];
  const pageFetch = createBrowserFetch({
    origin,
    browser,
    fetch: replay(entries, i, preflight, notes, consumed),
  });
  const asked = (
    preflight === undefined
      ? ''
      : (get(entries[preflight]!.request.headers, 'access-control-request-headers') ?? '')
  )
    .toLowerCase()
    .split(',')
    .map((n) => n.trim());
  const headers = e.request.headers.filter(
    (h) =>
      (!h.name.startsWith(':') &&
        !isForbiddenRequestHeader(h.name, h.value) &&
        !BROWSER_ADDED.has(h.name.toLowerCase())) ||
      asked.includes(h.name.toLowerCase()),
  );
  const body = e.request.postData?.text;
  try {
    const res = await pageFetch(e.request.url, {
      method: e.request.method,
      headers: headers.map((h) => [h.name, h.value] as [string, string]),
      credentials,
      ...(body !== undefined && !/^(GET|HEAD)$/i.test(e.request.method) ? { body } : {}),
    });
    await res.body?.cancel().catch(() => {});
    return { ...base, verdict: 'allowed', ...(notes.length ? { note: notes.join('; ') } : {}) };
  } catch (err) {
    const cause = (err as { cause?: unknown }).cause;
    const hint = (cause as CorsError | undefined)?.hint;
    if (hint?.startsWith(UNRECORDED)) return { ...base, note: hint.slice(UNRECORDED.length) };
    if (
      cause &&
      typeof cause === 'object' &&
      (cause as CorsError).name === 'CorsError' &&
      (cause as CorsError).kind !== 'network-error'
    ) {
      return {
        ...base,
        verdict: 'blocked',
        error: cause as CorsError,
        ...(notes.length ? { note: notes.join('; ') } : {}),
      };
    }
    return { ...base, note: `the engine could not replay it: ${(err as Error).message}` };
  }
}

/**
 * Firefox's network monitor (and WebDriver BiDi) shows repeated response header lines merged into
 * one comma-separated value, so "two Access-Control-Allow-Origin lines" (Firefox: "Multiple CORS
 * header 'Access-Control-Allow-Origin' not allowed") and "one line naming two origins" ("does not
 * match") record the same. The engine judges the one line; the other reading is named beside it.
 */
function mergedLines(x: HarExchange, entries: HarEntry[], browser: BrowserProfile): HarExchange {
  const kind = x.error?.kind;
  if (
    browser.name !== 'firefox' ||
    (kind !== 'allow-origin-mismatch' && kind !== 'preflight-allow-origin-mismatch')
  )
    return x;
  const preflight = kind === 'preflight-allow-origin-mismatch';
  const at = preflight ? x.preflightEntry : x.entry;
  const value =
    at === undefined ? undefined : get(entries[at]!.response.headers, 'access-control-allow-origin');
  if (value === undefined || !value.includes(',')) return x;
  const other: CorsErrorKind = preflight
    ? 'preflight-multiple-allow-origin-values'
    : 'multiple-allow-origin-values';
  const note =
    'Firefox records repeated header lines merged into one value: this was either one Access-Control-Allow-Origin line naming several origins or several lines (Firefox says "Multiple CORS header" for those); the console line tells which';
  return { ...x, alternatives: [other], note: x.note ? `${x.note}; ${note}` : note };
}

/**
 * Re-judges every cross-origin exchange of a HAR (at most 500) as `browser` would: a name, a
 * `name@release` (`chromium@150`) or a profile.
 */
export async function judgeHar(
  entries: HarEntry[],
  browserOrName: BrowserName | `${BrowserName}@${number}` | BrowserProfile = 'chromium',
): Promise<HarExchange[]> {
  const browser = getProfile(browserOrName);
  const used = new Set<number>();
  // Entries replayed as a later hop of an earlier exchange's redirect chain are not judged again.
  const consumed = new Set<number>();
  const out: HarExchange[] = [];
  for (let i = 0; i < entries.length && out.length < 500; i++) {
    if (consumed.has(i) || isPreflight(entries[i]!)) continue;
    const preflight = matchPreflight(entries, i, used);
    const origin = crossOriginOf(entries, i, preflight);
    if (origin === null || origin === 'null') {
      if (preflight !== undefined) used.delete(preflight);
      continue;
    }
    consumed.add(i);
    out.push(mergedLines(await judgeOne(entries, i, preflight, origin, browser, consumed), entries, browser));
  }
  return out;
}
