/**
 * `crossorigin proxy`: flag merging (pure) and the real command in a child process: it prints
 * where it listens and what it allows, proxies, and stops cleanly on Ctrl-C (SIGINT).
 */
import { spawn } from 'node:child_process';
import { mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { buildProxyOptions, ProxyUsageError } from '../../src/cli/proxy.js';
import { rawRequest, startUpstream, type Upstream } from './helpers.js';

const entry = fileURLToPath(new URL('./cli-entry.ts', import.meta.url));

describe('buildProxyOptions', () => {
  it('merges flags into the file options', () => {
    const { options, port, host } = buildProxyOptions(
      {
        target: ['/api=http://localhost:8080/v1'],
        allowOrigin: ['http://localhost:5173'],
        allowTargetHost: ['api.example.com'],
        requireHeader: ['x-requested-with'],
        rateLimit: '60/min',
        port: '9000',
      },
      {
        cors: { origins: ['https://app.example.com'], credentials: false },
        routes: [{ prefix: '/a', target: 'http://127.0.0.1:1' }],
        host: '::1',
      },
    );
    expect(options.routes).toEqual([
      { prefix: '/a', target: 'http://127.0.0.1:1' },
      { prefix: '/api', target: 'http://localhost:8080/v1' },
    ]);
    expect(options.cors).toEqual({
      origins: ['https://app.example.com', 'http://localhost:5173'],
      credentials: false,
    });
    expect(options.openTargets).toEqual({ allowHosts: ['api.example.com'] });
    expect(options.requireHeader).toEqual(['x-requested-with']);
    expect(options.rateLimit).toEqual({ perClient: '60/min' });
    expect([port, host]).toEqual([9000, '::1']);
  });

  it.each([
    [{ target: ['/api=http://x'] }, 'a CORS policy is required'],
    [{ allowOrigin: ['http://a.test'] }, 'nothing to proxy'],
    [{ allowOrigin: ['http://a.test'], target: ['api'] }, 'must look like /api=http://localhost:8080'],
    [{ allowOrigin: ['http://a.test'], target: ['/a=http://x'], port: 'eighty' }, 'is not a port number'],
  ])('usage problem %#: %s', (flags, message) => {
    expect(() => buildProxyOptions(flags)).toThrow(ProxyUsageError);
    expect(() => buildProxyOptions(flags)).toThrow(message);
  });

  it("--allow-origin '*' is the public-API policy, alone", () => {
    expect(buildProxyOptions({ allowOrigin: ['*'], target: ['/=http://127.0.0.1:1'] }).options.cors).toEqual({
      origins: '*',
    });
    expect(() =>
      buildProxyOptions({ allowOrigin: ['*', 'http://a.test'], target: ['/=http://127.0.0.1:1'] }),
    ).toThrow('cannot be combined');
  });

  it('defaults: 127.0.0.1:8787', () => {
    const { port, host } = buildProxyOptions({
      allowOrigin: ['http://a.test'],
      target: ['/=http://127.0.0.1:1'],
    });
    expect([port, host]).toEqual([8787, '127.0.0.1']);
  });
});

function run(args: string[]) {
  const child = spawn(process.execPath, ['--import', 'tsx', entry, 'proxy', ...args], {
    stdio: ['ignore', 'pipe', 'pipe'],
    env: { ...process.env, NO_COLOR: '1' },
  });
  let out = '';
  let err = '';
  child.stdout.on('data', (d: Buffer) => {
    out += d.toString();
  });
  child.stderr.on('data', (d: Buffer) => {
    err += d.toString();
  });
  const exited = new Promise<number | null>((resolve) => child.on('exit', (code) => resolve(code)));
  const waitFor = async (re: RegExp, ms = 45_000) => {
    const deadline = Date.now() + ms;
    while (Date.now() < deadline) {
      const m = re.exec(out);
      if (m) return m;
      await new Promise((r) => setTimeout(r, 50));
    }
    throw new Error(`timed out waiting for ${re}; stdout: ${out}; stderr: ${err}`);
  };
  return { child, exited, waitFor, output: () => ({ out, err }) };
}

describe('crossorigin proxy (child process)', { timeout: 90_000 }, () => {
  let up: Upstream;
  beforeAll(async () => {
    up = await startUpstream((req, res) => res.end(`upstream ${req.url}`));
  });
  afterAll(async () => {
    await up.close();
  });

  it('prints where it listens and what it allows, proxies, and stops cleanly on SIGINT', async () => {
    const p = run([
      '--target',
      `/api=${up.url}/v1`,
      '--allow-origin',
      'http://localhost:5173',
      '--port',
      '0',
      '--rate-limit',
      '100/min',
    ]);
    try {
      const m = await p.waitFor(/listening on (http:\/\/127\.0\.0\.1:\d+)/);
      const url = m[1]!;
      await p.waitFor(/Ctrl-C/);
      const { out } = p.output();
      expect(out).toContain('allowed origins: http://localhost:5173');
      expect(out).toContain(`route /api -> ${up.url}/v1`);
      expect(out).toContain('rate limit per client: 100 per 60 s');
      const r = await rawRequest(url, '/api/x', { headers: { origin: 'http://localhost:5173' } });
      expect(r.status).toBe(200);
      expect(r.body).toBe('upstream /v1/x');
      expect(r.headers['access-control-allow-origin']).toBe('http://localhost:5173');
      p.child.kill('SIGINT');
      expect(await p.exited).toBe(0);
      expect(p.output().out).toContain('stopping…');
    } finally {
      p.child.kill('SIGKILL');
    }
  });

  it('reads --config and prints JSON with --json', async () => {
    const dir = mkdtempSync(join(tmpdir(), 'co-proxy-'));
    const file = join(dir, 'proxy.json');
    writeFileSync(
      file,
      JSON.stringify({
        cors: { origins: ['https://app.example.com'] },
        routes: [{ prefix: '/', target: up.url }],
        port: 0,
        limits: { maxBodyBytes: 1024 },
      }),
    );
    const p = run(['--config', file, '--json']);
    try {
      const m = await p.waitFor(/^\{.*\}$/m);
      const summary = JSON.parse(m[0]) as { url: string; origins: string[]; rules: string[] };
      expect(summary.origins).toEqual(['https://app.example.com']);
      expect(summary.rules.join('\n')).toContain('body 1024 B');
      expect((await rawRequest(summary.url, '/hello')).body).toBe('upstream /hello');
      p.child.kill('SIGTERM');
      expect(await p.exited).toBe(0);
    } finally {
      p.child.kill('SIGKILL');
    }
  });

  it('exits 2 with a clear message when no CORS policy is given', async () => {
    const p = run(['--target', `/api=${up.url}`]);
    expect(await p.exited).toBe(2);
    expect(p.output().err).toContain('a CORS policy is required: pass --allow-origin');
  });

  it.each([
    [['--rate-limit-redis-timeout', '1000'], '--rate-limit-redis-timeout goes with --rate-limit-redis'],
    [['--rate-limit-redis', 'redis://127.0.0.1:1', '--rate-limit-redis-timeout', '0'], 'from 1 to 60000'],
    [['--rate-limit-redis', 'redis://127.0.0.1:1', '--rate-limit-redis-timeout', '1.5'], 'whole number'],
    [['--rate-limit-redis', 'redis://127.0.0.1:1', '--rate-limit-redis-timeout', '60001'], 'from 1 to 60000'],
  ])('exits 2 on a bad Redis time limit: %j', async (extra, message) => {
    const p = run([
      '--target',
      `/api=${up.url}`,
      '--allow-origin',
      'http://a.test',
      '--rate-limit',
      '10/s',
      ...extra,
    ]);
    expect(await p.exited).toBe(2);
    expect(p.output().err).toContain(message);
  });

  it('exits 2 when it cannot listen (port taken)', async () => {
    const p = run([
      '--target',
      `/api=${up.url}`,
      '--allow-origin',
      'http://a.test',
      '--port',
      String(up.port),
    ]);
    expect(await p.exited).toBe(2);
    expect(p.output().err).toContain('EADDRINUSE');
  });

  it('exits 2 listing every invalid option (config validation)', async () => {
    const p = run([
      '--allow-origin',
      'http://a.test',
      '--allow-target-host',
      '*',
      '--target',
      '/api=ftp://x',
      '--port',
      '0',
    ]);
    expect(await p.exited).toBe(2);
    const { err } = p.output();
    expect(err).toContain('routes[0].target');
    expect(err).toContain('openTargets.allowHosts');
  });
});
