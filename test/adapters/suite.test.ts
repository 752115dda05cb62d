/**
 * The shared adapter suite: every case of the table (fixtures + adapter cases) against every
 * adapter in its real framework, over real HTTP on 127.0.0.1 where the adapter has a server.
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { RequestView } from '../../src/_http/index.js';
import { ADAPTER_CASES, type AdapterCase, exclusion, fixtureCases, meantWithoutHost } from './cases.js';
import { expectedDecision, judge } from './judge.js';
import { type Running, STARTERS } from './servers.js';
import { buildCore, setupKey } from './setups.js';

const ALL: AdapterCase[] = [...fixtureCases(), ...ADAPTER_CASES];

function groups(cases: AdapterCase[]): [string, AdapterCase[]][] {
  const m = new Map<string, AdapterCase[]>();
  for (const c of cases) {
    const k = setupKey(c.setup);
    m.set(k, [...(m.get(k) ?? []), c]);
  }
  return [...m];
}

it('the table has fixture cases and adapter cases', () => {
  expect(ADAPTER_CASES.length).toBeGreaterThan(20);
  expect(new Set(ALL.map((c) => c.id)).size).toBe(ALL.length);
});

it('every excluded (adapter, case) pair has a transport reason', () => {
  const excluded: string[] = [];
  for (const starter of STARTERS) {
    for (const c of ALL) {
      const why = exclusion(c, starter.transport);
      if (why) excluded.push(`${starter.name} × ${c.id}: ${why}`);
    }
  }
  // A handful at most: the table must keep running almost everywhere.
  expect(excluded.length).toBeLessThan(STARTERS.length * 6);
  console.log(
    `adapter suite: ${ALL.length} cases × ${STARTERS.length} adapters; ${excluded.length} pairs excluded:\n${excluded.join('\n')}`,
  );
});

for (const starter of STARTERS) {
  describe(starter.name, () => {
    const cases = ALL.filter((c) => exclusion(c, starter.transport) === null);
    for (const [key, list] of groups(cases)) {
      describe(key.length > 80 ? `${key.slice(0, 77)}...` : key, () => {
        let running: Running;
        const errors: unknown[] = [];
        const onError = (error: unknown, _request: RequestView) => {
          errors.push(error);
        };
        beforeAll(async () => {
          const setup = list[0]!.setup;
          running = await starter.start(setup.kind, buildCore(setup), onError);
        });
        afterAll(async () => {
          await running?.close();
        });
        it.each(list.map((c) => [c.id, c] as const))('%s', async (_id, c) => {
          const before = errors.length;
          const d = await expectedDecision(c);
          const reply = await running.call({ ...c.request, noHost: meantWithoutHost(c) });
          judge(c, d, reply, { before: starter.before === true });
          const failing = c.setup.special && c.setup.special !== 'async';
          expect(errors.length > before, `onError called: ${failing ? 'yes' : 'no'}`).toBe(Boolean(failing));
        });
      });
    }
  });
}
