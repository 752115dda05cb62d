/**
 * Node's require(esm) refuses a module graph with top-level await (ERR_REQUIRE_ASYNC_MODULE), so
 * no module the package ships may have one: every source module is parsed and searched for an
 * `await` (or `for await`) outside any function. The check itself is tested on a module that has one.
 */
import { readdirSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import ts from 'typescript';
import { describe, expect, it } from 'vitest';
import { ROOT } from './build.js';

/** Top-level awaits of one module: `line:column` of each. */
function topLevelAwaits(fileName: string, text: string): string[] {
  const source = ts.createSourceFile(fileName, text, ts.ScriptTarget.Latest, true);
  const found: string[] = [];
  const visit = (node: ts.Node): void => {
    if (ts.isFunctionLike(node) || ts.isClassStaticBlockDeclaration(node)) return;
    const isAwait =
      ts.isAwaitExpression(node) || (ts.isForOfStatement(node) && node.awaitModifier !== undefined);
    if (isAwait) {
      const { line, character } = source.getLineAndCharacterOfPosition(node.getStart(source));
      found.push(`${line + 1}:${character + 1}`);
    }
    ts.forEachChild(node, visit);
  };
  visit(source);
  return found;
}

describe('no top-level await in any shipped module', () => {
  it('the check finds one', () => {
    const text =
      'export const a = await Promise.resolve(1);\nasync function f() { await 1; }\nfor await (const x of []) {}\n';
    expect(topLevelAwaits('probe.ts', text)).toEqual(['1:18', '3:1']);
  });

  it('src/ (everything tsc builds into dist/) has none', () => {
    const files = (readdirSync(join(ROOT, 'src'), { recursive: true }) as string[]).filter(
      (f) => f.endsWith('.ts') && !f.endsWith('.test.ts') && !f.endsWith('.d.ts'),
    );
    expect(files.length).toBeGreaterThan(50);
    const offenders = files.flatMap((f) =>
      topLevelAwaits(f, readFileSync(join(ROOT, 'src', f), 'utf8')).map((at) => `src/${f}:${at}`),
    );
    expect(offenders).toEqual([]);
  });
});
