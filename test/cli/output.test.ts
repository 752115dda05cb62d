/**
 * Shared CLI output rules: colours only on a TTY and never with NO_COLOR (checked in-process and
 * through a real pseudo-terminal with `script`), header and number options, the progress bar.
 */
import { execFile } from 'node:child_process';
import { existsSync } from 'node:fs';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import {
  parseHeaderOption,
  parseIntOption,
  progressBar,
  UsageError,
  useColor,
} from '../../src/cli/output.js';
import { ANSI, bundleCli, removeBundle } from './run.js';
import { PAGE, startServer, type TestServer } from './server.js';

describe('useColor', () => {
  it.each([
    [true, {}, true],
    [false, {}, false],
    [true, { NO_COLOR: '1' }, false],
    [true, { NO_COLOR: 'false' }, false], // any non-empty value disables colour (no-color.org)
    [true, { NO_COLOR: '' }, true],
    [true, { TERM: 'dumb' }, false],
    [false, { FORCE_COLOR: '1' }, true],
    [false, { FORCE_COLOR: '0' }, false],
    [true, { FORCE_COLOR: '1', NO_COLOR: '1' }, false],
  ] as const)('isTTY %s, env %j -> %s', (isTTY, env, expected) => {
    expect(useColor({ isTTY, env })).toBe(expected);
  });
});

describe('option parsing', () => {
  it.each([
    ['X-Token: 1', ['X-Token', '1']],
    ['Content-Type:application/json', ['Content-Type', 'application/json']],
    ['Accept:   text/html  ', ['Accept', 'text/html']],
    ['X-Empty:', ['X-Empty', '']],
    ['X-Colon: a:b', ['X-Colon', 'a:b']],
  ])('header %j', (text, expected) => {
    expect(parseHeaderOption(text)).toEqual(expected);
  });

  it.each(['nocolon', ': value', 'Bad Name: v', 'X\u0000: v'])('bad header %j', (text) => {
    expect(() => parseHeaderOption(text)).toThrow(UsageError);
  });

  it.each([
    ['10', 10],
    ['1', 1],
  ])('integer %j', (text, n) => {
    expect(parseIntOption(text, '--n', 1, 100)).toBe(n);
  });

  it.each(['0', '101', '-1', '1.5', 'ten', ''])('bad integer %j', (text) => {
    expect(() => parseIntOption(text, '--n', 1, 100)).toThrow(UsageError);
  });
});

describe('progressBar', () => {
  it('draws on a TTY, in place, and clears the line when done', () => {
    let written = '';
    const stream = { isTTY: true, columns: 80, write: (t: string) => (written += t) };
    const p = progressBar(4, true, stream);
    p.tick('a');
    p.tick('b');
    expect(written).toContain('] 2/4 b');
    expect(written).toContain('[###############---------------]');
    expect(written.split('\r').length).toBeGreaterThan(2);
    p.done();
    expect(written.endsWith('\r\u001b[K')).toBe(true);
  });

  it.each([
    ['not a TTY', { isTTY: false }, true, 5],
    ['disabled (--json)', { isTTY: true }, false, 5],
    ['a single target', { isTTY: true }, true, 1],
  ])('silent when %s', (_why, tty, enabled, total) => {
    let written = '';
    const p = progressBar(total, enabled, { ...tty, write: (t: string) => (written += t) });
    p.tick('x');
    p.done();
    expect(written).toBe('');
  });
});

// A real pseudo-terminal: util-linux `script` runs the CLI with a TTY as stdout.
const hasScript = existsSync('/usr/bin/script');
describe.runIf(hasScript)('colours through a real terminal', () => {
  let server: TestServer;
  let cli: string;
  beforeAll(async () => {
    server = await startServer();
    cli = (await bundleCli()).file;
  });
  afterAll(async () => {
    await server.close();
    await removeBundle();
  });

  const inTty = (noColor: string | undefined, args?: string[]) =>
    new Promise<{ code: number | null; out: string }>((resolve) => {
      const env: Record<string, string | undefined> = { ...process.env, TERM: 'xterm' };
      if (noColor === undefined) delete env.NO_COLOR;
      else env.NO_COLOR = noColor;
      const cliArgs = args ?? ['check', `${server.url}/missing`, '--from', PAGE];
      const command = [process.execPath, cli, ...cliArgs].map((a) => JSON.stringify(a)).join(' ');
      execFile('script', ['-qec', command, '/dev/null'], { env, timeout: 30_000 }, (err, stdout) => {
        resolve({ code: err ? ((err as { code?: number }).code ?? null) : 0, out: stdout });
      });
    });

  it('a TTY gets colours', async () => {
    const r = await inTty(undefined);
    expect(r.code).toBe(1);
    expect(r.out).toContain('BLOCKED');
    expect(r.out).toMatch(ANSI);
  });

  it('scanning several targets on a TTY shows a progress bar (on stderr), then clears it', async () => {
    const targets = ['/allowed', '/missing', '/wildcard'].map((p) => server.url + p);
    const r = await inTty('1', ['scan', ...targets]);
    expect(r.out).toContain('3 targets in');
    // Progress counts targets done and the requests within the target in progress.
    expect(r.out).toMatch(/[0-2] targets done; http:\/\/127\.0\.0\.1:\d+\/\w+: \d+\/\d+ requests/);
    expect(r.out).toContain('\r\u001b[K');
    const json = await inTty('1', ['scan', ...targets, '--json']);
    expect(json.out).not.toMatch(/targets done;/);
  });

  it('a TTY with NO_COLOR gets none', async () => {
    const r = await inTty('1');
    expect(r.code).toBe(1);
    expect(r.out).toContain('BLOCKED');
    expect(r.out).not.toMatch(ANSI);
  });
});
