/**
 * A pasted console text back to what the browser refused: each line matched against the templates
 * of console-templates.ts (whole, or cut short as people paste them), with its parameters (URL,
 * origin, the value at fault, status). Multi-line pastes are split into messages; devtools' source
 * links ("app.js:12", "localhost/:1"), "[Error]" and "Failed to load resource: " are stripped.
 * Text that matches nothing is reported as unknown with the closest known messages, never guessed.
 */
import { closestTemplates, parseNetworkLine, splitMessages } from './_console-lines.js';
import { type ConsoleBrowser, type ConsoleTemplate, TEMPLATES } from './console-templates.js';
import { CONTEXT_TEMPLATES } from './context.js';
import { ISOLATION_TEMPLATES } from './isolation.js';
import type { CorsErrorKind } from './kinds.js';

/** One recognized console message. */
export interface ParsedLine {
  /** The message as found in the paste (normalized whitespace). */
  text: string;
  browser: ConsoleBrowser;
  /** Candidate kinds, most likely first; empty when the message names no reason (Safari's "due to access control checks"). */
  kinds: CorsErrorKind[];
  /** Chromium's preflight prefix was present (or the kind is a preflight one). */
  preflight: boolean;
  /** The paste was cut short: parameters after the cut are unknown. */
  truncated: boolean;
  url?: string;
  initialUrl?: string;
  origin?: string;
  hint?: string;
  status?: number;
  method?: string;
  /** Chromium's resource kind ("fetch", "XMLHttpRequest", "image", ...). */
  resource?: string;
}

/** A network-panel or rejection line: not a reason, but evidence (a status means the request was answered). */
export interface NetworkLine {
  text: string;
  browser: ConsoleBrowser;
  what: 'chromium-net-error' | 'firefox-bad-uri' | 'rejection';
  method?: string;
  url?: string;
  status?: number;
}

export interface UnknownLine {
  text: string;
  /** The closest known messages (template text), best first, with a 0..1 similarity. */
  closest: { browser: ConsoleBrowser; text: string; kinds: CorsErrorKind[]; score: number }[];
}

export interface ParsedConsole {
  lines: ParsedLine[];
  network: NetworkLine[];
  unknown: UnknownLine[];
}

const PLACEHOLDER = /\{(url|initial|origin|hint|status|method|resource)\}/g;
const GROUP: Record<string, string> = { initial: 'initialUrl' };

function escapeRe(s: string): string {
  return s.replace(/[.*+?^${}()|[\]\\]/g, '\\$&');
}

interface Compiled {
  t: ConsoleTemplate;
  re: RegExp;
  /** The literal text before the first placeholder after which a cut is still recognizable. */
  lead: string;
}

function compile(t: ConsoleTemplate): Compiled {
  let src = '';
  let last = 0;
  for (const m of t.text.matchAll(PLACEHOLDER)) {
    // A run of spaces (Chromium's "Loading media from  '…'") survives a paste as one or more.
    src += escapeRe(t.text.slice(last, m.index)).replace(/ {2,}/g, ' +');
    src += m[1] === 'status' ? '(?<status>\\d{1,3}|\\(null\\)|)' : `(?<${m[1]}>.*?)`;
    last = (m.index ?? 0) + m[0].length;
  }
  src += escapeRe(t.text.slice(last)).replace(/ {2,}/g, ' +');
  // Chromium: older versions add a sentence after the reason; accept (and ignore) a tail.
  const tail = t.form === 'chromium-cors' ? '(?: .*)?' : '';
  const lead = t.text.split('{')[0] ?? '';
  return { t, re: new RegExp(`^${src}${tail}$`, 's'), lead };
}

/** Every line we know: CORS, then the page's context (mixed content, CSP, LNA) and isolation (CORP, ORB, MIME). */
export const KNOWN_TEMPLATES: readonly ConsoleTemplate[] = [
  ...TEMPLATES,
  ...CONTEXT_TEMPLATES,
  ...ISOLATION_TEMPLATES,
];
const COMPILED = KNOWN_TEMPLATES.map(compile);
const CHROMIUM_CORS =
  /^Access to (?<resource>fetch|XMLHttpRequest|image|script|font|CSS stylesheet|media|other|[\w ]+?) at '(?<url>.*?)'(?: \(redirected from '(?<initialUrl>.*?)'\))? from origin '(?<origin>.*?)' has been blocked by CORS policy: ?(?<rest>.*)$/s;
const CHROMIUM_PREFLIGHT = "Response to preflight request doesn't pass access control check: ";
const FIREFOX_CORS =
  /^Cross-Origin Request Blocked: The Same Origin Policy disallows reading the remote resource at (?:‘(?<qurl>.*?)’|(?<url>.*?))\. ?\(Reason: (?<rest>.*)$/s;

function fill(line: ParsedLine, groups: Record<string, string | undefined>): void {
  for (const [k, v] of Object.entries(groups)) {
    if (v === undefined) continue;
    const key = GROUP[k] ?? k;
    if (key === 'status') {
      if (v !== '(null)' && v !== '') line.status = Number(v);
    } else if (
      key === 'url' ||
      key === 'initialUrl' ||
      key === 'origin' ||
      key === 'hint' ||
      key === 'method' ||
      key === 'resource'
    ) {
      line[key] = v;
    }
  }
}

/** Matches `rest` against the templates of `form`; a cut-short text matches a template's start. */
function matchReason(
  rest: string,
  form: ConsoleTemplate['form'],
  browser: ConsoleBrowser,
): { c: Compiled; groups: Record<string, string | undefined>; truncated: boolean } | null {
  const pool = COMPILED.filter(
    (c) => c.t.form === form && (form !== 'line' || c.t.browser === browser || browser === 'engine'),
  );
  for (const c of pool) {
    const m = c.re.exec(rest);
    if (m) return { c, groups: { ...m.groups }, truncated: false };
  }
  const cut = rest.replace(/\s*(…|\.\.\.)$/, '');
  if (cut.length < 12) return null;
  for (const c of pool) {
    if (c.lead.length >= 12 && (cut.startsWith(c.lead) || c.lead.startsWith(cut))) {
      return { c, groups: {}, truncated: true };
    }
  }
  return null;
}

function parseChromiumCors(text: string): ParsedLine | null {
  const m = CHROMIUM_CORS.exec(text);
  if (!m?.groups) return null;
  let rest = m.groups.rest ?? '';
  const preflight = rest.startsWith(CHROMIUM_PREFLIGHT);
  if (preflight) rest = rest.slice(CHROMIUM_PREFLIGHT.length);
  const line: ParsedLine = { text, browser: 'chromium', kinds: [], preflight, truncated: false };
  fill(line, {
    url: m.groups.url,
    initialUrl: m.groups.initialUrl,
    origin: m.groups.origin,
    resource: m.groups.resource,
  });
  const r = matchReason(rest, 'chromium-cors', 'chromium');
  if (!r) {
    line.truncated = true;
    return line;
  }
  fill(line, r.groups);
  line.truncated = r.truncated;
  const twin = (k: CorsErrorKind): CorsErrorKind =>
    preflight && !k.startsWith('preflight-') && !k.endsWith('-preflight-response')
      ? (`preflight-${k}` as CorsErrorKind)
      : k;
  line.kinds = r.c.t.kinds.map(twin);
  line.preflight =
    preflight || line.kinds.some((k) => k.startsWith('preflight-') || k.endsWith('-preflight-response'));
  return line;
}

function parseFirefoxCors(text: string): ParsedLine | null {
  const m = FIREFOX_CORS.exec(text);
  if (!m?.groups) return null;
  const line: ParsedLine = { text, browser: 'firefox', kinds: [], preflight: false, truncated: false };
  const url = m.groups.qurl ?? m.groups.url;
  if (url !== undefined) line.url = url;
  const r = matchReason(m.groups.rest ?? '', 'firefox-cors', 'firefox');
  if (!r) {
    line.truncated = true;
    return line;
  }
  fill(line, r.groups);
  line.truncated = r.truncated;
  line.kinds = [...r.c.t.kinds];
  // "did not succeed" with a 3xx: Firefox's word for a redirected preflight.
  if (
    line.kinds[0] === 'preflight-invalid-status' &&
    line.status !== undefined &&
    line.status >= 300 &&
    line.status < 400
  ) {
    line.kinds = ['preflight-disallowed-redirect', 'preflight-invalid-status'];
  }
  line.preflight = line.kinds.every((k) => k.startsWith('preflight-') || k.endsWith('-preflight-response'));
  return line;
}

function parseWholeLine(text: string): ParsedLine | null {
  for (const browser of ['chromium', 'firefox', 'webkit', 'engine'] as const) {
    const r = matchReason(text, 'line', browser);
    if (!r || r.c.t.browser !== browser) continue;
    const line: ParsedLine = {
      text,
      browser,
      kinds: [...r.c.t.kinds],
      preflight: false,
      truncated: r.truncated,
    };
    fill(line, r.groups);
    if (browser === 'webkit' && r.c.t.text.startsWith('Cross-origin redirection') && line.hint) {
      const inner = parseWholeLine(line.hint);
      if (inner) line.kinds = inner.kinds;
    }
    line.preflight =
      line.kinds.length > 0 &&
      line.kinds.every((k) => k.startsWith('preflight-') || k.endsWith('-preflight-response'));
    return line;
  }
  return null;
}

/** One message (already split and cleaned) to what it says, or null. */
export function parseConsoleMessage(text: string): ParsedLine | null {
  return parseChromiumCors(text) ?? parseFirefoxCors(text) ?? parseWholeLine(text);
}

/** A whole paste: every message recognized, every network line, every unknown text with its closest matches. */
export function parseConsole(paste: string): ParsedConsole {
  const out: ParsedConsole = { lines: [], network: [], unknown: [] };
  for (const msg of splitMessages(paste)) {
    const line = parseConsoleMessage(msg);
    if (line) {
      out.lines.push(line);
      continue;
    }
    const net = parseNetworkLine(msg);
    if (net) out.network.push(net);
    else out.unknown.push({ text: msg, closest: closestTemplates(msg) });
  }
  return out;
}
