/**
 * Runs the CLI in a child process and collects its output. src/cli/main.ts is bundled once per
 * test file with esbuild (what tsx uses, without its start-up cost on every run): the same code
 * the `crossorigin` bin runs, dependencies included.
 */
import { spawn } from 'node:child_process';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { build } from 'esbuild';

export const MAIN = fileURLToPath(new URL('../../src/cli/main.ts', import.meta.url));

let bundled: Promise<{ file: string; dir: string }> | null = null;

/** Bundles main.ts into a temporary directory (once). */
export function bundleCli(): Promise<{ file: string; dir: string }> {
  bundled ??= (async () => {
    const dir = mkdtempSync(join(tmpdir(), 'crossorigin-cli-'));
    const file = join(dir, 'main.mjs');
    await build({
      entryPoints: [MAIN],
      outfile: file,
      bundle: true,
      platform: 'node',
      format: 'esm',
      target: 'node20',
      logLevel: 'error',
      banner: {
        js: "import { createRequire as __cr } from 'node:module'; const require = __cr(import.meta.url);",
      },
    });
    return { file, dir };
  })();
  return bundled;
}

/** Removes the bundle (afterAll). */
export async function removeBundle(): Promise<void> {
  if (!bundled) return;
  const { dir } = await bundled;
  rmSync(dir, { recursive: true, force: true });
  bundled = null;
}

export interface CliRun {
  code: number | null;
  out: string;
  err: string;
}

export async function runCli(
  args: string[],
  env: Record<string, string> = { NO_COLOR: '1' },
  timeoutMs = 50_000, // under the 60 s test limit: a loaded machine once took over 30 s to run check end to end
): Promise<CliRun> {
  const { file } = await bundleCli();
  return new Promise((resolve, reject) => {
    const child = spawn(process.execPath, [file, ...args], {
      stdio: ['ignore', 'pipe', 'pipe'],
      env: { ...process.env, FORCE_COLOR: '', ...env },
    });
    let out = '';
    let err = '';
    child.stdout.on('data', (d: Buffer) => {
      out += d.toString();
    });
    child.stderr.on('data', (d: Buffer) => {
      err += d.toString();
    });
    const timer = setTimeout(() => {
      child.kill('SIGKILL');
      reject(
        new Error(
          `crossorigin ${args.join(' ')} did not finish in ${timeoutMs} ms; stdout: ${out}; stderr: ${err}`,
        ),
      );
    }, timeoutMs);
    child.on('exit', (code) => {
      clearTimeout(timer);
      resolve({ code, out, err });
    });
  });
}

/** Any ANSI escape sequence (colours, cursor moves). */
export const ANSI = /\u001b\[/;
