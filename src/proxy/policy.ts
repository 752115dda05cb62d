/**
 * The CORS policy as the proxy uses it: decided first for every request (so refusals carry its
 * headers), asked whether it grants the requesting origin, and written out when it ends the
 * exchange itself (a preflight).
 */
import type http from 'node:http';
import { type HttpCore, type HttpDecision, mergeVary, type RequestView } from '../_http/index.js';
import { ProxyFailure, truncate } from './failure.js';

export const NO_DECISION: HttpDecision = { headers: [], vary: [], end: false };

/** Reads the policy's decision through the shared RequestView (synchronously when the policy can). */
export function decideCors(
  policy: HttpCore,
  method: string,
  url: string | undefined,
  headers: http.IncomingHttpHeaders,
): HttpDecision | Promise<HttpDecision> {
  const view: RequestView = {
    method,
    url,
    header(name) {
      const v = headers[name];
      return v === undefined ? null : Array.isArray(v) ? v.join(', ') : v;
    },
  };
  try {
    const d = policy.handle(view);
    return d instanceof Promise ? d.catch(policyFailed) : d;
  } catch {
    return policyFailed();
  }
}

function policyFailed(): never {
  throw new ProxyFailure(500, 'internal-error', 'the CORS policy failed');
}

/** True when the policy's decision lets the requesting origin read the response. */
export function grants(decision: HttpDecision): boolean {
  // A crossorigin/server decision says so; any other HttpCore grants by emitting the header.
  const allowed = (decision as { allowed?: unknown }).allowed;
  if (typeof allowed === 'boolean') return allowed;
  for (const [name] of decision.headers) if (name === 'access-control-allow-origin') return true;
  return false;
}

/** The 403 refusal for an origin the policy does not grant, with the policy's own detail. */
export function originRefused(decision: HttpDecision, origin: string): ProxyFailure {
  const detail = (decision as { detail?: unknown }).detail;
  const base = `the origin ${truncate(origin)} is not allowed to use this proxy by its CORS policy`;
  const reason = typeof detail === 'string' && detail ? `${base} (${truncate(detail)})` : base;
  return new ProxyFailure(403, 'origin-not-allowed', reason);
}

/** Answers with the policy's own ending (a preflight, or a refused preflight). */
export function writeDecision(res: http.ServerResponse, decision: HttpDecision): void {
  const headers: Record<string, string> = {};
  for (const [name, value] of decision.headers) headers[name] = value;
  if (decision.vary.length > 0) headers.vary = mergeVary(null, decision.vary);
  const body = decision.body ?? '';
  if (body) {
    headers['content-type'] = decision.contentType ?? 'text/plain; charset=utf-8';
  }
  headers['content-length'] = String(Buffer.byteLength(body));
  res.writeHead(decision.status ?? 204, headers);
  res.end(body || undefined);
}
