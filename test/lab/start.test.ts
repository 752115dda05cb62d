/**
 * `npm start` as a person runs it on a fresh checkout: it builds (TypeScript and the Vite page),
 * starts the lab, prints the URL to open; the page and its assets are served from the built
 * package folder (dist/lab-page, shipped by `files`), and Ctrl-C (SIGINT to the process group,
 * as a terminal sends it) stops everything with exit code 0. `crossorigin lab` does the same.
 */
import { type ChildProcess, spawn } from 'node:child_process';
import { existsSync, readFileSync } from 'node:fs';
import path from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { ROOT } from './lab-driver.js';

interface Started {
  child: ChildProcess;
  out: () => string;
  url: string;
}

const children: ChildProcess[] = [];

function startProcess(cmd: string, args: string[], timeoutMs: number): Promise<Started> {
  const child = spawn(cmd, args, {
    cwd: ROOT,
    detached: true,
    stdio: ['ignore', 'pipe', 'pipe'],
    env: { ...process.env, NO_COLOR: '1' },
  });
  children.push(child);
  let out = '';
  let err = '';
  child.stdout?.on('data', (d) => {
    out += String(d);
  });
  child.stderr?.on('data', (d) => {
    err += String(d);
  });
  return new Promise((resolve, reject) => {
    const timer = setTimeout(
      () => reject(new Error(`no URL printed in ${timeoutMs} ms\n${out}\n${err}`)),
      timeoutMs,
    );
    const check = () => {
      const m = /Open (http:\/\/127\.0\.0\.1:\d+\/) in your browser/.exec(out);
      if (m) {
        clearTimeout(timer);
        child.stdout?.off('data', check);
        resolve({ child, out: () => out, url: m[1]! });
      }
    };
    child.stdout?.on('data', check);
    child.on('exit', (code) => {
      clearTimeout(timer);
      reject(new Error(`exited with ${code} before printing the URL\n${out}\n${err}`));
    });
  });
}

/** Ctrl-C: SIGINT to the whole process group; resolves with the exit code. */
function interrupt(s: Started, timeoutMs = 10_000): Promise<{ code: number | null; signal: string | null }> {
  return new Promise((resolve, reject) => {
    const timer = setTimeout(() => reject(new Error('did not exit after SIGINT')), timeoutMs);
    s.child.once('exit', (code, signal) => {
      clearTimeout(timer);
      resolve({ code, signal });
    });
    process.kill(-(s.child.pid as number), 'SIGINT');
  });
}

async function checkServes(url: string): Promise<void> {
  const page = await fetch(url);
  expect(page.status).toBe(200);
  const html = await page.text();
  expect(html).toContain('<title>crossorigin lab');
  const asset = /src="\.\/(assets\/[^"]+\.js)"/.exec(html)?.[1];
  expect(asset).toBeDefined();
  const js = await fetch(new URL(asset!, url));
  expect(js.status).toBe(200);
  expect(js.headers.get('content-type')).toContain('text/javascript');
  const info = (await (await fetch(new URL('/__lab/info', url))).json()) as Record<string, string>;
  expect(info.app).toBe(url.replace(/\/$/, ''));
  expect(new URL(info.api!).hostname).toBe('127.0.0.1');
  expect(new URL(info.other!).hostname).toBe('localhost');
  expect(new Set([info.app, info.api, info.other].map((o) => new URL(o!).port)).size).toBe(3);
}

afterAll(() => {
  for (const c of children) {
    if (c.exitCode === null && c.signalCode === null) {
      try {
        process.kill(-(c.pid as number), 'SIGKILL');
      } catch {
        // already gone
      }
    }
  }
});

describe('npm start', () => {
  it('package.json: start builds then runs the lab entry; build includes the page; dist ships', () => {
    const pkg = JSON.parse(readFileSync(path.join(ROOT, 'package.json'), 'utf8')) as {
      scripts: Record<string, string>;
      files: string[];
    };
    expect(pkg.scripts.start).toBe('npm run build && node dist/lab/start.js');
    expect(pkg.scripts.build).toContain('vite build lab');
    expect(pkg.scripts['build:lab']).toBe('vite build lab');
    expect(pkg.files).toContain('dist');
  });

  it('builds, prints the URL, serves the page from dist/lab-page, and stops on Ctrl-C', {
    timeout: 300_000,
  }, async () => {
    // `npm start -- --port N` passes the flags on, as `crossorigin lab --port N` takes them.
    const s = await startProcess('npm', ['start', '--', '--port', '0'], 280_000);
    expect(existsSync(path.join(ROOT, 'dist/lab-page/index.html'))).toBe(true);
    expect(s.out()).toMatch(/lab API\s+http:\/\/127\.0\.0\.1:\d+/);
    await checkServes(s.url);
    const { code, signal } = await interrupt(s);
    // npm itself dies of the SIGINT it got with the group (as in a terminal); the lab under it
    // printed "stopping…" and closed its servers.
    expect(code === 0 || signal === 'SIGINT').toBe(true);
    expect(s.out()).toContain('stopping');
    // Nothing listens any more.
    await expect(fetch(s.url)).rejects.toThrow();
  });

  it.runIf(existsSync(path.join(ROOT, 'src/cli/main.ts')))(
    'crossorigin lab (the CLI) does the same from the built package',
    { timeout: 60_000 },
    async () => {
      expect(existsSync(path.join(ROOT, 'dist/cli/main.js'))).toBe(true);
      const s = await startProcess(process.execPath, ['dist/cli/main.js', 'lab', '--port', '0'], 30_000);
      await checkServes(s.url);
      expect(await interrupt(s)).toEqual({ code: 0, signal: null });
    },
  );

  it('the start entry alone (node dist/lab/start.js) exits with code 0 on Ctrl-C', {
    timeout: 60_000,
  }, async () => {
    const s = await startProcess(process.execPath, ['dist/lab/start.js', '0'], 30_000);
    await checkServes(s.url);
    expect(await interrupt(s)).toEqual({ code: 0, signal: null });
    expect(s.out()).toContain('stopping');
    await expect(fetch(s.url)).rejects.toThrow();
  });

  it('refuses a bad port with exit code 2', async () => {
    const child = spawn(process.execPath, ['dist/lab/start.js', 'nope'], { cwd: ROOT, stdio: 'pipe' });
    let err = '';
    child.stderr.on('data', (d) => {
      err += String(d);
    });
    const code = await new Promise<number | null>((r) => child.on('exit', r));
    expect(code).toBe(2);
    expect(err).toContain('unknown argument "nope"');
  });
});
