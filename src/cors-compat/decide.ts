/**
 * One request under compiled `cors` options: the headers `cors` would set, in its order and with
 * its header-name case, as an `HttpDecision` the adapter applies. Requests are classified by the
 * Fetch Standard (a preflight is OPTIONS with Origin and Access-Control-Request-Method), and only
 * checked values are reflected. Pure apart from the bounded per-origin decision cache.
 * https://fetch.spec.whatwg.org/#http-cors-protocol
 */
import { extractHeaderListValuesBounded, isHeaderValue, isToken } from '../_fetch/index.js';
import type { HttpDecision, RequestView } from '../_http/index.js';
import { withPlainCopy } from '../_util/index.js';
import { parseOriginHeader } from '../origin/index.js';
import type { CompiledCorsOptions } from './options.js';
import type { OriginRule } from './origin.js';

type Header = readonly [string, string];

const VARY_NONE: readonly string[] = Object.freeze([]);
const VARY_ORIGIN: readonly string[] = Object.freeze(['Origin']);
const VARY_ACRH: readonly string[] = Object.freeze(['Access-Control-Request-Headers']);
const VARY_ORIGIN_ACRH: readonly string[] = Object.freeze(['Origin', 'Access-Control-Request-Headers']);

function isAllowed(rule: Extract<OriginRule, { mode: 'match' }>, origin: string): boolean {
  if (rule.reflectAll || rule.exact.has(origin)) return true;
  for (const re of rule.regexps) if (re.test(origin)) return true;
  return false;
}

/** A request Origin that is a serialized origin (or `null`), so safe and meaningful to reflect. */
function reflectable(origin: string | null, allowNull: boolean): string | null {
  if (origin === null) return null;
  const parsed = parseOriginHeader(origin);
  if (!parsed.ok) return null;
  if (parsed.serialized === 'null' && !allowNull) return null;
  return origin;
}

/** `configureOrigin`: the Access-Control-Allow-Origin value (null: none) and whether Vary: Origin. */
function allowOrigin(c: CompiledCorsOptions, rule: OriginRule, origin: string | null): string | null {
  if (rule.mode === 'any') return '*';
  if (rule.mode === 'fixed') return rule.value;
  if (rule.mode !== 'match') return null;
  const o = reflectable(origin, c.flags.allowNull);
  return o !== null && isAllowed(rule, o) ? o : null;
}

/** The headers every answer carries after Access-Control-Allow-Origin (cors's order). */
function credentialsHeader(c: CompiledCorsOptions, out: Header[]): void {
  if (c.credentials) out.push(['Access-Control-Allow-Credentials', 'true']);
}

function exposeHeader(c: CompiledCorsOptions, out: Header[]): void {
  if (c.exposedHeaders !== null) out.push(['Access-Control-Expose-Headers', c.exposedHeaders]);
}

/**
 * A frozen decision. One `shared` by every request from its origin (the per-origin cache) carries
 * the plain copy the node glue applies through its single setHeader call site, as the policy's
 * shared decisions do (see _http/node.ts setPlain).
 */
function decision(
  allowed: boolean,
  headers: Header[],
  vary: readonly string[],
  end: boolean,
  status?: number,
  shared = false,
): HttpDecision {
  for (const h of headers) Object.freeze(h);
  Object.freeze(headers);
  const d: HttpDecision =
    status === undefined ? { allowed, headers, vary, end } : { allowed, headers, vary, end, status };
  return Object.freeze(shared ? withPlainCopy(d) : d);
}

/** An actual (non-preflight) request: cors's headers for it, no end (`shared`: see decision). */
function actualDecision(
  c: CompiledCorsOptions,
  rule: OriginRule,
  origin: string | null,
  shared = false,
): HttpDecision {
  const acao = allowOrigin(c, rule, origin);
  const headers: Header[] = [];
  if (acao !== null) headers.push(['Access-Control-Allow-Origin', acao]);
  credentialsHeader(c, headers);
  exposeHeader(c, headers);
  const vary = rule.mode === 'fixed' || rule.mode === 'match' ? VARY_ORIGIN : VARY_NONE;
  return decision(acao !== null, headers, vary, false, undefined, shared);
}

/**
 * `configureAllowedHeaders` when no list is configured: reflect the preflight's
 * Access-Control-Request-Headers after checking it. Returns the value to send (null: none) or
 * `false` when the list is malformed, over-long or flooded (browsers never send one).
 */
function reflectRequestHeaders(view: RequestView): string | null | false {
  const acrh = view.header('access-control-request-headers');
  if (acrh === null || acrh.length === 0) return null;
  const parsed = extractHeaderListValuesBounded([acrh], 'field-name');
  if (parsed === null || !parsed.ok || !parsed.values.every(isToken)) return false;
  if (parsed.values.length === 0) return null;
  // cors reflects the raw value; so do we when it is a clean header value, else the checked names.
  return isHeaderValue(acrh) ? acrh : parsed.values.join(',');
}

/** A CORS-preflight request: cors's preflight headers; ends unless `preflightContinue`. */
function preflightDecision(
  c: CompiledCorsOptions,
  rule: OriginRule,
  origin: string | null,
  view: RequestView,
): HttpDecision {
  const acao = allowOrigin(c, rule, origin);
  const originVary = rule.mode === 'fixed' || rule.mode === 'match';
  const headers: Header[] = [];
  if (acao !== null) headers.push(['Access-Control-Allow-Origin', acao]);
  credentialsHeader(c, headers);
  if (c.methods) headers.push(['Access-Control-Allow-Methods', c.methods]);
  let vary = originVary ? VARY_ORIGIN : VARY_NONE;
  if (c.allowedHeaders === undefined) {
    vary = originVary ? VARY_ORIGIN_ACRH : VARY_ACRH;
    const reflected = reflectRequestHeaders(view);
    if (reflected === false) {
      // Refused rather than reflected: only Vary is sent, with a bare 403.
      return decision(false, [['Content-Length', '0']], vary, true, 403);
    }
    if (reflected !== null) headers.push(['Access-Control-Allow-Headers', reflected]);
  } else if (c.allowedHeaders !== null) {
    headers.push(['Access-Control-Allow-Headers', c.allowedHeaders]);
  }
  if (c.maxAge !== null) headers.push(['Access-Control-Max-Age', c.maxAge]);
  exposeHeader(c, headers);
  if (c.preflightContinue) return decision(acao !== null, headers, vary, false);
  // Safari needs Content-Length: 0 on a 204 (cors sends it too).
  headers.push(['Content-Length', '0']);
  return decision(acao !== null, headers, vary, true, c.optionsSuccessStatus);
}

/**
 * Decides one request under compiled options and an origin rule (the options' own, or what an
 * origin callback answered for this request). Never throws.
 */
export function decideCorsCompat(c: CompiledCorsOptions, rule: OriginRule, view: RequestView): HttpDecision {
  const origin = view.header('origin');
  // Fetch: a CORS-preflight request is an OPTIONS request with Origin and
  // Access-Control-Request-Method (cors answers every OPTIONS; the others go to the application).
  const method = view.method;
  // cors upper-cases the method; compare the length first so other methods allocate nothing.
  const preflight =
    method.length === 7 &&
    (method === 'OPTIONS' || method.toUpperCase() === 'OPTIONS') &&
    origin !== null &&
    view.header('access-control-request-method') !== null;
  if (preflight) return preflightDecision(c, rule, origin, view);
  // Actual requests under the options' own rule: one decision per origin, remembered.
  if (rule !== c.origin) return actualDecision(c, rule, origin);
  const key = rule.mode === 'match' ? (origin ?? '') : '';
  let d = c.decisions.get(key);
  if (d === undefined) {
    d = actualDecision(c, rule, origin, true);
    c.decisions.set(key, d);
  }
  return d;
}
