/**
 * From everything observed about one blocked request to its cause and its fix: the one place that
 * turns a refusal into prose (used by `check`, `explain` and the lab). The console line alone is not
 * enough: a server that refuses a preflight answers 403 without CORS headers, so every browser says
 * "no Access-Control-Allow-Origin", yet the origin may well be allowed and the method or a header
 * refused. So the cause is read from the preflight's status and headers, the server's
 * `cors-refusal-reason` header and body (crossorigin/server with `debug: true`) and the request.
 */

import type { Candidate, Diagnosis, Fix, Observation, ObservedAnswer } from './_diagnosis-types.js';
import { fixFor } from './fix.js';
import { isIsolationErrorKind } from './isolation.js';
import type { CorsErrorDetails, CorsErrorKind } from './kinds.js';
import { RULES_BEYOND_CORS, ruleFor } from './rules.js';
import { type PolicyShape, policyConfigFor, snippetsFor } from './snippets.js';

export type { Candidate, Diagnosis, Fix, Observation, ObservedAnswer } from './_diagnosis-types.js';

/** Kinds the page must fix (no server header changes them). */
export const PAGE_KINDS: ReadonlySet<CorsErrorKind> = new Set<CorsErrorKind>([
  'disallowed-by-mode',
  'unsupported-scheme',
  'forbidden-method',
  'method-unsupported-in-no-cors',
  'no-cors-redirect-mode',
  'redirect-mode-error',
  // The page's context: nothing is sent, and the page (its scheme, its CSP) or the user decides.
  'mixed-content-blocked',
  'csp-blocked',
  'local-network-insecure-context',
  'local-network-permission-denied',
]);

/** Kinds whose answer is a CORS response header, and so a policy snippet. */
const HEADER_KINDS: ReadonlySet<CorsErrorKind> = new Set<CorsErrorKind>([
  'missing-allow-origin-header',
  'wildcard-origin-not-allowed',
  'multiple-allow-origin-values',
  'invalid-allow-origin-value',
  'allow-origin-mismatch',
  'invalid-allow-credentials',
  'preflight-missing-allow-origin-header',
  'preflight-wildcard-origin-not-allowed',
  'preflight-multiple-allow-origin-values',
  'preflight-invalid-allow-origin-value',
  'preflight-allow-origin-mismatch',
  'preflight-invalid-allow-credentials',
  'preflight-invalid-status',
  'preflight-disallowed-redirect',
  'invalid-allow-methods-preflight-response',
  'invalid-allow-headers-preflight-response',
  'method-disallowed-by-preflight-response',
  'header-disallowed-by-preflight-response',
]);

/** The crossorigin/server debug header. */
export const REFUSAL_HEADER = 'cors-refusal-reason';

function headerOf(a: ObservedAnswer | undefined, name: string): string | null {
  if (!a) return null;
  for (const [n, v] of a.headers) if (n.toLowerCase() === name) return v;
  return null;
}

const ok = (status: number): boolean => status >= 200 && status <= 299;

/** The preflight was answered, but not as a CORS handler answers an allowed one. */
function isRefusedPreflight(o: Observation): boolean {
  const p = o.preflight;
  if (!p) return false;
  const k = o.error.kind;
  if (k !== 'preflight-missing-allow-origin-header' && k !== 'preflight-invalid-status') return false;
  if (headerOf(p, REFUSAL_HEADER) !== null) return true;
  return !ok(p.status) && headerOf(p, 'access-control-allow-origin') === null;
}

function shapeOf(o: Observation): PolicyShape {
  const d = o.error;
  return {
    origin: d.requestOrigin,
    credentials: d.credentials === 'include',
    methods: o.request.unsafeMethod ? [d.method] : [],
    headers: [...o.request.unsafeHeaders],
  };
}

function serverFix(o: Observation, text: string): Fix {
  const shape = shapeOf(o);
  if (shape.origin === 'null') return { text, side: 'server' };
  return { text, side: 'server', snippets: snippetsFor(shape), policy: policyConfigFor(shape) };
}

/** What reached the server: the CSRF lesson says it plainly. */
export function whatWasSent(o: Observation): string {
  // An unknown method (a console line that does not name it) reads "your request".
  const d = o.error.method.startsWith('<') ? { ...o.error, method: 'request' } : o.error;
  if (PAGE_KINDS.has(d.kind))
    return `Nothing was sent: the browser refused the ${d.method} before any request left the page.`;
  if (d.kind === 'network-error')
    return 'No answer arrived: the request may or may not have reached the server.';
  if (isIsolationErrorKind(d.kind))
    return `The ${d.method} was sent and the server answered; the browser then withheld the response from the page (a load or embed, not a read by script).`;
  const preflightFailed = d.kind.startsWith('preflight-') || d.kind.endsWith('-preflight-response');
  if (preflightFailed) {
    return `Only the preflight (OPTIONS) was sent. It failed, so the browser never sent your ${d.method}: the server did not act on it.`;
  }
  if (
    d.kind.startsWith('redirect') ||
    d.kind === 'invalid-redirect-location' ||
    d.kind === 'too-many-redirects'
  ) {
    return `Your ${d.method} was sent and the server answered with a redirect; the browser did not follow it.`;
  }
  const status = o.actual?.status ?? d.status;
  return `The server received and handled your ${d.method}${status ? ` (it answered ${status})` : ''}; only the read was blocked: the page cannot see the response. Blocking the read does not undo the request, so a state-changing endpoint needs CSRF protection as well as CORS.`;
}

/** The refused preflight with crossorigin/server's `cors-refusal-reason` (and body) to go on. */
function fromRefusalReason(o: Observation, reason: string): Diagnosis | null {
  const d = o.error;
  const body = o.preflight?.body?.trim();
  const said = body ? ` The server said: "${body.slice(0, 300)}"` : '';
  const base = { kind: d.kind, candidates: [], sent: whatWasSent(o) };
  const shape = shapeOf(o);
  switch (reason) {
    case 'header-not-allowed':
    case 'authorization-not-covered-by-wildcard': {
      const fromBody = /request header "([^"]+)"/.exec(body ?? '')?.[1];
      const names = fromBody ? [fromBody] : shape.headers;
      return {
        ...base,
        cause: `The server allows the origin ${d.requestOrigin} but refused the preflight because of the request header${names.length === 1 ? '' : 's'} ${names.join(', ')} (cors-refusal-reason: ${reason}).${said}`,
        fix: serverFix(
          o,
          reason === 'authorization-not-covered-by-wildcard'
            ? "Name authorization explicitly: requestHeaders: ['*', 'authorization'] (Access-Control-Allow-Headers: * never covers Authorization)."
            : `Add ${names.map((n) => `\`${n}\``).join(', ')} to the policy's requestHeaders (Access-Control-Allow-Headers on the preflight), or stop sending ${names.length === 1 ? 'it' : 'them'} from the page. The origin is already allowed: do not change the origins.`,
        ),
      };
    }
    case 'method-not-allowed':
      return {
        ...base,
        cause: `The server allows the origin ${d.requestOrigin} but not the method ${d.method} (cors-refusal-reason: ${reason}).${said}`,
        fix: serverFix(
          o,
          `Add \`${d.method}\` to the policy's methods (Access-Control-Allow-Methods on the preflight). The origin is already allowed.`,
        ),
      };
    case 'method-case-mismatch':
      return {
        ...base,
        cause: `The page sends the method \`${d.method}\` in lower case; browsers upper-case only DELETE, GET, HEAD, OPTIONS, POST and PUT, and methods compare case-sensitively, so the server's \`${d.method.toUpperCase()}\` does not match (cors-refusal-reason: ${reason}).${said}`,
        fix: {
          text: `Write the method as \`${d.method.toUpperCase()}\` in the page's fetch().`,
          side: 'page',
        },
      };
    case 'origin-not-allowed':
      return {
        ...base,
        cause: `The server does not allow the origin ${d.requestOrigin} (cors-refusal-reason: ${reason}).${said}`,
        fix: serverFix(
          o,
          `If this page should read the API, add \`${d.requestOrigin}\` to the policy's origins (an exact allowlist entry).`,
        ),
      };
    case 'null-origin':
      return {
        ...base,
        cause: `The request's Origin is \`null\` (sandboxed or file: page, or a cross-origin redirect) and the server refuses it, as it should.${said}`,
        fix: { text: fixFor({ ...d, kind: 'preflight-missing-allow-origin-header' }), side: 'server' },
      };
    case 'private-network-not-allowed':
      return {
        ...base,
        cause: `The page asked for private-network access and the policy does not grant it.${said}`,
        fix: {
          text: 'Set privateNetwork: true in the policy if public pages may reach this private server.',
          side: 'server',
        },
      };
    default:
      return reason
        ? {
            ...base,
            cause: `The server refused the preflight (cors-refusal-reason: ${reason}).${said}`,
            fix: serverFix(
              o,
              `Allow this request in the server's CORS policy (origin ${d.requestOrigin}${shape.methods.length ? `, method ${d.method}` : ''}${shape.headers.length ? `, headers ${shape.headers.join(', ')}` : ''}).`,
            ),
          }
        : null;
  }
}

/** The refused preflight with no reason given: say the candidates and how to tell them apart. */
function refusedPreflightCandidates(o: Observation): Diagnosis {
  const d = o.error;
  const status = o.preflight?.status ?? d.status ?? 0;
  const shape = shapeOf(o);
  const asked = [
    ...(shape.methods.length ? [`the method ${d.method}`] : []),
    ...shape.headers.map((h) => `the header ${h}`),
  ];
  const policy: Candidate = {
    cause: `The CORS policy refuses part of the request: ${asked.length ? asked.join(', ') : 'the method or headers'}, or the origin ${d.requestOrigin} itself.`,
    tell: `Run the request without ${asked.length ? asked.join(' and ') : 'the extra headers'}: if it passes, that is what the policy lacks. With crossorigin/server, set debug: true and the 403 names it (cors-refusal-reason header and body); \`crossorigin check\` then reads it.`,
  };
  const routing: Candidate = {
    cause: `OPTIONS never reaches the CORS handler: an authentication layer, router or method check answers it first (${status}).`,
    tell: `Send \`curl -i -X OPTIONS ${d.url} -H 'Origin: ${d.requestOrigin}' -H 'Access-Control-Request-Method: ${d.method}'\`: a 401/404/405 with no CORS headers at all, whatever you ask, means the route; a 403 that changes when you drop a header means the policy.`,
  };
  const origin: Candidate = {
    cause: `The origin ${d.requestOrigin} is not in the server's allowlist.`,
    tell: 'A simple GET from the same page: if it also lacks Access-Control-Allow-Origin, the origin is the problem.',
  };
  const candidates =
    status === 401 || status === 404 || status === 405
      ? [routing, policy, origin]
      : [policy, origin, routing];
  return {
    kind: d.kind,
    cause: `The server answered the preflight with ${status} and no CORS headers: it refused it. The console's "no Access-Control-Allow-Origin" is a consequence, not the cause.`,
    candidates,
    sent: whatWasSent(o),
    fix: serverFix(
      o,
      `Make the preflight succeed: OPTIONS must reach the CORS handler (before authentication and 404 handling), and the policy must allow ${[`the origin ${d.requestOrigin}`, ...asked].join(', ')}.`,
    ),
  };
}

/**
 * A preflight that failed for a method the page wrote in lower case (`patch`): browsers upper-case
 * only DELETE, GET, HEAD, OPTIONS, POST and PUT, methods compare case-sensitively, and many servers
 * refuse a lower-case method outright (Node's HTTP parser answers 400; crossorigin/server refuses to
 * list one). Whatever the console line, the fix is in the page; the server allows the upper case.
 * https://fetch.spec.whatwg.org/#concept-method-normalize
 */
function lowerCaseMethod(o: Observation): Diagnosis | null {
  const d = o.error;
  const m = o.request.method;
  const preflightFailed = d.kind.startsWith('preflight-') || d.kind.endsWith('-preflight-response');
  if (!o.request.unsafeMethod || m === m.toUpperCase() || !preflightFailed) return null;
  const upper = m.toUpperCase();
  const shape = { ...shapeOf(o), methods: [upper] };
  const reason = o.preflight ? headerOf(o.preflight, REFUSAL_HEADER) : null;
  return {
    kind: d.kind,
    cause: `The page sends the method \`${m}\` in lower case. Browsers upper-case only DELETE, GET, HEAD, OPTIONS, POST and PUT, so \`${m}\` goes out as written, and methods compare case-sensitively: a server that allows ${upper} does not allow ${m}, and many (Node's HTTP parser among them) refuse a lower-case method outright.${reason ? ` (cors-refusal-reason: ${reason.trim()})` : ''}`,
    candidates: [],
    sent: whatWasSent(o),
    fix: {
      text: `Write the method as \`${upper}\` in the page's fetch(), and allow \`${upper}\` on the server (Access-Control-Allow-Methods).`,
      side: 'page',
      request: { method: upper },
      ...(shape.origin !== 'null' ? { policy: policyConfigFor(shape), snippets: snippetsFor(shape) } : {}),
    },
  };
}

/**
 * A redirect to another origin made the request's Origin `null` (the request is tainted), and the
 * final server refused `null`, as it should. The fix is not to allow `null` but to request the
 * final URL directly, from the page's real origin, which that server then allows.
 * https://fetch.spec.whatwg.org/#http-redirect-fetch (step 12: the tainted origin flag)
 */
function taintedByRedirect(o: Observation): Diagnosis | null {
  const d = o.error;
  if (d.requestOrigin !== 'null' || d.origin === 'null' || d.url === d.initialUrl) return null;
  // Only a CORS check of the final answer; a refused redirect (a bad Location, a loop) is its own kind.
  const final = URL.parse(d.url);
  if (final === null || !HEADER_KINDS.has(d.kind) || d.kind.startsWith('preflight-')) return null;
  const shape = { ...shapeOf(o), origin: d.origin };
  return {
    kind: d.kind,
    cause: `The request was redirected from ${d.initialUrl} to another origin (${final.origin}); after such a redirect the browser sends \`Origin: null\`, and the server there does not allow \`null\` (it should not).`,
    candidates: [],
    sent: whatWasSent(o),
    fix: {
      text: `${fixFor(d)} Here: request ${d.url} from the page, and allow the origin ${d.origin} there.`,
      side: 'page',
      request: { url: d.url },
      policy: policyConfigFor(shape),
      snippets: snippetsFor(shape),
    },
  };
}

function wildcardWithCredentials(o: Observation): Diagnosis {
  const d = o.error;
  const on = d.kind.startsWith('preflight-') ? 'the preflight and the actual response' : 'the response';
  return {
    kind: d.kind,
    cause:
      "The server answers Access-Control-Allow-Origin: * but the request carries credentials (credentials: 'include'); browsers refuse `*` then.",
    candidates: [],
    sent: whatWasSent(o),
    fix: serverFix(
      o,
      `Keep an allowlist of the origins that may read with credentials (here \`${d.requestOrigin}\`), and on ${on} send \`Access-Control-Allow-Origin\` with the request's Origin only when it is on that list, plus \`Access-Control-Allow-Credentials: true\` and \`Vary: Origin\`. Do not echo every Origin: that lets any site read your users' data. Or make the request with credentials: 'omit' and keep \`*\`.`,
    ),
  };
}

/** The cause and fix for one blocked request, from everything observed. */
export function diagnose(o: Observation): Diagnosis {
  const d = o.error;
  const special = lowerCaseMethod(o) ?? taintedByRedirect(o);
  if (special) return special;
  if (isRefusedPreflight(o)) {
    const reason = headerOf(o.preflight, REFUSAL_HEADER);
    const known = reason !== null ? fromRefusalReason(o, reason.trim()) : null;
    if (known) return known;
    return refusedPreflightCandidates(o);
  }
  if (d.kind === 'wildcard-origin-not-allowed' || d.kind === 'preflight-wildcard-origin-not-allowed') {
    return wildcardWithCredentials(o);
  }
  const text = fixFor(d);
  const fix: Fix = PAGE_KINDS.has(d.kind)
    ? { text, side: 'page' }
    : HEADER_KINDS.has(d.kind)
      ? serverFix(o, text)
      : { text, side: 'server' };
  return { kind: d.kind, cause: causeOf(d), candidates: [], sent: whatWasSent(o), fix };
}

function causeOf(d: CorsErrorDetails): string {
  switch (d.kind) {
    case 'missing-allow-origin-header':
      return `The response${d.status ? ` (${d.status})` : ''} carries no Access-Control-Allow-Origin, so the page may not read it.`;
    case 'preflight-missing-allow-origin-header':
      return 'The preflight was answered with a 2xx but without Access-Control-Allow-Origin: OPTIONS reached a handler that is not the CORS one.';
    case 'preflight-invalid-status':
      return `The preflight was answered with ${d.status ?? 'a non-2xx status'}: a preflight needs a 2xx.`;
    case 'allow-origin-mismatch':
    case 'preflight-allow-origin-mismatch':
      return `Access-Control-Allow-Origin is \`${d.hint ?? ''}\`, not the page's origin ${d.requestOrigin}: they are compared byte for byte.`;
    case 'method-disallowed-by-preflight-response':
      return `The preflight answer does not list the method ${d.hint ?? d.method} in Access-Control-Allow-Methods.`;
    case 'header-disallowed-by-preflight-response':
      return `The preflight answer does not list the request header ${d.hint ?? ''} in Access-Control-Allow-Headers.`;
    default:
      return RULES_BEYOND_CORS.has(d.kind)
        ? `${ruleFor(d.kind).text}`
        : `The browser refused the request (${d.kind.replace(/-/g, ' ')}).`;
  }
}
