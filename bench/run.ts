/**
 * `npm run bench [-- name ...]`: runs bench/<name>.bench.ts (all of them by default). Each bench
 * module's default export returns a markdown section; it is written to bench/results/<name>.md and
 * BENCHMARKS.md is assembled from every file there, so one module's run never erases another's.
 */
import { readdir, readFile, writeFile } from 'node:fs/promises';
import { dirname, join } from 'node:path';
import { fileURLToPath, pathToFileURL } from 'node:url';

const here = dirname(fileURLToPath(import.meta.url));
const wanted = process.argv.slice(2);
const all = (await readdir(here))
  .filter((f) => f.endsWith('.bench.ts'))
  .map((f) => f.slice(0, -'.bench.ts'.length));
const names = wanted.length ? wanted : all.sort();
for (const name of names)
  if (!all.includes(name)) throw new Error(`no bench/${name}.bench.ts (have: ${all.join(', ')})`);
// A module that fails (express-instructions without valgrind, say) is reported and its earlier
// results are kept; the others still run, and the exit status says something failed.
const failed: string[] = [];
for (const name of names) {
  console.error(`bench: ${name} ...`);
  try {
    const mod = (await import(pathToFileURL(join(here, `${name}.bench.ts`)).href)) as {
      default: () => Promise<string>;
    };
    const section = await mod.default();
    await writeFile(join(here, 'results', `${name}.md`), `${section.trim()}\n`);
    console.log(section);
  } catch (error) {
    failed.push(name);
    console.error(`bench: ${name} failed, its earlier results kept:`, error);
  }
}
if (failed.length > 0) process.exitCode = 1;
const parts = (await readdir(join(here, 'results'))).filter((f) => f.endsWith('.md')).sort();
const body = await Promise.all(parts.map((f) => readFile(join(here, 'results', f), 'utf8')));
await writeFile(
  join(here, '..', 'BENCHMARKS.md'),
  `# Benchmarks\n\nProduced by \`npm run bench\` (one module: \`npm run bench -- <name>\`). These machines are shared and\nnoisy, so every figure that matters is a ratio against a peer measured in the same run, in interleaved\nrounds. Absolute numbers are for orientation only.\n\n${body.join('\n')}`,
);
