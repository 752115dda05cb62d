/**
 * A pasted console text to explanations: for each message the browser, the kind (or the
 * candidates when the wording stands for several), the rule with its source, what was sent, and the
 * fix. The console line alone cannot tell a refused preflight from a server that sends no CORS
 * headers at all: those lines carry the candidates and how to tell them apart.
 */

import { isContextErrorKind } from './context.js';
import { type Candidate, type Diagnosis, diagnose } from './diagnose.js';
import { isIsolationErrorKind } from './isolation.js';
import type { CorsErrorDetails, CorsErrorKind } from './kinds.js';
import { type NetworkLine, type ParsedLine, parseConsole, type UnknownLine } from './parse-console.js';
import { ruleFor } from './rules.js';

export interface LineExplanation {
  line: ParsedLine;
  /** The most likely kind (the first candidate), or null when the line names no reason. */
  kind: CorsErrorKind | null;
  /** What the browser did, in one sentence. */
  did: string;
  /** The rule broken, with a link to the spec or browser source. */
  rule: { text: string; source: string };
  diagnosis: Diagnosis | null;
}

export interface ConsoleExplanation {
  explained: LineExplanation[];
  /** Evidence lines (network panel, rejections) in words. */
  notes: string[];
  unknown: UnknownLine[];
}

const BROWSER_NAME = {
  chromium: 'Chromium',
  firefox: 'Firefox',
  webkit: 'Safari (WebKit)',
  engine: 'The engine',
} as const;
const CREDENTIALED: ReadonlySet<string> = new Set([
  'wildcard-origin-not-allowed',
  'preflight-wildcard-origin-not-allowed',
  'invalid-allow-credentials',
  'preflight-invalid-allow-credentials',
]);

/**
 * A page-context line's details: in the mixed-content lines `{origin}` is the page's URL, in the
 * CSP lines `{hint}` the directive and `{resource}` the effective one (Chromium's fallback note,
 * Firefox's parenthesis), in the Local Network Access lines `{hint}` the address space.
 */
function contextDetailsOf(line: ParsedLine, kind: CorsErrorKind): CorsErrorDetails {
  const url = line.url ?? '<the URL>';
  const pageUrl = line.origin ?? '<your page URL>';
  const origin = URL.parse(pageUrl)?.origin ?? pageUrl;
  const directive = kind === 'csp-blocked' ? line.hint : undefined;
  const space = line.hint === 'loopback' || line.hint === 'local' ? line.hint : undefined;
  return {
    kind,
    url,
    initialUrl: url,
    origin,
    requestOrigin: origin,
    initiator: line.resource === 'XMLHttpRequest' ? 'XMLHttpRequest' : 'fetch',
    method: '<METHOD>',
    credentials: 'same-origin',
    context: {
      pageUrl,
      ...(directive
        ? {
            directive,
            directiveName: directive.split(/\s+/)[0] ?? directive,
            effectiveDirective: line.resource ?? directive.split(/\s+/)[0] ?? directive,
          }
        : {}),
      ...(kind.startsWith('local-network-') && space ? { addressSpace: space } : {}),
      console: [line.text],
    },
  };
}

function detailsOf(line: ParsedLine, kind: CorsErrorKind): CorsErrorDetails {
  if (isContextErrorKind(kind)) return contextDetailsOf(line, kind);
  const url = line.url ?? '<the API URL>';
  const origin = line.origin ?? '<your page origin>';
  // A console line names the method only when it is at fault: otherwise it is unknown, not GET.
  const method =
    line.method ?? (kind === 'method-disallowed-by-preflight-response' && line.hint ? line.hint : '<METHOD>');
  return {
    kind,
    url,
    initialUrl: line.initialUrl ?? url,
    origin,
    requestOrigin: line.initialUrl && line.initialUrl !== url ? 'null' : origin,
    initiator: line.resource === 'XMLHttpRequest' ? 'XMLHttpRequest' : 'fetch',
    method,
    credentials: CREDENTIALED.has(kind) ? 'include' : 'same-origin',
    ...(line.hint !== undefined ? { hint: line.hint } : {}),
    ...(line.status !== undefined ? { status: line.status } : {}),
  };
}

/** From the console alone these kinds do not say whether the preflight was refused. */
function consoleCandidates(line: ParsedLine, kind: CorsErrorKind, d: CorsErrorDetails): Candidate[] {
  const check = `crossorigin check ${d.url} --from ${d.origin}${d.method !== 'GET' ? ` -X ${d.method}` : ''}`;
  const out: Candidate[] = [];
  if (
    kind === 'preflight-missing-allow-origin-header' ||
    (line.browser === 'webkit' && kind === 'missing-allow-origin-header')
  ) {
    out.push(
      {
        cause:
          'The server refused the preflight (a CORS policy that does not allow the method, a header or the origin answers 403 without CORS headers).',
        tell: `Run \`${check}\` with the same headers: it reads the preflight's status and any cors-refusal-reason the server gives.`,
      },
      {
        cause:
          'OPTIONS never reaches a CORS handler (authentication, routing or a proxy answers it without CORS headers).',
        tell: `curl -i -X OPTIONS ${d.url} -H 'Origin: ${d.origin}' -H 'Access-Control-Request-Method: ${d.method}': no CORS header whatever you ask means the route.`,
      },
    );
  }
  if (line.kinds.length > 1) {
    out.push({
      cause: `${BROWSER_NAME[line.browser]} words several failures the same way: ${line.kinds.join(', ')}.`,
      tell: `\`${check}\` (or a HAR export) shows the response headers and decides which.`,
    });
  }
  return out;
}

/** What the browser did, worded from the kind: blocked before sending, refused a read, refused a load. */
function did(line: ParsedLine): string {
  const who = BROWSER_NAME[line.browser];
  const url = line.url ?? 'a resource';
  const cut = line.truncated
    ? ' (The paste is cut short: the parameters after the cut are unknown; paste the whole line for a precise fix.)'
    : '';
  const kind = line.kinds[0];
  if (kind === undefined) {
    if (/report-only|upgraded to HTTPS|not upgraded|should also be served over HTTPS/.test(line.text))
      return `${who} reported ${url} without blocking it (a report-only policy, or an automatic upgrade to https): this line is not why a request failed.`;
    return `${who} blocked ${line.url ?? 'the request'} but this line does not say why: the line printed just before it in the console does.`;
  }
  const from = line.origin && !isContextErrorKind(kind) ? ` from the page at ${line.origin}` : '';
  let what: string;
  if (isContextErrorKind(kind)) what = `blocked the request to ${url} before it was sent`;
  else if (kind.startsWith('script-mime-type')) what = `refused to execute the script at ${url}`;
  else if (isIsolationErrorKind(kind))
    what = `refused to let the page load or embed ${url} (the response arrived and was withheld)`;
  else if (line.preflight) what = `failed the preflight (OPTIONS) for ${url}`;
  else what = `refused to let the page read the response from ${line.url ?? 'the request'}`;
  return `${who} ${what}${from}.${cut}`;
}

/** One recognized line explained. */
export function explainLine(line: ParsedLine): LineExplanation {
  const kind = line.kinds[0] ?? null;
  if (kind === null) {
    return { line, kind, did: did(line), rule: ruleFor(null), diagnosis: null };
  }
  const d = detailsOf(line, kind);
  const unsafeHeaders =
    kind === 'header-disallowed-by-preflight-response' && line.hint ? [line.hint.toLowerCase()] : [];
  const diagnosis = diagnose({
    error: d,
    request: {
      method: d.method,
      unsafeHeaders,
      unsafeMethod: /^[A-Za-z]/.test(d.method) && !/^(GET|HEAD|POST)$/.test(d.method),
    },
  });
  const extra = consoleCandidates(line, kind, d);
  if (extra.length === 0) return { line, kind, did: did(line), rule: ruleFor(kind), diagnosis };
  const refusal = extra.length > 1 && extra[0]!.cause.startsWith('The server refused the preflight');
  return {
    line,
    kind,
    did: did(line),
    rule: ruleFor(kind),
    diagnosis: {
      ...diagnosis,
      candidates: [...diagnosis.candidates, ...extra],
      ...(refusal
        ? {
            cause:
              'The preflight answer carried no Access-Control-Allow-Origin. The console line cannot say why: a refused preflight (the policy does not allow the method or a header) and a missing CORS handler print the same text.',
            fix: {
              ...diagnosis.fix,
              text: `Make the preflight (OPTIONS ${d.url}) succeed with a 2xx and \`Access-Control-Allow-Origin: ${d.origin}\`: route OPTIONS to the CORS handler before authentication; and if the server's policy already allows ${d.origin}, allow the method and the request headers the page sends (the preflight names them in Access-Control-Request-Method and -Headers). Adding the origin again will not help then.`,
            },
          }
        : {}),
    },
  };
}

function note(n: NetworkLine): string {
  switch (n.what) {
    case 'chromium-net-error':
      return n.status !== undefined
        ? `${n.text}: the request got an answer (${n.status}) before Chromium blocked it, so the server received and handled it.`
        : `${n.text}: Chromium's network line for a blocked or failed request; the CORS line beside it says why.`;
    case 'firefox-bad-uri':
      return `${n.text}: Firefox's code for a load its security checks refused (a CORS failure or a same-origin-only load); the "Cross-Origin Request Blocked" line says which.`;
    default:
      return `${n.text}: what fetch() rejects with in ${BROWSER_NAME[n.browser]}; it never says why (script is not told, on purpose). The console line says why.`;
  }
}

/** Explains a console paste. */
export function explainConsoleText(paste: string): ConsoleExplanation {
  const p = parseConsole(paste);
  return { explained: p.lines.map(explainLine), notes: p.network.map(note), unknown: p.unknown };
}
