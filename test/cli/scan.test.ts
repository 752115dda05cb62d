/**
 * `crossorigin scan` end to end (child process, NO_COLOR): text report, `--json` (one object),
 * `--sarif` (SARIF 2.1.0), `--file`, exit codes (0 clean, 1 findings, 2 usage or unreachable).
 */
import { spawn } from 'node:child_process';
import { mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { ScanReport } from '../../src/scan/index.js';
import { COOKIE, FLEET, listen, type Running, SITE } from '../scan/fleet.js';
import { ANSI, bundleCli, removeBundle, runCli } from './run.js';

/** The CLI with a longer kill timer than runCli's 30 s: scans on a loaded 2-core machine take longer. */
const runScanCli = (args: string[]) => runCli(args, { NO_COLOR: '1' }, 80_000);

const servers: Record<string, Running> = {};
let dir: string;

beforeAll(async () => {
  for (const name of ['cors-origin-true', 'crossorigin-server-credentials', 'public-wildcard-api', 'jsonp']) {
    const s = FLEET.find((f) => f.name === name);
    if (!s) throw new Error(name);
    servers[name] = await listen(name, s.handler);
  }
  dir = mkdtempSync(join(tmpdir(), 'crossorigin-scan-cli-'));
  await bundleCli();
});

afterAll(async () => {
  await Promise.all(Object.values(servers).map((s) => s.close()));
  rmSync(dir, { recursive: true, force: true });
  await removeBundle();
});

const url = (name: string) => servers[name]?.url ?? '';

describe.concurrent('crossorigin scan', { timeout: 90_000 }, () => {
  it('text report: findings with evidence and fix, exit 1, no ANSI', async () => {
    const r = await runScanCli(['scan', url('cors-origin-true'), '--origin', SITE, '--cookie', COOKIE]);
    expect(r.code, r.err).toBe(1);
    expect(r.out).not.toMatch(ANSI);
    expect(r.out).toContain('HIGH   Any origin is trusted');
    expect(r.out).toContain('> origin: https://evil.example');
    expect(r.out).toContain('> cookie: [redacted]');
    expect(r.out).toContain('< access-control-allow-credentials: true');
    expect(r.out).toContain('fix: Stop echoing');
    expect(r.out).toContain('1 target in');
    expect(r.out).not.toContain('s3cret');
  });

  it('a correct server: exit 0 and "no findings"', async () => {
    const r = await runScanCli([
      'scan',
      url('crossorigin-server-credentials'),
      '--origin',
      SITE,
      '--cookie',
      COOKIE,
    ]);
    expect(r.code, r.err).toBe(0);
    expect(r.out).toContain('no findings');
  });

  it('info findings do not fail the run unless --fail-on info', async () => {
    const a = await runScanCli(['scan', url('public-wildcard-api')]);
    expect(a.code).toBe(0);
    expect(a.out).toContain('INFO   Access-Control-Allow-Origin: *');
    const b = await runScanCli(['scan', url('public-wildcard-api'), '--fail-on', 'info']);
    expect(b.code).toBe(1);
  });

  it('--json: one object with targets, findings and exit code', async () => {
    const r = await runScanCli([
      'scan',
      url('jsonp'),
      url('crossorigin-server-credentials'),
      '--origin',
      SITE,
      '--cookie',
      COOKIE,
      '--json',
    ]);
    expect(r.code).toBe(1);
    const j = JSON.parse(r.out) as ScanReport & { exitCode: number };
    expect(j.exitCode).toBe(1);
    expect(j.targets.map((t) => t.target)).toEqual([url('jsonp'), url('crossorigin-server-credentials')]);
    expect(j.targets[0]?.findings.map((f) => [f.class, f.severity])).toEqual([['jsonp', 'high']]);
    expect(j.targets[1]?.findings).toEqual([]);
    expect(j.summary).toEqual({ high: 1, medium: 0, low: 0, info: 0 });
  });

  it('--sarif writes a SARIF 2.1.0 log; --file reads targets', async () => {
    const list = join(dir, 'targets.txt');
    writeFileSync(list, `# fleet\n${url('cors-origin-true')}\n\n${url('public-wildcard-api')}\n`);
    const sarif = join(dir, 'out.sarif');
    const r = await runScanCli([
      'scan',
      '--file',
      list,
      '--origin',
      SITE,
      '--cookie',
      COOKIE,
      '--sarif',
      sarif,
    ]);
    expect(r.code).toBe(1);
    const log = JSON.parse(readFileSync(sarif, 'utf8'));
    expect(log.version).toBe('2.1.0');
    expect(log.$schema).toContain('sarif-2.1.0');
    const run = log.runs[0];
    expect(run.tool.driver.name).toBe('crossorigin scan');
    const rules = run.tool.driver.rules.map((x: { id: string }) => x.id);
    expect(rules).toEqual(['cors/origin-reflection', 'cors/preflight-reflection', 'cors/wildcard-origin']);
    const results = run.results.map((x: { ruleId: string; level: string; ruleIndex: number }) => [
      x.ruleId,
      x.level,
      x.ruleIndex,
    ]);
    expect(results).toEqual([
      ['cors/origin-reflection', 'error', 0],
      ['cors/preflight-reflection', 'warning', 1],
      ['cors/wildcard-origin', 'note', 2],
    ]);
    expect(run.results[0].locations[0].physicalLocation.artifactLocation.uri).toBe(url('cors-origin-true'));
    expect(run.results[0].properties['security-severity']).toBe('8.1');
    expect(run.invocations[0].executionSuccessful).toBe(true);
  });

  it('--jsonl: one line per target as each finishes; --resume skips the targets a results file holds', async () => {
    const list = join(dir, 'many.txt');
    writeFileSync(list, `${url('cors-origin-true')}\n${url('public-wildcard-api')}\n${url('jsonp')}\n`);
    const results = join(dir, 'results.jsonl');
    // A previous run that finished one target (and was stopped while writing the next line).
    writeFileSync(
      results,
      `${JSON.stringify({ target: url('public-wildcard-api'), findings: [] })}\n{"target":"torn`,
    );
    const r = await runScanCli([
      'scan',
      '--file',
      list,
      '--jsonl',
      '--resume',
      results,
      '--origin',
      SITE,
      '--cookie',
      COOKIE,
    ]);
    expect(r.code, r.err).toBe(1);
    const lines = r.out
      .trim()
      .split('\n')
      .map((l) => JSON.parse(l) as { target: string; findings: { class: string }[] });
    expect(lines.map((l) => l.target).sort()).toEqual([url('cors-origin-true'), url('jsonp')].sort());
    expect(lines.find((l) => l.target === url('jsonp'))?.findings.map((f) => f.class)).toEqual(['jsonp']);
    expect(r.out).not.toContain('s3cret');
  });

  it('--resume with a results file of 20,000 lines scans exactly the targets it has not finished', async () => {
    const target = (i: number) => `${url('public-wildcard-api')}?n=${i}`;
    const list = join(dir, 'twenty-thousand.txt');
    const results = join(dir, 'twenty-thousand.jsonl');
    const finished: string[] = [];
    for (let i = 0; i < 20_000; i++) {
      // Target 5 failed last time (it is tried again); 20,000 and 20,001 were never reached.
      const row = i === 5 ? { target: target(i), error: 'connection refused' } : { target: target(i) };
      finished.push(JSON.stringify({ ...row, findings: [] }));
    }
    writeFileSync(results, `${finished.join('\n')}\n`);
    writeFileSync(list, `${Array.from({ length: 20_002 }, (_, i) => target(i)).join('\n')}\n`);
    const r = await runScanCli(['scan', '--file', list, '--jsonl', '--resume', results]);
    expect(r.code, r.err).toBe(0);
    const scanned = r.out
      .trim()
      .split('\n')
      .map((l) => (JSON.parse(l) as { target: string }).target);
    expect(scanned.sort()).toEqual([target(20_000), target(20_001), target(5)].sort());
  });

  it('--file - reads targets from stdin', async () => {
    const { file } = await bundleCli();
    const child = spawn(process.execPath, [file, 'scan', '--file', '-', '--json'], {
      env: { ...process.env, NO_COLOR: '1' },
    });
    child.stdin.end(`# from a pipe\n${url('public-wildcard-api')}\n`);
    let out = '';
    child.stdout.on('data', (d: Buffer) => {
      out += d.toString();
    });
    const code = await new Promise<number | null>((resolve) => child.on('exit', resolve));
    expect(code).toBe(0);
    const j = JSON.parse(out) as ScanReport;
    expect(j.targets.map((t) => t.target)).toEqual([url('public-wildcard-api')]);
  });

  it('--max-requests: targets past the budget report it as their error (exit 2)', async () => {
    const r = await runScanCli([
      'scan',
      url('public-wildcard-api'),
      url('jsonp'),
      '--max-requests',
      '3',
      '--concurrency',
      '1',
      '--json',
    ]);
    expect(r.code).toBe(2);
    const j = JSON.parse(r.out) as ScanReport;
    expect(j.targets.some((t) => t.error?.includes('budget'))).toBe(true);
    expect(j.targets.reduce((n, t) => n + t.requests, 0)).toBeLessThanOrEqual(3);
  });

  it('an unreachable target: exit 2 with its reason, the others are still reported', async () => {
    const dead = await listen('dead', () => {});
    const deadUrl = dead.url;
    await dead.close();
    const r = await runScanCli(['scan', deadUrl, url('crossorigin-server-credentials')]);
    expect(r.code).toBe(2);
    expect(r.err).toContain(`crossorigin scan: ${deadUrl}: connection refused`);
    expect(r.out).toContain('could not scan: connection refused');
    expect(r.out).toContain('no findings');
  });

  it.each([
    [['scan'], 'no targets'],
    [['scan', 'http://127.0.0.1:1/', '--json', '--jsonl'], 'choose one'],
    [['scan', 'http://127.0.0.1:1/', '--data', 'x'], 'data needs a method that carries a body'],
    [['scan', 'ftp://x.test/'], 'is not an http(s) URL'],
    [['scan', 'http://127.0.0.1:1/', '--concurrency', '0'], '--concurrency 0 is out of range'],
    [['scan', 'http://127.0.0.1:1/', '--timeout', 'soon'], '--timeout "soon" is not a whole number'],
    [['scan', 'http://127.0.0.1:1/', '--fail-on', 'critical'], '--fail-on must be one of'],
    [
      ['scan', 'http://127.0.0.1:1/', '--origin', 'https://a.test/x'],
      'origin must be a serialized http(s) origin',
    ],
    [['scan', '--file', '/nonexistent/list.txt'], 'cannot read --file'],
    [['scan', 'http://127.0.0.1:1/', '-H', 'bad'], 'must look like "Name: value"'],
    [['scan', 'http://127.0.0.1:1/', '-H', 'Origin: https://x.test'], 'the scanner sets it itself'],
    [['scan', 'http://127.0.0.1:1/', '-H', 'Cookie: a=b'], 'the scanner sets it from --cookie'],
  ])('usage error %#: %j', async (args, message) => {
    const r = await runScanCli(args);
    expect(r.code).toBe(2);
    expect(r.err).toContain(message);
    expect(r.err).not.toMatch(ANSI);
  });
});
