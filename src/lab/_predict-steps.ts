/**
 * What every engine run of a lab case shares: the input, the engine's fetch for the case's page
 * (the lab's app page, or the scene frame with the case's CSP and COEP, over https when the
 * case says so), and the engine's events drawn as the diagram's steps.
 */
import {
  type BrowserFetch,
  type BrowserFetchEvent,
  type BrowserProfile,
  createBrowserFetch,
  createPageContext,
} from '../browser/index.js';
import { fillOrigins, pageOrigin } from './shared.js';
import type { EngineStep, LabCase, LabInfo } from './types.js';

export interface PredictInput {
  origins: Pick<LabInfo, 'app' | 'api' | 'other' | 'appHttps' | 'httpsProblem'>;
  id: string;
  run: string;
  profile: string;
  labCase: LabCase;
  /**
   * The network under the engine (it is always called with `redirect: 'manual'`). Default
   * `globalThis.fetch` (in Node). The page passes a tunnel through the lab server, since a page's own
   * fetch would apply CORS itself.
   */
  transport?: typeof globalThis.fetch;
}

/** The URL of the page the case's request comes from (the scene frame when the case has a page). */
export function pageUrl(input: PredictInput): string {
  const page = input.labCase.server?.page;
  const origin = pageOrigin(input.origins, page);
  return page ? `${origin}/scene.html` : origin;
}

/** The engine's fetch as the case's page: its origin, and its CSP and COEP when it has them. */
export function labBrowserFetch(
  input: PredictInput,
  profile: BrowserProfile,
  onEvent: (e: BrowserFetchEvent) => void,
): BrowserFetch {
  const page = input.labCase.server?.page;
  const url = pageUrl(input);
  return createBrowserFetch({
    origin: url,
    browser: profile,
    onEvent,
    ...(page
      ? {
          page: createPageContext({
            url,
            ...(page.csp !== undefined ? { csp: fillOrigins(page.csp, input.origins) } : {}),
            ...(page.coep !== undefined ? { coep: page.coep } : {}),
          }),
        }
      : {}),
    ...(input.transport ? { fetch: input.transport } : {}),
  });
}

function stepOf(e: BrowserFetchEvent): EngineStep {
  switch (e.type) {
    case 'preflight-sent':
      return { type: 'preflight', url: e.url, method: 'OPTIONS', headers: e.headers };
    case 'preflight-answered':
      return { type: 'preflight-answer', url: e.url, status: e.status, headers: e.headers };
    case 'cache-hit':
      return { type: 'cache-hit', url: e.url, method: e.method, note: 'preflight answered from the cache' };
    case 'actual-sent':
      return { type: 'actual', url: e.url, method: e.method, headers: e.headers };
    case 'redirect':
      return {
        type: 'redirect',
        url: e.to,
        status: e.status,
        note: `redirected to ${e.to}${e.tainted ? ': the request origin is now "null" (cross-origin redirect)' : ''}`,
      };
    case 'blocked':
      return { type: 'blocked', note: e.error.message };
    case 'done':
      return {
        type: 'answer',
        url: e.url,
        status: e.status,
        headers: e.headers,
        note: `response type ${e.responseType}`,
      };
    default: {
      // An event this lab does not draw (newer engines may add some): shown as a note.
      const other = e as { type: string; url?: string };
      return { type: 'cache-hit', ...(other.url ? { url: other.url } : {}), note: other.type };
    }
  }
}

/** The engine's events as steps: a hop's answer follows its request. */
export function withAnswers(events: readonly BrowserFetchEvent[]): EngineStep[] {
  return events.map(stepOf);
}
