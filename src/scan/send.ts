/**
 * Sending a target's probes: the plan of requests (every request the judge needs, built from the
 * options and the site origin) and the exchanges that come back. No judgement here: judge.ts
 * decides what the answers mean.
 */
import type { ProbeRequest, ProbeResponse } from './http.js';
import type { ScanLimiter } from './limiter.js';
import type { ResolvedScanOptions } from './options.js';
import { ATTACKER_DOMAIN, deriveOriginProbes, JSONP_PARAMETERS, PREFLIGHT_PROBE } from './probes.js';
import type { OriginProbe } from './types.js';

export interface Exchange {
  request: ProbeRequest;
  response: ProbeResponse;
  probe?: OriginProbe;
}

/** Everything sent to one target and what came back (null where a request failed). */
export interface Observations {
  target: string;
  siteOrigin: string;
  /** Whether a cookie was sent with the cookie-bearing probes. */
  cookie: boolean;
  /** The plain request, or null when the target could not be reached (then `error`). */
  plain: Exchange | null;
  error?: string;
  again: Exchange | null;
  cookied: Exchange | null;
  /** A request from the site origin itself. */
  legit: Exchange | null;
  /** A preflight from the site origin asking for a method and header nobody lists. */
  preflight: Exchange | null;
  /** Preflights from attacker origins asking for credentialed PUT with a JSON body. */
  attackerPreflights: Exchange[];
  /** The origin probes that were answered. */
  probes: Exchange[];
  /** JSONP: the callback name given to each parameter, and the answers (with, then without the cookie). */
  jsonp: { names: [string, string][]; answers: Exchange[] };
  /** WebSocket handshakes from a foreign origin: with the cookie first, then without. */
  websocket: Exchange[];
  requests: number;
  failedRequests: number;
}

/** What the scan of every target shares. */
export interface SendContext {
  options: ResolvedScanOptions;
  limiter: ScanLimiter;
  /** Extra JSONP parameter names (from the page's scripts). */
  jsonpNames: readonly string[];
  onRequest?: (target: string, sent: number, planned: number) => void;
}

/** Requests of a target before any answer is known (the progress denominator). */
export function plannedRequests(probeCount: number, cookie: boolean): number {
  return 1 + (cookie ? 2 : 0) + 1 + 1 + 2 + probeCount + 1 + 1;
}

/** Sends the probes of one target and returns what came back. Never throws for network failures. */
export async function sendProbes(
  target: string,
  siteOrigin: string,
  ctx: SendContext,
): Promise<Observations> {
  const o = ctx.options;
  const probes = deriveOriginProbes(siteOrigin);
  const planned = plannedRequests(probes.length, o.cookie !== null);
  const obs: Observations = {
    target,
    siteOrigin,
    cookie: o.cookie !== null,
    plain: null,
    again: null,
    cookied: null,
    legit: null,
    preflight: null,
    attackerPreflights: [],
    probes: [],
    jsonp: { names: [], answers: [] },
    websocket: [],
    requests: 0,
    failedRequests: 0,
  };
  const go = async (request: ProbeRequest, probe?: OriginProbe): Promise<Exchange | null> => {
    const r = await ctx.limiter.request(request);
    obs.requests += r.attempts;
    ctx.onRequest?.(target, obs.requests, planned);
    if (r.ok) return probe ? { request, response: r.response, probe } : { request, response: r.response };
    obs.failedRequests++;
    obs.error = r.error;
    return null;
  };
  const cookie = (h: [string, string][]): [string, string][] =>
    o.cookie === null ? h : [...h, ['cookie', o.cookie]];
  const body = o.data === null ? {} : { body: o.data };
  const req = (headers: [string, string][]): ProbeRequest => ({
    method: o.method,
    url: target,
    headers: [...o.extra, ...headers],
    ...body,
  });

  // 1. A plain request (no Origin, no cookie). If it fails, stop: no probes to a dead host.
  obs.plain = await go(req([]));
  if (obs.plain === null) return obs;
  delete obs.error;
  const preflight = (origin: string, method: string, header: string): ProbeRequest => ({
    method: 'OPTIONS',
    url: target,
    headers: [
      ...o.extra,
      ['origin', origin],
      ['access-control-request-method', method],
      ['access-control-request-headers', header],
    ],
  });
  // 2. Everything else at once; the limiter keeps it polite.
  const [again, cookied, legit, pre, attackerPre, answered, jsonp, ws] = await Promise.all([
    o.cookie === null ? null : go(req([])),
    o.cookie === null ? null : go(req(cookie([]))),
    go(req(cookie([['origin', siteOrigin]]))),
    go(preflight(siteOrigin, PREFLIGHT_PROBE.method, PREFLIGHT_PROBE.header)),
    Promise.all([
      go(preflight(`https://${ATTACKER_DOMAIN}`, 'PUT', 'content-type')),
      go(preflight('null', 'PUT', 'content-type')),
    ]),
    Promise.all(probes.map((p) => go(req(cookie([['origin', p.origin]])), p))),
    sendJsonp(target, ctx, go, cookie),
    sendWebSocket(target, ctx, go, cookie),
  ]);
  Object.assign(obs, { again, cookied, legit, preflight: pre, jsonp, websocket: ws });
  obs.attackerPreflights = attackerPre.filter((x): x is Exchange => x !== null);
  obs.probes = answered.filter((x): x is Exchange => x !== null);
  return obs;
}

type Go = (request: ProbeRequest) => Promise<Exchange | null>;
type WithCookie = (h: [string, string][]) => [string, string][];

/**
 * JSONP: one GET carrying every callback parameter at once, each with its own name (so the answer
 * says which one the server reads), with the cookie (some servers wrap only for signed-in users);
 * when a name comes back, the same once without the cookie.
 */
async function sendJsonp(
  target: string,
  ctx: SendContext,
  go: Go,
  cookie: WithCookie,
): Promise<Observations['jsonp']> {
  const stamp = Date.now().toString(36);
  const params = [...new Set([...JSONP_PARAMETERS, ...ctx.jsonpNames])];
  const names = params.map((p, i): [string, string] => [p, `crossoriginScan${i}x${stamp}`]);
  const u = new URL(target);
  for (const [p, n] of names) u.searchParams.set(p, n);
  const request: ProbeRequest = { method: 'GET', url: u.href, headers: cookie([...ctx.options.extra]) };
  const first = await go(request);
  const answers = first === null ? [] : [first];
  if (first && ctx.options.cookie !== null && names.some(([, n]) => first.response.bodyStart.includes(n))) {
    const second = await go({ ...request, headers: [...ctx.options.extra] });
    if (second) answers.push(second);
  }
  return { names, answers };
}

/**
 * Cross-site WebSocket hijacking: a handshake from an attacker origin with the cookie; when it is
 * accepted (101), the same without the cookie (does the socket depend on the session?).
 */
async function sendWebSocket(
  target: string,
  ctx: SendContext,
  go: Go,
  cookie: WithCookie,
): Promise<Exchange[]> {
  const request: ProbeRequest = {
    method: 'GET',
    url: target,
    headers: cookie([...ctx.options.extra, ['origin', `https://${ATTACKER_DOMAIN}`]]),
    upgrade: true,
  };
  const first = await go(request);
  if (first === null || first.response.status !== 101) return first === null ? [] : [first];
  if (ctx.options.cookie === null) return [first];
  const second = await go({
    ...request,
    headers: [...ctx.options.extra, ['origin', `https://${ATTACKER_DOMAIN}`]],
  });
  return second === null ? [first] : [first, second];
}
