/**
 * Launches the fetch adapter inside a real runtime (workerd, Deno, Bun): bundles
 * runtime/<name>-entry.ts with esbuild (the fetch adapter, the real policy and guard, the suite's
 * application, and the given setups inlined), serves it on 127.0.0.1 with an ephemeral port, and
 * stops it again. Used by the runtime suite and by the Chromium end-to-end test.
 */
import { type ChildProcess, spawn } from 'node:child_process';
import { existsSync } from 'node:fs';
import { mkdtemp, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { build } from 'esbuild';
import type { Transport } from '../cases.js';
import type { Setup } from '../setups.js';

const here = dirname(fileURLToPath(import.meta.url));
const bin = (name: string) => join(here, '..', '..', '..', 'node_modules', '.bin', name);

/** What a bundle may add: compile-time constants, and modules the runtime provides itself. */
export interface BundleOptions {
  define?: Record<string, string>;
  external?: string[];
}

async function bundle(entry: string, outfile: string, options: BundleOptions): Promise<void> {
  await build({
    entryPoints: [entry],
    outfile,
    bundle: true,
    format: 'esm',
    platform: 'neutral',
    mainFields: ['module', 'main'],
    conditions: ['import', 'default'],
    target: 'es2022',
    ...options,
    logLevel: 'silent',
  });
}

/** Waits for a line of JSON with a `port` (or workerd's listen event) on a stream. */
function portFrom(child: ChildProcess, stream: NodeJS.ReadableStream, what: string): Promise<number> {
  return new Promise((resolve, reject) => {
    let buf = '';
    let stderr = '';
    child.stderr?.on('data', (d: Buffer) => {
      stderr += d.toString();
    });
    const timer = setTimeout(
      () => reject(new Error(`${what} did not listen within 30 s: ${stderr}`)),
      30_000,
    );
    stream.on('data', (d: Buffer) => {
      buf += d.toString();
      for (const line of buf.split('\n')) {
        try {
          const msg = JSON.parse(line) as { port?: number; event?: string };
          if (typeof msg.port === 'number') {
            clearTimeout(timer);
            resolve(msg.port);
            return;
          }
        } catch {
          // not a JSON line (yet)
        }
      }
    });
    child.once('exit', (code) => {
      clearTimeout(timer);
      reject(new Error(`${what} exited with ${code}: ${stderr}`));
    });
  });
}

export interface Runtime {
  name: string;
  /** What the runtime's HTTP server refuses before the handler (observed with raw requests). */
  transport: Transport;
  binary: string;
  entry: string;
  start(dir: string, file: string): Promise<{ child: ChildProcess; port: Promise<number> }>;
}

export const RUNTIMES: Runtime[] = [
  {
    name: 'workerd',
    transport: {
      unknownMethod: 'workerd answers 501 "Unrecognized request method" before the worker',
      missingHost: 'workerd answers 400 to an HTTP/1.1 request without Host before the worker',
    },
    binary: bin('workerd'),
    entry: 'workerd-entry.ts',
    async start(dir, file) {
      const config = `using Workerd = import "/workerd/workerd.capnp";
const config :Workerd.Config = (
  services = [ (name = "main", worker = .worker) ],
  sockets = [ (name = "http", address = "127.0.0.1:0", http = (), service = "main") ],
);
const worker :Workerd.Worker = (
  modules = [ (name = "worker.js", esModule = embed "${file}") ],
  compatibilityDate = "2025-01-01",
);
`;
      const capnp = join(dir, 'config.capnp');
      await writeFile(capnp, config);
      const child = spawn(this.binary, ['serve', capnp, '--control-fd=3'], {
        cwd: dir,
        stdio: ['ignore', 'ignore', 'pipe', 'pipe'],
      });
      return { child, port: portFrom(child, child.stdio[3] as NodeJS.ReadableStream, 'workerd') };
    },
  },
  {
    name: 'deno',
    // Deno accepts lower-case methods and requests without Host, but its Request upper-cases
    // get/post/… as the Fetch API requires: the handler never sees the case's method.
    transport: {
      fetchRequest: true,
      repeatedHost:
        "Deno's HTTP server answers 400 to a repeated Host before the handler (seen in test/csrf/websocket-runtimes)",
    },
    binary: bin('deno'),
    entry: 'deno-entry.ts',
    async start(dir, file) {
      const child = spawn(this.binary, ['run', '--allow-net=127.0.0.1', '--no-prompt', join(dir, file)], {
        cwd: dir,
        env: { ...process.env, DENO_NO_UPDATE_CHECK: '1', NO_COLOR: '1', DENO_DIR: join(dir, 'deno-cache') },
        stdio: ['ignore', 'pipe', 'pipe'],
      });
      return { child, port: portFrom(child, child.stdout!, 'deno') };
    },
  },
  {
    name: 'bun',
    transport: {
      unknownMethod: 'Bun closes the connection without an answer',
      missingHost: 'Bun answers 400 to an HTTP/1.1 request without Host before the handler',
    },
    binary: bin('bun'),
    entry: 'bun-entry.ts',
    async start(dir, file) {
      const child = spawn(this.binary, [join(dir, file)], {
        cwd: dir,
        env: { ...process.env, DO_NOT_TRACK: '1', NO_COLOR: '1' },
        stdio: ['ignore', 'pipe', 'pipe'],
      });
      return { child, port: portFrom(child, child.stdout!, 'bun') };
    },
  },
];

export interface Launched {
  port: number;
  close(): Promise<void>;
}

/** Bundles the setups for a runtime and serves them; requests pick a setup by index (see dispatch.ts). */
export function launch(runtime: Runtime, setups: Setup[]): Promise<Launched> {
  return launchEntry(runtime, join(here, runtime.entry), { define: { __SETUPS__: JSON.stringify(setups) } });
}

/** Bundles `entry` (a file path) with esbuild and serves it in the runtime, on loopback. */
export async function launchEntry(
  runtime: Runtime,
  entry: string,
  options: BundleOptions,
): Promise<Launched> {
  if (!existsSync(runtime.binary)) throw new Error(`${runtime.binary} is not installed (npm dev dependency)`);
  const dir = await mkdtemp(join(tmpdir(), `crossorigin-${runtime.name}-`));
  let child: ChildProcess | undefined;
  const close = async () => {
    if (child && child.exitCode === null) {
      const c = child;
      const exited = new Promise((r) => c.once('exit', r));
      c.kill('SIGTERM');
      await Promise.race([exited, new Promise((r) => setTimeout(r, 3000))]);
      if (c.exitCode === null) c.kill('SIGKILL');
    }
    await rm(dir, { recursive: true, force: true });
  };
  try {
    await bundle(entry, join(dir, 'worker.js'), options);
    const started = await runtime.start(dir, 'worker.js');
    child = started.child;
    return { port: await started.port, close };
  } catch (error) {
    await close();
    throw error;
  }
}
