import { describe, expect, it } from 'vitest';
import { caseUrl, compareRuns, profileForUserAgent, requestBody } from './shared.js';
import type { EngineAttempt, WireEntry } from './types.js';

const wire = (server: WireEntry['server'], preflight: boolean, status: number): WireEntry => ({
  server,
  method: preflight ? 'OPTIONS' : 'GET',
  path: '/c/x/y/data',
  preflight,
  headers: [],
  response: { status, headers: [] },
});
const attempt = (result: string, extra: Partial<EngineAttempt['outcome']> = {}): EngineAttempt => ({
  outcome: { result, ...extra },
  steps: [],
  console: '',
  explanation: '',
  fix: '',
});

describe('lab shared helpers', () => {
  it('builds case URLs for each target', () => {
    const o = { api: 'http://127.0.0.1:2', other: 'http://localhost:3' };
    expect(caseUrl(o, { target: 'api', path: 'data' }, 'k', 'r')).toBe('http://127.0.0.1:2/c/k/r/data');
    expect(caseUrl(o, { target: 'other', path: '/start' }, 'k', 'r')).toBe('http://localhost:3/c/k/r/start');
    expect(caseUrl(o, { target: 'proxy', path: 'data' }, 'k', 'r')).toBe(
      'http://127.0.0.1:2/proxy/c/k/r/data',
    );
  });

  it('maps user agents to profiles', () => {
    const table: [string, string][] = [
      ['Mozilla/5.0 (X11; Linux x86_64; rv:153.0) Gecko/20100101 Firefox/153.0', 'firefox@153'],
      ['Mozilla/5.0 (X11; Linux x86_64; rv:140.0) Gecko/20100101 Firefox/140.0', 'firefox@140'],
      [
        'Mozilla/5.0 (X11; Linux x86_64) AppleWebKit/537.36 (KHTML, like Gecko) Chrome/156.0.0.0 Safari/537.36',
        'chromium@156',
      ],
      [
        'Mozilla/5.0 (X11; Linux x86_64) AppleWebKit/537.36 (KHTML, like Gecko) HeadlessChrome/150.0.7871.100 Safari/537.36',
        'chromium@150',
      ],
      [
        'Mozilla/5.0 (Windows NT 10.0) AppleWebKit/537.36 Chrome/150.0.0.0 Safari/537.36 Edg/150.0.0.0',
        'chromium@150',
      ],
      ['Mozilla/5.0 Chrome/0.1', 'chromium'],
      [
        'Mozilla/5.0 (Macintosh) AppleWebKit/605.1.15 (KHTML, like Gecko) Version/18.0 Safari/605.1.15',
        'webkit',
      ],
      ['curl/8', 'chromium'],
    ];
    for (const [ua, p] of table) expect(profileForUserAgent(ua)).toBe(p);
  });

  it('gives each body type its body', () => {
    expect(requestBody('none')).toBeUndefined();
    expect(requestBody('json')).toBe('{"amount":100}');
    expect(String(requestBody('form'))).toBe('amount=100');
  });

  it('finds no difference when browser and engine agree', () => {
    const w = [wire('api', true, 204), wire('api', false, 200)];
    expect(
      compareRuns([{ result: 'allowed', status: 200 }], w, [attempt('allowed', { status: 200 })], w),
    ).toEqual([]);
  });

  it('reports each differing field, missing attempts and a different wire', () => {
    const d = compareRuns(
      [
        { result: 'allowed', status: 200, readableHeaders: ['a', 'b'] },
        { result: 'allowed', status: 200 },
      ],
      [wire('api', true, 204), wire('api', false, 200), wire('api', false, 200)],
      [attempt('blocked', { readableHeaders: ['a'] })],
      [wire('api', true, 204)],
    );
    expect(d).toEqual([
      { attempt: 1, field: 'result', browser: 'allowed', engine: 'blocked' },
      { attempt: 1, field: 'status', browser: '200', engine: '(none)' },
      { attempt: 1, field: 'readableHeaders', browser: 'a, b', engine: 'a' },
      { attempt: 2, field: 'attempt', browser: 'ran', engine: 'missing' },
      {
        attempt: 0,
        field: 'wire',
        browser: 'api preflight 204; api GET 200; api GET 200',
        engine: 'api preflight 204',
      },
    ]);
  });
});
