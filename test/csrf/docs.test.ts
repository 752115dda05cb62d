/**
 * Every TypeScript snippet of docs/csrf.md runs as written: each is type-checked with the project's
 * strict compiler options and then imported (run), with `crossorigin/<x>` pointing at the sources.
 * The snippets listen on loopback port 0 and close again.
 */
import { mkdirSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { dirname, join, relative } from 'node:path';
import { fileURLToPath, pathToFileURL } from 'node:url';
import ts from 'typescript';
import { afterAll, describe, expect, it } from 'vitest';

const root = join(dirname(fileURLToPath(import.meta.url)), '..', '..');
const dir = join(root, 'test-artifacts', 'csrf-docs');

/** Where each public subpath lives in the sources. */
const ENTRY: Record<string, string> = {
  csrf: 'src/csrf/index.ts',
  server: 'src/server/index.ts',
  origin: 'src/origin/index.ts',
  node: 'src/adapters/node.ts',
  express: 'src/adapters/express.ts',
  fastify: 'src/adapters/fastify.ts',
  koa: 'src/adapters/koa.ts',
  hono: 'src/adapters/hono.ts',
  fetch: 'src/adapters/fetch.ts',
};

function snippets(): string[] {
  const md = readFileSync(join(root, 'docs', 'csrf.md'), 'utf8');
  return [...md.matchAll(/```ts\n([\s\S]*?)```/g)].map((m) => m[1]!);
}

function localize(code: string): string {
  return code.replace(/from 'crossorigin\/([a-z]+)'/g, (_m, name: string) => {
    const entry = ENTRY[name];
    if (entry === undefined) throw new Error(`no entry for crossorigin/${name}`);
    const rel = relative(dir, join(root, entry)).replace(/\.ts$/, '.js');
    return `from '${rel.startsWith('.') ? rel : `./${rel}`}'`;
  });
}

const list = snippets();
rmSync(dir, { recursive: true, force: true });
mkdirSync(dir, { recursive: true });
const files = list.map((code, i) => {
  const file = join(dir, `snippet-${i}.ts`);
  // `export {}` makes each snippet a module (top-level await, no global name clashes).
  writeFileSync(file, `${localize(code)}\nexport {};\n`);
  return file;
});

afterAll(() => rmSync(dir, { recursive: true, force: true }));

describe('docs/csrf.md snippets', () => {
  it('has snippets, including the WebSocket section', () => {
    expect(list.length).toBeGreaterThanOrEqual(6);
    expect(list.some((s) => s.includes('csrfUpgrade'))).toBe(true);
  });

  it('type-check under the strict project options', () => {
    const config = ts.readConfigFile(join(root, 'tsconfig.json'), ts.sys.readFile);
    const parsed = ts.parseJsonConfigFileContent(config.config, ts.sys, root);
    const program = ts.createProgram(files, { ...parsed.options, noEmit: true });
    const diagnostics = ts
      .getPreEmitDiagnostics(program)
      .filter((d) => d.file === undefined || files.includes(d.file.fileName))
      .map((d) => {
        const where = d.file
          ? `${relative(root, d.file.fileName)}:${d.file.getLineAndCharacterOfPosition(d.start ?? 0).line + 1}`
          : '';
        return `${where} ${ts.flattenDiagnosticMessageText(d.messageText, '\n')}`;
      });
    expect(diagnostics).toEqual([]);
  }, 120_000);

  it.each(files.map((f, i) => [i, f] as const))('snippet %i runs', async (_i, file) => {
    await import(pathToFileURL(file).href);
  });
});
