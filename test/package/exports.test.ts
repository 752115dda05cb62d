/**
 * Every `exports` entry of package.json resolves to built files: for `import` the ES module and its
 * `.d.ts`, for `require` the same module (Node's require(esm)) and a `.d.cts`, types first in each
 * condition. Every subpath loads both ways; the bare name fails with the list of subpaths. Reads
 * dist/ (built by `npm test` before the suite, or by the tarball test when missing or stale).
 */
import { existsSync, readFileSync } from 'node:fs';
import { createRequire } from 'node:module';
import { join } from 'node:path';
import { beforeAll, describe, expect, it } from 'vitest';
import { ensureBuilt, ROOT } from './build.js';

interface Condition {
  types: string;
  default: string;
}
const pkg = JSON.parse(readFileSync(join(ROOT, 'package.json'), 'utf8')) as {
  exports: Record<string, string | { import: Condition; require: Condition }>;
  bin?: Record<string, string>;
  sideEffects?: unknown;
};
const subpaths = Object.entries(pkg.exports).filter(([k]) => k !== './package.json' && k !== '.');
const require = createRequire(join(ROOT, 'package.json'));

describe('package exports', () => {
  beforeAll(() => ensureBuilt(), 300_000);

  it('has the twelve module subpaths', () => {
    expect(subpaths.map(([k]) => k)).toEqual([
      './origin',
      './browser',
      './server',
      './csrf',
      './node',
      './express',
      './fastify',
      './koa',
      './hono',
      './fetch',
      './proxy',
      './scan',
    ]);
  });

  it.each(subpaths)('%s: import and require, each with its types first', async (subpath, target) => {
    expect(typeof target).toBe('object');
    const t = target as { import: Condition; require: Condition };
    expect(Object.keys(t)).toEqual(['import', 'require']);
    for (const c of [t.import, t.require]) {
      expect(Object.keys(c)).toEqual(['types', 'default']);
      expect(existsSync(join(ROOT, c.default)), `${c.default} is built`).toBe(true);
      expect(existsSync(join(ROOT, c.types)), `${c.types} is built`).toBe(true);
    }
    expect(t.import.types.endsWith('.d.ts') && t.require.types.endsWith('.d.cts')).toBe(true);
    const imported = (await import(join(ROOT, t.import.default))) as Record<string, unknown>;
    const required = require(`crossorigin${subpath.slice(1)}`) as Record<string, unknown>;
    expect(Object.keys(imported).length, `${subpath} exports something`).toBeGreaterThan(0);
    expect(Object.keys(required).sort()).toEqual(Object.keys(imported).sort());
  });

  it('the bare name says which subpaths exist', () => {
    expect(() => require('crossorigin')).toThrow(
      /no main entry[\s\S]*crossorigin\/express[\s\S]*crossorigin\/scan/,
    );
  });

  it('private folders are not exported', () => {
    for (const [k] of subpaths) expect(k.includes('/_')).toBe(false);
  });

  it('bin entries point at built files', () => {
    for (const [name, file] of Object.entries(pkg.bin ?? {})) {
      expect(existsSync(join(ROOT, file)), `bin ${name} -> ${file}`).toBe(true);
    }
  });

  it('no source maps pointing at unshipped sources', () => {
    const files = require('node:fs').readdirSync(join(ROOT, 'dist'), { recursive: true }) as string[];
    expect(files.filter((f) => f.endsWith('.map'))).toEqual([]);
  });
});
