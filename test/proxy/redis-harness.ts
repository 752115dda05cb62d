/**
 * A throwaway `redis-server` for tests: on 127.0.0.1, a free port, no persistence, stopped after.
 * The availability policy follows the browser harness (test/browsers/harness/available.ts and
 * vitest.ts): with redis-server missing, the suite FAILS under CI=true and is skipped elsewhere
 * with the reason printed, never a silent pass.
 */
import { type ChildProcess, spawn } from 'node:child_process';
import { accessSync, constants } from 'node:fs';
import net from 'node:net';
import { afterAll, beforeAll, describe } from 'vitest';

export const REDIS_SERVER = process.env.REDIS_SERVER_PATH ?? '/usr/bin/redis-server';

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

/** A running redis-server; `stop()` ends it, `start()` starts it again on the same port. */
export interface RedisServer {
  readonly port: number;
  readonly url: string;
  stop(): Promise<void>;
  start(): Promise<void>;
}

async function freePort(): Promise<number> {
  const server = net.createServer();
  await new Promise<void>((r) => server.listen(0, '127.0.0.1', r));
  const port = (server.address() as net.AddressInfo).port;
  await new Promise<void>((r) => server.close(() => r()));
  return port;
}

export async function startRedis(): Promise<RedisServer> {
  const port = await freePort();
  let proc: ChildProcess | null = null;
  const start = () =>
    new Promise<void>((resolve, reject) => {
      const child = spawn(
        REDIS_SERVER,
        ['--port', String(port), '--bind', '127.0.0.1', '--save', '', '--appendonly', 'no', '--dir', '/tmp'],
        { stdio: ['ignore', 'pipe', 'inherit'] },
      );
      proc = child;
      let out = '';
      const timer = setTimeout(
        () => reject(new Error(`redis-server did not start: ${out.slice(-500)}`)),
        10_000,
      );
      child.stdout?.on('data', (d: Buffer) => {
        out += d.toString();
        if (out.includes('Ready to accept connections')) {
          clearTimeout(timer);
          resolve();
        }
      });
      child.once('exit', (code) => {
        clearTimeout(timer);
        reject(new Error(`redis-server exited (${code}): ${out.slice(-500)}`));
      });
    });
  const stop = () =>
    new Promise<void>((resolve) => {
      const child = proc;
      if (!child || child.exitCode !== null) return resolve();
      child.once('exit', () => resolve());
      child.kill('SIGKILL');
    });
  await start();
  return { port, url: `redis://127.0.0.1:${port}`, stop, start };
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
