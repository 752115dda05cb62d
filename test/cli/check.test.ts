/**
 * `crossorigin check` end to end: for each CorsError kind the engine has, the CLI (a child process,
 * NO_COLOR) prints the engine's console message byte for byte, exits 1, and `--json` is one valid
 * object with the same kind and message. Allowed requests exit 0 and list readable headers;
 * network failures and usage errors exit 2 with a clear message.
 */
import { readFileSync } from 'node:fs';
import http from 'node:http';
import type { AddressInfo } from 'node:net';
import { fileURLToPath } from 'node:url';
import cors from 'cors';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { corsMiddleware } from '../../src/adapters/node.js';
import {
  type BrowserRequestInit,
  type CorsError,
  type CorsErrorKind,
  createBrowserFetch,
} from '../../src/browser/index.js';
import type { CheckResult } from '../../src/cli/check.js';
import { ANSI, bundleCli, removeBundle, runCli } from './run.js';
import { PAGE, startServer, type TestServer } from './server.js';

interface Case {
  kind: CorsErrorKind;
  /** Path on the test server, or an absolute URL. */
  path: string;
  args: string[];
  /** The same request for the engine, in-process. */
  init: BrowserRequestInit & { duplex?: 'half' };
}

/**
 * Kinds whose fix comes from the diagnosis of everything observed rather than from the console
 * line alone (src/browser/errors/diagnose.ts): what the fix must say.
 */
const DIAGNOSED: Partial<Record<CorsErrorKind, string>> = {
  'wildcard-origin-not-allowed': 'Keep an allowlist',
  'preflight-wildcard-origin-not-allowed': 'Keep an allowlist',
};

function expectedFix(kind: CorsErrorKind, engineFix: string): string {
  return DIAGNOSED[kind] ?? engineFix.split('\n')[0] ?? '';
}

const stream = () =>
  new ReadableStream({
    start(c) {
      c.enqueue(new TextEncoder().encode('hello'));
      c.close();
    },
  });

const CASES: Case[] = [
  { kind: 'missing-allow-origin-header', path: '/missing', args: [], init: {} },
  {
    kind: 'wildcard-origin-not-allowed',
    path: '/wildcard',
    args: ['--credentials', 'include'],
    init: { credentials: 'include' },
  },
  { kind: 'multiple-allow-origin-values', path: '/multiple', args: [], init: {} },
  { kind: 'invalid-allow-origin-value', path: '/invalid', args: [], init: {} },
  { kind: 'allow-origin-mismatch', path: '/mismatch', args: [], init: {} },
  {
    kind: 'invalid-allow-credentials',
    path: '/credentials',
    args: ['--credentials', 'include'],
    init: { credentials: 'include' },
  },
  {
    kind: 'preflight-missing-allow-origin-header',
    path: '/pre-missing',
    args: ['-X', 'PUT'],
    init: { method: 'PUT' },
  },
  {
    kind: 'preflight-wildcard-origin-not-allowed',
    path: '/pre-wildcard',
    args: ['-X', 'PUT', '--credentials', 'include'],
    init: { method: 'PUT', credentials: 'include' },
  },
  {
    kind: 'preflight-multiple-allow-origin-values',
    path: '/pre-multiple',
    args: ['-X', 'PUT'],
    init: { method: 'PUT' },
  },
  {
    kind: 'preflight-invalid-allow-origin-value',
    path: '/pre-invalid',
    args: ['-X', 'PUT'],
    init: { method: 'PUT' },
  },
  {
    kind: 'preflight-allow-origin-mismatch',
    path: '/pre-mismatch',
    args: ['-X', 'PUT'],
    init: { method: 'PUT' },
  },
  {
    kind: 'preflight-invalid-allow-credentials',
    path: '/pre-credentials',
    args: ['-X', 'PUT', '--credentials', 'include'],
    init: { method: 'PUT', credentials: 'include' },
  },
  { kind: 'preflight-invalid-status', path: '/pre-status', args: ['-X', 'PUT'], init: { method: 'PUT' } },
  {
    kind: 'preflight-disallowed-redirect',
    path: '/pre-redirect',
    args: ['-X', 'PUT'],
    init: { method: 'PUT' },
  },
  {
    kind: 'invalid-allow-methods-preflight-response',
    path: '/pre-bad-methods',
    args: ['-X', 'PUT'],
    init: { method: 'PUT' },
  },
  {
    kind: 'invalid-allow-headers-preflight-response',
    path: '/pre-bad-headers',
    args: ['-X', 'PUT', '-H', 'X-Token: 1'],
    init: { method: 'PUT', headers: { 'X-Token': '1' } },
  },
  {
    kind: 'method-disallowed-by-preflight-response',
    path: '/pre-method',
    args: ['-X', 'PUT'],
    init: { method: 'PUT' },
  },
  {
    kind: 'header-disallowed-by-preflight-response',
    path: '/pre-header',
    args: ['-X', 'PUT', '-H', 'X-Token: 1'],
    init: { method: 'PUT', headers: { 'X-Token': '1' } },
  },
  { kind: 'redirect-contains-credentials', path: '/redirect-credentials', args: [], init: {} },
  // chromium: any redirect to a URL with credentials fails, even in no-cors mode.
  {
    kind: 'redirect-to-url-with-credentials',
    path: '/redirect-credentials',
    args: ['--mode', 'no-cors'],
    init: { mode: 'no-cors' },
  },
  {
    kind: 'redirect-mode-error',
    path: '/redirect',
    args: ['--redirect', 'error'],
    init: { redirect: 'error' },
  },
  { kind: 'redirect-to-non-http-scheme', path: '/redirect-scheme', args: [], init: {} },
  { kind: 'invalid-redirect-location', path: '/redirect-invalid', args: [], init: {} },
  { kind: 'too-many-redirects', path: '/loop', args: [], init: {} },
  {
    kind: 'redirect-with-stream-body',
    path: '/redirect-307',
    args: ['-X', 'POST', '--body-type', 'stream'],
    init: { method: 'POST', duplex: 'half' },
  },
  {
    kind: 'disallowed-by-mode',
    path: '/allowed',
    args: ['--mode', 'same-origin'],
    init: { mode: 'same-origin' },
  },
  {
    kind: 'no-cors-redirect-mode',
    path: '/allowed',
    args: ['--mode', 'no-cors', '--redirect', 'error'],
    init: { mode: 'no-cors', redirect: 'error' },
  },
  { kind: 'unsupported-scheme', path: 'ftp://127.0.0.1/x', args: [], init: {} },
  { kind: 'forbidden-method', path: '/allowed', args: ['-X', 'CONNECT'], init: { method: 'CONNECT' } },
  {
    kind: 'method-unsupported-in-no-cors',
    path: '/allowed',
    args: ['-X', 'PUT', '--mode', 'no-cors'],
    init: { method: 'PUT', mode: 'no-cors' },
  },
];

let server: TestServer;
beforeAll(async () => {
  server = await startServer();
  await bundleCli();
});
afterAll(async () => {
  await server.close();
  await removeBundle();
});

const urlOf = (c: Case) => (c.path.startsWith('/') ? server.url + c.path : c.path);

/** What the engine itself says for the case. */
async function engineError(c: Case, browser: 'chromium' | 'firefox' = 'chromium'): Promise<CorsError> {
  const f = createBrowserFetch({ origin: PAGE, browser });
  const init = { ...c.init, ...(c.args.includes('stream') ? { body: stream() } : {}) } as RequestInit;
  try {
    await f(urlOf(c), init);
  } catch (err) {
    const cause = (err as { cause?: CorsError }).cause;
    if (cause?.name === 'CorsError') return cause;
    throw err;
  }
  throw new Error(`the engine allowed ${c.kind}`);
}

describe.concurrent('check: one case per CorsError kind', () => {
  it('the table covers every kind of the engine (network-error is tested below)', () => {
    const source = readFileSync(
      fileURLToPath(new URL('../../src/browser/errors/kinds.ts', import.meta.url)),
      'utf8',
    );
    const union = source.slice(
      source.indexOf('export type CorsErrorKind'),
      source.indexOf(';', source.indexOf('export type CorsErrorKind')),
    );
    const kinds = [...union.matchAll(/\|\s*'([a-z-]+)'/g)].map((m) => m[1]);
    expect(kinds.length).toBeGreaterThan(20);
    expect([...CASES.map((c) => c.kind), 'network-error'].sort()).toEqual(kinds.sort());
  });

  it.each(CASES.map((c) => [c.kind, c] as const))('%s: console message, exit 1, no ANSI', async (_k, c) => {
    const expected = await engineError(c);
    expect(expected.kind).toBe(c.kind);
    const r = await runCli(['check', urlOf(c), '--from', PAGE, ...c.args]);
    expect(r.code, r.err).toBe(1);
    expect(r.out).not.toMatch(ANSI);
    expect(r.err).not.toMatch(ANSI);
    expect(r.out.split('\n').map((l) => l.trim())).toContain(expected.message);
    expect(r.out).toContain('Verdict: BLOCKED');
    expect(r.out).toContain(expectedFix(c.kind, expected.fix));
  });

  it.each(CASES.map((c) => [c.kind, c] as const))('%s: --json', async (_k, c) => {
    const expected = await engineError(c);
    const r = await runCli(['check', urlOf(c), '--from', PAGE, ...c.args, '--json']);
    expect(r.code, r.err).toBe(1);
    const j = JSON.parse(r.out) as CheckResult;
    expect(j.verdict).toBe('blocked');
    expect(j.exitCode).toBe(1);
    expect(j.error?.kind).toBe(c.kind);
    expect(j.error?.message).toBe(expected.message);
    expect(j.error?.preflight).toBe(expected.preflight);
    if (DIAGNOSED[c.kind]) expect(j.fix?.text).toContain(DIAGNOSED[c.kind]);
    else expect(j.fix?.text).toBe(expected.fix);
    expect(j.from).toBe(PAGE);
    // A CORS-header failure comes with a policy; the snippets are that policy. Applying it works:
    // served by crossorigin/server and by the `cors` package, the same request is then allowed.
    const headerKind = /allow-origin|allow-credentials|wildcard|^preflight-|-preflight-response$/.test(
      c.kind,
    );
    expect(j.fix?.policy !== undefined, 'policy present for header kinds only').toBe(headerKind);
    expect(j.fix?.snippets !== undefined).toBe(headerKind);
    if (j.fix?.policy) {
      const p = j.fix.policy;
      expect(j.fix.snippets?.['crossorigin/server']).toContain(`origins: ['${p.origins[0]}']`);
      expect(j.fix.snippets?.nginx).toContain(
        `add_header Access-Control-Allow-Origin "${p.origins[0]}" always;`,
      );
      const path = new URL(urlOf(c)).pathname;
      const ours = await serve(withNode(corsMiddleware(p)));
      const theirs = await serve(
        cors({
          origin: p.origins[0],
          credentials: p.credentials === true,
          methods: ['GET', 'HEAD', 'POST', ...(p.methods ?? [])],
          ...(p.requestHeaders ? { allowedHeaders: p.requestHeaders } : {}),
        }),
      );
      try {
        for (const fixed of [ours, theirs]) {
          const f = createBrowserFetch({ origin: PAGE });
          const res = await f(fixed + path, c.init as RequestInit);
          expect(res.status).toBe(200);
          expect(await res.text()).toBe('fixed');
        }
      } finally {
        await Promise.all([ours, theirs].map((u) => closeServer(u)));
      }
    }
  });
});

type Middleware = (req: http.IncomingMessage, res: http.ServerResponse, next: () => void) => void;
const fixedServers = new Map<string, http.Server>();
const withNode = (mw: Middleware) => mw;
/** A loopback server: the middleware, then 200 "fixed". Returns its base URL. */
async function serve(mw: Middleware): Promise<string> {
  const server = http.createServer((req, res) =>
    mw(req, res, () => {
      res.end('fixed');
    }),
  );
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  const url = `http://127.0.0.1:${(server.address() as AddressInfo).port}`;
  fixedServers.set(url, server);
  return url;
}
async function closeServer(url: string): Promise<void> {
  const server = fixedServers.get(url);
  fixedServers.delete(url);
  if (!server) return;
  server.closeAllConnections();
  await new Promise<void>((resolve) => server.close(() => resolve()));
}

describe.concurrent('check: the explanation', () => {
  it('preflight reasons, exchanges, snippets for a header fix', async () => {
    const r = await runCli([
      'check',
      `${server.url}/pre-header`,
      '--from',
      PAGE,
      '-X',
      'PUT',
      '-H',
      'X-Token: 1',
      '-H',
      'Content-Type: application/json',
    ]);
    expect(r.code).toBe(1);
    expect(r.out).toContain('Preflight: needed, because');
    expect(r.out).toContain('the method PUT is not CORS-safelisted');
    expect(r.out).toContain('the header x-token is not a CORS-safelisted request header');
    expect(r.out).toContain('the header content-type: only text/plain');
    expect(r.out).toMatch(/> OPTIONS http:\/\/127\.0\.0\.1:\d+\/pre-header/);
    expect(r.out).toMatch(/access-control-request-headers: content-type,x-token/i);
    expect(r.out).toContain('< access-control-allow-headers: content-type');
    expect(r.out).toContain("requestHeaders: ['content-type', 'x-token']");
    expect(r.out).toContain("allowedHeaders: ['content-type', 'x-token']");
    expect(r.out).toContain('add_header Access-Control-Allow-Headers "content-type, x-token" always;');
  });

  it('a blocked response is shown with the headers that matter (and a redirect hop with its Location)', async () => {
    const r = await runCli(['check', `${server.url}/mismatch`, '--from', PAGE, '--json']);
    const j = JSON.parse(r.out) as CheckResult;
    expect(j.actual![0]?.response?.status).toBe(200);
    expect(j.actual![0]?.response?.headers).toContainEqual([
      'access-control-allow-origin',
      'https://other.example',
    ]);
    const human = await runCli(['check', `${server.url}/redirect-scheme`, '--from', PAGE]);
    expect(human.out).toContain('< 302');
    expect(human.out).toContain('< location: ftp://127.0.0.1/x');
  });

  it('forbidden request headers are named as dropped, not sent', async () => {
    const r = await runCli([
      'check',
      `${server.url}/allowed`,
      '--from',
      PAGE,
      '-H',
      'Origin: https://evil.example',
      '-H',
      'Cookie: a=b',
    ]);
    expect(r.code).toBe(0);
    expect(r.out).toContain(
      'Not sent: origin, cookie (the browser drops these headers silently: forbidden request headers)',
    );
    expect(r.out).toContain('> origin: https://app.example');
    expect(r.out).not.toContain('evil.example');
  });

  it('same-origin: CORS does not apply, every header readable', async () => {
    const r = await runCli(['check', `${server.url}/missing`, '--from', server.url, '--json']);
    expect(r.code).toBe(0);
    const j = JSON.parse(r.out) as CheckResult;
    expect(j.sameOrigin).toBe(true);
    expect(j.response?.type).toBe('basic');
    const human = await runCli(['check', `${server.url}/missing`, '--from', server.url]);
    expect(human.out).toContain('Same-origin request: CORS does not apply.');
  });

  it('no-cors: allowed, but opaque', async () => {
    const r = await runCli(['check', `${server.url}/missing`, '--from', PAGE, '--mode', 'no-cors']);
    expect(r.code).toBe(0);
    expect(r.out).toContain('Verdict: ALLOWED (status 0, response type opaque)');
    expect(r.out).toContain('The page gets an opaque response: status 0, no headers, no body.');
  });

  it('a page-side fix has no server snippets', async () => {
    const r = await runCli([
      'check',
      `${server.url}/allowed`,
      '--from',
      PAGE,
      '-X',
      'PUT',
      '--mode',
      'no-cors',
      '--json',
    ]);
    const j = JSON.parse(r.out) as CheckResult;
    expect(j.fix?.side).toBe('page');
    expect(j.fix?.snippets).toBeUndefined();
  });

  it('allowed: exit 0, readable and hidden headers, --json fields', async () => {
    const args = [
      'check',
      `${server.url}/allowed`,
      '--from',
      PAGE,
      '-X',
      'PUT',
      '-H',
      'X-Token: 1',
      '--credentials',
      'include',
    ];
    const human = await runCli(args);
    expect(human.code, human.err).toBe(0);
    expect(human.out).not.toMatch(ANSI);
    expect(human.out).toContain('Verdict: ALLOWED (status 200, response type cors)');
    expect(human.out).toMatch(/Readable response headers: .*x-total/);
    expect(human.out).toMatch(/Not readable by script: .*x-secret/);
    const r = await runCli([...args, '--json']);
    expect(r.code).toBe(0);
    const j = JSON.parse(r.out) as CheckResult;
    expect(j.verdict).toBe('allowed');
    expect(j.exitCode).toBe(0);
    expect(j.preflight!.needed).toBe(true);
    expect(j.preflight!.exchange?.response?.status).toBe(204);
    expect(j.actual).toHaveLength(1);
    expect(j.response?.readableHeaders).toContain('x-total');
    expect(j.response?.hiddenHeaders).toContain('x-secret');
    expect(j.error).toBeUndefined();
  });

  it('firefox: the printed message is the Firefox profile text', async () => {
    const c = CASES.find((x) => x.kind === 'missing-allow-origin-header') as Case;
    const expected = await engineError(c, 'firefox');
    const r = await runCli(['check', urlOf(c), '--from', PAGE, '--browser', 'firefox', '--json']);
    const j = JSON.parse(r.out) as CheckResult;
    expect(j.browser).toBe('firefox');
    expect(j.error?.message).toBe(expected.message);
    expect(j.error?.rejection).toBe('TypeError: NetworkError when attempting to fetch resource.');
  });

  it('colours on a TTY only: FORCE-free child output has none even without NO_COLOR (not a TTY)', async () => {
    const r = await runCli(['check', `${server.url}/missing`, '--from', PAGE], {});
    expect(r.code).toBe(1);
    expect(r.out).not.toMatch(ANSI);
  });
});

describe.concurrent('check: exit code 2', () => {
  it('network failure (connection refused) has a clear message', async () => {
    const dead = await startServer();
    const url = `${dead.url}/x`;
    await dead.close();
    const r = await runCli(['check', url, '--from', PAGE]);
    expect(r.code).toBe(2);
    expect(r.err).toContain(`crossorigin check: cannot reach ${url}`);
    expect(r.err).toContain('ECONNREFUSED');
    expect(r.out).toBe('');
  });

  it('network failure with --json: one object on stdout', async () => {
    const r = await runCli(['check', 'http://127.0.0.1:1/', '--from', PAGE, '--json']);
    expect(r.code).toBe(2);
    expect(JSON.parse(r.out)).toMatchObject({
      verdict: 'network-error',
      error: { kind: 'network' },
      exitCode: 2,
    });
  });

  it.each([
    [['check', 'http://127.0.0.1:1/'], '--from <origin> is required'],
    [['check', 'api.example.com/items', '--from', PAGE], 'did you mean https://api.example.com/items?'],
    [['check', '/items', '--from', PAGE], `did you mean ${PAGE}/items?`],
    [['check', 'localhost:8080/x', '--from', PAGE], 'did you mean http://localhost:8080/x?'],
    [['check', 'http://127.0.0.1:1/', '--from', 'null'], 'Origin: null'],
    [['check', 'http://127.0.0.1:1/', '--from', 'app.example'], 'did you mean https://app.example?'],
    [['check', 'http://127.0.0.1:1/', '--from', PAGE, '--cookie', 'session=1'], 'forbidden request header'],
    [
      ['check', 'http://127.0.0.1:1/', '--from', PAGE, '--credentials', 'all'],
      '--credentials must be one of',
    ],
    [['check', 'http://127.0.0.1:1/', '--from', PAGE, '--browser', 'safari'], '--browser must be one of'],
    [['check', 'http://127.0.0.1:1/', '--from', PAGE, '-H', 'nocolon'], 'must look like "Name: value"'],
    [['check', 'http://127.0.0.1:1/', '--from', PAGE, '--body-type', 'json'], 'cannot have a body'],
    [['check', '--from', PAGE], "missing required argument 'url'"],
    [['check', 'http://127.0.0.1:1/', '--frm', PAGE], "unknown option '--frm'"],
    [['nonsense'], "unknown command 'nonsense'"],
    [[], 'Usage: crossorigin'],
  ])('usage error %#: %j', async (args, message) => {
    const r = await runCli(args);
    expect(r.code).toBe(2);
    expect(r.err + r.out).toContain(message);
    expect(r.err + r.out).not.toMatch(ANSI);
  });

  it('--help and --version exit 0', async () => {
    const h = await runCli(['check', '--help']);
    expect(h.code).toBe(0);
    expect(h.out).toContain('Exit codes: 0 allowed, 1 blocked, 2 usage error or network failure.');
    const root = await runCli(['--help']);
    expect(root.code).toBe(0);
    for (const cmd of [
      'check [options] <url>',
      'scan [options] [url...]',
      'proxy [options]',
      'lab [options]',
    ]) {
      expect(root.out).toContain(cmd);
    }
    const v = await runCli(['--version']);
    expect(v.code).toBe(0);
    expect(v.out.trim()).toBe('0.1.0');
  });
});
