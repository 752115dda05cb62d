/** The shapes `check` (and `explain`) print: one `--json` shape for every outcome. */
import type { BrowserName, Candidate, CorsErrorKind, PolicyConfigShape, Snippets } from '../browser/index.js';

/** The command's flags as commander parses them. */
export interface CheckFlags {
  from?: string;
  method?: string;
  header?: string[];
  bodyType?: string;
  credentials?: string;
  mode?: string;
  redirect?: string;
  browser?: string;
  timeout?: string;
  cookie?: string;
  json?: boolean;
  verbose?: boolean;
  /** The page (_check-page.ts): its full URL, or https://<--from host> with --https-page; CSP lines; COEP. */
  pageUrl?: string;
  httpsPage?: boolean;
  pageCsp?: string[];
  coep?: string;
}

export const BODY_TYPES = ['none', 'text', 'json', 'urlencoded', 'multipart', 'blob', 'stream'] as const;
export type BodyType = (typeof BODY_TYPES)[number];
export const CREDENTIALS = ['omit', 'same-origin', 'include'] as const;
export const MODES = ['cors', 'no-cors', 'same-origin'] as const;
export const REDIRECTS = ['follow', 'error', 'manual'] as const;
export const BROWSERS = ['chromium', 'firefox', 'webkit', 'spec'] as const;

export interface Exchange {
  request: { method: string; url: string; headers: [string, string][] };
  response?: { status: number; headers: [string, string][]; body?: string };
  /** The answer came from the (modelled) HTTP cache: nothing was sent (chromium's permanent redirects). */
  fromCache?: boolean;
}

/** Every outcome: what happened. `usage-error` and `network-error` carry only `error` besides. */
export type Verdict = 'allowed' | 'blocked' | 'usage-error' | 'network-error' | 'unexplained';

/** What `check` found, for people (formatCheck) and for `--json` (as is). */
export interface CheckResult {
  verdict: Verdict;
  exitCode: number;
  url?: string;
  from?: string;
  browser?: BrowserName;
  /** The release of `browser` whose observed behaviour judged the request (156, or 150 for `--browser chromium@150`). */
  release?: number;
  /** The page's context, when a page flag was given (--page-url, --https-page, --page-csp, --coep). */
  page?: { url: string; secureContext: boolean; csp: string[]; coep: string; warnings?: string[] };
  /** With a page: every console line the browser prints for the request (upgrades, CSP reports, the refusal's). */
  console?: string[];
  /** Things the input said that a browser would say differently (a non-serialized --from, ...). */
  notes?: string[];
  request?: {
    method: string;
    headers: [string, string][];
    bodyType: BodyType;
    credentials: string;
    mode: string;
    redirect: string;
  };
  sameOrigin?: boolean;
  /** Whether a preflight is needed, and every reason, in words. */
  preflight?: { needed: boolean; reasons: string[]; exchange?: Exchange };
  /** Request headers the browser drops silently (forbidden names, or not no-CORS-safelisted in no-cors). */
  droppedHeaders?: string[];
  /** Actual requests in order (one per redirect hop). */
  actual?: Exchange[];
  redirects?: { from: string; to: string; status: number; tainted: boolean }[];
  /** When allowed: what the page gets. */
  response?: { status: number; type: string; readableHeaders: string[]; hiddenHeaders: string[] };
  /** When blocked: the browser's refusal. For usage and network errors: `kind` usage / network. */
  error?: {
    kind: CorsErrorKind | 'usage' | 'network' | 'unknown-message';
    /** The browser's console line, or the problem in words. */
    message: string;
    /** Whether the browser logs `message` itself (false: the engine's description). */
    logged?: boolean;
    /** What fetch() rejects with. */
    rejection?: string;
    preflight?: boolean;
    /**
     * Other refusals the evidence cannot tell apart from `kind` (a Firefox HAR merges repeated
     * header lines into one value), each also named in the diagnosis's candidates.
     */
    alternatives?: CorsErrorKind[];
    /** For usage errors: the corrected command line or value. */
    suggestion?: string;
  };
  /** When blocked: the cause from everything observed, and what reached the server. */
  diagnosis?: { cause: string; candidates: Candidate[]; sent: string };
  /**
   * `explain` of a copied request judged allowed without credentials: the refusal the browser
   * gives when the page's fetch used credentials: 'include' (a copy does not record it).
   */
  credentialsCaveat?: { kind: CorsErrorKind; message: string; fix: string };
  /** When blocked: what to change, and config snippets when a server header is the answer. */
  fix?: {
    text: string;
    side: 'server' | 'page';
    snippets?: Snippets;
    policy?: PolicyConfigShape;
    /** A page-side fix as data: the request the page should make instead. */
    request?: { method?: string; url?: string };
  };
}

/** A problem with the command line: printed on stderr, exit code 2; `suggestion` is the fix. */
export { UsageError } from './output.js';

/** The transport failed (refused, DNS, timeout): exit code 2. */
export class NetworkFailure extends Error {
  override readonly name = 'NetworkFailure';
}
