/**
 * The judge: a pure function from what a target answered (Observations) to its report. Every CORS
 * verdict goes through the engine (`corsCheck`, `checkPreflightResponse` from crossorigin/browser).
 */
import { FindingList } from './findings.js';
import { judgeIsolation, judgeJsonp, judgeMethodHint, judgeWebSocket } from './judge-extra.js';
import { judgePassive, judgePreflight } from './judge-passive.js';
import { judgePreflightOnly, judgeTrust } from './judge-trust.js';
import type { Exchange, Observations } from './send.js';
import type { TargetReport } from './types.js';

const VOLATILE: readonly RegExp[] = [
  // UUIDs, ISO 8601 timestamps, HTTP dates, long hex or base64url tokens, then any run of digits.
  /\b[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}\b/gi,
  /\d{4}-\d{2}-\d{2}[T ]\d{2}:\d{2}(?::\d{2}(?:\.\d+)?)?(?:Z|[+-]\d{2}:?\d{2})?/g,
  /\b(?:Mon|Tue|Wed|Thu|Fri|Sat|Sun), \d{2} \w{3} \d{4} \d{2}:\d{2}:\d{2} GMT\b/g,
  /\b[0-9a-f]{16,}\b/gi,
  /\b[A-Za-z0-9_-]{24,}\b/g,
  /\d+/g,
];

/** The body with its volatile parts (ids, timestamps, tokens, numbers) replaced by `#`. */
export function maskVolatile(body: string): string {
  let out = body;
  for (const re of VOLATILE) out = out.replace(re, '#');
  return out;
}

/**
 * Whether the answer depends on the cookie: compared as is when two loads without it agree, else
 * with the volatile parts masked; null when not measured or still unstable after masking.
 */
export function differsWithCookies(
  plain: Exchange | null,
  again: Exchange | null,
  cookied: Exchange | null,
): boolean | null {
  if (!plain || !again || !cookied) return null;
  const p = plain.response;
  const a = again.response;
  const c = cookied.response;
  if (a.status === p.status && a.bodyHash === p.bodyHash)
    return c.status !== p.status || c.bodyHash !== p.bodyHash;
  if (c.status !== p.status) return true;
  const masked = maskVolatile(p.bodyStart);
  if (maskVolatile(a.bodyStart) !== masked) return null;
  return maskVolatile(c.bodyStart) !== masked;
}

/** Judges one target's answers. Pure: no I/O, no clock. */
export function judge(
  obs: Observations,
  options: { method: string; secret: ReadonlySet<string> },
): Pick<TargetReport, 'status' | 'differsWithCookies' | 'findings' | 'redirectsTo' | 'error'> {
  if (obs.plain === null) {
    return { status: null, differsWithCookies: null, findings: [], error: obs.error ?? 'no answer' };
  }
  const plain = obs.plain.response;
  const location = plain.headers.find(([n]) => n === 'location')?.[1];
  const redirectsTo =
    plain.status >= 300 && plain.status < 400 && location !== undefined
      ? (URL.parse(location, obs.target)?.href ?? location)
      : undefined;
  const differs = differsWithCookies(obs.plain, obs.again, obs.cookied);
  const out = new FindingList(obs.target, obs.siteOrigin, options.secret);
  const attackerTrusted = judgeTrust(obs, differs, out);
  judgePreflightOnly(obs, out);
  judgePassive(obs, out);
  judgePreflight(obs, attackerTrusted, out);
  judgeJsonp(obs, out);
  judgeWebSocket(obs, out);
  judgeIsolation(obs, differs, out);
  judgeMethodHint(obs, options.method, out);
  return {
    status: plain.status,
    differsWithCookies: differs,
    findings: out.sorted(),
    ...(redirectsTo === undefined ? {} : { redirectsTo }),
  };
}
