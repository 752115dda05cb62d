/**
 * The CSRF case tables (test/fixtures/csrf-*.json): every attack is refused with its typed reason
 * and a well-formed 403, every legitimate request passes with its reason and leaves the response
 * untouched.
 */
import { describe, expect, it } from 'vitest';
import { type CsrfGuardOptions, createCsrfGuard } from '../../src/csrf/index.js';
import { type CsrfCase, loadTables } from '../fixtures/schema.js';
import { viewOf } from './view.js';

const tables = loadTables('csrf');

describe('csrf tables', () => {
  it('has the attack and the legitimate tables', () => {
    expect(tables.map((t) => t.table)).toEqual(expect.arrayContaining(['csrf-attacks', 'csrf-legitimate']));
    const attacks = tables.find((t) => t.table === 'csrf-attacks')!;
    const legit = tables.find((t) => t.table === 'csrf-legitimate')!;
    expect(attacks.cases.every((c) => !c.expect.allowed)).toBe(true);
    expect(legit.cases.every((c) => c.expect.allowed)).toBe(true);
  });

  for (const table of tables) {
    describe(table.table, () => {
      it.each(table.cases.map((c) => [c.id, c] as const))('%s', (_id, c: CsrfCase) => {
        const guard = createCsrfGuard(c.options as CsrfGuardOptions);
        const view = viewOf(c.request);
        const d = guard.check(view);
        expect({ allowed: d.allowed, reason: d.reason }).toEqual({
          allowed: c.expect.allowed,
          reason: c.expect.reason,
        });
        // handle is check: adapters see the same decision.
        expect(guard.handle(view)).toEqual(d);
        if (d.allowed) {
          expect(d.end).toBe(false);
          expect(d.headers).toEqual([]);
          expect(d.vary).toEqual([]);
        } else {
          expect(d.end).toBe(true);
          expect(d.status).toBe(403);
          expect(d.body.length).toBeGreaterThan(0);
          expect(d.contentType).toBe('text/plain; charset=utf-8');
          expect(d.headers).toContainEqual(['cache-control', 'no-store']);
          expect(d.vary).toEqual(expect.arrayContaining(['Sec-Fetch-Site', 'Origin']));
        }
      });
    });
  }
});
