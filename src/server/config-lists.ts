/**
 * Validation of the list options of a CORS configuration: `methods`, `requestHeaders` and
 * `exposeHeaders`, each checked against the Fetch grammar and its forbidden names.
 */
import {
  byteUppercase,
  CORS_SAFELISTED_RESPONSE_HEADER_NAMES,
  isCorsSafelistedMethod,
  isForbiddenMethod,
  isForbiddenRequestHeader,
  isForbiddenResponseHeaderName,
  isHeaderName,
  isMethod,
  normalizeMethod,
} from '../_fetch/index.js';
import { type CorsProblems, eachString, isList } from './config-values.js';

/** Methods whose canonical spelling is upper case but which browsers do not normalize. */
const WELL_KNOWN_UNNORMALIZED_METHODS: ReadonlySet<string> = new Set(['PATCH']);

/** A header name item, lower-cased; null (with the problem) when it is not a header name. */
function headerNameItem(problems: CorsProblems, option: string, h: string): string | null {
  if (isHeaderName(h)) return h.toLowerCase();
  problems.add(
    option,
    'invalid-header-name',
    `${JSON.stringify(h)} is not a header name (a token, no spaces or commas); give one name per item`,
    h,
  );
  return null;
}

/** Whether `key` was seen before in list `name` (a `duplicate` problem); records it otherwise. */
function repeated(
  problems: CorsProblems,
  seen: Map<string, number>,
  key: string,
  i: number,
  where: { option: string; name: string; raw: string },
): boolean {
  const first = seen.get(key);
  if (first === undefined) {
    seen.set(key, i);
    return false;
  }
  problems.add(
    where.option,
    'duplicate',
    `${key} is already at ${where.name}[${first}]; remove one`,
    where.raw,
  );
  return true;
}

export function validateMethods(problems: CorsProblems, cfg: Record<string, unknown>): string[] {
  const v = cfg.methods;
  if (v === undefined) return [];
  if (!isList(problems, 'methods', v, "an array of method names, e.g. ['PUT', 'PATCH', 'DELETE']")) return [];
  const out: string[] = [];
  const seen = new Map<string, number>();
  eachString(
    problems,
    v,
    (i) => `methods[${i}]`,
    (m, option, i) => {
      if (m === '*') {
        problems.add(
          option,
          'invalid-method',
          "'*' is not supported for methods: list them, e.g. ['PUT', 'PATCH', 'DELETE']",
          m,
        );
        return;
      }
      if (!isMethod(m)) {
        problems.add(
          option,
          'invalid-method',
          `${JSON.stringify(m)} is not a method (a token: letters, digits and !#$%&'*+-.^_\`|~); give one method per item`,
          m,
        );
        return;
      }
      if (isForbiddenMethod(m)) {
        problems.add(
          option,
          'forbidden-method',
          `browsers never send ${byteUppercase(m)} (a forbidden method); remove it`,
          m,
        );
        return;
      }
      // Fetch normalizes DELETE, GET, HEAD, OPTIONS, POST, PUT: a page may write them in any case.
      const normalized = normalizeMethod(m);
      const upper = byteUppercase(m);
      if (normalized === m && upper !== m && WELL_KNOWN_UNNORMALIZED_METHODS.has(upper)) {
        problems.add(
          option,
          'method-case',
          `methods are case-sensitive and browsers do not upper-case ${upper}: fetch(url, { method: ${JSON.stringify(m)} }) sends ${JSON.stringify(m)}, which Node's HTTP parser rejects with 400; write ${JSON.stringify(upper)} here and in the page`,
          m,
        );
        return;
      }
      if (repeated(problems, seen, normalized, i, { option, name: 'methods', raw: m })) return;
      // GET, HEAD and POST are CORS-safelisted: always allowed, never listed.
      if (isCorsSafelistedMethod(normalized)) return;
      out.push(normalized);
    },
  );
  return out;
}

export interface HeadersResult {
  any: boolean;
  anyWithAuthorization: boolean;
  names: string[];
}

export function validateRequestHeaders(problems: CorsProblems, cfg: Record<string, unknown>): HeadersResult {
  const out: HeadersResult = { any: false, anyWithAuthorization: false, names: [] };
  const v = cfg.requestHeaders;
  if (v === undefined) return out;
  const list = v === '*' ? ['*'] : v;
  const expected = "an array of header names or '*', e.g. ['content-type', 'authorization']";
  if (!isList(problems, 'requestHeaders', list, expected)) return out;
  out.any = list.includes('*');
  const seen = new Map<string, number>();
  const optionOf = (i: number) => (v === '*' ? 'requestHeaders' : `requestHeaders[${i}]`);
  eachString(problems, list, optionOf, (h, option, i) => {
    if (h === '*') return;
    const lower = headerNameItem(problems, option, h);
    if (lower === null) return;
    if (lower.startsWith('access-control-')) {
      problems.add(
        option,
        'access-control-header-name',
        `${h} is set by the browser or the server, never by a page; remove it (if the page sets it, remove it there too: it only triggers a preflight)`,
        h,
      );
      return;
    }
    if (isForbiddenRequestHeader(lower, '')) {
      problems.add(
        option,
        'forbidden-header-name',
        `browsers never let a page set ${h} (a forbidden request-header), so it never appears in a preflight; remove it`,
        h,
      );
      return;
    }
    if (repeated(problems, seen, lower, i, { option, name: 'requestHeaders', raw: h })) return;
    if (out.any) {
      if (lower === 'authorization') {
        out.anyWithAuthorization = true;
        return;
      }
      problems.add(
        option,
        'duplicate',
        `'*' already covers ${lower}; only 'authorization' needs listing beside '*'`,
        h,
      );
      return;
    }
    out.names.push(lower);
  });
  return out;
}

export function validateExposeHeaders(
  problems: CorsProblems,
  cfg: Record<string, unknown>,
  credentials: boolean,
): string[] | '*' {
  const v = cfg.exposeHeaders;
  if (v === undefined) return [];
  const list = v === '*' ? ['*'] : v;
  if (
    !isList(problems, 'exposeHeaders', list, "an array of header names or '*', e.g. ['etag', 'x-request-id']")
  )
    return [];
  if (list.includes('*')) {
    if (list.length > 1) {
      problems.add('exposeHeaders', 'duplicate', "'*' already exposes every header; give '*' alone", v);
    }
    if (credentials) {
      problems.add(
        'exposeHeaders',
        'expose-wildcard-with-credentials',
        "with credentials, browsers read Access-Control-Expose-Headers: * as a header literally named '*', exposing nothing; list the names, e.g. ['etag', 'x-request-id']",
        v,
      );
    }
    return '*';
  }
  const out: string[] = [];
  const seen = new Map<string, number>();
  eachString(
    problems,
    list,
    (i) => `exposeHeaders[${i}]`,
    (h, option, i) => {
      const lower = headerNameItem(problems, option, h);
      if (lower === null) return;
      if (isForbiddenResponseHeaderName(lower)) {
        problems.add(
          option,
          'forbidden-header-name',
          `browsers never let script read ${h} (a forbidden response-header name); remove it`,
          h,
        );
        return;
      }
      if (lower.startsWith('access-control-')) {
        problems.add(
          option,
          'access-control-header-name',
          `${h} is a CORS protocol header; exposing it makes no sense; remove it`,
          h,
        );
        return;
      }
      if (repeated(problems, seen, lower, i, { option, name: 'exposeHeaders', raw: h })) return;
      // CORS-safelisted response-header names are always readable: accepted, not sent.
      if (CORS_SAFELISTED_RESPONSE_HEADER_NAMES.has(lower)) return;
      out.push(lower);
    },
  );
  return out;
}
