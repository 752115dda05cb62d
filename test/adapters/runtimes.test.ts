/**
 * The shared suite against the fetch adapter inside real runtimes: Cloudflare's `workerd`, Deno and
 * Bun (all installed from npm as dev dependencies). The fetch adapter, the real policy and guard and
 * the suite's application are bundled with esbuild into one module per runtime; each runtime serves
 * it on 127.0.0.1 with an ephemeral port and every case travels over real HTTP. A missing runtime
 * binary fails the suite (it is a dev dependency), it is never skipped.
 */
import { type ChildProcess, spawn } from 'node:child_process';
import { existsSync } from 'node:fs';
import { mkdtemp, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { build } from 'esbuild';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import {
  ADAPTER_CASES,
  type AdapterCase,
  exclusion,
  fixtureCases,
  meantWithoutHost,
  type Transport,
} from './cases.js';
import { send } from './client.js';
import { expectedDecision, judge } from './judge.js';
import { type Setup, setupKey } from './setups.js';

const here = dirname(fileURLToPath(import.meta.url));
const bin = (name: string) => join(here, '..', '..', 'node_modules', '.bin', name);

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

async function bundle(entry: string, outfile: string): Promise<void> {
  await build({
    entryPoints: [join(here, 'runtime', entry)],
    outfile,
    bundle: true,
    format: 'esm',
    platform: 'neutral',
    mainFields: ['module', 'main'],
    conditions: ['import', 'default'],
    target: 'es2022',
    define: { __SETUPS__: JSON.stringify(SETUPS) },
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

interface Runtime {
  name: string;
  /** What the runtime's HTTP server refuses before the handler (observed with raw requests). */
  transport: Transport;
  binary: string;
  entry: string;
  start(dir: string, file: string): Promise<{ child: ChildProcess; port: Promise<number> }>;
}

const RUNTIMES: Runtime[] = [
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
    transport: { fetchRequest: true },
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

for (const runtime of RUNTIMES) {
  describe(`fetch adapter in ${runtime.name}`, () => {
    let dir = '';
    let child: ChildProcess | undefined;
    let port = 0;
    beforeAll(async () => {
      expect(existsSync(runtime.binary), `${runtime.binary} is installed (npm dev dependency)`).toBe(true);
      dir = await mkdtemp(join(tmpdir(), `crossorigin-${runtime.name}-`));
      await bundle(runtime.entry, join(dir, 'worker.js'));
      const started = await runtime.start(dir, 'worker.js');
      child = started.child;
      port = await started.port;
    }, 60_000);
    afterAll(async () => {
      if (child && child.exitCode === null) {
        const exited = new Promise((r) => child!.once('exit', r));
        child.kill('SIGTERM');
        await Promise.race([exited, new Promise((r) => setTimeout(r, 3000))]);
        if (child.exitCode === null) child.kill('SIGKILL');
      }
      if (dir) await rm(dir, { recursive: true, force: true });
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
