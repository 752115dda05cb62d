/**
 * `scan(targets, options)`: sends the probes of each target through one polite limiter, then judges
 * the answers. A finding's severity depends on exploitability: who can be the trusted origin,
 * whether credentials are allowed, and whether the response carries something only cookies unlock.
 */
import { isHeaderName, isHeaderValue, isMethod } from '../_fetch/index.js';
import { parseOriginHeader } from '../origin/index.js';
import { fixFor, TITLES } from './fixes.js';
import { headerValues, Limiter, type ProbeRequest, type ProbeResponse, send } from './http.js';
import { deriveOriginProbes, JSONP_PARAMETERS, PREFLIGHT_PROBE, siteParts } from './probes.js';
import type {
  Control,
  Evidence,
  Finding,
  FindingClass,
  OriginProbe,
  ScanOptions,
  ScanReport,
  Severity,
  TargetReport,
} from './types.js';

export const VERSION = '0.1.0';

/** Severity order, most severe first. */
export const SEVERITIES: readonly Severity[] = ['high', 'medium', 'low', 'info'];

/** Origin-trust classes a broader one makes redundant (reporting both would say one thing twice). */
const SUBSUMED_BY: Readonly<Partial<Record<FindingClass, readonly FindingClass[]>>> = {
  'null-origin': ['origin-reflection'],
  'prefix-match': ['origin-reflection'],
  'suffix-match': ['origin-reflection'],
  'partial-domain-match': ['origin-reflection'],
  'unescaped-dot': ['origin-reflection', 'suffix-match'],
  'special-characters': ['origin-reflection', 'prefix-match'],
  'arbitrary-subdomain': ['origin-reflection'],
  'insecure-origin': ['origin-reflection'],
  'third-party-origin': ['origin-reflection'],
};

/**
 * Severity by exploitability. `attacker`: anyone can be that origin; with credentials and a
 * response that differs with cookies, the attacker reads the victim's data (high); with
 * credentials but no proof of private data, medium; without credentials only what any site could
 * fetch anyway, or intranet-only data (low). Browser quirks and network attackers need more: at
 * most medium. A trusted subdomain needs a foothold on the site: low with credentials, else info.
 */
export function severityFor(control: Control, credentials: boolean, differs: boolean | null): Severity {
  switch (control) {
    case 'attacker':
      return credentials ? (differs === true ? 'high' : 'medium') : 'low';
    case 'browser-quirk':
    case 'network':
      return credentials ? 'medium' : 'low';
    case 'subdomain':
      return credentials ? 'low' : 'info';
  }
}

interface Exchange {
  request: ProbeRequest;
  response: ProbeResponse;
  probe?: OriginProbe;
}

const EVIDENCE_HEADERS = /^(access-control-|vary$|content-type$)/;

/** Request headers whose values never appear in a report: the cookie and the caller's own headers (keys, tokens). */
function evidence(x: Exchange, secret: ReadonlySet<string>): Evidence {
  return {
    request: {
      method: x.request.method,
      url: x.request.url,
      headers: x.request.headers.map(([n, v]): [string, string] => [n, secret.has(n) ? '[redacted]' : v]),
    },
    response: {
      status: x.response.status,
      headers: x.response.headers.filter(([n]) => EVIDENCE_HEADERS.test(n)),
    },
  };
}

function combined(headers: readonly (readonly [string, string])[], name: string): string | null {
  const v = headerValues(headers, name);
  return v.length === 0 ? null : v.join(', ');
}

function listHas(value: string | null, token: string): boolean {
  if (value === null) return false;
  return value.split(',').some((t) => t.trim().toLowerCase() === token.toLowerCase());
}

const JS_MIME = /^\s*(?:text|application)\/(?:x-)?(?:javascript|ecmascript)\s*(?:;|$)/i;

function jsonpCalls(body: string, name: string): boolean {
  const re = new RegExp(
    `^\\s*(?:\\/\\*\\*\\/\\s*)?(?:typeof\\s+${name}\\s*===?\\s*['"]function['"]\\s*&&\\s*)?${name}\\s*\\(`,
  );
  return re.test(body);
}

function normalizeHeaders(h: ScanOptions['headers']): [string, string][] {
  if (!h) return [];
  const entries = Array.isArray(h)
    ? (h as readonly (readonly [string, string])[])
    : Object.entries(h as Record<string, string>);
  return entries.map(([n, v]): [string, string] => [String(n).toLowerCase(), String(v)]);
}

interface Context {
  limiter: Limiter;
  /** Lower-case names of request headers redacted in evidence. */
  secret: ReadonlySet<string>;
  timeout: number;
  cookie: string | null;
  extra: [string, string][];
  method: string;
  signal?: AbortSignal;
}

/** Scans one target. Never throws for network failures (they are the report's `error`). */
async function scanTarget(target: string, siteOrigin: string, ctx: Context): Promise<TargetReport> {
  const started = performance.now();
  let requests = 0;
  let failedRequests = 0;
  const go = async (req: ProbeRequest): Promise<ProbeResponse | null> => {
    requests++;
    const r = await ctx.limiter.run(() => send(req, ctx.timeout, ctx.signal));
    if (r.ok) return r.response;
    failedRequests++;
    lastError = r.error;
    return null;
  };
  let lastError = '';
  const withCookie = (h: [string, string][]): [string, string][] =>
    ctx.cookie === null ? h : [...h, ['cookie', ctx.cookie]];
  let redirectsTo: string | undefined;
  const report = (
    status: number | null,
    differs: boolean | null,
    findings: Finding[],
    error?: string,
  ): TargetReport => ({
    target,
    siteOrigin,
    status,
    ...(error === undefined ? {} : { error }),
    ...(redirectsTo === undefined ? {} : { redirectsTo }),
    requests,
    failedRequests,
    durationMs: Math.round(performance.now() - started),
    differsWithCookies: differs,
    findings,
  });

  // 1. A plain request (no Origin, no cookie). If it fails, stop: no probes to a dead host.
  const plainReq: ProbeRequest = { method: ctx.method, url: target, headers: [...ctx.extra] };
  const plain = await go(plainReq);
  if (plain === null) return report(null, null, [], lastError);
  const location = headerValues(plain.headers, 'location')[0];
  if (plain.status >= 300 && plain.status < 400 && location !== undefined) {
    redirectsTo = URL.parse(location, target)?.href ?? location;
  }

  // 2. Does the response depend on the cookie? Ask twice without it to see whether it is stable.
  const probes = deriveOriginProbes(siteOrigin);
  const legitReq: ProbeRequest = {
    method: ctx.method,
    url: target,
    headers: withCookie([...ctx.extra, ['origin', siteOrigin]]),
  };
  const preflightReq: ProbeRequest = {
    method: 'OPTIONS',
    url: target,
    headers: [
      ...ctx.extra,
      ['origin', siteOrigin],
      ['access-control-request-method', PREFLIGHT_PROBE.method],
      ['access-control-request-headers', PREFLIGHT_PROBE.header],
    ],
  };
  const probeReqs = probes.map(
    (p): ProbeRequest => ({
      method: ctx.method,
      url: target,
      headers: withCookie([...ctx.extra, ['origin', p.origin]]),
    }),
  );
  const jsonpNames = JSONP_PARAMETERS.map((_, i) => `crossoriginScan${i}x${Date.now().toString(36)}`);
  const jsonpUrl = (param: string, name: string) => {
    const u = new URL(target);
    u.searchParams.set(param, name);
    return u.href;
  };
  const jsonpReqs = JSONP_PARAMETERS.map(
    (param, i): ProbeRequest => ({
      method: 'GET',
      url: jsonpUrl(param, jsonpNames[i] as string),
      headers: [...ctx.extra],
    }),
  );
  const [again, cookied, legit, preflight, probeResponses, jsonpResponses] = await Promise.all([
    ctx.cookie === null ? Promise.resolve(null) : go(plainReq),
    ctx.cookie === null ? Promise.resolve(null) : go({ ...plainReq, headers: withCookie([...ctx.extra]) }),
    go(legitReq),
    go(preflightReq),
    Promise.all(probeReqs.map(go)),
    Promise.all(jsonpReqs.map(go)),
  ]);
  let differs: boolean | null = null;
  if (again !== null && cookied !== null) {
    const stable = again.status === plain.status && again.bodyHash === plain.bodyHash;
    const changed = cookied.status !== plain.status || cookied.bodyHash !== plain.bodyHash;
    differs = stable ? changed : cookied.status !== plain.status ? true : null;
  }

  const findings: Finding[] = [];
  const push = (
    cls: FindingClass,
    severity: Severity,
    detail: string,
    shown: Exchange[],
    extra: Partial<Finding> = {},
    credentials = false,
  ) => {
    findings.push({
      class: cls,
      severity,
      target,
      title: TITLES[cls],
      detail,
      ...extra,
      evidence: shown.slice(0, 3).map((x) => evidence(x, ctx.secret)),
      fix: fixFor(cls, siteOrigin, credentials),
    });
  };

  // 3. Origin probes: trusted when Access-Control-Allow-Origin is exactly the probe's origin.
  const trusted = new Map<FindingClass, { x: Exchange[]; credentials: boolean; control: Control }>();
  probes.forEach((probe, i) => {
    const res = probeResponses[i];
    const req = probeReqs[i];
    if (!res || !req) return;
    const acao = headerValues(res.headers, 'access-control-allow-origin');
    if (acao.length !== 1 || acao[0] !== probe.origin) return;
    const credentials = combined(res.headers, 'access-control-allow-credentials') === 'true';
    const entry = trusted.get(probe.class) ?? { x: [], credentials: false, control: probe.control };
    // Credentialed exchanges first: they are the evidence that matters.
    if (credentials && !entry.credentials) entry.x.unshift({ request: req, response: res, probe });
    else entry.x.push({ request: req, response: res, probe });
    entry.credentials ||= credentials;
    trusted.set(probe.class, entry);
  });
  let attackerTrusted = false;
  for (const [cls, entry] of trusted) {
    if ((SUBSUMED_BY[cls] ?? []).some((c) => trusted.has(c))) continue;
    const control = entry.control;
    const severity = severityFor(control, entry.credentials, differs);
    if (control === 'attacker') attackerTrusted = true;
    const origins = entry.x.map((x) => x.probe?.origin ?? '').slice(0, 25);
    const why =
      cls === 'origin-reflection'
        ? `any origin is echoed (${[...trusted.values()].reduce((n, e) => n + e.x.length, 0)} of ${probes.length} probe origins were trusted)`
        : (entry.x[0]?.probe?.why ?? '');
    const credText = entry.credentials
      ? differs === true
        ? "with credentials, and the response differs when cookies are sent: a page on that origin can read the user's data"
        : differs === false
          ? 'with credentials (the response looked the same with and without the cookie)'
          : 'with credentials (pass a cookie to tell whether the response carries private data)'
      : 'without credentials (a page there reads only what it could fetch itself, or intranet-only data)';
    push(
      cls,
      severity,
      `${why}: ${origins.slice(0, 3).join(', ')}${origins.length > 3 ? ` and ${origins.length - 3} more` : ''} trusted ${credText}.`,
      entry.x,
      { origins, credentials: entry.credentials, differsWithCookies: differs },
      entry.credentials,
    );
  }

  // 4. Passive checks on every answer.
  const all: Exchange[] = [{ request: plainReq, response: plain }];
  if (legit) all.push({ request: legitReq, response: legit });
  if (preflight) all.push({ request: preflightReq, response: preflight });
  probeResponses.forEach((res, i) => {
    const req = probeReqs[i];
    if (res && req) all.push({ request: req, response: res, probe: probes[i] as OriginProbe });
  });
  const wildcard: Exchange[] = [];
  const wildcardCreds: Exchange[] = [];
  const multiple: Exchange[] = [];
  const invalid: Exchange[] = [];
  const noVary: Exchange[] = [];
  const acaoSeen = new Set<string>();
  for (const x of all) {
    const sentOrigin = headerValues(x.request.headers, 'origin')[0];
    const acao = headerValues(x.response.headers, 'access-control-allow-origin');
    if (sentOrigin !== undefined) acaoSeen.add(acao.join('\n'));
    if (acao.length === 0) continue;
    const value = acao.join(', ');
    // An exact echo of what was sent is judged by the trust checks (and needs Vary), not here.
    if (acao.length === 1 && value === sentOrigin) {
      const vary = combined(x.response.headers, 'vary');
      if (!listHas(vary, 'origin') && !listHas(vary, '*')) noVary.push(x);
      continue;
    }
    if (acao.length > 1 || value.includes(',')) {
      multiple.push(x);
      continue;
    }
    if (value.trim() === '*') {
      if (combined(x.response.headers, 'access-control-allow-credentials') === 'true') wildcardCreds.push(x);
      else wildcard.push(x);
      continue;
    }
    if (!parseOriginHeader(value).ok) invalid.push(x);
  }
  if (wildcardCreds.length) {
    push(
      'wildcard-with-credentials',
      'low',
      'The server sends `*` with `Access-Control-Allow-Credentials: true`: browsers refuse the pair, so credentialed reads fail, but the intent (every origin, with cookies) is dangerous and often "fixed" by reflecting the Origin.',
      wildcardCreds,
      {},
      true,
    );
  } else if (wildcard.length) {
    push(
      'wildcard-origin',
      'info',
      'Any page can read this response without credentials. Fine for public data; not for data protected only by network position (intranet).',
      wildcard,
    );
  }
  if (multiple.length) {
    push(
      'multiple-allow-origin',
      'info',
      'Access-Control-Allow-Origin carries several origins (or several lines): every browser refuses the response, so the CORS setup is broken rather than open.',
      multiple,
    );
  }
  if (invalid.length) {
    push(
      'invalid-allow-origin',
      'info',
      `Access-Control-Allow-Origin is ${JSON.stringify(headerValues(invalid[0]?.response.headers ?? [], 'access-control-allow-origin')[0])}, not a serialized origin: browsers refuse the response.`,
      invalid,
    );
  }
  if (noVary.length && acaoSeen.size > 1) {
    push(
      'missing-vary-origin',
      'low',
      "Access-Control-Allow-Origin changes with the request Origin but the response has no `Vary: Origin`: a shared cache or the browser cache can serve one origin's answer to another (cache poisoning, or broken CORS for other origins).",
      noVary,
    );
  }

  // 5. The preflight: does it echo a method and a header nobody would list?
  if (preflight) {
    const acam = combined(preflight.headers, 'access-control-allow-methods');
    const acah = combined(preflight.headers, 'access-control-allow-headers');
    const reflected: string[] = [];
    if (acam?.split(',').some((m) => m.trim() === PREFLIGHT_PROBE.method)) {
      reflected.push(`method (\`${PREFLIGHT_PROBE.method}\`)`);
    }
    if (listHas(acah, PREFLIGHT_PROBE.header))
      reflected.push(`request header (\`${PREFLIGHT_PROBE.header}\`)`);
    const x = { request: preflightReq, response: preflight };
    const severity: Severity = attackerTrusted ? 'low' : 'info';
    if (reflected.length) {
      push(
        'preflight-reflection',
        severity,
        `The preflight echoes the requested ${reflected.join(' and ')}: whatever is asked is allowed to any origin the server trusts${attackerTrusted ? ', including one an attacker controls' : ''}.`,
        [x],
      );
    } else if (
      listHas(acam, '*') &&
      combined(preflight.headers, 'access-control-allow-credentials') !== 'true'
    ) {
      push(
        'preflight-any-method',
        severity,
        '`Access-Control-Allow-Methods: *` allows every method (DELETE, PATCH, …) to the trusted origins.',
        [x],
      );
    }
  }

  // 6. JSONP: a callback parameter reflected as a call in a JavaScript response.
  const jsonpHits: Exchange[] = [];
  jsonpResponses.forEach((res, i) => {
    const req = jsonpReqs[i];
    const name = jsonpNames[i];
    if (!res || !req || !name) return;
    const type = combined(res.headers, 'content-type') ?? '';
    if (res.status >= 200 && res.status < 300 && JS_MIME.test(type) && jsonpCalls(res.bodyStart, name)) {
      jsonpHits.push({ request: req, response: res });
    }
  });
  const hit = jsonpHits[0];
  if (hit) {
    let jsonpDiffers: boolean | null = null;
    if (ctx.cookie !== null) {
      const withC = await go({ ...hit.request, headers: withCookie([...ctx.extra]) });
      if (withC) {
        jsonpDiffers = withC.bodyHash !== hit.response.bodyHash;
        jsonpHits.push({ request: { ...hit.request, headers: withCookie([...ctx.extra]) }, response: withC });
      }
    }
    const param = new URL(hit.request.url).searchParams;
    const names = JSONP_PARAMETERS.filter((p) => param.has(p));
    push(
      'jsonp',
      jsonpDiffers === true ? 'high' : jsonpDiffers === null ? 'medium' : 'low',
      `\`?${names.join('=')}=…\` is wrapped around the data as a JavaScript call: any page can load it with <script> and read it${jsonpDiffers === true ? ', and it differs with cookies (a <script> sends them unless SameSite stops it)' : jsonpDiffers === false ? ' (it looked the same with and without the cookie)' : ' (pass a cookie to tell whether it carries private data)'}.`,
      jsonpHits,
      { differsWithCookies: jsonpDiffers },
    );
  }

  findings.sort((a, b) => SEVERITIES.indexOf(a.severity) - SEVERITIES.indexOf(b.severity));
  return report(plain.status, differs, findings);
}

/** Throws TypeError for a target that is not an absolute http(s) URL (misuse of the API). */
export function checkTarget(target: string): string {
  const u = URL.parse(String(target));
  if (u === null || (u.protocol !== 'http:' && u.protocol !== 'https:')) {
    throw new TypeError(`scan: ${JSON.stringify(target)} is not an http(s) URL`);
  }
  return u.href;
}

/**
 * Scans each target for CORS misconfigurations: derived origin probes (reflection, `null`,
 * prefix, suffix, substring, unescaped dot, special characters, subdomains, http, third-party
 * hosting), passive checks on every answer (wildcard, several or invalid values, wildcard with
 * credentials, missing `Vary: Origin`, permissive preflights) and JSONP. One limiter bounds the
 * requests in flight across all targets; each request has a timeout and is never retried.
 * Throws TypeError only for misuse (a target that is not an http(s) URL, a bad option).
 *
 * @example
 * import { scan } from 'crossorigin/scan';
 * const report = await scan(['https://api.example.com/me'], { cookie: 'session=…' });
 * for (const t of report.targets) for (const f of t.findings) console.log(f.severity, f.title);
 */
export async function scan(
  targets: readonly string[] | string,
  options: ScanOptions = {},
): Promise<ScanReport> {
  const list = (typeof targets === 'string' ? [targets] : [...targets]).map(checkTarget);
  const concurrency = options.concurrency ?? 10;
  const timeout = options.timeout ?? 10_000;
  if (!Number.isInteger(concurrency) || concurrency < 1 || concurrency > 256) {
    throw new TypeError(`scan: concurrency must be an integer in 1..256, got ${concurrency}`);
  }
  if (!Number.isFinite(timeout) || timeout < 1 || timeout > 600_000) {
    throw new TypeError(`scan: timeout must be 1..600000 ms, got ${timeout}`);
  }
  if (
    options.origin !== undefined &&
    (siteParts(options.origin) === null || parseOriginHeader(options.origin).ok !== true)
  ) {
    throw new TypeError(
      `scan: origin must be a serialized http(s) origin, got ${JSON.stringify(options.origin)}`,
    );
  }
  const method = options.method ?? 'GET';
  if (!isMethod(method)) throw new TypeError(`scan: invalid method ${method}`);
  const extra = normalizeHeaders(options.headers);
  for (const [name, value] of extra) {
    if (!isHeaderName(name) || !isHeaderValue(value)) {
      throw new TypeError(`scan: invalid header ${JSON.stringify(name)}: ${JSON.stringify(value)}`);
    }
    if (name === 'origin' || name === 'cookie' || name.startsWith('access-control-request-')) {
      throw new TypeError(
        `scan: the ${name} header is set by the scanner (use the cookie option for cookies)`,
      );
    }
  }
  if (options.cookie !== undefined && !isHeaderValue(options.cookie)) {
    throw new TypeError('scan: cookie is not a valid header value');
  }
  const ctx: Context = {
    secret: new Set(['cookie', 'authorization', ...extra.map(([n]) => n)]),
    limiter: new Limiter(concurrency),
    timeout,
    cookie: options.cookie ?? null,
    extra,
    method,
    ...(options.signal ? { signal: options.signal } : {}),
  };
  const startedAt = new Date();
  const started = performance.now();
  const reports = await Promise.all(
    list.map(async (target) => {
      const site = options.origin ?? new URL(target).origin;
      const r = await scanTarget(target, site, ctx);
      try {
        options.onTarget?.(r);
      } catch {
        // an observer must not change the scan
      }
      return r;
    }),
  );
  const summary: Record<Severity, number> = { high: 0, medium: 0, low: 0, info: 0 };
  for (const r of reports) for (const f of r.findings) summary[f.severity]++;
  return {
    tool: { name: 'crossorigin scan', version: VERSION },
    startedAt: startedAt.toISOString(),
    durationMs: Math.round(performance.now() - started),
    targets: reports,
    summary,
  };
}
