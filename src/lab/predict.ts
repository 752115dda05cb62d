/**
 * The engine's side of a lab run: the same case through `createBrowserFetch()` (crossorigin/browser)
 * for the chosen browser profile, against the lab's own servers, so that what the servers receive
 * from the engine can be compared with what they received from the real browser. This file runs
 * `fetch()` cases; ./_predict-elements.ts images, scripts and popups; ./_predict-other-site.ts the
 * other site's form and postMessage.
 */
import {
  type BrowserFetchEvent,
  type BrowserName,
  type BrowserProfile,
  type CorsError,
  classify,
  type Diagnosis,
  describePreflightReason,
  diagnose,
  getProfile,
  PROFILES,
} from '../browser/index.js';
import { predictImage, predictPopup, predictScript } from './_predict-elements.js';
import { predictForm, predictMessage } from './_predict-other-site.js';
import { labBrowserFetch, type PredictInput, pageUrl, withAnswers } from './_predict-steps.js';
import { caseUrl, requestBody } from './shared.js';
import type { EngineAttempt, LabCase, Prediction } from './types.js';

export type { PredictInput } from './_predict-steps.js';

const KINDS = new Set(['fetch', 'image', 'form', 'message', 'script', 'popup']);

function preflightReasons(labCase: LabCase, url: string, origin: string, profile: BrowserProfile): string {
  const c = classifyCase(labCase, url, origin, profile);
  if (c?.tainting !== 'cors') return '';
  if (!c.preflight.needed)
    return 'No preflight: the method and every header are CORS-safelisted (a "simple" request).';
  return `A preflight is needed: ${c.preflight.reasons.map(describePreflightReason).join('; ')}.`;
}

function classifyCase(labCase: LabCase, url: string, origin: string, profile: BrowserProfile) {
  const r = labCase.request;
  const c = classify(
    {
      url,
      origin,
      method: r.method,
      headers: r.headers,
      mode: r.mode,
      credentials: r.credentials,
      body: r.body === 'none' ? 'none' : r.body === 'form' ? 'form' : 'string',
    },
    profile,
  );
  return c.ok ? c : null;
}

/** The blocked attempt's cause, what was sent and the fix, from every event observed. */
function diagnoseEvents(
  labCase: LabCase,
  url: string,
  origin: string,
  profile: BrowserProfile,
  cause: CorsError,
  events: BrowserFetchEvent[],
): Diagnosis {
  const c = classifyCase(labCase, url, origin, profile);
  const pre = events.find((e) => e.type === 'preflight-answered');
  const done = events.filter((e) => e.type === 'actual-sent').length > 0;
  return diagnose({
    error: cause,
    request: {
      method: labCase.request.method,
      unsafeHeaders: c ? c.unsafeHeaders.map((h) => h.name) : [],
      unsafeMethod: c ? c.preflight.reasons.some((r) => r.kind === 'method') : false,
    },
    ...(pre && pre.type === 'preflight-answered'
      ? { preflight: { status: pre.status, headers: pre.headers } }
      : {}),
    ...(done && cause.status !== undefined ? { actual: { status: cause.status, headers: [] } } : {}),
  });
}

/** What the page reads from an answered fetch, and why. */
function allowedAttempt(res: Response, events: BrowserFetchEvent[], pre: string): EngineAttempt {
  const readable = [...res.headers.keys()].sort();
  const cached = events.some((e) => e.type === 'cache-hit');
  const explanation =
    res.type === 'opaque'
      ? 'mode "no-cors": the request was sent, but the response is opaque (status 0, no headers, no body): script cannot read it, though an <img> or <script> could use it.'
      : [
          cached
            ? 'The preflight came from the preflight cache (Access-Control-Max-Age), so only the actual request was sent.'
            : pre,
          `The CORS check passed: script reads the status, the body and these headers: ${readable.join(', ') || '(none)'}.`,
        ]
          .filter(Boolean)
          .join(' ');
  return {
    outcome: { result: 'allowed', status: res.status, type: res.type, readableHeaders: readable },
    steps: withAnswers(events),
    console: '',
    explanation,
    fix: '',
  };
}

/** A refused fetch: the console line, the cause from everything observed, and the fix. */
function blockedAttempt(
  input: PredictInput,
  profile: BrowserProfile,
  url: string,
  e: unknown,
  events: BrowserFetchEvent[],
  pre: string,
): EngineAttempt {
  const cause = (e as { cause?: unknown }).cause as CorsError | undefined;
  const isCors = cause !== undefined && typeof cause === 'object' && cause.name === 'CorsError';
  const diagnosis = isCors
    ? diagnoseEvents(input.labCase, url, pageUrl(input), profile, cause, events)
    : null;
  return {
    outcome: { result: 'blocked', error: (e as Error).message },
    steps: withAnswers(events),
    console: isCors ? cause.message : String((e as Error).message),
    explanation: [
      pre,
      events.some((x) => x.type === 'redirect' && x.tainted)
        ? 'After a redirect to another origin the browser sends Origin: null, so the final server must allow the null origin (or *). Allowing null is unsafe: avoid the cross-origin redirect, or have the page call the final URL directly.'
        : '',
      diagnosis ? `${diagnosis.cause} ${diagnosis.sent}` : '',
    ]
      .filter(Boolean)
      .join(' '),
    fix: diagnosis ? diagnosis.fix.text : '',
    ...(diagnosis ? { fixDetail: diagnosis.fix, candidates: diagnosis.candidates } : {}),
    ...(isCors ? { errorKind: cause.kind } : {}),
  };
}

async function predictFetch(input: PredictInput, profile: BrowserProfile): Promise<EngineAttempt[]> {
  const { origins, id, run, labCase } = input;
  const r = labCase.request;
  const url = caseUrl(origins, r, id, run);
  let events: BrowserFetchEvent[] = [];
  const bf = labBrowserFetch(input, profile, (e) => events.push(e));
  const attempts: EngineAttempt[] = [];
  const repeat = Math.min(3, Math.max(1, Math.trunc(r.repeat) || 1));
  const pre = [
    preflightReasons(labCase, url, pageUrl(input), profile),
    r.target === 'proxy'
      ? 'The page talks to crossorigin/proxy on the lab API; the proxy fetches the other site server-side (no CORS there) and answers the page with its own CORS policy for this page only.'
      : '',
  ]
    .filter(Boolean)
    .join(' ');
  for (let i = 0; i < repeat; i++) {
    events = [];
    const body = requestBody(r.body);
    try {
      const res = await bf(url, {
        method: r.method,
        headers: r.headers,
        ...(body !== undefined ? { body } : {}),
        credentials: r.credentials,
        mode: r.mode,
      });
      await res.arrayBuffer().catch(() => undefined);
      attempts.push(allowedAttempt(res, events, pre));
    } catch (e) {
      attempts.push(blockedAttempt(input, profile, url, e, events, pre));
    }
  }
  return attempts;
}

function predictKind(input: PredictInput, profile: BrowserProfile): Promise<EngineAttempt[]> {
  switch (input.labCase.kind) {
    case 'image':
      return predictImage(input, profile);
    case 'script':
      return predictScript(input, profile);
    case 'popup':
      return predictPopup(input, profile);
    case 'form':
      return predictForm(input, profile);
    case 'message':
      return Promise.resolve(predictMessage(input));
    default:
      return predictFetch(input, profile);
  }
}

/**
 * The profile asked for: a name, or `name@release` (the lab page asks for its own browser's release,
 * from its User-Agent: src/lab/shared.ts); `chromium` when it names none we know.
 */
function labProfile(asked: unknown): { profile: BrowserProfile; label: string } {
  try {
    if (typeof asked === 'string' && asked.length <= 20)
      return { profile: getProfile(asked as BrowserName), label: asked };
  } catch {
    // an unknown name: the default below
  }
  return { profile: PROFILES.chromium, label: 'chromium' };
}

/** Runs the case in the engine. Never throws: a failure becomes a blocked attempt with the reason. */
export async function predict(input: PredictInput): Promise<Prediction> {
  const { profile, label } = labProfile(input.profile);
  const labCase = input.labCase;
  let attempts: EngineAttempt[];
  try {
    if (!labCase || typeof labCase !== 'object' || !KINDS.has(labCase.kind) || !labCase.request)
      throw new Error('the case must have a kind (fetch, image, form, message, script, popup) and a request');
    attempts = await predictKind(input, profile);
  } catch (e) {
    attempts = [
      {
        outcome: { result: 'engine-failure', error: e instanceof Error ? e.message : String(e) },
        steps: [],
        console: '',
        explanation: `The engine could not run this case: ${e instanceof Error ? e.message : String(e)}`,
        fix: '',
      },
    ];
  }
  return { profile: label, attempts, wire: [] };
}
