/**
 * `crossorigin explain` end to end (a child process): console pastes, copied cURL and fetch() run
 * against a live server, exit codes 0/1/2, and every `--json` object (check's and explain's, every
 * outcome) valid against docs/check-result.schema.json.
 */
import http from 'node:http';
import type { AddressInfo } from 'node:net';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { handleCors } from '../../src/adapters/node.js';
import { removeBundle, runCli } from './run.js';
import { validJson } from './schema.js';

const valid = validJson;

const PAGE = 'http://localhost:5173';
let server: http.Server;
let api = '';
beforeAll(async () => {
  server = http.createServer(async (req, res) => {
    if (
      await handleCors(
        { origins: [PAGE], methods: ['PUT'], requestHeaders: ['content-type'], debug: true },
        req,
        res,
      )
    )
      return;
    res.end('ok');
  });
  await new Promise<void>((r) => server.listen(0, '127.0.0.1', r));
  api = `http://127.0.0.1:${(server.address() as AddressInfo).port}`;
});
afterAll(async () => {
  await new Promise<void>((r) => server.close(() => r()));
  await removeBundle();
});

const CHROMIUM_LINE =
  "Access to fetch at 'http://localhost:8080/items' from origin 'http://localhost:5173' has been blocked by CORS policy: Response to preflight request doesn't pass access control check: No 'Access-Control-Allow-Origin' header is present on the requested resource.";

describe('explain: console lines', () => {
  it('a Chromium preflight line: exit 0, the candidates, no "send the origin" fix', async () => {
    const r = await runCli(['explain', '--text', CHROMIUM_LINE]);
    expect(r.code, r.err).toBe(0);
    expect(r.out).toContain('Possible causes, and how to tell them apart');
    expect(r.out).toContain('Adding the origin again will not help');
    const j = valid((await runCli(['explain', '--text', CHROMIUM_LINE, '--json'])).out);
    expect(j).toMatchObject({
      input: 'console',
      verdict: 'blocked',
      exitCode: 0,
      error: { kind: 'preflight-missing-allow-origin-header' },
    });
  });

  it('unknown text: exit 1, "not a CORS message I know" with the closest ones', async () => {
    const r = await runCli(['explain', '--text', 'CORS says the allow origin header is somehow wrong']);
    expect(r.code).toBe(1);
    expect(r.out).toContain('Not a CORS message I know');
    const j = valid(
      (await runCli(['explain', '--text', 'CORS says the allow origin header is wrong', '--json'])).out,
    );
    expect(j.verdict).toBe('unexplained');
  });

  it('unreadable input: exit 2 (and JSON with --json)', async () => {
    expect((await runCli(['explain', '/nonexistent/file.har'])).code).toBe(2);
    const r = await runCli(['explain', '--text', '{ "log": 1', '--json']);
    expect(r.code).toBe(2);
    expect(valid(r.out)).toMatchObject({ verdict: 'usage-error', error: { kind: 'usage' } });
  });
});

describe('explain: copied requests, run as check runs them', () => {
  const curl = () =>
    `curl '${api}/items' \\\n  -X 'PUT' \\\n  -H 'Accept: */*' \\\n  -H 'Authorization: Bearer x' \\\n  -H 'Origin: ${PAGE}' \\\n  -H 'Sec-Fetch-Mode: cors' \\\n  --data-raw $'{"a":1}'`;
  const fetchCopy = () =>
    `await fetch("${api}/items", {\n    "credentials": "omit",\n    "headers": {\n        "Accept": "*/*",\n        "Authorization": "Bearer x",\n        "Sec-Fetch-Mode": "cors"\n    },\n    "referrer": "${PAGE}/",\n    "body": "{}",\n    "method": "PUT",\n    "mode": "cors"\n});`;

  it.each([
    ['Chromium "Copy as cURL"', curl],
    ['Firefox "Copy as fetch"', fetchCopy],
  ])('%s: --from from the copy, the refused header named', async (_n, text) => {
    const r = await runCli(['explain', '--text', text(), '--json']);
    expect(r.code, r.err).toBe(0);
    const j = valid(r.out) as {
      input: string;
      from: string;
      verdict: string;
      diagnosis: { cause: string };
      fix: { policy: unknown };
    };
    expect(j.from).toBe(PAGE);
    expect(j.verdict).toBe('blocked');
    expect(j.diagnosis.cause).toContain('authorization');
    expect(j.fix.policy).toEqual({ origins: [PAGE], methods: ['PUT'], requestHeaders: ['authorization'] });
  });
});

describe('--json: one shape for every outcome', () => {
  it.each([
    [['check', 'http://127.0.0.1:1/', '--from', PAGE, '--json'], 'network-error'],
    [['check', 'api.example/x', '--from', PAGE, '--json'], 'usage-error'],
    [['check', 'http://127.0.0.1:1/', '--from', PAGE, '--json', '--bogus'], 'usage-error'],
    [['check', '--json'], 'usage-error'],
  ])('%j', async (args, verdict) => {
    const r = await runCli(args);
    expect(r.code).toBe(2);
    expect(valid(r.out).verdict).toBe(verdict);
  });

  it('allowed and blocked check results', async () => {
    const ok = await runCli(['check', `${api}/items`, '--from', PAGE, '--json']);
    expect(valid(ok.out).verdict).toBe('allowed');
    const blocked = await runCli([
      'check',
      `${api}/items`,
      '--from',
      PAGE,
      '-X',
      'PUT',
      '-H',
      'X-Token: 1',
      '--json',
    ]);
    expect(blocked.code).toBe(1);
    expect(valid(blocked.out).verdict).toBe('blocked');
  });
});
