/**
 * `check`'s run: the request through the browser engine (`createBrowserFetch`) against the live
 * URL, every exchange as the engine reports it (`onResponse`: the request as sent, the answer, the
 * verdict on it), then the verdict and, when blocked, the diagnosis from everything
 * observed (src/browser/errors/diagnose.ts).
 */
import {
  type BrowserFetchEvent,
  type BrowserFetchOptions,
  type BrowserFetchResponseEvent,
  type CorsError,
  createBrowserFetch,
  describePreflightReason,
  diagnose,
} from '../browser/index.js';
import { pageFailureExplained, pageSummary } from './_check-page.js';
import { bodyFor, type CheckRequest, parseCheckRequest } from './_check-request.js';
import { type CheckFlags, type CheckResult, type Exchange, NetworkFailure } from './_check-types.js';
import { BODY_LIMIT, refusalCapturingDispatcher } from './_refusal-bodies.js';
import { EXIT, UsageError } from './output.js';

/** Headers not worth listing as "not readable" (CORS's own, hop-by-hop). */
const NOT_CONTENT = /^(access-control-|connection$|keep-alive$|transfer-encoding$)/;

type Answer = NonNullable<Exchange['response']>;

/** Reads at most BODY_LIMIT characters of a refusal's body; never throws. */
async function refusalBody(res: Response): Promise<string | undefined> {
  try {
    const text = await res.clone().text();
    return text.slice(0, BODY_LIMIT);
  } catch {
    return undefined;
  }
}

/**
 * A given transport (tests), wrapped to keep the body of each refused preflight, by URL (our
 * server's debug mode names the refused header there), as refusalCapturingDispatcher does for the
 * default one. Everything else about each exchange comes from the engine's `onResponse` event.
 */
function refusalRecorder(
  base: typeof globalThis.fetch,
  bodies: Map<string, string>,
): typeof globalThis.fetch {
  return async (input, init) => {
    const res = await base(input, init);
    const method = (init?.method ?? 'GET').toUpperCase();
    if (method === 'OPTIONS' && (res.status < 200 || res.status > 299)) {
      const body = await refusalBody(res);
      const url = input instanceof Request ? input.url : String(input);
      if (body) bodies.set(url, body);
    }
    return res;
  };
}

/** Sends the request; returns the failure (a CorsError) or null when allowed. */
async function send(
  req: CheckRequest,
  network: Pick<BrowserFetchOptions, 'fetch' | 'dispatcher' | 'onEvent' | 'onResponse'>,
): Promise<{ failure: CorsError | null; rejection: string }> {
  const pageFetch = createBrowserFetch({
    origin: req.from,
    browser: req.profile,
    ...(req.page ? { page: req.page } : {}),
    ...network,
  });
  const body = bodyFor(req.bodyType);
  try {
    const res = await pageFetch(req.url.href, {
      method: req.method,
      headers: req.headers,
      ...(body !== undefined ? { body } : {}),
      ...(req.bodyType === 'stream' ? { duplex: 'half' } : {}),
      credentials: req.credentials,
      mode: req.mode,
      redirect: req.redirect,
      signal: AbortSignal.timeout(req.timeout),
    } as RequestInit);
    await res.body?.cancel().catch(() => {});
    return { failure: null, rejection: '' };
  } catch (err) {
    const cause = (err as { cause?: unknown }).cause;
    if (cause && typeof cause === 'object' && (cause as { name?: unknown }).name === 'CorsError') {
      const failure = cause as CorsError;
      if (failure.kind === 'network-error') {
        throw new NetworkFailure(`cannot reach ${failure.url}: ${failure.hint ?? 'network error'}`);
      }
      return { failure, rejection: `${(err as Error).name}: ${(err as Error).message}` };
    }
    if ((err as Error).name === 'TimeoutError' || (err as Error).name === 'AbortError') {
      throw new NetworkFailure(`no answer from ${req.url.href} within ${req.timeout} ms`);
    }
    if (err instanceof TypeError) throw new UsageError(err.message);
    throw err;
  }
}

/** One exchange as the engine reported it (`onResponse`): the request as sent and the answer. */
function exchangeOf(e: BrowserFetchResponseEvent, bodies: Map<string, string>): Exchange {
  const answer: Answer = { status: e.response.status, headers: e.response.headers };
  const body = e.kind === 'preflight' ? bodies.get(e.request.url) : undefined;
  if (body !== undefined) answer.body = body;
  return {
    request: { method: e.request.method, url: e.request.url, headers: e.request.headers },
    response: answer,
    ...(e.fromCache ? { fromCache: true } : {}),
  };
}

/**
 * Folds what the engine observed into the result: each answer from `onResponse` (the last
 * preflight, then every redirect hop and the final answer in order), the redirects' tainting and
 * the readable headers from `onEvent`.
 */
function foldObserved(
  result: CheckResult,
  answers: BrowserFetchResponseEvent[],
  events: BrowserFetchEvent[],
  bodies: Map<string, string>,
): void {
  const actual: Exchange[] = [];
  for (const a of answers) {
    if (a.kind === 'preflight') result.preflight!.exchange = exchangeOf(a, bodies);
    else actual.push(exchangeOf(a, bodies));
  }
  const redirects: NonNullable<CheckResult['redirects']> = [];
  for (const e of events) {
    if (e.type === 'redirect') {
      redirects.push({ from: e.from, to: e.to, status: e.status, tainted: e.tainted });
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
  result.actual = actual;
  result.redirects = redirects;
}

/** The blocked part of the result: the error, the diagnosis and the fix. */
function explainFailure(result: CheckResult, req: CheckRequest, failure: CorsError, rejection: string): void {
  const c = req.classification;
  result.error = {
    kind: failure.kind,
    message: failure.message,
    logged: failure.logged,
    rejection,
    preflight: failure.preflight,
  };
  // The page refused it (mixed content, its CSP, Local Network Access): nothing reached the server.
  const page = pageFailureExplained(failure);
  if (page !== null) {
    Object.assign(result, page);
    return;
  }
  const last = result.actual?.at(-1)?.response;
  const preflight = result.preflight?.exchange?.response;
  const d = diagnose({
    error: failure,
    request: {
      method: req.method,
      unsafeHeaders: c.unsafeHeaders.map((h) => h.name),
      unsafeMethod: c.preflight.reasons.some((r) => r.kind === 'method'),
    },
    ...(preflight ? { preflight } : {}),
    ...(last ? { actual: last } : {}),
  });
  result.diagnosis = { cause: d.cause, candidates: d.candidates, sent: d.sent };
  result.fix = d.fix;
}

/** Validates the flags (throws UsageError) and runs the request through the engine. */
export async function runCheck(
  url: string,
  flags: CheckFlags,
  transport?: typeof globalThis.fetch,
  onEvent?: (e: BrowserFetchEvent) => void,
): Promise<CheckResult> {
  const req = parseCheckRequest(url, flags);
  const c = req.classification;
  const events: BrowserFetchEvent[] = [];
  const answers: BrowserFetchResponseEvent[] = [];
  const bodies = new Map<string, string>();
  // Over the engine's own transport (raw header lines kept) unless a fetch is given (tests).
  const network = transport
    ? { fetch: refusalRecorder(transport, bodies) }
    : { dispatcher: refusalCapturingDispatcher(bodies) };
  const { failure, rejection } = await send(req, {
    ...network,
    onEvent: (e) => {
      events.push(e);
      onEvent?.(e);
    },
    onResponse: (a) => answers.push(a),
  });
  const result: CheckResult = {
    verdict: failure ? 'blocked' : 'allowed',
    exitCode: failure ? EXIT.blocked : EXIT.ok,
    url: req.url.href,
    from: req.from,
    browser: req.browser,
    ...(req.profile.release !== null ? { release: req.profile.release } : {}),
    ...(req.notes.length ? { notes: req.notes } : {}),
    request: {
      method: req.method,
      headers: req.headers,
      bodyType: req.bodyType,
      credentials: req.credentials,
      mode: req.mode,
      redirect: req.redirect,
    },
    sameOrigin: c.sameOrigin,
    preflight: { needed: c.preflight.needed, reasons: c.preflight.reasons.map(describePreflightReason) },
    droppedHeaders: [...c.droppedHeaders],
  };
  if (req.page) {
    result.page = pageSummary(req.page);
    result.console = events.flatMap((e) => (e.type === 'console' ? [e.message] : []));
  }
  foldObserved(result, answers, events, bodies);
  if (failure) explainFailure(result, req, failure, rejection);
  return result;
}
