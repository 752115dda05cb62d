/**
 * The engine's side of the fetch() cases, through `createBrowserFetch` itself (not the isolation
 * module alone): one fetch function per page (its URL and embedder policy), the default transport
 * over a loopback Agent that trusts the test certificate, a cookie jar holding what the browser
 * was given. What the page sees, whether cookies went out (read from the same servers' request
 * log as for the browser) and the console lines Chromium would print.
 */
import { Agent } from 'undici';
import { isIsolationErrorKind } from '../../../src/browser/errors/index.js';
import {
  type BrowserFetch,
  type BrowserFetchResponseEvent,
  type CorsError,
  createBrowserFetch,
  createPageContext,
  failedToLoadResourceLine,
} from '../../../src/browser/index.js';
import { browserCookieJar } from '../harness/engine.js';
import { loopbackLookup } from '../harness/net.js';
import { testTlsConnectOptions } from '../harness/tls.js';
import { pageUrl, registerCase, requestUrl, type Seen } from './_run.js';
import type { IsolationServers } from './_servers.js';
import type { IsolationCase } from './generate.js';

type Browser = 'chromium' | 'firefox';

/** The fetch functions of the pages the cases run on, sharing one Agent and one cookie jar. */
export class EnginePages {
  private readonly pages = new Map<string, BrowserFetch>();
  private answers: BrowserFetchResponseEvent[] = [];
  private emptied = false;
  private constructor(
    readonly browser: Browser,
    private readonly agent: Agent,
    private readonly jar: Awaited<ReturnType<typeof browserCookieJar>>,
  ) {}

  static async open(browser: Browser): Promise<EnginePages> {
    const tls = await testTlsConnectOptions();
    const agent = new Agent({ connect: { lookup: loopbackLookup as never, ...tls }, keepAliveTimeout: 2000 });
    return new EnginePages(browser, agent, await browserCookieJar(browser));
  }

  close(): Promise<void> {
    return this.agent.close();
  }

  /** The page's fetch: a page at `pageUrl(c)`, with the case's `Cross-Origin-Embedder-Policy`. */
  private fetchFor(s: IsolationServers, c: IsolationCase): BrowserFetch {
    const url = pageUrl(s, c);
    let f = this.pages.get(url);
    if (!f) {
      f = createBrowserFetch({
        page: createPageContext({ url, ...(c.coep === 'none' ? {} : { coep: c.coep }) }),
        browser: this.browser,
        dispatcher: this.agent,
        cookies: this.jar,
        onResponse: (e) => this.answers.push(e),
        onEvent: (e) => {
          if (e.type === 'orb-emptied') this.emptied = true;
        },
      });
      this.pages.set(url, f);
    }
    return f;
  }

  /** Runs one fetch() case through createBrowserFetch; the server's log for it is cleared first. */
  async seen(s: IsolationServers, c: IsolationCase): Promise<Seen> {
    registerCase(s, c);
    this.answers = [];
    this.emptied = false;
    let view: string;
    let cause: CorsError | null = null;
    try {
      const res = await this.fetchFor(s, c)(requestUrl(s, c), {
        mode: c.mode ?? 'no-cors',
        credentials: c.credentials ?? 'include',
      });
      await res.arrayBuffer().catch(() => undefined);
      view = res.type;
    } catch (e) {
      view = 'error';
      const why = (e as { cause?: unknown }).cause;
      if (why && typeof why === 'object' && (why as { name?: unknown }).name === 'CorsError')
        cause = why as CorsError;
    }
    const last = this.answers.at(-1);
    const inScope = c.where === 'same-origin' || c.where === 'same-site';
    return {
      view,
      cookie: inScope ? s.requests(c.id).some((q) => q.cookie?.includes('harness=1') === true) : null,
      console: this.browser === 'chromium' ? chromiumLines(view, cause, last) : [],
      failure: networkFailure(this.browser, cause, this.emptied, last?.response.status ?? 0),
    };
  }
}

/**
 * What Chromium prints for one fetch(): a logged refusal's line (a CORS refusal comes with the
 * companion `net::ERR_FAILED` line), or, when the answer reached the page (an empty opaque
 * response included) with a status that is not ok, the "server responded with a status" line.
 */
function chromiumLines(view: string, cause: CorsError | null, last: BrowserFetchResponseEvent | undefined) {
  if (view === 'error') {
    if (cause === null || !cause.logged) return [];
    return isIsolationErrorKind(cause.kind)
      ? [cause.message]
      : [cause.message, 'Failed to load resource: net::ERR_FAILED'];
  }
  const status = last?.response.status ?? 200;
  return status >= 200 && status <= 299 ? [] : [failedToLoadResourceLine(status)];
}

const CORP_NAMES: Record<string, string> = {
  'corp-not-same-origin': 'NotSameOrigin',
  'corp-not-same-site': 'NotSameSite',
  'corp-required-by-coep': 'NotSameOriginAfterDefaultedToSameOriginByCoep',
};

/**
 * The network error the browser's DevTools protocol reports for the request: Chromium fails a
 * CORS refusal with `net::ERR_FAILED`, a CORP one with `net::ERR_BLOCKED_BY_RESPONSE.<reason>`,
 * and aborts the body of the empty opaque response it gives for an ORB block (`net::ERR_ABORTED`);
 * Firefox reports `NS_ERROR_DOM_CORP_FAILED` for CORP, `NS_ERROR_DOM_BAD_URI` for a CORS refusal of
 * a redirect answer, and nothing for ORB or a CORS refusal of the final answer.
 */
function networkFailure(
  browser: Browser,
  cause: CorsError | null,
  emptied: boolean,
  lastStatus: number,
): string | null {
  const corp = cause === null ? undefined : CORP_NAMES[cause.kind];
  if (browser === 'firefox') {
    if (corp !== undefined) return 'NS_ERROR_DOM_CORP_FAILED';
    const redirect = lastStatus >= 300 && lastStatus < 400;
    return cause !== null && redirect && !isIsolationErrorKind(cause.kind) ? 'NS_ERROR_DOM_BAD_URI' : null;
  }
  if (emptied) return 'net::ERR_ABORTED';
  if (corp !== undefined) return `net::ERR_BLOCKED_BY_RESPONSE.${corp}`;
  return cause === null ? null : 'net::ERR_FAILED';
}
