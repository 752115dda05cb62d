/**
 * dist/ for the package tests: `npm test` builds before the suite; run alone, these tests build it
 * when it is missing or older than any source file (never skipped).
 */
import { execFileSync } from 'node:child_process';
import { existsSync, readdirSync, statSync } from 'node:fs';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';

export const ROOT = join(dirname(fileURLToPath(import.meta.url)), '..', '..');

function newest(dir: string, filter: (name: string) => boolean): number {
  let max = 0;
  for (const name of readdirSync(dir, { recursive: true }) as string[]) {
    if (!filter(name)) continue;
    max = Math.max(max, statSync(join(dir, name)).mtimeMs);
  }
  return max;
}

let built = false;

/** Builds dist/ unless it is at least as new as src/ and lab/. */
export function ensureBuilt(): void {
  if (built) return;
  const marker = join(ROOT, 'dist', 'index.d.cts');
  const sources = Math.max(
    newest(join(ROOT, 'src'), (n) => n.endsWith('.ts') && !n.endsWith('.test.ts')),
    statSync(join(ROOT, 'package.json')).mtimeMs,
  );
  const labPage = join(ROOT, 'dist', 'lab-page', 'index.html');
  if (!existsSync(marker) || !existsSync(labPage) || statSync(marker).mtimeMs < sources) {
    execFileSync('npm', ['run', 'build'], { cwd: ROOT, stdio: 'pipe' });
  }
  built = true;
}
