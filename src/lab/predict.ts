/**
 * The engine's side of a lab run: the same case through `createBrowserFetch()` (crossorigin/browser)
 * for the chosen browser profile, against the lab's own servers, so that what the servers receive
 * from the engine can be compared with what they received from the real browser.
 */
import {
  type BrowserFetchEvent,
  type BrowserName,
  type CorsError,
  classify,
  createBrowserFetch,
  type Diagnosis,
  describePreflightReason,
  diagnose,
  PROFILES,
  sopAccess,
} from '../browser/index.js';
import { isSameOrigin, isSameSite, parseOrigin, serializeOrigin } from '../origin/index.js';

import { caseUrl, requestBody } from './shared.js';
import type { EngineAttempt, EngineStep, LabCase, LabHeader, Prediction } from './types.js';

export interface PredictInput {
  origins: { app: string; api: string; other: string };
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

const KINDS = new Set(['fetch', 'image', 'form', 'message']);

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

/** Folds the answers into the step that asked: a hop's answer follows its request. */
function withAnswers(events: BrowserFetchEvent[]): EngineStep[] {
  const steps: EngineStep[] = [];
  for (const e of events) {
    // A redirect's status/headers arrive as the 'redirect' event; keep it as the answer.
    steps.push(stepOf(e));
  }
  return steps;
}

function preflightReasons(labCase: LabCase, url: string, origin: string, profile: BrowserName): string {
  const c = classifyCase(labCase, url, origin, profile);
  if (c?.tainting !== 'cors') return '';
  if (!c.preflight.needed)
    return 'No preflight: the method and every header are CORS-safelisted (a "simple" request).';
  return `A preflight is needed: ${c.preflight.reasons.map(describePreflightReason).join('; ')}.`;
}

function classifyCase(labCase: LabCase, url: string, origin: string, profile: BrowserName) {
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
  profile: BrowserName,
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

async function predictFetch(input: PredictInput, profile: BrowserName): Promise<EngineAttempt[]> {
  const { origins, id, run, labCase } = input;
  const r = labCase.request;
  const url = caseUrl(origins, r, id, run);
  let events: BrowserFetchEvent[] = [];
  const bf = createBrowserFetch({
    origin: origins.app,
    browser: profile,
    onEvent: (e) => events.push(e),
    ...(input.transport ? { fetch: input.transport } : {}),
  });
  const attempts: EngineAttempt[] = [];
  const repeat = Math.min(3, Math.max(1, Math.trunc(r.repeat) || 1));
  const pre = [
    preflightReasons(labCase, url, origins.app, profile),
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
      const readable = [...res.headers.keys()].sort();
      const cached = events.some((e) => e.type === 'cache-hit');
      const opaque = res.type === 'opaque';
      const explanation = opaque
        ? 'mode "no-cors": the request was sent, but the response is opaque (status 0, no headers, no body): script cannot read it, though an <img> or <script> could use it.'
        : [
            cached
              ? 'The preflight came from the preflight cache (Access-Control-Max-Age), so only the actual request was sent.'
              : pre,
            `The CORS check passed: script reads the status, the body and these headers: ${readable.join(', ') || '(none)'}.`,
          ]
            .filter(Boolean)
            .join(' ');
      attempts.push({
        outcome: { result: 'allowed', status: res.status, type: res.type, readableHeaders: readable },
        steps: withAnswers(events),
        console: '',
        explanation,
        fix: '',
      });
    } catch (e) {
      const cause = (e as { cause?: unknown }).cause as CorsError | undefined;
      const isCors = cause !== undefined && typeof cause === 'object' && cause.name === 'CorsError';
      const diagnosis = isCors ? diagnoseEvents(labCase, url, origins.app, profile, cause, events) : null;
      attempts.push({
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
      });
    }
  }
  return attempts;
}

async function predictImage(input: PredictInput, profile: BrowserName): Promise<EngineAttempt[]> {
  const { origins, id, run, labCase } = input;
  const url = caseUrl(origins, labCase.request, id, run);
  const events: BrowserFetchEvent[] = [];
  const bf = createBrowserFetch({
    origin: origins.app,
    browser: profile,
    onEvent: (e) => events.push(e),
    ...(input.transport ? { fetch: input.transport } : {}),
  });
  const cors = labCase.crossOriginAttribute === true;
  try {
    const res = await bf(url, {
      mode: cors ? 'cors' : 'no-cors',
      credentials: cors ? 'same-origin' : 'include',
      initiator: 'image',
    });
    await res.arrayBuffer().catch(() => undefined);
    const answer = sopAccess({
      from: origins.app,
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
    const cause = (e as { cause?: CorsError }).cause;
    return [
      {
        outcome: { result: 'error' },
        steps: withAnswers(events),
        console: cause?.message ?? String(e),
        explanation:
          'With crossorigin set, the image is a CORS request: the CORS check failed, so the image does not load at all (the error event fires).',
        fix: cause?.fix ?? '',
        ...(cause ? { errorKind: cause.kind } : {}),
      },
    ];
  }
}

async function predictForm(input: PredictInput, profile: BrowserName): Promise<EngineAttempt[]> {
  const { origins, id, run, labCase } = input;
  const url = caseUrl(origins, labCase.request, id, run);
  const from = parseOrigin(origins.other);
  const to = parseOrigin(url);
  // A form submitted by the attacker's page: a navigation of its frame, initiated by the other site.
  const site = isSameOrigin(from, to) ? 'same-origin' : isSameSite(from, to) ? 'same-site' : 'cross-site';
  const headers: LabHeader[] = [
    ['content-type', 'application/x-www-form-urlencoded'],
    ['origin', serializeOrigin(from)],
    ['sec-fetch-site', site],
    ['sec-fetch-mode', 'navigate'],
    ['sec-fetch-dest', 'iframe'],
  ];
  // webkit: Sec-Fetch-* are sent by Safari 16.4 and later; the spec profile follows Fetch.
  void profile;
  const steps: EngineStep[] = [{ type: 'actual', url, method: 'POST', headers }];
  const res = await (input.transport ?? globalThis.fetch)(url, {
    method: 'POST',
    headers,
    body: new URLSearchParams({ amount: '100', to: 'attacker' }),
    redirect: 'manual',
  });
  await res.arrayBuffer().catch(() => undefined);
  const answerHeaders: LabHeader[] = [...res.headers];
  steps.push({ type: 'answer', url, status: res.status, headers: answerHeaders });
  const refused = res.status === 403;
  const answer = sopAccess({ from: origins.other, to: url, operation: 'form-submit' });
  return [
    {
      outcome: { result: refused ? 'refused' : 'accepted', status: res.status },
      steps,
      console: '',
      explanation: refused
        ? `${answer.reason}. crossorigin/csrf refused it: Sec-Fetch-Site is ${site} and the Origin is not the app's.`
        : `${answer.reason}. Nothing stopped it: a form POST needs no CORS and no preflight, and the server acted on it (CSRF).`,
      fix: refused
        ? ''
        : "Refuse cross-site unsafe requests on the server: crossorigin/csrf's createCsrfGuard({ origin: '<your app origin>' }).",
    },
  ];
}

function predictMessage(input: PredictInput): EngineAttempt[] {
  const { origins, labCase } = input;
  const eventOrigin = serializeOrigin(parseOrigin(origins.other));
  const trusted = origins.api;
  const check = labCase.checkOrigin === true;
  const accepted = !check || isSameOrigin(parseOrigin(eventOrigin), parseOrigin(trusted));
  const answer = sopAccess({ from: origins.other, to: origins.app, operation: 'post-message' });
  return [
    {
      outcome: { result: accepted ? 'accepted' : 'ignored', eventOrigin },
      steps: [
        {
          type: 'actual',
          method: 'postMessage',
          url: origins.app,
          note: `the other site's frame calls parent.postMessage(data, '*'); event.origin is ${eventOrigin}`,
        },
      ],
      console: '',
      explanation: `${answer.reason}. ${
        check
          ? `The listener compares event.origin with ${trusted} and ignores the message.`
          : 'The listener does not look at event.origin, so it acts on a message from any site.'
      }`,
      fix: check ? '' : `In the message listener: if (event.origin !== '${trusted}') return;`,
    },
  ];
}

/** Runs the case in the engine. Never throws: a failure becomes a blocked attempt with the reason. */
export async function predict(input: PredictInput): Promise<Prediction> {
  const profile = (Object.hasOwn(PROFILES, input.profile) ? input.profile : 'chromium') as BrowserName;
  const labCase = input.labCase;
  let attempts: EngineAttempt[];
  try {
    if (!labCase || typeof labCase !== 'object' || !KINDS.has(labCase.kind) || !labCase.request)
      throw new Error('the case must have a kind (fetch, image, form, message) and a request');
    attempts =
      labCase.kind === 'image'
        ? await predictImage(input, profile)
        : labCase.kind === 'form'
          ? await predictForm(input, profile)
          : labCase.kind === 'message'
            ? predictMessage(input)
            : await predictFetch(input, profile);
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
  return { profile, attempts, wire: [] };
}
