/**
 * Every TypeScript / JavaScript snippet in README.md and docs/*.md type-checks as written, under
 * the project's strict settings, importing the package by its public names (crossorigin/server,
 * crossorigin/express, ...). One tsc run over all of them (a child process: test/docs/).
 */
import { execFile } from 'node:child_process';
import path from 'node:path';
import { promisify } from 'node:util';
import { expect, it } from 'vitest';
import { allSnippets, ROOT, writeSnippetProject } from './snippets.js';

const run = promisify(execFile);

it('every README and docs snippet type-checks', { timeout: 180_000 }, async () => {
  const snippets = allSnippets();
  expect(snippets.length).toBeGreaterThan(20);
  const { dir, names } = writeSnippetProject(snippets);
  const tsc = path.join(ROOT, 'node_modules', 'typescript', 'bin', 'tsc');
  const out = await run(process.execPath, [tsc, '--noEmit', '-p', dir], {
    cwd: ROOT,
    maxBuffer: 1 << 24,
  }).then(
    () => '',
    (e: { stdout?: string }) => e.stdout ?? String(e),
  );
  const problems = out
    .split('\n')
    .filter((l) => /error TS/.test(l))
    .map((l) => {
      const m = /([^/\\(]+\.mts)\((\d+),\d+\): (.*)$/.exec(l);
      const s = m ? names.get(m[1]!) : undefined;
      return s ? `${s.file}:${s.line + Number(m![2])}: ${m![3]}` : l;
    });
  expect(problems).toEqual([]);
});
