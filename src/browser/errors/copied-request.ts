/**
 * Devtools' "Copy as cURL" and "Copy as fetch" (Chromium and Firefox) back into a request: the URL,
 * method, headers and body, the page origin (the copied `Origin`, else the origin of the referrer),
 * and whether credentials were sent (a `Cookie` header, `-b`, or `credentials: 'include'`). Headers the
 * browser itself adds (forbidden names: Origin, Cookie, Sec-Fetch-*, User-Agent, ...) are kept apart
 * from the ones the page set, since a page cannot set the former.
 */
import { isForbiddenRequestHeader } from '../../_fetch/index.js';
import { releaseOf } from '../_release-of.js';

export interface CopiedRequest {
  source: 'curl' | 'fetch';
  url: string;
  method: string;
  /** Every header as copied. */
  headers: [string, string][];
  /** The headers the page could have set (not forbidden request headers). */
  pageHeaders: [string, string][];
  body?: string;
  /** The page's origin, from `Origin` or the referrer; null when the copy carries neither. */
  origin: string | null;
  credentials: 'include' | 'same-origin' | 'omit';
  mode?: string;
  /** The browser that made the request, from the copied User-Agent (Chromium's fetch copy has none). */
  browser?: 'chromium' | 'firefox' | 'webkit';
  /** Its major release, from the same User-Agent (`Chrome/150.0.0.0` -> 150); Chromium and Firefox only. */
  release?: number;
}

/**
 * Headers the browser adds itself that are not forbidden names, so they are copied with the page's:
 * User-Agent, and Firefox's `Priority` (RFC 9218, on HTTP/1.1 too). Taken as the page's, they would
 * call for a preflight the page never needed.
 */
const BROWSER_ADDED = new Set(['user-agent', 'priority']);

/** The browser a User-Agent names (Edge, Opera and other Chromium browsers say "Chrome/"). */
function browserOf(userAgent: string | undefined): CopiedRequest['browser'] {
  if (!userAgent) return undefined;
  if (/\bFirefox\//.test(userAgent)) return 'firefox';
  if (/\b(Chrome|Chromium|HeadlessChrome)\//.test(userAgent)) return 'chromium';
  if (/\bVersion\/[\d.]+.*Safari\//.test(userAgent)) return 'webkit';
  return undefined;
}

export type CopiedParse = { ok: true; request: CopiedRequest } | { ok: false; problem: string };

/** Splits a POSIX shell command line into words ('…', "…", $'…', backslash escapes and line continuations). */
export function shellWords(text: string): string[] | null {
  const out: string[] = [];
  let cur: string | null = null;
  let i = 0;
  const s = text.slice(0, 1_000_000);
  const push = (c: string) => {
    cur = (cur ?? '') + c;
  };
  while (i < s.length) {
    const c = s[i]!;
    if (c === '\\' && (s[i + 1] === '\n' || (s[i + 1] === '\r' && s[i + 2] === '\n'))) {
      i += s[i + 1] === '\r' ? 3 : 2;
    } else if (/\s/.test(c)) {
      if (cur !== null) out.push(cur);
      cur = null;
      i++;
    } else if (c === "'") {
      const end = s.indexOf("'", i + 1);
      if (end < 0) return null;
      push(s.slice(i + 1, end));
      i = end + 1;
    } else if (c === '$' && s[i + 1] === "'") {
      const r = ansiC(s, i + 2);
      if (!r) return null;
      push(r.text);
      i = r.next;
    } else if (c === '"') {
      let j = i + 1;
      let text = '';
      while (j < s.length && s[j] !== '"') {
        if (s[j] === '\\' && j + 1 < s.length && '"\\$`\n'.includes(s[j + 1]!)) j++;
        text += s[j];
        j++;
      }
      if (j >= s.length) return null;
      push(text);
      i = j + 1;
    } else if (c === '\\') {
      push(s[i + 1] ?? '');
      i += 2;
    } else {
      push(c);
      i++;
    }
  }
  if (cur !== null) out.push(cur);
  return out;
}

const ESC: Record<string, string> = {
  n: '\n',
  t: '\t',
  r: '\r',
  "'": "'",
  '\\': '\\',
  '"': '"',
  '?': '?',
  a: '\x07',
  b: '\b',
  e: '\x1b',
  f: '\f',
  v: '\v',
};

function ansiC(s: string, from: number): { text: string; next: number } | null {
  let text = '';
  let j = from;
  while (j < s.length && s[j] !== "'") {
    if (s[j] === '\\') {
      const n = s[j + 1] ?? '';
      const hex =
        n === 'x'
          ? /^[0-9a-fA-F]{1,2}/.exec(s.slice(j + 2))
          : n === 'u'
            ? /^[0-9a-fA-F]{1,4}/.exec(s.slice(j + 2))
            : null;
      if (hex) {
        text += String.fromCharCode(Number.parseInt(hex[0], 16));
        j += 2 + hex[0].length;
        continue;
      }
      text += ESC[n] ?? `\\${n}`;
      j += 2;
    } else text += s[j++];
  }
  return j < s.length ? { text, next: j + 1 } : null;
}

const VALUE_OPTIONS = new Set([
  '-A',
  '--user-agent',
  '-e',
  '--referer',
  '-o',
  '--output',
  '-m',
  '--max-time',
  '--connect-timeout',
  '-x',
  '--proxy',
  '-u',
  '--user',
  '--url',
]);
const DATA = new Set([
  '-d',
  '--data',
  '--data-raw',
  '--data-binary',
  '--data-ascii',
  '--data-urlencode',
  '--json',
]);

function finish(
  source: 'curl' | 'fetch',
  url: string,
  method: string,
  headers: [string, string][],
  body: string | undefined,
  referrer: string | null,
  creds: CopiedRequest['credentials'],
  mode?: string,
): CopiedParse {
  if (URL.parse(url) === null) return { ok: false, problem: `the copied URL "${url}" is not absolute` };
  const get = (n: string) => headers.find(([k]) => k.toLowerCase() === n)?.[1];
  const originHeader = get('origin');
  const ref = get('referer') ?? referrer;
  const origin = originHeader ?? (ref && URL.parse(ref) ? new URL(ref).origin : null);
  const request: CopiedRequest = {
    source,
    url,
    method,
    headers,
    pageHeaders: headers.filter(
      ([n, v]) => !isForbiddenRequestHeader(n, v) && !BROWSER_ADDED.has(n.toLowerCase()),
    ),
    origin: origin ?? null,
    credentials: get('cookie') !== undefined ? 'include' : creds,
    ...(body !== undefined ? { body } : {}),
    ...(mode ? { mode } : {}),
  };
  const browser = browserOf(get('user-agent'));
  if (browser) request.browser = browser;
  const release = browser === 'chromium' || browser === 'firefox' ? releaseOf(get('user-agent') ?? '') : null;
  if (release !== null) request.release = release;
  return { ok: true, request };
}

function header(text: string): [string, string] | null {
  const colon = text.indexOf(':');
  return colon > 0 ? [text.slice(0, colon).trim(), text.slice(colon + 1).trim()] : null;
}

/**
 * Splits a Windows "Copy as cURL (cmd)" command into words. Both browsers quote each argument as
 * ^"…^" and escape every other unsafe character with ^ (cmd.exe's escape), a literal " as \^" and a
 * newline as ^ and two newlines; lines end with ^ (a continuation). So: cmd.exe's pass removes each
 * ^ (keeping the character after it), then the C runtime's pass splits on unquoted spaces, with "
 * toggling quoting and \" a literal quote.
 */
export function cmdWords(text: string): string[] | null {
  let cmd = '';
  const s = text.slice(0, 1_000_000);
  for (let i = 0; i < s.length; i++) {
    const c = s[i]!;
    if (c !== '^') cmd += c;
    else if (s[i + 1] === '\n') {
      // ^ + newline + newline: a newline inside an argument; ^ + newline: a continuation.
      if (s[i + 2] === '\n') cmd += '\n';
      i += s[i + 2] === '\n' ? 2 : 1;
    } else if (i + 1 < s.length) cmd += s[++i];
  }
  const out: string[] = [];
  let cur: string | null = null;
  let quoted = false;
  for (let i = 0; i < cmd.length; i++) {
    const c = cmd[i]!;
    if (c === '\\' && (cmd[i + 1] === '"' || cmd[i + 1] === '\\')) {
      cur = (cur ?? '') + cmd[++i];
    } else if (c === '"') {
      quoted = !quoted;
      cur ??= '';
    } else if (!quoted && /\s/.test(c)) {
      if (cur !== null) out.push(cur);
      cur = null;
    } else cur = (cur ?? '') + c;
  }
  if (quoted) return null;
  if (cur !== null) out.push(cur);
  return out;
}

/** "Copy as cURL" from Chromium or Firefox: the bash form, or the Windows cmd form (^"…^"). */
export function parseCurl(text: string): CopiedParse {
  const t = text.trim();
  const words = /\^"/.test(t) ? cmdWords(t) : shellWords(t);
  if (words?.[0] === 'curl.exe') words[0] = 'curl';
  if (words?.[0] !== 'curl')
    return { ok: false, problem: 'not a curl command (unbalanced quotes, or it does not start with curl)' };
  let url: string | null = null;
  let method: string | null = null;
  let body: string | undefined;
  let cookie = false;
  const headers: [string, string][] = [];
  for (let i = 1; i < words.length; i++) {
    const w = words[i]!;
    if (w === '-X' || w === '--request') method = words[++i] ?? 'GET';
    else if (w === '-H' || w === '--header') {
      const h = header(words[++i] ?? '');
      if (h) headers.push(h);
    } else if (DATA.has(w)) body = (body === undefined ? '' : `${body}&`) + (words[++i] ?? '');
    else if (w === '-b' || w === '--cookie') {
      cookie = true;
      headers.push(['Cookie', words[++i] ?? '']);
    } else if (w === '--url') url = words[++i] ?? null;
    else if (VALUE_OPTIONS.has(w)) i++;
    else if (!w.startsWith('-') && url === null) url = w;
  }
  if (url === null) return { ok: false, problem: 'the curl command has no URL' };
  return finish(
    'curl',
    url,
    method ?? (body !== undefined ? 'POST' : 'GET'),
    headers,
    body,
    null,
    cookie ? 'include' : 'same-origin',
  );
}

/** "Copy as fetch" from Chromium (`fetch("…", {…});`) or Firefox (`await fetch("…", {…});`). */
export function parseCopiedFetch(text: string): CopiedParse {
  const m = /^\s*(?:await\s+)?fetch\(\s*("(?:[^"\\]|\\.)*")\s*(?:,\s*([\s\S]*?))?\)\s*;?\s*$/.exec(
    text.slice(0, 1_000_000),
  );
  if (!m) return { ok: false, problem: 'not a fetch(...) call as devtools copies it' };
  let url: string;
  let init: Record<string, unknown> = {};
  try {
    url = JSON.parse(m[1]!) as string;
    if (m[2]) init = JSON.parse(m[2]) as Record<string, unknown>;
  } catch {
    return { ok: false, problem: 'the copied fetch() arguments are not the JSON devtools writes' };
  }
  if (typeof init !== 'object' || init === null)
    return { ok: false, problem: 'the second fetch() argument is not an object' };
  const headers: [string, string][] = [];
  const h = init.headers;
  if (h && typeof h === 'object')
    for (const [k, v] of Object.entries(h)) if (typeof v === 'string') headers.push([k, v]);
  const body = typeof init.body === 'string' ? init.body : undefined;
  const creds =
    init.credentials === 'include' || init.credentials === 'omit' ? init.credentials : 'same-origin';
  const referrer = typeof init.referrer === 'string' ? init.referrer : null;
  const method = typeof init.method === 'string' ? init.method : 'GET';
  return finish(
    'fetch',
    url,
    method,
    headers,
    body,
    referrer,
    creds,
    typeof init.mode === 'string' ? init.mode : undefined,
  );
}
