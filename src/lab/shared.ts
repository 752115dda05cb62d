/**
 * Pure helpers used by both the lab server (for the engine's run) and the page (for the real run),
 * so both make exactly the same request and are compared field by field the same way.
 * No Node or DOM imports: Vite bundles this file into the page (with the engine, which the page
 * runs too: crossorigin/browser).
 */
import { releaseOf } from '../browser/index.js';
import type {
  EngineAttempt,
  LabBodyType,
  LabInfo,
  LabPage,
  LabRequest,
  Outcome,
  WireEntry,
} from './types.js';

/** The body each body type sends. `form` is URL-encoded (URLSearchParams). */
export function requestBody(type: LabBodyType): string | URLSearchParams | undefined {
  if (type === 'json') return '{"amount":100}';
  if (type === 'text') return 'amount=100';
  if (type === 'form') return new URLSearchParams({ amount: '100' });
  return undefined;
}

/** Replaces `{app}`, `{api}` and `{other}` in a string by the lab's origins. */
export function fillOrigins(text: string, origins: Pick<LabInfo, 'app' | 'api' | 'other'>): string {
  return text
    .replaceAll('{app}', origins.app)
    .replaceAll('{api}', origins.api)
    .replaceAll('{other}', origins.other);
}

/**
 * The origin of the page that makes a case's request: the lab's app page, or its https twin when
 * the case's page is served over https (the scene frame, `/scene.html`).
 */
export function pageOrigin(
  origins: Pick<LabInfo, 'app' | 'appHttps' | 'httpsProblem'>,
  page: LabPage | undefined,
): string {
  if (page?.https) {
    if (!origins.appHttps)
      throw new Error(
        `this lab serves no https page: ${origins.httpsProblem ?? 'its https twin did not start'}`,
      );
    return origins.appHttps;
  }
  return origins.app;
}

/** The URL of a case's request for one run. */
export function caseUrl(
  origins: Pick<LabInfo, 'api' | 'other'>,
  request: Pick<LabRequest, 'target' | 'path'>,
  id: string,
  run: string,
): string {
  const base =
    request.target === 'other'
      ? origins.other
      : request.target === 'proxy'
        ? `${origins.api}/proxy`
        : origins.api;
  const path = request.path.replace(/^\/+/, '');
  return `${base}/c/${id}/${run}/${path}`;
}

/**
 * The browser profile the engine should follow for a user agent string: `chromium@150` when the
 * User-Agent names Chromium 150 (the profile of that release: src/browser/releases.ts), `webkit`
 * for Safari, `chromium` when nothing is recognised.
 */
export function profileForUserAgent(ua: string): string {
  const name = /Firefox\//.test(ua)
    ? 'firefox'
    : /(Chrome|Chromium|Edg)\//.test(ua)
      ? 'chromium'
      : /AppleWebKit\//.test(ua)
        ? 'webkit'
        : null;
  if (name === null) return 'chromium';
  const release = name === 'webkit' ? null : releaseOf(ua);
  return release === null ? name : `${name}@${release}`;
}

/** One line of the wire: which server got what kind of request. */
export function wireSummary(wire: readonly WireEntry[]): string[] {
  return wire.map((w) => `${w.server} ${w.preflight ? 'preflight' : w.method} ${w.response?.status ?? '-'}`);
}

export interface Difference {
  attempt: number;
  field: string;
  browser: string;
  engine: string;
}

const show = (v: unknown): string =>
  v === undefined ? '(none)' : Array.isArray(v) ? v.join(', ') : String(v);

/**
 * Where the real run and the engine's prediction differ: per attempt, the result, status, response
 * type, readable header names and event origin; and, over the run, what the servers received
 * (preflight or method, which server, and its answer status).
 */
export function compareRuns(
  real: readonly Outcome[],
  realWire: readonly WireEntry[],
  engine: readonly EngineAttempt[],
  engineWire: readonly WireEntry[],
): Difference[] {
  const out: Difference[] = [];
  const n = Math.max(real.length, engine.length);
  for (let i = 0; i < n; i++) {
    const a = real[i];
    const b = engine[i]?.outcome;
    if (!a || !b) {
      out.push({
        attempt: i + 1,
        field: 'attempt',
        browser: a ? 'ran' : 'missing',
        engine: b ? 'ran' : 'missing',
      });
      continue;
    }
    const fields: (keyof Outcome)[] = ['result', 'status', 'type', 'readableHeaders', 'eventOrigin'];
    for (const f of fields) {
      const x = show(a[f]);
      const y = show(b[f]);
      if (x !== y) out.push({ attempt: i + 1, field: f, browser: x, engine: y });
    }
  }
  const w1 = wireSummary(realWire);
  const w2 = wireSummary(engineWire);
  if (w1.join('|') !== w2.join('|')) {
    out.push({
      attempt: 0,
      field: 'wire',
      browser: w1.join('; ') || '(nothing)',
      engine: w2.join('; ') || '(nothing)',
    });
  }
  return out;
}
