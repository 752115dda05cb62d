/**
 * The shared suite against the fetch adapter inside real runtimes: Cloudflare's `workerd`, Deno and
 * Bun (all installed from npm as dev dependencies). The fetch adapter, the real policy and guard and
 * the suite's application are bundled with esbuild into one module per runtime; each runtime serves
 * it on 127.0.0.1 with an ephemeral port and every case travels over real HTTP. A missing runtime
 * binary fails the suite (it is a dev dependency), it is never skipped.
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { ADAPTER_CASES, type AdapterCase, exclusion, fixtureCases, meantWithoutHost } from './cases.js';
import { send } from './client.js';
import { expectedDecision, judge } from './judge.js';
import { type Launched, launch, RUNTIMES } from './runtime/launch.js';
import { type Setup, setupKey } from './setups.js';

const ALL: AdapterCase[] = [...fixtureCases(), ...ADAPTER_CASES];
const SETUPS: Setup[] = [];
const INDEX = new Map<string, number>();
for (const c of ALL) {
  const k = setupKey(c.setup);
  if (!INDEX.has(k)) {
    INDEX.set(k, SETUPS.length);
    SETUPS.push(c.setup);
  }
}

for (const runtime of RUNTIMES) {
  describe(`fetch adapter in ${runtime.name}`, () => {
    let server: Launched | undefined;
    let port = 0;
    beforeAll(async () => {
      server = await launch(runtime, SETUPS);
      port = server.port;
    }, 60_000);
    afterAll(async () => {
      await server?.close();
    });

    const cases = ALL.filter((c) => exclusion(c, runtime.transport) === null);
    const excluded = ALL.filter((c) => exclusion(c, runtime.transport) !== null);
    it('runs the table', () => {
      expect(cases.length).toBeGreaterThan(150);
      console.log(
        `${runtime.name}: ${cases.length} cases run, ${excluded.length} excluded:\n${excluded.map((c) => `  ${c.id}: ${exclusion(c, runtime.transport)}`).join('\n')}`,
      );
    });
    it.each(cases.map((c) => [c.id, c] as const))('%s', async (_id, c) => {
      const d = await expectedDecision(c);
      const headers = [...c.request.headers, ['x-suite-setup', String(INDEX.get(setupKey(c.setup)))]] as [
        string,
        string,
      ][];
      const reply = await send(port, { ...c.request, headers, noHost: meantWithoutHost(c) });
      expect(reply.headers.get('x-suite'), 'the runtime found the setup').toBeUndefined();
      judge(c, d, reply, { before: false });
    });
  });
}
