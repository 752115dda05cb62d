/**
 * Judging trust: which probe origins a browser page could read the target from, decided by the
 * engine's own CORS check (`corsCheck`, Chromium profile) and preflight check, never by a copy.
 * Pure: answers in, findings out.
 */
import { type BrowserRequest, checkPreflightResponse, corsCheck, headerLines } from '../browser/index.js';
import { combined, type FindingList, lower, severityFor } from './findings.js';
import { ATTACKER_DOMAIN } from './probes.js';
import type { Exchange, Observations } from './send.js';
import type { Control, FindingClass } from './types.js';

/** Origin-trust classes a broader one makes redundant (reporting both would say one thing twice). */
const SUBSUMED_BY: Readonly<Partial<Record<FindingClass, readonly FindingClass[]>>> = {
  'null-origin': ['origin-reflection'],
  'prefix-match': ['origin-reflection'],
  'suffix-match': ['origin-reflection'],
  'partial-domain-match': ['origin-reflection'],
  'partial-host-match': ['origin-reflection', 'suffix-match', 'prefix-match', 'arbitrary-subdomain'],
  'unescaped-dot': ['origin-reflection', 'suffix-match'],
  'special-characters': ['origin-reflection', 'prefix-match'],
  'arbitrary-subdomain': ['origin-reflection'],
  'insecure-origin': ['origin-reflection'],
  'third-party-origin': ['origin-reflection'],
  'development-origin': ['origin-reflection'],
};

/** A page origin standing in for probe origins no URL parser gives back unchanged (special characters). */
const STAND_IN = 'https://stand-in.invalid';
/** An opaque page origin (a sandboxed iframe's): the engine serializes it as `null`. */
const OPAQUE = 'data:text/html,';

/**
 * The page origin the engine plays for `probeOrigin`, and the answer's headers as that page would
 * see them: a probe origin the URL parser changes is replaced by a stand-in, on both sides, so the
 * engine's byte comparison (CORS check step 4) decides exactly as it would for the origin sent.
 */
function asPage(probeOrigin: string, headers: readonly [string, string][]) {
  if (probeOrigin === 'null') return { origin: OPAQUE, headers };
  if (URL.parse(probeOrigin)?.origin === probeOrigin) return { origin: probeOrigin, headers };
  return {
    origin: STAND_IN,
    headers: headers.map(([n, v]): [string, string] =>
      n === 'access-control-allow-origin' && v.trim() === probeOrigin ? [n, STAND_IN] : [n, v],
    ),
  };
}

/** Whether a page on `probeOrigin` may read the answer, in the credentials mode given. */
export function readable(x: Exchange, probeOrigin: string, credentials: 'include' | 'omit'): boolean {
  const page = asPage(probeOrigin, x.response.headers);
  const request: BrowserRequest = { url: x.request.url, origin: page.origin, credentials };
  return corsCheck(request, { status: x.response.status, headers: page.headers }) === null;
}

interface Trusted {
  x: Exchange[];
  credentials: boolean;
  control: Control;
}

/** HSTS on the target that covers `host` (the browser upgrades http://host before sending anything). */
function hstsCovers(obs: Observations, host: string): boolean {
  const sts = combined(obs.plain, 'strict-transport-security');
  if (sts === null || !/max-age\s*=\s*"?[1-9]/i.test(sts)) return false;
  const targetHost = new URL(obs.target).hostname;
  return host === targetHost || (/includesubdomains/i.test(sts) && host.endsWith(`.${targetHost}`));
}

function credText(credentials: boolean, differs: boolean | null): string {
  if (!credentials) {
    return 'without credentials (a page there reads only what it could fetch itself, or intranet-only data)';
  }
  if (differs === true) {
    return "with credentials, and the response differs when cookies are sent: a page on that origin can read the user's data";
  }
  return differs === false
    ? 'with credentials (the response looked the same with and without the cookie)'
    : 'with credentials (pass a cookie to tell whether the response carries private data)';
}

/** Groups the origin probes a browser would let read the answer, by class. */
function trustedByClass(obs: Observations): Map<FindingClass, Trusted> {
  const trusted = new Map<FindingClass, Trusted>();
  for (const x of obs.probes) {
    const probe = x.probe;
    // `*` lets every page read without credentials: the passive checks report it, not as trust.
    const acao = headerLines(x.response.headers, 'access-control-allow-origin');
    if (!probe || (acao.length === 1 && acao[0] === '*') || !readable(x, probe.origin, 'omit')) continue;
    const credentials = readable(x, probe.origin, 'include');
    const entry = trusted.get(probe.class) ?? { x: [], credentials: false, control: probe.control };
    // Credentialed exchanges first: they are the evidence that matters.
    if (credentials && !entry.credentials) entry.x.unshift(x);
    else entry.x.push(x);
    entry.credentials ||= credentials;
    trusted.set(probe.class, entry);
  }
  return trusted;
}

/** Origin-trust findings. Returns whether an origin anyone can be is trusted. */
export function judgeTrust(obs: Observations, differs: boolean | null, out: FindingList): boolean {
  const trusted = trustedByClass(obs);
  let attackerTrusted = false;
  for (const [cls, entry] of trusted) {
    if ((SUBSUMED_BY[cls] ?? []).some((c) => trusted.has(c))) continue;
    let severity = severityFor(entry.control, entry.credentials, differs);
    if (entry.control === 'attacker') attackerTrusted = true;
    const origins = entry.x.map((x) => x.probe?.origin ?? '').slice(0, 25);
    const first = entry.x[0]?.probe;
    let why =
      cls === 'origin-reflection'
        ? `any origin is echoed (${[...trusted.values()].reduce((n, e) => n + e.x.length, 0)} of ${obs.probes.length} probe origins were trusted)`
        : (first?.why ?? '');
    const who = [...new Set(entry.x.map((x) => x.probe?.who).filter((w) => w !== undefined))];
    if (who.length > 0) why += ` (who can be such an origin: ${who.slice(0, 3).join('; ')})`;
    if (cls === 'insecure-origin') {
      const covered = origins.filter((o) => hstsCovers(obs, new URL(o).hostname));
      if (covered.length === origins.length) {
        severity = lower(severity);
        why +=
          '; the target sends HSTS covering these hosts, so a browser that has seen it upgrades them to https: first (a first visit, or one after max-age, is still exposed)';
      }
    }
    out.push(
      cls,
      severity,
      `${why}: ${origins.slice(0, 3).join(', ')}${origins.length > 3 ? ` and ${origins.length - 3} more` : ''} trusted ${credText(entry.credentials, differs)}.`,
      entry.x,
      { origins, credentials: entry.credentials, differsWithCookies: differs },
      entry.credentials,
    );
  }
  judgeBrokenParser(obs, out);
  return attackerTrusted;
}

/** A server that decodes percent-escapes in Origin and echoes the decoded value (its parser is not a browser's). */
function judgeBrokenParser(obs: Observations, out: FindingList): void {
  const hits = obs.probes.filter((x) => {
    const sent = x.probe?.origin ?? '';
    if (!sent.includes('%')) return false;
    const acao = headerLines(x.response.headers, 'access-control-allow-origin');
    let decoded: string;
    try {
      decoded = decodeURIComponent(sent);
    } catch {
      return false;
    }
    return acao.length === 1 && acao[0] !== sent && acao[0]?.toLowerCase() === decoded.toLowerCase();
  });
  if (hits.length === 0) return;
  out.push(
    'broken-parser',
    'info',
    `The server percent-decodes the Origin and echoes the decoded value (${hits.map((x) => x.probe?.origin).join(', ')}): browsers compare the bytes they sent, so this echo is refused, but the origin check runs on a parser that disagrees with browsers, one step from a bypass.`,
    hits,
  );
}

/**
 * Preflight-only trust: a preflight from an attacker origin is answered as if trusted (credentialed
 * PUT with a JSON body allowed) while the actual request's answer is not. The browser then sends the
 * PUT, with the user's cookies: the state change happens though the page cannot read the answer.
 */
export function judgePreflightOnly(obs: Observations, out: FindingList): void {
  for (const x of obs.attackerPreflights) {
    const sent = x.request.headers.find(([n]) => n === 'origin')?.[1] ?? '';
    const page = sent === 'null' ? OPAQUE : sent;
    const ask = (credentials: 'include' | 'omit') =>
      checkPreflightResponse(
        {
          url: obs.target,
          origin: page,
          method: 'PUT',
          headers: { 'content-type': 'application/json' },
          credentials,
        },
        x.response,
      ).ok;
    if (!ask('omit')) continue;
    const actual = obs.probes.find((p) => p.probe?.origin === sent);
    if (actual && readable(actual, sent, 'omit')) continue; // the actual request is trusted too: a trust finding says it
    const credentials = ask('include');
    out.push(
      'preflight-only-trust',
      credentials ? 'high' : 'low',
      `A preflight from ${sent === 'null' ? 'the `null` origin' : sent} asking for ${credentials ? 'a credentialed ' : ''}PUT with a JSON body is allowed, though the actual answer does not trust that origin: the browser sends the PUT${credentials ? " with the user's cookies" : ''} anyway, so the state change reaches the server even though the page cannot read the answer.`,
      [x, ...(actual ? [actual] : [])],
      { origins: [sent], credentials },
      credentials,
    );
    return;
  }
}

export { ATTACKER_DOMAIN };
