/**
 * Extracts the code snippets of README.md and docs/*.md (```ts, ```js and their long names) into
 * files a type-checker can read, each as its own module, with `crossorigin/<subpath>` resolved to
 * the source the package exports (the exports map, dist/ read as src/).
 */
import {
  copyFileSync,
  mkdirSync,
  readdirSync,
  readFileSync,
  rmSync,
  symlinkSync,
  writeFileSync,
} from 'node:fs';
import path from 'node:path';

export const ROOT = path.resolve(import.meta.dirname, '../..');

export interface Snippet {
  file: string;
  /** 1-based line of the opening fence. */
  line: number;
  lang: 'ts' | 'js';
  code: string;
}

const FENCE = /^```(ts|typescript|js|javascript|mjs)\s*$/;

/** Every checked snippet of one Markdown file. */
export function snippetsOf(file: string): Snippet[] {
  const lines = readFileSync(path.join(ROOT, file), 'utf8').split('\n');
  const out: Snippet[] = [];
  for (let i = 0; i < lines.length; i++) {
    const m = FENCE.exec(lines[i]!);
    if (!m) continue;
    const start = i;
    const body: string[] = [];
    for (i++; i < lines.length && !lines[i]!.startsWith('```'); i++) body.push(lines[i]!);
    const lang = m[1] === 'js' || m[1] === 'javascript' || m[1] === 'mjs' ? 'js' : 'ts';
    out.push({ file, line: start + 1, lang, code: body.join('\n') });
  }
  return out;
}

export function allSnippets(): Snippet[] {
  const docs = readdirSync(path.join(ROOT, 'docs'))
    .filter((f) => f.endsWith('.md'))
    .map((f) => `docs/${f}`);
  return ['README.md', ...docs].flatMap(snippetsOf);
}

/** `crossorigin/<x>` -> the source file its export points at. */
/** An exports entry: a path, or conditions (`import`/`require`/`types`/`default`) nesting further ones. */
type ExportTarget = string | { readonly [condition: string]: ExportTarget };

/** The file an `import` resolves to: the `import` (then `default`) branch, down to a path. */
function importTarget(value: ExportTarget): string | undefined {
  if (typeof value === 'string') return value;
  const next = value.import ?? value.default;
  return next === undefined ? undefined : importTarget(next);
}

function pathsFromExports(): Record<string, string[]> {
  const pkg = JSON.parse(readFileSync(path.join(ROOT, 'package.json'), 'utf8')) as {
    name: string;
    exports: Record<string, ExportTarget>;
  };
  const paths: Record<string, string[]> = {};
  for (const [key, value] of Object.entries(pkg.exports)) {
    const target = importTarget(value);
    if (!target?.startsWith('./dist/')) continue;
    const src = target.replace(/^\.\/dist\//, '../../src/').replace(/\.(d\.ts|js)$/, '.ts');
    paths[key === '.' ? pkg.name : `${pkg.name}/${key.slice(2)}`] = [src];
  }
  return paths;
}

/** Writes every snippet and a tsconfig under test-artifacts/snippets; returns the folder and file names. */
export function writeSnippetProject(snippets: Snippet[]): { dir: string; names: Map<string, Snippet> } {
  const dir = path.join(ROOT, 'test-artifacts', 'snippets');
  rmSync(dir, { recursive: true, force: true });
  rmSync(path.join(ROOT, 'test-artifacts', '_fetch'), { force: true });
  mkdirSync(dir, { recursive: true });
  const names = new Map<string, Snippet>();
  snippets.forEach((s, i) => {
    const name = `${s.file.replace(/[/.]/g, '_')}_${s.line}_${i}.mts`;
    // Each snippet is its own module (top-level await and names do not clash).
    writeFileSync(path.join(dir, name), `${s.code}\nexport {};\n`);
    names.set(name, s);
  });
  const tsconfig = {
    extends: '../../tsconfig.json',
    compilerOptions: {
      noEmit: true,
      baseUrl: '.',
      // next has no `exports` map, so NodeNext needs its subpath spelled out.
      paths: { ...pathsFromExports(), 'next/server': ['../../node_modules/next/server.d.ts'] },
      noUnusedLocals: false,
      types: ['node'],
    },
    include: ['*.mts'],
  };
  writeFileSync(path.join(dir, 'tsconfig.json'), JSON.stringify(tsconfig, null, 2));
  // docs/adapters.md's Nest recipe imports the controller that sits beside it in test/adapters/recipes.
  copyFileSync(
    path.join(ROOT, 'test/adapters/recipes/nest-controller.ts'),
    path.join(dir, 'nest-controller.ts'),
  );
  // docs/internal-fetch.md shows code inside src/ (`../_fetch/index.js`): make that path resolve.
  symlinkSync(path.join(ROOT, 'src', '_fetch'), path.join(ROOT, 'test-artifacts', '_fetch'), 'dir');
  return { dir, names };
}
