/**
 * `check` and `explain` judge as a browser release: `--browser chromium@150`, and the release a
 * copied request's or a HAR's User-Agent names. The case: `Range: Bytes=0-` (the unit in another
 * case), which Chromium 150 sent without a preflight and Chromium 156 preflights (docs/
 * browser-differences.md, "Older releases"). The server answers every GET with
 * `Access-Control-Allow-Origin: *` and every preflight without `Access-Control-Allow-Headers`, so
 * the request is allowed exactly when no preflight is needed.
 */
import http from 'node:http';
import type { AddressInfo } from 'node:net';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { removeBundle, runCli } from './run.js';
import { validJson } from './schema.js';

const valid = validJson;

const PAGE = 'http://localhost:5173';
const CHROME_150 =
  'Mozilla/5.0 (X11; Linux x86_64) AppleWebKit/537.36 (KHTML, like Gecko) Chrome/150.0.0.0 Safari/537.36';
const CHROME_156 =
  'Mozilla/5.0 (X11; Linux x86_64) AppleWebKit/537.36 (KHTML, like Gecko) Chrome/156.0.0.0 Safari/537.36';
let server: http.Server;
let api = '';
const methods: string[] = [];

beforeAll(async () => {
  server = http.createServer((req, res) => {
    methods.push(req.method ?? '');
    res.setHeader('access-control-allow-origin', '*');
    if (req.method === 'OPTIONS') res.setHeader('access-control-allow-methods', 'GET');
    res.end(req.method === 'OPTIONS' ? '' : 'bytes');
  });
  await new Promise<void>((r) => server.listen(0, '127.0.0.1', r));
  api = `http://127.0.0.1:${(server.address() as AddressInfo).port}`;
});
afterAll(async () => {
  await new Promise((r) => server.close(r));
  removeBundle();
});

describe('check --browser name@release', () => {
  it.each([
    // [--browser, verdict, release reported, preflight sent]
    [[], 'blocked', 156, true],
    [['--browser', 'chromium'], 'blocked', 156, true],
    [['--browser', 'chromium@156'], 'blocked', 156, true],
    [['--browser', 'chromium@150'], 'allowed', 150, false],
    [['--browser', 'chromium@153'], 'allowed', 150, false],
    [['--browser', 'firefox@140'], 'blocked', 140, true],
    [['--browser', 'firefox'], 'blocked', 153, true],
  ] as const)('%j: %s, release %i', async (flag, verdict, release, preflight) => {
    methods.length = 0;
    const r = await runCli([
      'check',
      `${api}/r`,
      '--from',
      PAGE,
      '--header',
      'Range: Bytes=0-',
      ...flag,
      '--json',
    ]);
    const j = valid(r.out);
    expect(j.verdict).toBe(verdict);
    expect(j.release).toBe(release);
    expect(methods.includes('OPTIONS')).toBe(preflight);
    expect(r.code).toBe(verdict === 'allowed' ? 0 : 1);
  });

  it('says the release in the human output', async () => {
    const r = await runCli(['check', `${api}/r`, '--from', PAGE, '--browser', 'chromium@150']);
    expect(r.out).toContain('(chromium 150, mode cors');
  });

  it.each(['chromium@0', 'chromium@', 'chromium@abc', 'chromium@12345', 'webkit@150', 'spec@1', 'opera@100'])(
    'refuses --browser %s with a usage error',
    async (flag) => {
      const r = await runCli(['check', `${api}/r`, '--from', PAGE, '--browser', flag]);
      expect(r.code).toBe(2);
      expect(r.err).toContain('chromium@<release>');
    },
  );
});

describe('explain: the release the evidence names', () => {
  const curl = (ua: string) =>
    `curl '${api}/r' -H 'Origin: ${PAGE}' -H 'Range: Bytes=0-' -H 'User-Agent: ${ua}'`;

  it.each([
    [CHROME_150, 'allowed', 150],
    [CHROME_156, 'blocked', 156],
  ] as const)('a copied cURL from %s', async (ua, verdict, release) => {
    const j = valid((await runCli(['explain', '--text', curl(ua), '--json'])).out);
    const item = (j.items as Record<string, unknown>[])[0] as Record<string, unknown>;
    expect(item.verdict).toBe(verdict);
    expect(item.release).toBe(release);
  });

  it('--browser overrides the User-Agent', async () => {
    const j = valid(
      (await runCli(['explain', '--text', curl(CHROME_150), '--browser', 'chromium@156', '--json'])).out,
    );
    expect(((j.items as Record<string, unknown>[])[0] as Record<string, unknown>).release).toBe(156);
  });

  const har = (ua: string | null, creator: { name: string; version: string }) =>
    JSON.stringify({
      log: {
        version: '1.2',
        creator,
        entries: [
          {
            startedDateTime: '2026-12-04T00:00:00.000Z',
            time: 1,
            request: {
              method: 'GET',
              url: 'https://api.example/r',
              httpVersion: 'HTTP/1.1',
              headers: [
                { name: 'Origin', value: 'https://app.example' },
                { name: 'Range', value: 'Bytes=0-' },
                ...(ua ? [{ name: 'User-Agent', value: ua }] : []),
              ],
              queryString: [],
              cookies: [],
              headersSize: -1,
              bodySize: 0,
            },
            response: {
              status: 200,
              statusText: 'OK',
              httpVersion: 'HTTP/1.1',
              headers: [{ name: 'Access-Control-Allow-Origin', value: '*' }],
              cookies: [],
              content: { size: 5, mimeType: 'text/plain' },
              redirectURL: '',
              headersSize: -1,
              bodySize: 5,
            },
            cache: {},
            timings: { send: 0, wait: 1, receive: 0 },
          },
        ],
      },
    });

  it.each([
    [CHROME_150, { name: 'WebInspector', version: '537.36' }, 150],
    [CHROME_156, { name: 'WebInspector', version: '537.36' }, 156],
    [null, { name: 'WebInspector', version: '537.36' }, 156],
    [null, { name: 'Firefox', version: '140.0' }, 140],
    [null, { name: 'Firefox', version: '153.0' }, 153],
  ] as const)('a HAR with User-Agent %s from %j: release %i', async (ua, creator, release) => {
    const j = valid((await runCli(['explain', '--text', har(ua, creator), '--json'])).out);
    const items = j.items as Record<string, unknown>[];
    expect(items.length).toBe(1);
    expect(items[0]?.release).toBe(release);
    // Chromium 150 sent this without a preflight and read the answer: the engine as 150 agrees.
    if (release === 150) expect(items[0]?.verdict).toBe('allowed');
  });
});
