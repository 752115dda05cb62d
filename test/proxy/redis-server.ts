/**
 * A throwaway `redis-server` (tests and the proxy bench): on 127.0.0.1, a free port, no
 * persistence; `stop()` kills it, `start()` starts it again on the same port.
 */
import { type ChildProcess, spawn } from 'node:child_process';
import net from 'node:net';

export const REDIS_SERVER = process.env.REDIS_SERVER_PATH ?? '/usr/bin/redis-server';

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
