/**
 * `check`'s input, validated once: the page origin (what browsers send, explained when it is not a
 * serialized origin), the URL (never silently relative), the request, and the engine's
 * classification of it (is a preflight needed, and why).
 */
import { isMethod } from '../_fetch/index.js';
import {
  type BrowserName,
  type BrowserProfile,
  type ClassifyResult,
  classify,
  getProfile,
  type PageContext,
} from '../browser/index.js';
import { parseOriginHeader } from '../origin/index.js';
import { fromOfPage, parsePageFlags } from './_check-page.js';
import {
  BODY_TYPES,
  type BodyType,
  BROWSERS,
  type CheckFlags,
  CREDENTIALS,
  MODES,
  REDIRECTS,
} from './_check-types.js';
import { parseHeaderOption, parseIntOption, UsageError } from './output.js';

/** A validated `check` request. */
export interface CheckRequest {
  url: URL;
  from: string;
  notes: string[];
  method: string;
  headers: [string, string][];
  bodyType: BodyType;
  credentials: (typeof CREDENTIALS)[number];
  mode: (typeof MODES)[number];
  redirect: (typeof REDIRECTS)[number];
  browser: BrowserName;
  /** The profile the engine follows: the browser's newest observed release, or `--browser name@release`. */
  profile: BrowserProfile;
  timeout: number;
  /** The page's context (--page-url, --https-page, --page-csp, --coep), or null. */
  page: PageContext | null;
  classification: Extract<ClassifyResult, { ok: true }>;
}

function oneOf<T extends string>(value: string | undefined, list: readonly T[], option: string, dflt: T): T {
  if (value === undefined) return dflt;
  if ((list as readonly string[]).includes(value)) return value as T;
  throw new UsageError(`${option} must be one of ${list.join(', ')}; got "${value}"`);
}

/**
 * `--browser`: a name (the newest observed release) or `chromium@150` / `firefox@140` for what an
 * older release did (src/browser/releases.ts).
 */
export function parseBrowser(value: string | undefined): { browser: BrowserName; profile: BrowserProfile } {
  const at = value?.indexOf('@') ?? -1;
  if (value === undefined || at === -1) {
    const browser = oneOf(value, BROWSERS, '--browser', 'chromium');
    return { browser, profile: getProfile(browser) };
  }
  const name = value.slice(0, at);
  const release = value.slice(at + 1);
  if ((name !== 'chromium' && name !== 'firefox') || !/^[1-9][0-9]{0,3}$/.test(release))
    throw new UsageError(
      `--browser must be one of ${BROWSERS.join(', ')}, or chromium@<release> / firefox@<release> (e.g. chromium@150); got "${value}"`,
    );
  return { browser: name, profile: getProfile(`${name}@${Number(release)}`) };
}

const NULL_ORIGIN =
  '--from null: the page has an opaque origin (a sandboxed iframe, a file: or data: page), so its requests carry `Origin: null`. ' +
  'The engine runs http(s) pages only. What holds for such a page: it can read a cross-origin response only when the server answers ' +
  '`Access-Control-Allow-Origin: *` without credentials, or allows `null` itself, which is unsafe (every sandboxed iframe and data: page on the web sends `null` too). ' +
  'Serve the page from an http(s) origin and allow that origin instead.';

/** The page origin, as a browser would send it; notes when the input was not serialized. */
export function parseFrom(from: string | undefined, notes: string[]): string {
  if (!from) throw new UsageError('--from <origin> is required: the origin of the page making the request');
  if (from === 'null' || /^(file|data|about|blob):/i.test(from)) throw new UsageError(NULL_ORIGIN);
  const url = URL.parse(from);
  if (url === null) {
    const guess = /^(localhost|127\.|\[::1\])/.test(from) ? `http://${from}` : `https://${from}`;
    throw new UsageError(`--from "${from}" has no scheme: did you mean ${guess}?`, `--from ${guess}`);
  }
  if (url.protocol !== 'http:' && url.protocol !== 'https:') {
    throw new UsageError(
      `--from "${from}": a ${url.protocol} page is not modelled (only http: and https: pages; extension and file pages have other rules)`,
    );
  }
  const serialized = url.origin;
  const parsed = parseOriginHeader(serialized);
  if (!parsed.ok) throw new UsageError(`--from "${from}" is not an origin`);
  if (serialized !== from) {
    notes.push(
      `--from "${from}" is not a serialized origin; browsers send \`Origin: ${serialized}\` (scheme, host and port only, lower-case, no default port, no path or trailing slash), so that is what was used.`,
    );
  }
  return serialized;
}

/** The target URL: absolute, or a usage error that says what was probably meant. */
export function parseTarget(url: string, from: string): URL {
  // `localhost:8080/x` parses as the scheme `localhost:`; a host and port is what was meant.
  const hostAndPort = /^[a-z0-9.-]+:\d+(?:[/?#]|$)/i.test(url);
  const target = hostAndPort ? null : URL.parse(url);
  // Another scheme (ftp:, data:, ...) goes to the engine, which explains the refusal.
  if (target !== null) return target;
  const guess = url.startsWith('/')
    ? `${from}${url}`
    : /^(localhost|127\.|\[::1\])/.test(url)
      ? `http://${url}`
      : `https://${url}`;
  if (URL.parse(guess) === null) throw new UsageError(`"${url}" is not a URL`);
  throw new UsageError(`"${url}" has no scheme: did you mean ${guess}?`, guess);
}

function bodyKindOf(t: BodyType): 'none' | 'stream' | 'string' | 'blob' | 'form' {
  if (t === 'none' || t === 'stream' || t === 'blob') return t;
  return t === 'text' || t === 'json' ? 'string' : 'form';
}

const IMPLIED_CONTENT_TYPE: Partial<Record<BodyType, string>> = {
  text: 'text/plain;charset=UTF-8',
  urlencoded: 'application/x-www-form-urlencoded;charset=UTF-8',
  multipart: 'multipart/form-data; boundary=x',
};

const COOKIE_WHY =
  '--cookie: check does not send cookies you give it, because a page cannot either: `Cookie` is a forbidden request header, and the browser attaches the cookies it holds for the API only when the request has credentials. Use `--credentials include` to model that (the engine then tells you whether the response may be read with credentials).';

/** Validates the flags (throws UsageError) and classifies the request. */
export function parseCheckRequest(rawUrl: string, flags: CheckFlags): CheckRequest {
  if (flags.cookie !== undefined) throw new UsageError(COOKIE_WHY, '--credentials include');
  const notes: string[] = [];
  const page = parsePageFlags(flags);
  const from = parseFrom(fromOfPage(flags, page), notes);
  const url = parseTarget(rawUrl, from);
  const method = flags.method ?? 'GET';
  if (!isMethod(method)) throw new UsageError(`--method "${method}" is not a method token`);
  const headers = (flags.header ?? []).map((h) => parseHeaderOption(h));
  const bodyType = oneOf(flags.bodyType, BODY_TYPES, '--body-type', 'none');
  const credentials = oneOf(flags.credentials, CREDENTIALS, '--credentials', 'same-origin');
  const mode = oneOf(flags.mode, MODES, '--mode', 'cors');
  const redirect = oneOf(flags.redirect, REDIRECTS, '--redirect', 'follow');
  const { browser, profile } = parseBrowser(flags.browser);
  const timeout =
    flags.timeout === undefined ? 15_000 : parseIntOption(flags.timeout, '--timeout', 1, 600_000);
  if (bodyType !== 'none' && (method.toUpperCase() === 'GET' || method.toUpperCase() === 'HEAD')) {
    throw new UsageError(`--body-type ${bodyType}: a ${method} request cannot have a body`);
  }
  if (bodyType === 'json' && !headers.some(([n]) => n.toLowerCase() === 'content-type')) {
    headers.push(['Content-Type', 'application/json']);
  }
  const classifyHeaders: [string, string][] = [...headers];
  const implied = IMPLIED_CONTENT_TYPE[bodyType];
  if (implied && !headers.some(([n]) => n.toLowerCase() === 'content-type')) {
    classifyHeaders.push(['content-type', implied]);
  }
  const c = classify(
    {
      url: url.href,
      origin: from,
      method,
      headers: classifyHeaders,
      mode,
      credentials,
      redirect,
      body: bodyKindOf(bodyType),
    },
    profile,
  );
  if (!c.ok) throw new UsageError(c.problem);
  return {
    url,
    from,
    notes,
    method,
    headers,
    bodyType,
    credentials,
    mode,
    redirect,
    browser,
    profile,
    timeout,
    page,
    classification: c,
  };
}

/** The body `bodyType` names. */
export function bodyFor(type: BodyType): BodyInit | undefined {
  switch (type) {
    case 'none':
      return undefined;
    case 'text':
      return 'hello';
    case 'json':
      return '{"hello":"world"}';
    case 'urlencoded':
      return new URLSearchParams({ hello: 'world' });
    case 'multipart': {
      const f = new FormData();
      f.set('hello', 'world');
      return f;
    }
    case 'blob':
      return new Blob(['hello']);
    case 'stream':
      return new ReadableStream({
        start(c) {
          c.enqueue(new TextEncoder().encode('hello'));
          c.close();
        },
      });
  }
}
