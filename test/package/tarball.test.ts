/**
 * The published package, proven from its tarball: `npm pack`, then a fresh ESM project and a fresh
 * CommonJS project install it (no dev dependencies; the npm cache is reused, nothing but the npm
 * registry is reached) and use it as a new user would: every subpath required and imported, a
 * CommonJS Express app with the `cors` drop-in answering real requests, a type check of a consumer
 * under node16 / nodenext / bundler (ESM and CommonJS files) and the old `node` resolution,
 * `npx crossorigin --help`, `crossorigin check` against a local server, and `crossorigin lab`.
 */
import { type ChildProcess, execFile, spawn } from 'node:child_process';
import { mkdirSync, mkdtempSync, readdirSync, rmSync, statSync, writeFileSync } from 'node:fs';
import { createServer } from 'node:http';
import type { AddressInfo } from 'node:net';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { promisify } from 'node:util';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { ensureBuilt, ROOT } from './build.js';
import { CONSUMER_TS, EXPRESS_APP_CJS, LOAD_ALL_CJS, LOAD_ALL_ESM, MISUSE_TS, SUBPATHS } from './fixtures.js';

const run = promisify(execFile);
const TSC = join(ROOT, 'node_modules', 'typescript', 'bin', 'tsc');
const NPM_QUIET = ['--prefer-offline', '--no-audit', '--no-fund', '--omit=dev', '--loglevel=error'];

let work: string;
let tarball: string;
const esm = () => join(work, 'esm');
const cjs = () => join(work, 'cjs');

function project(dir: string, type: 'module' | 'commonjs'): void {
  mkdirSync(dir, { recursive: true });
  writeFileSync(join(dir, 'package.json'), JSON.stringify({ name: `consumer-${type}`, private: true, type }));
}

async function node(dir: string, file: string, timeout = 30_000): Promise<string> {
  const { stdout } = await run(process.execPath, [file], { cwd: dir, timeout });
  return stdout;
}

function duBytes(dir: string): number {
  let total = 0;
  for (const f of readdirSync(dir, { recursive: true }) as string[]) {
    const s = statSync(join(dir, f), { throwIfNoEntry: false });
    if (s?.isFile()) total += s.size;
  }
  return total;
}

beforeAll(async () => {
  ensureBuilt();
  work = mkdtempSync(join(tmpdir(), 'crossorigin-pack-'));
  const { stdout } = await run('npm', ['pack', '--ignore-scripts', '--json', '--pack-destination', work], {
    cwd: ROOT,
  });
  const [info] = JSON.parse(stdout) as { filename: string; size: number; unpackedSize: number }[];
  tarball = join(work, info!.filename);
  console.log(`tarball: ${info!.size} bytes packed, ${info!.unpackedSize} unpacked`);
  project(esm(), 'module');
  project(cjs(), 'commonjs');
  await Promise.all([
    run('npm', ['install', tarball, ...NPM_QUIET], { cwd: esm(), timeout: 240_000 }),
    run('npm', ['install', tarball, 'express@5', ...NPM_QUIET], { cwd: cjs(), timeout: 240_000 }),
  ]);
  console.log(
    `install footprint (ESM project, crossorigin and its dependencies): ${duBytes(join(esm(), 'node_modules'))} bytes`,
  );
}, 600_000);

afterAll(() => {
  if (work) rmSync(work, { recursive: true, force: true });
});

function expectLoadedBothWays(stdout: string): void {
  const { out, bare } = JSON.parse(stdout) as {
    out: Record<string, { required: string[]; imported: string[] }>;
    bare: string | null;
  };
  expect(Object.keys(out)).toEqual(SUBPATHS);
  for (const [name, { required, imported }] of Object.entries(out)) {
    expect(imported.length, name).toBeGreaterThan(0);
    expect(required, name).toEqual(imported);
  }
  expect(out['crossorigin/express']!.required).toContain('cors');
  expect(bare).toMatch(/no main entry[\s\S]*crossorigin\/server[\s\S]*crossorigin\/scan/);
}

describe('the packed tarball in fresh projects', () => {
  it('ESM project: every subpath imported and required', async () => {
    writeFileSync(join(esm(), 'load.mjs'), LOAD_ALL_ESM);
    expectLoadedBothWays(await node(esm(), 'load.mjs'));
  });

  it('CommonJS project: every subpath required and imported', async () => {
    writeFileSync(join(cjs(), 'load.cjs'), LOAD_ALL_CJS);
    expectLoadedBothWays(await node(cjs(), 'load.cjs'));
  });

  it('a CommonJS Express app with the cors drop-in answers real requests', async () => {
    writeFileSync(join(cjs(), 'app.cjs'), EXPRESS_APP_CJS);
    const result = JSON.parse(await node(cjs(), 'app.cjs'));
    expect(result.preflight).toEqual({
      status: 204,
      acao: 'https://app.example',
      acac: 'true',
      acam: 'GET,PUT',
      acah: 'content-type',
      vary: 'Origin, Access-Control-Request-Headers',
    });
    expect(result.actual).toMatchObject({
      status: 200,
      acao: 'https://app.example',
      acac: 'true',
      vary: 'Origin, Accept',
      body: { ok: true },
    });
    expect(result.evil.acao).toBeNull();
  });

  const resolutions = [
    { name: 'node16, CommonJS file', dir: cjs, file: 'consumer.cts', module: 'node16', resolution: 'node16' },
    { name: 'node16, ESM file', dir: cjs, file: 'consumer.mts', module: 'node16', resolution: 'node16' },
    {
      name: 'nodenext, CommonJS file',
      dir: esm,
      file: 'consumer.cts',
      module: 'nodenext',
      resolution: 'nodenext',
    },
    { name: 'nodenext, ESM file', dir: esm, file: 'consumer.ts', module: 'nodenext', resolution: 'nodenext' },
    { name: 'bundler', dir: esm, file: 'consumer.ts', module: 'esnext', resolution: 'bundler' },
    {
      name: 'old node (node10) with commonjs',
      dir: cjs,
      file: 'consumer.ts',
      module: 'commonjs',
      resolution: 'node',
    },
  ];

  /** Type-checks `files` in `base` under one resolution; returns tsc's output (empty when clean). */
  async function typeCheck(
    base: string,
    files: string[],
    module: string,
    resolution: string,
    skipLibCheck: boolean,
  ): Promise<string> {
    const tsconfig = {
      compilerOptions: {
        strict: true,
        noEmit: true,
        target: 'es2022',
        module,
        moduleResolution: resolution,
        // What `tsc --init` sets, and what the README asks of the old `node` resolution.
        ...(resolution === 'node' ? { ignoreDeprecations: '5.0', esModuleInterop: true } : {}),
        lib: ['es2022', 'dom'],
        types: ['node'],
        typeRoots: [join(ROOT, 'node_modules', '@types')],
        skipLibCheck,
      },
      files,
    };
    writeFileSync(join(base, 'tsconfig.json'), JSON.stringify(tsconfig));
    return await run(process.execPath, [TSC, '-p', base], { cwd: base, timeout: 120_000 }).then(
      ({ stdout }) => stdout,
      (e: { stdout: string; stderr: string }) => `${e.stdout}${e.stderr}`,
    );
  }

  it.each(resolutions)(
    'types resolve: $name',
    async ({ dir, file, module, resolution }) => {
      const base = join(dir(), `tc-${resolution}-${file.replace('.', '-')}`);
      mkdirSync(base, { recursive: true });
      const misuse = file.replace('consumer', 'misuse');
      writeFileSync(join(base, file), CONSUMER_TS);
      writeFileSync(join(base, misuse), MISUSE_TS);
      const output = await typeCheck(base, [file, misuse], module, resolution, true);
      // The consumer compiles; the misuse does not (so the types are real, not `any`).
      const errors = output.split('\n').filter((l) => / error TS/.test(l));
      expect(errors, output).toHaveLength(1);
      expect(errors[0]!.startsWith(`${misuse}(3,`), output).toBe(true);
      expect(errors[0]).toMatch(/error TS2322: Type 'number' is not assignable/);
    },
    180_000,
  );

  it('the declarations themselves check clean (ESM .d.ts and CommonJS .d.cts, skipLibCheck off)', async () => {
    const base = join(esm(), 'tc-declarations');
    mkdirSync(base, { recursive: true });
    writeFileSync(join(base, 'consumer.ts'), CONSUMER_TS);
    writeFileSync(join(base, 'consumer.cts'), CONSUMER_TS);
    expect(await typeCheck(base, ['consumer.ts', 'consumer.cts'], 'nodenext', 'nodenext', false)).toBe('');
  }, 180_000);

  it('npx crossorigin --help', async () => {
    const { stdout } = await run('npx', ['--no-install', 'crossorigin', '--help'], { cwd: cjs() });
    expect(stdout).toMatch(/Usage: crossorigin/);
    for (const command of ['check', 'scan', 'proxy', 'lab']) expect(stdout).toContain(command);
  });

  it('crossorigin check against a local server', async () => {
    const server = createServer((req, res) => {
      if (req.method === 'OPTIONS') {
        res.writeHead(204, {
          'access-control-allow-origin': 'https://app.example',
          'access-control-allow-methods': 'PUT',
        });
        res.end();
        return;
      }
      res.writeHead(200, { 'access-control-allow-origin': 'https://app.example' });
      res.end('ok');
    });
    await new Promise<void>((r) => server.listen(0, '127.0.0.1', r));
    const url = `http://127.0.0.1:${(server.address() as AddressInfo).port}/items`;
    try {
      const bin = join(cjs(), 'node_modules', '.bin', 'crossorigin');
      const allowed = await run(bin, ['check', url, '--from', 'https://app.example', '-X', 'PUT', '--json']);
      expect(JSON.parse(allowed.stdout).exitCode).toBe(0);
      const blocked = await run(bin, [
        'check',
        url,
        '--from',
        'https://app.example',
        '-X',
        'PUT',
        '-H',
        'X-Token: 1',
      ]).then(
        () => null,
        (e: { code: number; stdout: string }) => e,
      );
      expect(blocked?.code).toBe(1);
      expect(blocked?.stdout).toMatch(/BLOCKED/);
    } finally {
      server.close();
    }
  }, 60_000);

  it('crossorigin lab starts and serves its page', async () => {
    const bin = join(esm(), 'node_modules', '.bin', 'crossorigin');
    const child: ChildProcess = spawn(bin, ['lab', '--port', '0'], { stdio: ['ignore', 'pipe', 'pipe'] });
    try {
      const url = await new Promise<string>((resolve, reject) => {
        let text = '';
        const timer = setTimeout(() => reject(new Error(`lab printed no URL: ${text}`)), 30_000);
        child.stdout!.on('data', (chunk: Buffer) => {
          text += chunk.toString();
          const m = /http:\/\/[^\s]+/.exec(text);
          if (m) {
            clearTimeout(timer);
            resolve(m[0]);
          }
        });
        child.on('exit', (code) => reject(new Error(`lab exited with ${code}: ${text}`)));
      });
      const page = await fetch(url);
      expect(page.status).toBe(200);
      expect(page.headers.get('content-type')).toMatch(/text\/html/);
    } finally {
      child.kill('SIGTERM');
    }
  }, 60_000);
});
