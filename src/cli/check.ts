/**
 * `crossorigin check <url> --from <origin>`: runs one request through the browser engine
 * (`createBrowserFetch`) against the live URL and explains it: whether a preflight is needed and
 * why, the preflight and the actual exchange with the headers that matter, the verdict, the
 * browser's exact console error, the fix (with snippets for crossorigin/server, the `cors` package
 * and nginx) and the response headers script can read.
 *
 *   crossorigin check https://api.example.com/items --from https://app.example.com --method PUT \
 *     --header 'Content-Type: application/json' --credentials include
 */
import type { Command } from 'commander';
import { isMethod } from '../_fetch/index.js';
import {
  type BrowserFetchEvent,
  type BrowserName,
  type ContextError,
  type ContextErrorKind,
  type CorsError,
  type CorsErrorKind,
  classify,
  createBrowserFetch,
  createPageContext,
  type PageContext,
  type PreflightReason,
} from '../browser/index.js';
import { dispatcherTransport } from '../browser/transport.js';
import { parseOriginHeader } from '../origin/index.js';
import {
  collect,
  EXIT,
  type Io,
  indent,
  parseHeaderOption,
  parseIntOption,
  printJson,
  processIo,
  type Style,
  style,
  UsageError,
} from './output.js';

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
  json?: boolean;
  verbose?: boolean;
  /** The page (context engineer): its full URL, or `--https-page` for https://<--from host>; its CSP lines and COEP. */
  pageUrl?: string;
  httpsPage?: boolean;
  pageCsp?: string[];
  coep?: string;
}

const BODY_TYPES = ['none', 'text', 'json', 'urlencoded', 'multipart', 'blob', 'stream'] as const;
type BodyType = (typeof BODY_TYPES)[number];
const CREDENTIALS = ['omit', 'same-origin', 'include'] as const;
const MODES = ['cors', 'no-cors', 'same-origin'] as const;
const REDIRECTS = ['follow', 'error', 'manual'] as const;
const BROWSERS = ['chromium', 'firefox', 'webkit', 'spec'] as const;

interface Exchange {
  request: { method: string; url: string; headers: [string, string][] };
  response?: { status: number; headers: [string, string][] };
}

/** What `check` found, for people (formatCheck) and for `--json` (as is). */
export interface CheckResult {
  url: string;
  from: string;
  browser: BrowserName;
  request: {
    method: string;
    headers: [string, string][];
    bodyType: BodyType;
    credentials: string;
    mode: string;
    redirect: string;
  };
  sameOrigin: boolean;
  /** Whether a preflight is needed, and every reason, in words. */
  preflight: { needed: boolean; reasons: string[]; exchange?: Exchange };
  /** Request headers the browser drops silently (forbidden names, or not no-CORS-safelisted in no-cors). */
  droppedHeaders: string[];
  /** Actual requests in order (one per redirect hop). */
  actual: Exchange[];
  redirects: { from: string; to: string; status: number; tainted: boolean }[];
  verdict: 'allowed' | 'blocked';
  /** When allowed: what the page gets. */
  response?: {
    status: number;
    type: string;
    /** Response header names script can read. */
    readableHeaders: string[];
    /** Response header names script cannot read (not safelisted nor exposed). */
    hiddenHeaders: string[];
  };
  /** When blocked: the engine's CorsError. */
  error?: {
    kind: CorsErrorKind | ContextErrorKind;
    /** The browser's console line. */
    message: string;
    /** Whether the browser logs `message` itself (false: the engine's description). */
    logged: boolean;
    /** What fetch() rejects with. */
    rejection: string;
    preflight: boolean;
  };
  /** When blocked: what to change, and config snippets when a server header is the answer. */
  fix?: {
    text: string;
    side: 'server' | 'page';
    snippets?: Record<'crossorigin/server' | 'cors' | 'nginx', string>;
    /** The crossorigin/server policy the snippets spell out (a `CorsPolicyConfig`). */
    policy?: { origins: string[]; credentials?: true; methods?: string[]; requestHeaders?: string[] };
  };
  exitCode: number;
}

function oneOf<T extends string>(value: string | undefined, list: readonly T[], option: string, dflt: T): T {
  if (value === undefined) return dflt;
  if ((list as readonly string[]).includes(value)) return value as T;
  throw new UsageError(`${option} must be one of ${list.join(', ')}; got "${value}"`);
}

/** The preflight reasons in words. */
export function describeReason(r: PreflightReason): string {
  switch (r.kind) {
    case 'method':
      return `the method ${r.method} is not CORS-safelisted (only GET, HEAD and POST are, in upper case)`;
    case 'stream-body':
      return 'the body is a ReadableStream (always preflighted)';
    case 'header':
      switch (r.reason) {
        case 'name':
          return `the header ${r.name} is not a CORS-safelisted request header`;
        case 'mime-essence':
        case 'mime-unparsable':
          return `the header ${r.name}: only text/plain, multipart/form-data and application/x-www-form-urlencoded are safelisted content types`;
        case 'value-too-long':
          return `the header ${r.name}: its value is longer than 128 bytes`;
        case 'total-length':
          return `the header ${r.name}: the safelisted headers together exceed 1024 bytes`;
        case 'value-unsafe-byte':
        case 'language-chars':
          return `the header ${r.name}: its value has a byte the safelist does not allow`;
        case 'client-hint-value':
          return `the header ${r.name}: not a valid client-hint value`;
        default:
          return `the header ${r.name}: its value is not a safelisted Range (a single bytes=N- or bytes=N-M)`;
      }
  }
  return 'unknown';
}

/** Kinds the page must fix (no server header changes them). */
const PAGE_KINDS: ReadonlySet<CorsErrorKind> = new Set<CorsErrorKind>([
  'disallowed-by-mode',
  'unsupported-scheme',
  'forbidden-method',
  'method-unsupported-in-no-cors',
  'no-cors-redirect-mode',
  'redirect-mode-error',
]);

/** Kinds whose answer is a CORS response header (and so a policy snippet). */
function isHeaderKind(kind: CorsErrorKind): boolean {
  return (
    kind.includes('allow-origin') ||
    kind.includes('allow-credentials') ||
    kind.startsWith('preflight-') ||
    kind.endsWith('-preflight-response')
  );
}

interface PolicyShape {
  origin: string;
  credentials: boolean;
  methods: string[];
  headers: string[];
}

/** Snippets that allow this request: crossorigin/server, the `cors` package, nginx. */
export function snippetsFor(p: PolicyShape): Record<'crossorigin/server' | 'cors' | 'nginx', string> {
  const q = (s: string) => `'${s.replace(/\\/g, '\\\\').replace(/'/g, "\\'")}'`;
  const co = [`  origins: [${q(p.origin)}],`];
  if (p.credentials) co.push('  credentials: true,');
  if (p.methods.length) co.push(`  methods: [${p.methods.map(q).join(', ')}],`);
  if (p.headers.length) co.push(`  requestHeaders: [${p.headers.map(q).join(', ')}],`);
  const server = [
    "import { corsMiddleware } from 'crossorigin/express'; // or /node, /fastify, /koa, /hono, /fetch",
    '',
    'app.use(corsMiddleware({',
    ...co,
    '}));',
  ].join('\n');
  const cm = [`  origin: ${q(p.origin)},`];
  if (p.credentials) cm.push('  credentials: true,');
  if (p.methods.length) cm.push(`  methods: [${['GET', 'HEAD', 'POST', ...p.methods].map(q).join(', ')}],`);
  if (p.headers.length) cm.push(`  allowedHeaders: [${p.headers.map(q).join(', ')}],`);
  const corsPkg = ["const cors = require('cors');", '', 'app.use(cors({', ...cm, '}));'].join('\n');
  const common = [`add_header Access-Control-Allow-Origin "${p.origin}" always;`];
  if (p.credentials) common.push('add_header Access-Control-Allow-Credentials "true" always;');
  common.push('add_header Vary "Origin" always;');
  const pre = [...common];
  pre.push(
    `add_header Access-Control-Allow-Methods "${['GET', 'HEAD', 'POST', ...p.methods].join(', ')}" always;`,
  );
  if (p.headers.length) pre.push(`add_header Access-Control-Allow-Headers "${p.headers.join(', ')}" always;`);
  pre.push('add_header Access-Control-Max-Age "7200" always;', 'return 204;');
  const nginx = [
    'location / {',
    '    if ($request_method = OPTIONS) {',
    ...pre.map((l) => `        ${l}`),
    '    }',
    ...common.map((l) => `    ${l}`),
    '    # proxy_pass / root as before',
    '}',
  ].join('\n');
  return { 'crossorigin/server': server, cors: corsPkg, nginx };
}

const SHOWN = /^(access-control-|vary$|location$|origin$|sec-fetch-|cookie$|set-cookie$)/i;
/** Headers not worth listing as "not readable" (CORS's own, hop-by-hop). */
const NOT_CONTENT = /^(access-control-|connection$|keep-alive$|transfer-encoding$)/;

function bodyFor(type: BodyType): { body?: BodyInit; contentType?: string } {
  switch (type) {
    case 'none':
      return {};
    case 'text':
      return { body: 'hello' };
    case 'json':
      return { body: '{"hello":"world"}', contentType: 'application/json' };
    case 'urlencoded':
      return { body: new URLSearchParams({ hello: 'world' }) };
    case 'multipart': {
      const f = new FormData();
      f.set('hello', 'world');
      return { body: f };
    }
    case 'blob':
      return { body: new Blob(['hello']) };
    case 'stream':
      return {
        body: new ReadableStream({
          start(c) {
            c.enqueue(new TextEncoder().encode('hello'));
            c.close();
          },
        }),
      };
  }
}

/** Validates the flags (throws UsageError) and runs the request through the engine. */
export async function runCheck(
  url: string,
  flags: CheckFlags,
  transport?: typeof globalThis.fetch,
): Promise<CheckResult> {
  const page = pageContextOf(flags);
  // --https-page (or --page-url alone) makes the page's origin the request's origin.
  if (page && (!flags.from || !flags.pageUrl)) flags = { ...flags, from: page.originSerialized };
  if (!flags.from)
    throw new UsageError('--from <origin> is required: the origin of the page making the request');
  const origin = parseOriginHeader(flags.from);
  if (!origin.ok || origin.serialized === 'null' || !/^https?:/.test(flags.from)) {
    throw new UsageError(
      `--from "${flags.from}" is not an http(s) origin (scheme://host[:port], no path or trailing slash)`,
    );
  }
  const target = URL.parse(url, flags.from);
  if (target === null) throw new UsageError(`"${url}" is not a URL`);
  const method = flags.method ?? 'GET';
  if (!isMethod(method)) throw new UsageError(`--method "${method}" is not a method token`);
  const headers = (flags.header ?? []).map((h) => parseHeaderOption(h));
  const bodyType = oneOf(flags.bodyType, BODY_TYPES, '--body-type', 'none');
  const credentials = oneOf(flags.credentials, CREDENTIALS, '--credentials', 'same-origin');
  const mode = oneOf(flags.mode, MODES, '--mode', 'cors');
  const redirect = oneOf(flags.redirect, REDIRECTS, '--redirect', 'follow');
  const browser = oneOf(flags.browser, BROWSERS, '--browser', 'chromium');
  const timeout =
    flags.timeout === undefined ? 15_000 : parseIntOption(flags.timeout, '--timeout', 1, 600_000);
  if (bodyType !== 'none' && (method.toUpperCase() === 'GET' || method.toUpperCase() === 'HEAD')) {
    throw new UsageError(`--body-type ${bodyType}: a ${method} request cannot have a body`);
  }
  const { body, contentType } = bodyFor(bodyType);
  if (contentType && !headers.some(([n]) => n.toLowerCase() === 'content-type')) {
    headers.push(['Content-Type', contentType]);
  }

  // Before anything is sent: is a preflight needed, and why?
  const bodyKind =
    bodyType === 'none'
      ? 'none'
      : bodyType === 'stream'
        ? 'stream'
        : bodyType === 'text' || bodyType === 'json'
          ? 'string'
          : bodyType === 'blob'
            ? 'blob'
            : 'form';
  const contentTypeOf =
    bodyType === 'text'
      ? 'text/plain;charset=UTF-8'
      : bodyType === 'urlencoded'
        ? 'application/x-www-form-urlencoded;charset=UTF-8'
        : bodyType === 'multipart'
          ? 'multipart/form-data; boundary=x'
          : null;
  const classifyHeaders: [string, string][] = [...headers];
  if (contentTypeOf && !headers.some(([n]) => n.toLowerCase() === 'content-type')) {
    classifyHeaders.push(['content-type', contentTypeOf]);
  }
  const c = classify(
    {
      url: target.href,
      origin: origin.serialized,
      method,
      headers: classifyHeaders,
      mode,
      credentials,
      redirect,
      body: bodyKind,
    },
    browser,
  );
  if (!c.ok) throw new UsageError(c.problem);

  const events: BrowserFetchEvent[] = [];
  // Every answer the network gave, in order (the engine reports a blocked response only as an
  // error; the explanation shows its headers too).
  const answers: { status: number; headers: [string, string][] }[] = [];
  // The engine's own transport by default: what goes on the wire is exactly what it sends.
  const base = transport ?? dispatcherTransport();
  const recording: typeof globalThis.fetch = async (input, init) => {
    const res = await base(input, init);
    const headers: [string, string][] = [];
    for (const [n, v] of res.headers) if (n !== 'set-cookie') headers.push([n, v]);
    for (const c of res.headers.getSetCookie()) headers.push(['set-cookie', c]);
    answers.push({ status: res.status, headers });
    return res;
  };
  if (page && page.originSerialized !== origin.serialized)
    throw new UsageError(`--page-url ${page.url} is not on --from ${origin.serialized}`);
  const pageFetch = createBrowserFetch({
    ...(page ? { page } : {}),
    origin: origin.serialized,
    browser,
    onEvent: (e) => events.push(e),
    fetch: recording,
  });
  let failure: CorsError | null = null;
  let pageFailure: ContextError | null = null;
  let rejection = '';
  try {
    const res = await pageFetch(target.href, {
      method,
      headers,
      ...(body !== undefined ? { body } : {}),
      ...(bodyType === 'stream' ? { duplex: 'half' } : {}),
      credentials,
      mode,
      redirect,
      signal: AbortSignal.timeout(timeout),
    } as RequestInit);
    await res.body?.cancel().catch(() => {});
  } catch (err) {
    const cause = (err as { cause?: unknown }).cause;
    if (cause && typeof cause === 'object' && (cause as { name?: unknown }).name === 'CorsError') {
      failure = cause as CorsError;
      rejection = `${(err as Error).name}: ${(err as Error).message}`;
    } else if (cause && typeof cause === 'object' && (cause as { name?: unknown }).name === 'ContextError') {
      pageFailure = cause as ContextError;
      rejection = `${(err as Error).name}: ${(err as Error).message}`;
    } else if ((err as Error).name === 'TimeoutError' || (err as Error).name === 'AbortError') {
      throw new NetworkFailure(`no answer from ${target.href} within ${timeout} ms`);
    } else if (err instanceof TypeError) {
      throw new UsageError(err.message);
    } else {
      throw err;
    }
  }
  if (failure?.kind === 'network-error') {
    throw new NetworkFailure(`cannot reach ${failure.url}: ${failure.hint ?? 'network error'}`);
  }

  const result: CheckResult = {
    url: target.href,
    from: origin.serialized,
    browser,
    request: { method, headers, bodyType, credentials, mode, redirect },
    sameOrigin: c.sameOrigin,
    preflight: { needed: c.preflight.needed, reasons: c.preflight.reasons.map(describeReason) },
    droppedHeaders: [...c.droppedHeaders],
    actual: [],
    redirects: [],
    verdict: failure || pageFailure ? 'blocked' : 'allowed',
    exitCode: failure || pageFailure ? EXIT.blocked : EXIT.ok,
  };
  let sent = 0;
  for (const e of events) {
    if (e.type === 'preflight-sent') {
      const answer = answers[sent++];
      result.preflight.exchange = {
        request: { method: 'OPTIONS', url: e.url, headers: e.headers },
        ...(answer ? { response: answer } : {}),
      };
    } else if (e.type === 'actual-sent') {
      const answer = answers[sent++];
      result.actual.push({
        request: { method: e.method, url: e.url, headers: e.headers },
        ...(answer ? { response: answer } : {}),
      });
    } else if (e.type === 'redirect') {
      result.redirects.push({ from: e.from, to: e.to, status: e.status, tainted: e.tainted });
    } else if (e.type === 'done') {
      const readable = new Set(e.readableHeaders);
      result.response = {
        status: e.status,
        type: e.responseType,
        readableHeaders: [...readable].sort(),
        hiddenHeaders: [...new Set(e.headers.map(([n]) => n.toLowerCase()))]
          .filter((n) => !readable.has(n) && !NOT_CONTENT.test(n))
          .sort(),
      };
    }
  }
  if (pageFailure) {
    // The page refused it (mixed content, its CSP, Local Network Access): nothing was sent.
    const { kind, message, logged, fix } = pageFailure;
    result.error = { kind, message, logged, rejection, preflight: false };
    result.fix = { text: fix, side: 'page' };
  }
  if (failure) {
    result.error = {
      kind: failure.kind,
      message: failure.message,
      logged: failure.logged,
      rejection,
      preflight: failure.preflight,
    };
    const page = PAGE_KINDS.has(failure.kind);
    result.fix = { text: failure.fix, side: page ? 'page' : 'server' };
    if (!page && isHeaderKind(failure.kind) && failure.requestOrigin !== 'null') {
      const shape: PolicyShape = {
        origin: failure.requestOrigin,
        credentials: credentials === 'include',
        methods: c.preflight.reasons.flatMap((r) => (r.kind === 'method' ? [r.method] : [])),
        headers: c.unsafeHeaders.map((h) => h.name),
      };
      result.fix.snippets = snippetsFor(shape);
      result.fix.policy = {
        origins: [shape.origin],
        ...(shape.credentials ? { credentials: true as const } : {}),
        ...(shape.methods.length ? { methods: shape.methods } : {}),
        ...(shape.headers.length ? { requestHeaders: shape.headers } : {}),
      };
    }
  }
  return result;
}

/** The page context from `--page-url` / `--https-page`, `--page-csp`, `--coep`; null without them. */
function pageContextOf(flags: CheckFlags): PageContext | null {
  const csp = flags.pageCsp ?? [];
  if (!flags.pageUrl && !flags.httpsPage && csp.length === 0 && flags.coep === undefined) return null;
  let url = flags.pageUrl;
  if (url === undefined) {
    if (!flags.from) throw new UsageError('--page-csp, --coep and --https-page need --from or --page-url');
    const from = URL.parse(flags.from);
    if (!from) throw new UsageError(`--from "${flags.from}" is not an http(s) origin`);
    if (flags.httpsPage) from.protocol = 'https:';
    url = from.href;
  } else if (flags.httpsPage && !url.startsWith('https:')) {
    throw new UsageError('--https-page contradicts --page-url: give one of them');
  }
  try {
    return createPageContext({ url, csp, ...(flags.coep !== undefined ? { coep: flags.coep } : {}) });
  } catch (e) {
    throw new UsageError(`--page-url: ${(e as Error).message}`);
  }
}

/** The transport failed (refused, DNS, timeout): exit code 2. */
export class NetworkFailure extends Error {
  override readonly name = 'NetworkFailure';
}

function exchangeLines(x: Exchange, st: Style, verbose: boolean): string[] {
  const out = [st.dim(`> ${x.request.method} ${x.request.url}`)];
  for (const [n, v] of x.request.headers) if (verbose || SHOWN.test(n)) out.push(st.dim(`> ${n}: ${v}`));
  if (x.response) {
    out.push(st.dim(`< ${x.response.status}`));
    for (const [n, v] of x.response.headers) if (verbose || SHOWN.test(n)) out.push(`< ${n}: ${v}`);
  }
  return out;
}

/** The human report. */
export function formatCheck(r: CheckResult, st: Style, verbose = false): string {
  const L: string[] = [];
  L.push(
    `${st.bold(`${r.request.method} ${r.url}`)} from ${st.bold(r.from)}  ${st.dim(`(${r.browser}, mode ${r.request.mode}, credentials ${r.request.credentials})`)}`,
    '',
  );
  if (r.droppedHeaders.length) {
    L.push(
      st.yellow(
        `Not sent: ${r.droppedHeaders.join(', ')} (the browser drops ${r.droppedHeaders.length === 1 ? 'this header' : 'these headers'} silently: ${r.request.mode === 'no-cors' ? 'forbidden, or not no-CORS-safelisted' : 'forbidden request headers'})`,
      ),
      '',
    );
  }
  if (r.sameOrigin) L.push('Same-origin request: CORS does not apply.');
  else if (r.request.mode === 'no-cors')
    L.push('Mode no-cors: sent without a CORS check; the response is opaque.');
  else if (r.preflight.needed) {
    L.push(st.bold('Preflight: needed, because'));
    for (const reason of r.preflight.reasons) L.push(`  - ${reason}`);
  } else {
    L.push(st.bold('Preflight: not needed') + st.dim(' (safelisted method, headers and body)'));
  }
  if (r.preflight.exchange)
    L.push(...indent(exchangeLines(r.preflight.exchange, st, verbose).join('\n')).split('\n'));
  if (r.actual.length) {
    L.push('', st.bold(r.actual.length > 1 ? 'Actual requests:' : 'Actual request:'));
    r.actual.forEach((x, i) => {
      L.push(...indent(exchangeLines(x, st, verbose).join('\n')).split('\n'));
      const hop = r.redirects[i];
      if (hop)
        L.push(
          `  ${st.dim(`redirect ${hop.status} -> ${hop.to}${hop.tainted ? ' (origin becomes null)' : ''}`)}`,
        );
    });
  }
  L.push('');
  if (r.verdict === 'allowed' && r.response) {
    L.push(
      `${st.bold('Verdict:')} ${st.green('ALLOWED')} (status ${r.response.status}, response type ${r.response.type})`,
    );
    if (r.response.type === 'opaque') {
      L.push('The page gets an opaque response: status 0, no headers, no body.');
    } else {
      L.push(`Readable response headers: ${r.response.readableHeaders.join(', ') || '(none)'}`);
      if (r.response.hiddenHeaders.length) {
        L.push(
          st.dim(
            `Not readable by script: ${r.response.hiddenHeaders.join(', ')} (list them in Access-Control-Expose-Headers to expose them)`,
          ),
        );
      }
    }
  } else if (r.error) {
    L.push(
      `${st.bold('Verdict:')} ${st.red('BLOCKED')} ${st.dim(`(${r.error.kind}${r.error.preflight ? ', at the preflight' : ''})`)}`,
    );
    L.push(
      '',
      st.bold(
        r.error.logged ? `Console (${r.browser}):` : 'What happens (the browser logs no line of its own):',
      ),
    );
    L.push(`  ${st.red(r.error.message)}`);
    L.push(`  fetch() rejects with ${r.error.rejection}`);
  }
  if (r.fix) {
    L.push(
      '',
      `${st.bold(r.fix.side === 'page' ? 'Fix (in the page):' : 'Fix (on the server):')} ${r.fix.text}`,
    );
    if (r.fix.snippets) {
      for (const [name, code] of Object.entries(r.fix.snippets)) {
        L.push('', st.cyan(`  ${name === 'cors' ? 'cors package (Express)' : name}:`), indent(code, '    '));
      }
    }
  }
  return `${L.join('\n')}\n`;
}

/** Runs the command with output to `io`; returns the exit code. */
export async function checkCommand(url: string, flags: CheckFlags, io: Io): Promise<number> {
  try {
    const r = await runCheck(url, flags);
    if (flags.json) printJson(io, r);
    else io.out(formatCheck(r, style(io), flags.verbose ?? false));
    return r.exitCode;
  } catch (err) {
    if (err instanceof UsageError || err instanceof NetworkFailure) {
      if (flags.json)
        printJson(io, {
          error: err instanceof UsageError ? 'usage' : 'network',
          message: err.message,
          exitCode: 2,
        });
      io.err(`crossorigin check: ${err.message}\n`);
      return EXIT.usage;
    }
    throw err;
  }
}

/** Registers `crossorigin check` on the CLI program (called by src/cli/main.ts). */
export function registerCheckCommand(program: Command): Command {
  return program
    .command('check')
    .description('explain what a browser does with one cross-origin request to a live URL, and how to fix it')
    .argument('<url>', 'the URL the page requests')
    .option('--from <origin>', 'the origin of the page making the request (required)')
    .option('-X, --method <method>', 'request method (default GET; case matters: patch is not PATCH)')
    .option('-H, --header <header>', "request header 'Name: value' (repeatable)", collect)
    .option('--body-type <type>', `request body: ${BODY_TYPES.join(', ')} (default none)`)
    .option('--credentials <mode>', 'omit, same-origin (default) or include')
    .option('--mode <mode>', 'cors (default), no-cors or same-origin')
    .option('--redirect <mode>', 'follow (default), error or manual')
    .option('--browser <name>', 'chromium (default), firefox, webkit or spec')
    .option('--timeout <ms>', 'give up after this many milliseconds (default 15000)')
    .option(
      '--page-url <url>',
      "the page's full URL (its scheme decides mixed content; --from defaults to its origin)",
    )
    .option('--https-page', 'the page is https://<the --from host> (mixed content applies)')
    .option(
      '--page-csp <policy>',
      "the page's Content-Security-Policy (repeatable: one per header line)",
      collect,
    )
    .option('--coep <value>', "the page's Cross-Origin-Embedder-Policy (require-corp, credentialless)")
    .option('--json', 'print one JSON object instead of the explanation')
    .option('-v, --verbose', 'show every header, not only those that matter for CORS')
    .addHelpText(
      'after',
      '\nExit codes: 0 allowed, 1 blocked, 2 usage error or network failure.\n\nExamples:\n  crossorigin check https://api.example.com/items --from https://app.example.com\n  crossorigin check http://localhost:8080/api --from http://localhost:5173 -X PUT -H "Content-Type: application/json" --credentials include\n',
    )
    .action(async (url: string, flags: CheckFlags) => {
      process.exitCode = await checkCommand(url, flags, processIo());
    });
}
