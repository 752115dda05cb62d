/**
 * The plumbing of console parsing: splitting a paste into messages, the network-panel and
 * rejection lines that carry evidence but no reason, and the closest known messages for text we do
 * not know.
 */
import { type ConsoleBrowser, TEMPLATES } from './console-templates.js';
import { CONTEXT_TEMPLATES } from './context.js';
import { ISOLATION_TEMPLATES } from './isolation.js';
import type { CorsErrorKind } from './kinds.js';
import type { NetworkLine } from './parse-console.js';

/** Where a message starts (a line that does not start one continues the previous message). */
const STARTS =
  /^(Access to |Cross-Origin Request Blocked|Origin |Fetch API cannot load|XMLHttpRequest cannot load|Failed to execute|Unsafe attempt|Security Error|Window\.fetch|Cannot use wildcard|Access-Control-Allow-Origin cannot|Credentials flag|Preflight response|Method |Request header field|Cross-origin redirection|The request to|The redirect from|Redirect location|(GET|POST|PUT|DELETE|PATCH|OPTIONS|HEAD) \S+ net::|net::|Failed to load resource|Uncaught|TypeError|NetworkError|Load failed|NS_ERROR)/;
/** Lines that are only devtools furniture: stack frames, "Learn more" links. */
const NOISE =
  /^(at\s.*|\(anonymous\)|[\w$.<>]+ @ \S+|\[Learn More\]|Learn more|Promise\.then|\(index\):\d+)$/i;

function clean(raw: string): string {
  let s = raw.trim();
  s = s.replace(/^\[(Error|Warning|Log)\]\s*/i, '');
  // A devtools source link ("localhost/:1", "app.js:12:5", "VM42:1") before the message.
  s = s.replace(/^(?!\S*\/\/)\S+?:\d+(?::\d+)?\s+/, '');
  s = s.replace(/^Failed to load resource: (?!net::)/, '');
  s = s.replace(/\s*\[Learn More\]\s*$/i, '');
  // Safari's "(login, line 0)" location suffix.
  s = s.replace(/\s+\([^()]*, line \d+\)$/, '');
  return s.replace(/\s+/g, ' ').trim();
}

/** Splits a paste into messages (bounded: at most 200 messages of 8 KiB each). */
export function splitMessages(paste: string): string[] {
  const out: string[] = [];
  let joining = false;
  for (const raw of paste.slice(0, 1_000_000).split(/\r?\n/)) {
    const s = clean(raw);
    if (s === '' || NOISE.test(s)) {
      joining = false;
      continue;
    }
    // A message broken over lines continues only after an unfinished line (no final '.' or ')').
    const open = out.length > 0 && !/[.)]\s*$/.test(out[out.length - 1]!);
    if (joining && open && !STARTS.test(s))
      out[out.length - 1] = `${out[out.length - 1]} ${s}`.slice(0, 8192);
    else out.push(s.slice(0, 8192));
    joining = true;
    if (out.length >= 200) break;
  }
  return out;
}

const CHROMIUM_NET =
  /^(?:Failed to load resource: )?(?:(?<method>[A-Z]+) (?<url>\S+) )?net::(?<code>ERR_[A-Z_]+)(?: (?<status>\d{3})(?: \(.*\))?)?$/;
const REJECTIONS: [RegExp, ConsoleBrowser][] = [
  [/(^|: )Failed to fetch\.?$/, 'chromium'],
  [/NetworkError when attempting to fetch resource\.?$/, 'firefox'],
  [/(^|: )Load failed\.?$/, 'webkit'],
];

/** A network-panel line or a fetch() rejection: evidence without a reason. */
export function parseNetworkLine(text: string): NetworkLine | null {
  const m = CHROMIUM_NET.exec(text);
  if (m?.groups) {
    const line: NetworkLine = { text, browser: 'chromium', what: 'chromium-net-error' };
    if (m.groups.method) line.method = m.groups.method;
    if (m.groups.url) line.url = m.groups.url;
    if (m.groups.status) line.status = Number(m.groups.status);
    return line;
  }
  if (text.includes('NS_ERROR_DOM_BAD_URI')) return { text, browser: 'firefox', what: 'firefox-bad-uri' };
  for (const [re, browser] of REJECTIONS) if (re.test(text)) return { text, browser, what: 'rejection' };
  return null;
}

function words(s: string): Set<string> {
  return new Set(
    s
      .replace(/\{\w+\}/g, ' ')
      .toLowerCase()
      .split(/[^a-z0-9-]+/)
      .filter((w) => w.length > 2),
  );
}

const TEMPLATE_WORDS = [...TEMPLATES, ...CONTEXT_TEMPLATES, ...ISOLATION_TEMPLATES].map((t) => ({
  t,
  w: words(t.text),
}));

/** The three known messages closest to `text` (Jaccard similarity of their words). */
export function closestTemplates(
  text: string,
): { browser: ConsoleBrowser; text: string; kinds: CorsErrorKind[]; score: number }[] {
  const w = words(text);
  return TEMPLATE_WORDS.map(({ t, w: tw }) => {
    let common = 0;
    for (const x of w) if (tw.has(x)) common++;
    const union = w.size + tw.size - common;
    return { browser: t.browser, text: t.text, kinds: t.kinds, score: union === 0 ? 0 : common / union };
  })
    .filter((c) => c.score > 0)
    .sort((a, b) => b.score - a.score)
    .slice(0, 3)
    .map((c) => ({ ...c, score: Math.round(c.score * 100) / 100 }));
}
