/**
 * Every `exports` entry of package.json resolves to a built file with its type declarations, and
 * every subpath can be imported. `npm test` builds before running the suite, so dist/ is fresh.
 */
import { existsSync, readFileSync } from 'node:fs';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { describe, expect, it } from 'vitest';

const root = join(dirname(fileURLToPath(import.meta.url)), '..');
const pkg = JSON.parse(readFileSync(join(root, 'package.json'), 'utf8')) as {
  exports: Record<string, string | { types: string; import: string }>;
  bin?: Record<string, string>;
};
const subpaths = Object.entries(pkg.exports).filter(([k]) => k !== './package.json');

describe('package exports', () => {
  it('has at least one module subpath', () => {
    expect(subpaths.length).toBeGreaterThan(0);
  });

  it.each(subpaths)('%s has built JS and types', async (subpath, target) => {
    expect(typeof target, `${subpath} must be an object with types and import`).toBe('object');
    const t = target as { types: string; import: string };
    expect(Object.keys(t)[0], 'types must come first in the conditions').toBe('types');
    expect(existsSync(join(root, t.import)), `${t.import} is built`).toBe(true);
    expect(existsSync(join(root, t.types)), `${t.types} is built`).toBe(true);
    const mod = (await import(join(root, t.import))) as Record<string, unknown>;
    expect(Object.keys(mod).length, `${subpath} exports something`).toBeGreaterThan(0);
  });

  it('private folders are not exported', () => {
    for (const [k] of subpaths) expect(k.includes('/_')).toBe(false);
  });

  it('bin entries point at built files', () => {
    for (const [name, file] of Object.entries(pkg.bin ?? {})) {
      expect(existsSync(join(root, file)), `bin ${name} -> ${file}`).toBe(true);
    }
  });
});
