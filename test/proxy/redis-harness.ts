/**
 * A throwaway `redis-server` for tests: on 127.0.0.1, a free port, no persistence, stopped after.
 * The availability policy follows the browser harness (test/browsers/harness/available.ts and
 * vitest.ts): with redis-server missing, the suite FAILS under CI=true and is skipped elsewhere
 * with the reason printed, never a silent pass.
 */
import { accessSync, constants } from 'node:fs';
import { afterAll, beforeAll, describe } from 'vitest';
import { REDIS_SERVER, type RedisServer, startRedis } from './redis-server.js';

type SuitePolicy = { run: true } | { run: false; fail: boolean; reason: string };

export function redisSuitePolicy(env: NodeJS.ProcessEnv = process.env): SuitePolicy {
  try {
    accessSync(REDIS_SERVER, constants.X_OK);
    return { run: true };
  } catch {
    const reason = `redis-server not found at ${REDIS_SERVER} (install Debian's redis-server package, or set REDIS_SERVER_PATH)`;
    const fail = env.CI === 'true';
    if (!fail) process.stderr.write(`[crossorigin redis tests] SKIPPING: ${reason}\n`);
    return { run: false, fail, reason };
  }
}

/** `describeRedis(title, (redis) => { ... })`: one redis-server for the suite. */
export function describeRedis(title: string, body: (redis: () => RedisServer) => void): void {
  const policy = redisSuitePolicy();
  describe.runIf(policy.run || policy.fail)(policy.run ? title : `${title} (${policy.reason})`, () => {
    let server: RedisServer | undefined;
    beforeAll(async () => {
      if (!policy.run) throw new Error(`CI=true and ${policy.reason}`);
      server = await startRedis();
    });
    afterAll(async () => {
      await server?.stop();
    });
    body(() => {
      if (!server) throw new Error('redis-server not started');
      return server;
    });
  });
}
