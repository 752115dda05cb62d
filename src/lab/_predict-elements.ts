/**
 * The engine's side of the lab's element cases: an `<img>` drawn on a canvas, a classic
 * `<script src>` (no-cors: CORP, COEP and Opaque Response Blocking decide), and a popup opened
 * with `window.open()` (its Cross-Origin-Opener-Policy decides whether the opener is severed).
 */
import {
  type BrowserFetchEvent,
  type BrowserProfile,
  type CorsError,
  createPageContext,
  getProfile,
  isContextErrorKind,
  parseOpenerPolicy,
  popupRelation,
  sopAccess,
} from '../browser/index.js';
import { labBrowserFetch, type PredictInput, pageUrl, withAnswers } from './_predict-steps.js';
import { caseUrl } from './shared.js';
import type { EngineAttempt, EngineStep } from './types.js';

/** A refusal the engine gave as a rejected fetch: the CorsError behind it, when there is one. */
function refusal(e: unknown): CorsError | undefined {
  const cause = (e as { cause?: unknown }).cause as CorsError | undefined;
  return cause !== null && typeof cause === 'object' && cause.name === 'CorsError' ? cause : undefined;
}

/** The console line the browser prints for a refusal: none for those it does not log (ORB). */
function consoleLine(cause: CorsError | undefined, e: unknown): string {
  if (!cause) return String(e);
  return cause.logged ? cause.message : '';
}

/** A refused element load: its error event fires; the console line, the cause and the fix. */
function elementError(e: unknown, events: readonly BrowserFetchEvent[], why?: string): EngineAttempt {
  const cause = refusal(e);
  return {
    outcome: { result: 'error' },
    steps: withAnswers(events),
    console: consoleLine(cause, e),
    explanation: why ?? `It did not load (its error event fires): ${cause?.message ?? String(e)}`,
    fix: cause?.fix ?? '',
    ...(cause ? { errorKind: cause.kind } : {}),
  };
}

export async function predictImage(input: PredictInput, profile: BrowserProfile): Promise<EngineAttempt[]> {
  const { origins, id, run, labCase } = input;
  const url = caseUrl(origins, labCase.request, id, run);
  const events: BrowserFetchEvent[] = [];
  const bf = labBrowserFetch(input, profile, (e) => events.push(e));
  const cors = labCase.crossOriginAttribute === true;
  try {
    const res = await bf(url, {
      mode: cors ? 'cors' : 'no-cors',
      credentials: cors ? 'same-origin' : 'include',
      initiator: 'image',
    });
    await res.arrayBuffer().catch(() => undefined);
    const answer = sopAccess({
      from: pageUrl(input),
      to: url,
      operation: 'canvas-read',
      crossOriginAttribute: cors,
      corsAllowed: res.type === 'cors',
    });
    return [
      {
        outcome: { result: answer.readable ? 'readable' : 'tainted' },
        steps: withAnswers(events),
        console: '',
        explanation: `The image loaded: ${answer.reason}.`,
        fix: answer.readable
          ? ''
          : 'Load the image with crossorigin="anonymous" and have its server answer with Access-Control-Allow-Origin for this page.',
      },
    ];
  } catch (e) {
    // With crossorigin set, a CORS refusal (not the page's own CSP or mixed-content block).
    const corsRefused = cors && !isContextErrorKind(refusal(e)?.kind ?? '');
    return [
      elementError(
        e,
        events,
        corsRefused
          ? 'With crossorigin set, the image is a CORS request: the CORS check failed, so the image does not load at all (the error event fires).'
          : undefined,
      ),
    ];
  }
}

/** A classic `<script src>`: a no-cors load with credentials; the page sees load or error. */
export async function predictScript(input: PredictInput, profile: BrowserProfile): Promise<EngineAttempt[]> {
  const { origins, id, run, labCase } = input;
  const url = caseUrl(origins, labCase.request, id, run);
  const events: BrowserFetchEvent[] = [];
  const bf = labBrowserFetch(input, profile, (e) => events.push(e));
  try {
    const res = await bf(url, { mode: 'no-cors', credentials: 'include', initiator: 'script' });
    await res.arrayBuffer().catch(() => undefined);
    return [
      {
        outcome: { result: 'load' },
        steps: withAnswers(events),
        console: '',
        explanation:
          'The script loaded: a classic <script> may load and run code from another origin without CORS (the page cannot read it as data).',
        fix: '',
      },
    ];
  } catch (e) {
    return [elementError(e, events)];
  }
}

/**
 * `window.open(url)` from the lab's page (no COOP of its own): the popup's document is fetched (a
 * navigation, no CORS), then its Cross-Origin-Opener-Policy decides whether it lands in a new
 * browsing context group, which severs `window.opener` and closes the opener's handle.
 */
export async function predictPopup(input: PredictInput, profile: BrowserProfile): Promise<EngineAttempt[]> {
  const { origins, id, run, labCase } = input;
  const url = caseUrl(origins, labCase.request, id, run);
  const popup = createPageContext({ url });
  const popupPolicy = parseOpenerPolicy(
    labCase.server.popupCoop ?? null,
    popup.secureContext,
    getProfile(profile).isolation,
  );
  const relation = popupRelation({
    openerOrigin: origins.app,
    openerPolicy: 'unsafe-none',
    popupOrigin: popup.originSerialized,
    popupPolicy,
  });
  const steps: EngineStep[] = [{ type: 'actual', url, method: 'GET', note: "the popup's navigation" }];
  const res = await (input.transport ?? globalThis.fetch)(url, { method: 'GET', redirect: 'manual' });
  await res.arrayBuffer().catch(() => undefined);
  steps.push({ type: 'answer', url, status: res.status, headers: [...res.headers] });
  return [
    {
      outcome: { result: relation.severed ? 'severed' : 'connected' },
      steps,
      console: '',
      explanation: relation.severed
        ? `The popup answered Cross-Origin-Opener-Policy: ${popupPolicy}, which does not match this page's (unsafe-none): it opens in a new browsing context group. Its window.opener is null, this page's handle reads closed === true, and postMessage no longer reaches either side.`
        : `The popup (Cross-Origin-Opener-Policy: ${popupPolicy}) stays in this page's browsing context group: window.opener works and the two can postMessage each other.`,
      fix: relation.severed
        ? "If the popup must talk back to its opener (an OAuth or payment flow), the popup's server must not send Cross-Origin-Opener-Policy: same-origin (send unsafe-none there); otherwise the isolation is what COOP is for."
        : '',
    },
  ];
}
