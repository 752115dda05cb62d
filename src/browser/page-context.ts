/**
 * The page a request comes from, beyond its origin: its URL (so its scheme and whether it is a
 * secure context), its Content Security Policy, its embedder policy (COEP) and its opener policy
 * (COOP). Made once by {@link createPageContext}: every header value is parsed and validated here,
 * so the checks that read it (mixed content, CSP, COEP/CORP, COOP) only look things up.
 *
 * A header value a browser would ignore is ignored here as well (the policy falls back to the
 * browser's default) and listed in `warnings`; only misuse of the API (no URL, an unparsable URL,
 * a value that is not a string) throws.
 *
 * - secure context: https://html.spec.whatwg.org/multipage/webappapis.html#secure-context
 * - CSP list: https://w3c.github.io/webappsec-csp/#parse-response-csp
 * - embedder policy: https://html.spec.whatwg.org/multipage/browsers.html#obtain-an-embedder-policy
 * - opener policy: https://html.spec.whatwg.org/multipage/browsers.html#obtain-coop
 */
import { parseOrigin, serializeOrigin, type TupleOrigin } from '../origin/index.js';
import { type CspPolicy, parseResponseCsps } from './csp-parse.js';
import type { AddressSpace } from './local-network.js';
import { isPotentiallyTrustworthyUrl } from './trustworthy.js';

const SPACES: ReadonlySet<string> = new Set(['public', 'local', 'loopback']);
const PERMISSIONS: ReadonlySet<string> = new Set(['granted', 'denied', 'prompt']);

/** HTML's embedder policy values. https://html.spec.whatwg.org/multipage/browsers.html#embedder-policy-value */
export type EmbedderPolicyValue = 'unsafe-none' | 'require-corp' | 'credentialless';

/** HTML's opener policy values. https://html.spec.whatwg.org/multipage/browsers.html#cross-origin-opener-policy-value */
export type OpenerPolicyValue =
  | 'unsafe-none'
  | 'same-origin'
  | 'same-origin-allow-popups'
  | 'noopener-allow-popups';

/** What the page's server sent (header values as received). */
export interface PageContextInit {
  /** The page's URL, e.g. `https://app.example/index.html`. Its origin is the request's origin. */
  url: string | URL;
  /** `Content-Security-Policy` header value(s), one entry per header line. Default: none. */
  csp?: string | readonly string[];
  /** `Content-Security-Policy-Report-Only` value(s): reported, never enforced. Default: none. */
  cspReportOnly?: string | readonly string[];
  /** `Cross-Origin-Embedder-Policy` value. Default: `unsafe-none`. */
  coep?: string;
  /** `Cross-Origin-Embedder-Policy-Report-Only` value. Default: `unsafe-none`. */
  coepReportOnly?: string;
  /** `Cross-Origin-Opener-Policy` value. Default: `unsafe-none`. */
  coop?: string;
  /**
   * The address space the page was loaded from (Local Network Access): `public`, `local` or
   * `loopback`. Default: none, and then no Local Network Access check (a host name does not say
   * what it resolves to).
   */
  addressSpace?: AddressSpace;
  /**
   * The user's answer to the local network access prompt. Default `prompt` (not answered: headless
   * Chromium denies at once, Firefox waits).
   */
  localNetworkPermission?: 'granted' | 'denied' | 'prompt';
}

/** A page, validated once. Frozen. */
export interface PageContext {
  /** The page's URL, serialized. */
  readonly url: string;
  /** Its scheme without the colon (`https`, `http`, `file`...). */
  readonly scheme: string;
  /** Its origin (always a tuple origin: http(s) pages only). */
  readonly origin: TupleOrigin;
  /** The origin, serialized (what `Origin` carries and `createBrowserFetch({ origin })` takes). */
  readonly originSerialized: string;
  /** Whether the page is a secure context (a top-level page: its URL is potentially trustworthy). */
  readonly secureContext: boolean;
  /** The enforced and report-only policies, in header order (CSP3's "CSP list"). */
  readonly csp: readonly CspPolicy[];
  /** True when at least one enforced policy has a directive: the fast path skips CSP otherwise. */
  readonly cspEnforced: boolean;
  /** An enforced policy has `upgrade-insecure-requests`: the page's http: subresource URLs go to https:. */
  readonly upgradeInsecureRequests: boolean;
  /** The embedder policy in force (unsafe-none outside a secure context). */
  readonly coep: EmbedderPolicyValue;
  readonly coepReportOnly: EmbedderPolicyValue;
  /** The opener policy in force (unsafe-none outside a secure context). */
  readonly coop: OpenerPolicyValue;
  /** Local Network Access: the page's address space (none: not checked) and the permission. */
  readonly addressSpace: AddressSpace | undefined;
  readonly localNetworkPermission: 'granted' | 'denied' | 'prompt';
  /** Values ignored as a browser ignores them (an unknown COEP token, COOP on an http page...). */
  readonly warnings: readonly string[];
}

const EMBEDDER_VALUES: ReadonlySet<string> = new Set(['unsafe-none', 'require-corp', 'credentialless']);
const OPENER_VALUES: ReadonlySet<string> = new Set([
  'unsafe-none',
  'same-origin',
  'same-origin-allow-popups',
  'noopener-allow-popups',
]);

/** A structured-field item that is a token, with any parameters: the token, or null. (RFC 9651 §4.2.3, enough of it.) */
function structuredToken(value: string): string | null {
  const m = /^[ \t]*([A-Za-z*][A-Za-z0-9!#$%&'*+.^_`|~:/-]*)[ \t]*(?:;.*)?$/s.exec(value);
  return m ? (m[1] as string) : null;
}

function asList(v: string | readonly string[] | undefined, what: string): readonly string[] {
  if (v === undefined) return [];
  const list = typeof v === 'string' ? [v] : v;
  if (!Array.isArray(list) || list.some((x) => typeof x !== 'string'))
    throw new TypeError(`createPageContext: ${what} must be a string or an array of strings`);
  return list;
}

/**
 * HTML's "obtain an embedder policy" (the header half): the token when it is a known value,
 * `unsafe-none` otherwise, and `unsafe-none` outside a secure context.
 * https://html.spec.whatwg.org/multipage/browsers.html#obtain-an-embedder-policy
 */
function obtainEmbedderPolicy(
  raw: string | undefined,
  secure: boolean,
  header: string,
  warnings: string[],
): EmbedderPolicyValue {
  if (raw === undefined) return 'unsafe-none';
  if (typeof raw !== 'string') throw new TypeError(`createPageContext: ${header} must be a string`);
  // 1. Let policy be a new embedder policy (value "unsafe-none").
  // 2. If environment is a non-secure context, then return policy.
  if (!secure) {
    warnings.push(`${header} ignored: the page is not a secure context`);
    return 'unsafe-none';
  }
  // 3-4. Parse the header as a structured field item; a token that is a known value is the value.
  const token = structuredToken(raw);
  if (token !== null && EMBEDDER_VALUES.has(token)) return token as EmbedderPolicyValue;
  warnings.push(
    `${header} ignored: ${JSON.stringify(raw)} is not unsafe-none, require-corp or credentialless`,
  );
  return 'unsafe-none';
}

/**
 * HTML's "obtain a cross-origin opener policy" (the header half).
 * https://html.spec.whatwg.org/multipage/browsers.html#obtain-coop
 */
function obtainOpenerPolicy(raw: string | undefined, secure: boolean, warnings: string[]): OpenerPolicyValue {
  if (raw === undefined) return 'unsafe-none';
  if (typeof raw !== 'string') throw new TypeError('createPageContext: coop must be a string');
  // 2. If reservedEnvironment is a non-secure context, then return policy (unsafe-none).
  if (!secure) {
    warnings.push('Cross-Origin-Opener-Policy ignored: the page is not a secure context');
    return 'unsafe-none';
  }
  // 3-4. Parse as a structured field item; a known token is the value.
  const token = structuredToken(raw);
  if (token !== null && OPENER_VALUES.has(token)) return token as OpenerPolicyValue;
  warnings.push(`Cross-Origin-Opener-Policy ignored: ${JSON.stringify(raw)} is not a known value`);
  return 'unsafe-none';
}

/**
 * Makes a page context: parses and validates everything once.
 *
 * @example
 * const page = createPageContext({
 *   url: 'https://app.example/',
 *   csp: "default-src 'self'; connect-src https://api.example",
 *   coep: 'require-corp',
 * });
 * page.secureContext; // true
 */
export function createPageContext(init: PageContextInit): PageContext {
  if (init === null || typeof init !== 'object') throw new TypeError('createPageContext: expected an object');
  const parsed = init.url instanceof URL ? init.url : URL.parse(String(init.url ?? ''));
  if (parsed === null)
    throw new TypeError(
      `createPageContext: url is not a valid URL: ${JSON.stringify(String(init.url).slice(0, 200))}`,
    );
  const scheme = parsed.protocol.slice(0, -1);
  if (scheme !== 'http' && scheme !== 'https')
    throw new TypeError(`createPageContext: the page must be an http: or https: URL, got ${scheme}:`);
  const origin = parseOrigin(parsed) as TupleOrigin;
  const secureContext = isPotentiallyTrustworthyUrl(parsed);
  if (init.addressSpace !== undefined && !SPACES.has(init.addressSpace))
    throw new TypeError(`createPageContext: addressSpace must be public, local or loopback`);
  if (init.localNetworkPermission !== undefined && !PERMISSIONS.has(init.localNetworkPermission))
    throw new TypeError(`createPageContext: localNetworkPermission must be granted, denied or prompt`);
  const warnings: string[] = [];
  const csp = [
    ...parseResponseCsps(asList(init.csp, 'csp'), 'enforce', warnings),
    ...parseResponseCsps(asList(init.cspReportOnly, 'cspReportOnly'), 'report', warnings),
  ];
  const context: PageContext = {
    url: parsed.href,
    scheme,
    origin,
    originSerialized: serializeOrigin(origin),
    secureContext,
    csp: Object.freeze(csp),
    cspEnforced: csp.some((p) => p.disposition === 'enforce' && p.directives.size > 0),
    upgradeInsecureRequests: csp.some(
      (p) => p.disposition === 'enforce' && p.directives.has('upgrade-insecure-requests'),
    ),
    coep: obtainEmbedderPolicy(init.coep, secureContext, 'Cross-Origin-Embedder-Policy', warnings),
    coepReportOnly: obtainEmbedderPolicy(
      init.coepReportOnly,
      secureContext,
      'Cross-Origin-Embedder-Policy-Report-Only',
      warnings,
    ),
    coop: obtainOpenerPolicy(init.coop, secureContext, warnings),
    addressSpace: init.addressSpace,
    localNetworkPermission: init.localNetworkPermission ?? 'prompt',
    warnings: Object.freeze(warnings),
  };
  return Object.freeze(context);
}
