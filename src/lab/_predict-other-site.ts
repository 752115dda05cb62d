/**
 * The engine's side of the lab's cases played by the other site's page: a form it submits to the
 * lab API (cross-site, no CORS: only a CSRF guard stops it) and a postMessage it sends to the app.
 */
import { type BrowserProfile, sopAccess } from '../browser/index.js';
import { isSameOrigin, isSameSite, parseOrigin, serializeOrigin } from '../origin/index.js';
import type { PredictInput } from './_predict-steps.js';
import { caseUrl } from './shared.js';
import type { EngineAttempt, EngineStep, LabHeader } from './types.js';

export async function predictForm(input: PredictInput, profile: BrowserProfile): Promise<EngineAttempt[]> {
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

export function predictMessage(input: PredictInput): EngineAttempt[] {
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
