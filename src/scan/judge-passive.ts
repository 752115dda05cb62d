/**
 * Passive checks on every answer (wildcard, several or invalid values, `Vary: Origin` rated by
 * cacheability) and on the site-origin preflight (echoed method or header, `*` methods). Pure.
 */
import { headerLines } from '../browser/index.js';
import { parseOriginHeader } from '../origin/index.js';
import { combined, type FindingList, listHas } from './findings.js';
import { PREFLIGHT_PROBE } from './probes.js';
import type { Exchange, Observations } from './send.js';
import type { Severity } from './types.js';

/**
 * How far a cache may keep the answer: `none` (`no-store`, `private`), `shared` (`public`,
 * `s-maxage`, a positive `max-age`, `Expires`), else `heuristic` (caches may still keep it).
 * RFC 9111 section 3 and 5.2.
 */
export function cacheability(x: Exchange): 'none' | 'heuristic' | 'shared' {
  const cc = (combined(x, 'cache-control') ?? '').toLowerCase();
  if (/(^|[\s,])(no-store|private)\b/.test(cc)) return 'none';
  if (/(^|[\s,])(public|s-maxage\s*=)/.test(cc) || /max-age\s*=\s*"?[1-9]/.test(cc)) return 'shared';
  if (combined(x, 'expires') !== null && !/max-age\s*=\s*"?0/.test(cc)) return 'shared';
  return 'heuristic';
}

function allAnswers(obs: Observations): Exchange[] {
  const all: Exchange[] = [];
  for (const x of [obs.plain, obs.legit, obs.preflight]) if (x) all.push(x);
  return all.concat(obs.probes);
}

/** Passive checks on every answer. */
export function judgePassive(obs: Observations, out: FindingList): void {
  const wildcard: Exchange[] = [];
  const wildcardCreds: Exchange[] = [];
  const multiple: Exchange[] = [];
  const invalid: Exchange[] = [];
  const noVary: Exchange[] = [];
  const acaoSeen = new Set<string>();
  for (const x of allAnswers(obs)) {
    const sentOrigin = x.request.headers.find(([n]) => n === 'origin')?.[1];
    const acao = headerLines(x.response.headers, 'access-control-allow-origin');
    if (sentOrigin !== undefined) acaoSeen.add(acao.join('\n'));
    if (acao.length === 0) continue;
    const value = acao.join(', ');
    // An exact echo of what was sent is judged by the trust checks (and needs Vary), not here.
    if (acao.length === 1 && value === sentOrigin) {
      const vary = combined(x, 'vary');
      if (!listHas(vary, 'origin') && !listHas(vary, '*')) noVary.push(x);
      continue;
    }
    if (acao.length > 1 || value.includes(',')) multiple.push(x);
    else if (value === '*')
      (combined(x, 'access-control-allow-credentials') === 'true' ? wildcardCreds : wildcard).push(x);
    else if (!parseOriginHeader(value).ok) invalid.push(x);
  }
  if (wildcardCreds.length) {
    out.push(
      'wildcard-with-credentials',
      'low',
      'The server sends `*` with `Access-Control-Allow-Credentials: true`: browsers refuse the pair, so credentialed reads fail, but the intent (every origin, with cookies) is dangerous and often "fixed" by reflecting the Origin.',
      wildcardCreds,
      {},
      true,
    );
  } else if (wildcard.length) {
    out.push(
      'wildcard-origin',
      'info',
      'Any page can read this response without credentials. Fine for public data; not for data protected only by network position (intranet).',
      wildcard,
    );
  }
  if (multiple.length) {
    out.push(
      'multiple-allow-origin',
      'info',
      'Access-Control-Allow-Origin carries several origins (or several lines): every browser refuses the response, so the CORS setup is broken rather than open.',
      multiple,
    );
  }
  if (invalid.length) {
    out.push(
      'invalid-allow-origin',
      'info',
      `Access-Control-Allow-Origin is ${JSON.stringify(headerLines(invalid[0]?.response.headers ?? [], 'access-control-allow-origin')[0])}, not a serialized origin: browsers refuse the response.`,
      invalid,
    );
  }
  if (noVary.length && acaoSeen.size > 1) judgeVary(noVary, out);
}

/** Missing `Vary: Origin`, rated by how far the answer may be cached. */
function judgeVary(noVary: Exchange[], out: FindingList): void {
  const kinds = noVary.map(cacheability);
  if (kinds.every((k) => k === 'none')) return; // never stored: nothing to poison
  const shared = kinds.includes('shared');
  const severity: Severity = shared ? 'medium' : 'low';
  out.push(
    'missing-vary-origin',
    severity,
    `Access-Control-Allow-Origin changes with the request Origin but the response has no \`Vary: Origin\`${shared ? ", and it is cacheable by shared caches (public, s-maxage, max-age or Expires): a CDN or proxy serves one origin's answer to every other" : ": a cache that stores it heuristically (or the browser cache) can serve one origin's answer to another"}, breaking CORS for other origins or poisoning what they see.`,
    noVary,
  );
}

/** The site-origin preflight: does it echo a method and a header nobody would list? */
export function judgePreflight(obs: Observations, attackerTrusted: boolean, out: FindingList): void {
  const x = obs.preflight;
  if (!x) return;
  const acam = combined(x, 'access-control-allow-methods');
  const acah = combined(x, 'access-control-allow-headers');
  const reflected: string[] = [];
  if (acam?.split(',').some((m) => m.trim() === PREFLIGHT_PROBE.method)) {
    reflected.push(`method (\`${PREFLIGHT_PROBE.method}\`)`);
  }
  if (listHas(acah, PREFLIGHT_PROBE.header)) reflected.push(`request header (\`${PREFLIGHT_PROBE.header}\`)`);
  const severity: Severity = attackerTrusted ? 'low' : 'info';
  if (reflected.length) {
    out.push(
      'preflight-reflection',
      severity,
      `The preflight echoes the requested ${reflected.join(' and ')}: whatever is asked is allowed to any origin the server trusts${attackerTrusted ? ', including one an attacker controls' : ''}.`,
      [x],
    );
  } else if (listHas(acam, '*') && combined(x, 'access-control-allow-credentials') !== 'true') {
    out.push(
      'preflight-any-method',
      severity,
      '`Access-Control-Allow-Methods: *` allows every method (DELETE, PATCH, …) to the trusted origins.',
      [x],
    );
  }
}
