/**
 * `explain`'s evidence to results in `check`'s shape: console pastes (explain-console), HAR files
 * (re-judged by the engine) and devtools' copied requests (run as `check` runs them).
 */
import {
  type BrowserName,
  type BrowserProfile,
  type CorsErrorKind,
  createScriptedFetch,
  diagnose,
  explainConsoleText,
  getProfile,
  type HarEntry,
  type HarExchange,
  judgeHar,
  type LineExplanation,
  parseCopiedFetch,
  parseCurl,
  parseHar,
  profileForRelease,
  releaseOf,
  type ScriptedAnswer,
} from '../browser/index.js';
import { parseBrowser } from './_check-request.js';
import { runCheck } from './_check-run.js';
import type { CheckFlags, CheckResult } from './_check-types.js';
import { EXIT, UsageError } from './output.js';

export type EvidenceKind = 'console' | 'har' | 'curl' | 'fetch';

/** `explain`'s result: `check`'s shape, plus one item per message or exchange. */
export interface ExplainResult extends CheckResult {
  input: EvidenceKind;
  items: CheckResult[];
  /** HAR: one row per cross-origin exchange. */
  summary?: {
    entry: number;
    method: string;
    url: string;
    origin: string;
    status: number;
    verdict: string;
    kind?: string;
  }[];
  /** Console text that is not a CORS message we know, with the closest ones. */
  unknown?: { text: string; closest: { browser: string; text: string; score: number }[] }[];
}

/** What the input is, from its first characters. */
export function detectEvidence(text: string): EvidenceKind {
  const t = text.trimStart();
  if (t.startsWith('{')) return 'har';
  if (/^curl(\.exe)?\s/.test(t)) return 'curl';
  if (/^(await\s+)?fetch\(/.test(t)) return 'fetch';
  return 'console';
}

function lineResult(x: LineExplanation): CheckResult {
  const l = x.line;
  const browser: BrowserName = l.browser === 'engine' ? 'chromium' : l.browser;
  return {
    verdict: x.kind ? 'blocked' : 'unexplained',
    exitCode: x.kind ? EXIT.ok : EXIT.blocked,
    ...(l.url ? { url: l.url } : {}),
    ...(l.origin ? { from: l.origin } : {}),
    browser,
    notes: [x.did, `Rule: ${x.rule.text} (${x.rule.source})`],
    ...(x.kind ? { error: { kind: x.kind, message: l.text, logged: true, preflight: l.preflight } } : {}),
    ...(x.diagnosis
      ? {
          diagnosis: { cause: x.diagnosis.cause, candidates: x.diagnosis.candidates, sent: x.diagnosis.sent },
          fix: x.diagnosis.fix,
        }
      : {}),
  };
}

function withTop(
  input: EvidenceKind,
  items: CheckResult[],
  complete: boolean,
  extra: Partial<ExplainResult> = {},
): ExplainResult {
  const first = items.find((i) => i.verdict === 'blocked') ?? items[0];
  const { verdict: _v, exitCode: _e, ...rest } = first ?? {};
  return {
    ...rest,
    verdict: !complete || !first ? 'unexplained' : first.verdict,
    exitCode: complete && items.length > 0 ? EXIT.ok : EXIT.blocked,
    input,
    items,
    ...extra,
  };
}

/** A console paste. */
export function explainConsole(text: string): ExplainResult {
  const c = explainConsoleText(text);
  const items = c.explained.map(lineResult);
  const complete = c.unknown.length === 0 && items.every((i) => i.verdict !== 'unexplained');
  const top = withTop('console', items, complete, {
    ...(c.unknown.length ? { unknown: c.unknown.map((u) => ({ text: u.text, closest: u.closest })) } : {}),
  });
  // The top level's notes are the paste's own (network lines), not the first item's repeated.
  if (c.notes.length) top.notes = c.notes;
  else delete top.notes;
  return top;
}

function exchangeResult(x: HarExchange, entries: HarEntry[], profile: BrowserProfile): CheckResult {
  const browser = profile.name;
  const e = entries[x.entry]!;
  const pre = x.preflightEntry !== undefined ? entries[x.preflightEntry] : undefined;
  const pairs = (hs: { name: string; value: string }[]) =>
    hs.map((h) => [h.name, h.value] as [string, string]);
  const result: CheckResult = {
    verdict: x.verdict === 'not-judged' ? 'unexplained' : x.verdict,
    exitCode: x.verdict === 'not-judged' ? EXIT.blocked : EXIT.ok,
    url: x.url,
    from: x.origin,
    browser,
    ...(profile.release !== null ? { release: profile.release } : {}),
    ...(x.note ? { notes: [x.note] } : {}),
    actual: [
      {
        request: { method: e.request.method, url: e.request.url, headers: pairs(e.request.headers) },
        response: { status: e.response.status, headers: pairs(e.response.headers) },
      },
    ],
  };
  if (pre) {
    result.preflight = {
      needed: true,
      reasons: [],
      exchange: {
        request: { method: 'OPTIONS', url: pre.request.url, headers: pairs(pre.request.headers) },
        response: { status: pre.response.status, headers: pairs(pre.response.headers) },
      },
    };
  }
  if (x.error) {
    const unsafe = (
      pre?.request.headers.find((h) => h.name.toLowerCase() === 'access-control-request-headers')?.value ?? ''
    )
      .split(',')
      .map((s) => s.trim().toLowerCase())
      .filter(Boolean);
    const d = diagnose({
      error: x.error,
      request: { method: x.method, unsafeHeaders: unsafe, unsafeMethod: !/^(GET|HEAD|POST)$/.test(x.method) },
      ...(pre && pre.response.status > 0
        ? { preflight: { status: pre.response.status, headers: pairs(pre.response.headers) } }
        : {}),
      ...(e.response.status > 0
        ? { actual: { status: e.response.status, headers: pairs(e.response.headers) } }
        : {}),
    });
    result.error = {
      kind: x.error.kind,
      message: x.error.message,
      logged: x.error.logged,
      preflight: x.error.preflight,
      ...(x.alternatives ? { alternatives: x.alternatives } : {}),
    };
    const merged = x.alternatives
      ? [
          ...(d.candidates.length ? [] : [{ cause: d.cause, tell: 'Firefox says "does not match" for it' }]),
          {
            cause:
              'the server (or a proxy in front of it) sent Access-Control-Allow-Origin on several lines; Firefox refuses repeated lines',
            tell: 'Firefox says "Multiple CORS header ‘Access-Control-Allow-Origin’ not allowed" for it; `curl -si` shows the raw lines',
          },
        ]
      : [];
    result.diagnosis = { cause: d.cause, candidates: [...d.candidates, ...merged], sent: d.sent };
    result.fix = d.fix;
  }
  return result;
}

/**
 * The browser whose panel wrote the HAR (log.creator) and its release (the User-Agent its requests
 * carry, else Firefox's log.creator.version), unless `--browser` says (a name or `name@release`).
 */
function harBrowser(json: unknown, entries: HarEntry[], flag: string | undefined): BrowserProfile {
  if (flag !== undefined) return parseBrowser(flag).profile;
  const creator = (json as { log?: { creator?: { name?: unknown; version?: unknown } } }).log?.creator;
  const creatorName = String(creator?.name ?? '');
  const name: BrowserName = /firefox/i.test(creatorName)
    ? 'firefox'
    : /webkit|safari/i.test(creatorName)
      ? 'webkit'
      : 'chromium';
  if (name === 'webkit') return getProfile(name);
  const ua = entries
    .flatMap((e) => e.request.headers)
    .find((h) => h.name.toLowerCase() === 'user-agent')?.value;
  const release =
    (ua !== undefined ? releaseOf(ua) : null) ??
    (name === 'firefox' ? releaseOf(String(creator?.version ?? '')) : null);
  return release === null ? getProfile(name) : profileForRelease(name, release);
}

/** A HAR file's text. */
export async function explainHar(text: string, browserFlag?: string): Promise<ExplainResult> {
  let json: unknown;
  try {
    json = JSON.parse(text);
  } catch (e) {
    throw new UsageError(`the input starts like JSON but is not: ${(e as Error).message}`);
  }
  const har = parseHar(json);
  if (!har.ok) throw new UsageError(har.problem);
  const browser = harBrowser(json, har.entries, browserFlag);
  const exchanges = await judgeHar(har.entries, browser);
  const items = exchanges.map((x) => exchangeResult(x, har.entries, browser));
  const summary = exchanges.map((x) => ({
    entry: x.entry,
    method: x.method,
    url: x.url,
    origin: x.origin,
    status: x.recordedStatus,
    verdict: x.verdict,
    ...(x.error ? { kind: x.error.kind } : {}),
  }));
  return withTop(
    'har',
    items,
    items.every((i) => i.verdict !== 'unexplained'),
    { summary },
  );
}

/** A copied cURL or fetch(): run as `check` runs it. */
export async function explainCopied(
  kind: 'curl' | 'fetch',
  text: string,
  flags: CheckFlags,
): Promise<ExplainResult> {
  const p = kind === 'curl' ? parseCurl(text) : parseCopiedFetch(text);
  if (!p.ok) throw new UsageError(p.problem);
  const r = p.request;
  const from = flags.from ?? r.origin;
  if (!from)
    throw new UsageError(
      'the copied request carries no Origin header or referrer: pass --from <page origin>',
    );
  const checkFlags: CheckFlags = {
    ...flags,
    // The browser that made the copy and its release (its User-Agent), unless --browser says.
    ...(flags.browser === undefined && r.browser
      ? { browser: r.release !== undefined ? `${r.browser}@${r.release}` : r.browser }
      : {}),
    from,
    method: r.method,
    header: r.pageHeaders.map(([n, v]) => `${n}: ${v}`),
    credentials: r.credentials,
    ...(r.body !== undefined && !/^(GET|HEAD)$/i.test(r.method) ? { bodyType: 'text' } : {}),
    ...(r.mode === 'no-cors' || r.mode === 'same-origin' ? { mode: r.mode } : {}),
  };
  const result = await runCheck(r.url, checkFlags);
  if (result.verdict === 'allowed' && r.credentials !== 'include')
    await credentialsCaveat(result, r.url, checkFlags);
  return withTop(kind, [result], true, {});
}

/**
 * A copy does not record the page's credentials mode: devtools writes `credentials: "omit"` (or no
 * cookie for curl) when the browser sent no cookies, which Chromium never does cross-site (third-
 * party cookies blocked) even for `credentials: 'include'`. So an allowed copy is judged again,
 * offline, from the answers just received, as if the page had asked for credentials; when that
 * is blocked, the result says so (no second request reaches the server).
 */
async function credentialsCaveat(result: CheckResult, url: string, flags: CheckFlags): Promise<void> {
  const first = result.actual?.[0]?.response;
  if (!first) return;
  const hops: Record<string, ScriptedAnswer> = {};
  for (const x of result.actual!.slice(1))
    if (x.response) hops[new URL(x.request.url).host + new URL(x.request.url).pathname] = x.response;
  const pre = result.preflight?.exchange?.response;
  const script = createScriptedFetch({ ...(pre ? { preflight: pre } : {}), actual: first, hops });
  const again = await runCheck(url, { ...flags, credentials: 'include' }, script).catch(() => null);
  if (again?.verdict !== 'blocked' || !again.error) return;
  result.credentialsCaveat = {
    kind: again.error.kind as CorsErrorKind,
    message: again.error.message,
    fix: again.fix?.text ?? '',
  };
  result.notes = result.notes ?? [];
  result.notes.push(
    `Allowed as copied, without credentials. The copy cannot say whether the page used credentials: 'include' (devtools writes "omit" when no cookie was sent); if it did, the browser blocks it: ${again.error.message} Fix: ${again.fix?.text ?? ''}`,
  );
}
