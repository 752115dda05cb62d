/** The comparison of a browser observation with an engine observation, on synthetic observations. */
import { describe, expect, it } from 'vitest';
import { compareCase } from './harness/compare.js';
import type { EngineObservation } from './harness/engine.js';
import type { Observation, RecordedRequest } from './harness/types.js';

const preflightReq = (acrm: string, acrh?: string): RecordedRequest => ({
  role: 'api',
  method: 'OPTIONS',
  path: '/data',
  headers: [
    ['Access-Control-Request-Method', acrm],
    ...(acrh ? ([['Access-Control-Request-Headers', acrh]] as [string, string][]) : []),
  ],
  preflight: true,
  status: 200,
});
const actualReq: RecordedRequest = {
  role: 'api',
  method: 'PUT',
  path: '/data',
  headers: [],
  preflight: false,
  status: 200,
};

const MSG =
  "Access to fetch at 'http://api.test:1/c/x/data' from origin 'http://app.test:2' has been blocked by CORS policy: No 'Access-Control-Allow-Origin' header is present on the requested resource.";

function browserObs(over: Partial<Observation> = {}): Observation {
  return {
    id: 'x',
    browser: 'chromium',
    preflight: null,
    preflights: 1,
    actualSent: true,
    cookieSent: false,
    outcome: 'blocked',
    responseType: null,
    status: 0,
    readableHeaders: [],
    error: { name: 'TypeError', message: 'Failed to fetch' },
    console: [MSG, 'Failed to load resource: net::ERR_FAILED'],
    requests: [preflightReq('PUT', 'x-foo'), actualReq],
    repeats: [],
    ...over,
  };
}

function engineObs(over: Partial<EngineObservation> = {}): EngineObservation {
  return {
    id: 'x',
    browser: 'chromium',
    preflight: null,
    preflights: 1,
    actualSent: true,
    cookieSent: false,
    outcome: 'blocked',
    responseType: null,
    status: 0,
    readableHeaders: [],
    error: { name: 'TypeError', message: 'Failed to fetch' },
    cause: null,
    console: [MSG],
    events: [],
    requests: [preflightReq('PUT', 'x-foo'), actualReq],
    repeats: [],
    ...over,
  };
}

describe('compareCase', () => {
  it('agrees when every compared field is equal (Chromium companion line ignored)', () => {
    const c = compareCase(browserObs(), engineObs());
    expect(c.agree).toBe(true);
    expect(c.diffs).toEqual([]);
  });

  const cases: [string, Partial<Observation>, Partial<EngineObservation>, string][] = [
    [
      'preflight headers',
      {},
      { requests: [preflightReq('PUT', 'x-bar'), actualReq] },
      'preflights [ACRM, ACRH]',
    ],
    ['preflight count', {}, { requests: [actualReq] }, 'preflights [ACRM, ACRH]'],
    ['actual sent', {}, { actualSent: false }, 'actualSent'],
    ['outcome', {}, { outcome: 'opaque', console: [MSG] }, 'outcome'],
    [
      'readable headers',
      { outcome: 'allowed', console: [], readableHeaders: ['content-length'], status: 200 },
      { outcome: 'allowed', console: [], readableHeaders: ['content-length', 'x-custom'], status: 200 },
      'readableHeaders',
    ],
    ['console text', {}, { console: [`${MSG} `] }, 'console'],
    ['console absent', {}, { console: [] }, 'console'],
  ];
  it.each(cases)('finds a difference in %s', (_l, b, e, field) => {
    const c = compareCase(browserObs(b), engineObs(e));
    expect(c.agree).toBe(false);
    expect(c.diffs.map((d) => d.field)).toContain(field);
  });

  it('compares every run of a repeated case', () => {
    const run2 = { ...browserObs(), requests: [actualReq] };
    const c = compareCase(browserObs({ repeats: [run2] }), engineObs({ repeats: [engineObs()] }));
    expect(c.diffs.map((d) => [d.run, d.field])).toEqual([
      [2, 'preflights [ACRM, ACRH]'],
      [2, 'request headers sent'],
    ]);
    expect(c.diffs[0]).toEqual({
      run: 2,
      field: 'preflights [ACRM, ACRH]',
      browser: [],
      engine: [['PUT', 'x-foo']],
    });
  });

  it('judges the Origin and Sec-Fetch-* of every request; Content-Type too, but only noted for Firefox', () => {
    const withHeaders = (headers: [string, string][]) => ({ ...actualReq, headers });
    const origin = compareCase(
      browserObs({ requests: [preflightReq('PUT', 'x-foo'), withHeaders([['Origin', 'null']])] }),
      engineObs(),
    );
    expect(origin.agree).toBe(false);
    expect(origin.diffs.map((d) => d.field)).toEqual(['request headers sent']);
    const mode = compareCase(
      browserObs({ requests: [preflightReq('PUT', 'x-foo'), withHeaders([['Sec-Fetch-Mode', 'cors']])] }),
      engineObs(),
    );
    expect(mode.agree).toBe(false);
    const type = [preflightReq('PUT', 'x-foo'), withHeaders([['Content-Type', 'text/plain']])];
    expect(compareCase(browserObs({ requests: type }), engineObs()).agree).toBe(false);
    const ff = compareCase(
      browserObs({ browser: 'firefox', requests: type }),
      engineObs({ browser: 'firefox' }),
    );
    expect(ff.agree).toBe(true);
    expect(ff.notes.map((n) => n.field)).toEqual(['content-type sent']);
  });

  it('reports rejection text and cookies without judging them; skips XHR errors', () => {
    const c = compareCase(
      browserObs({ cookieSent: true }),
      engineObs({ error: { name: 'TypeError', message: 'x' } }),
    );
    expect(c.agree).toBe(true);
    expect(c.notes.map((n) => n.field)).toEqual(['cookieSent', 'error']);
    const x = compareCase(
      browserObs({ error: { name: 'ProgressEvent', message: 'error' } }),
      engineObs(),
      true,
    );
    expect(x.notes).toEqual([]);
  });

  it('for Firefox, notes an engine message that is not among the console lines, without judging', () => {
    const ff = (o: Partial<Observation>) => browserObs({ browser: 'firefox', ...o });
    const c = compareCase(ff({ console: ['other line'] }), engineObs({ browser: 'firefox' }));
    expect(c.agree).toBe(true);
    expect(c.notes.map((n) => n.field)).toEqual(['console']);
    expect(compareCase(ff({ console: ['a', MSG] }), engineObs({ browser: 'firefox' })).notes).toEqual([]);
  });
});
