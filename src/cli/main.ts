#!/usr/bin/env node
/**
 * The `crossorigin` command line. Each command lives in its own module and exports
 * `register<Name>Command(program)`; this file only lists them. Exit codes: 0 success, 1 the
 * answer is "no" (blocked, findings), 2 usage error or network failure.
 */
import { realpathSync } from 'node:fs';
import { fileURLToPath } from 'node:url';
import { Command, CommanderError } from 'commander';
import { registerCheckCommand } from './check.js';
import { EXIT } from './output.js';
import { registerProxyCommand } from './proxy.js';
import { registerScanCommand } from './scan.js';

type Register = (program: Command) => unknown;

/** The commands, in the order `--help` lists them. */
const COMMANDS: readonly Register[] = [registerCheckCommand, registerScanCommand, registerProxyCommand];

/**
 * Command modules that may not be in every build: loaded when present (`./lab.js` exports
 * `registerLabCommand`). A module that exists but fails to load is an error, not silence.
 */
const OPTIONAL_COMMANDS: readonly { module: string; register: string }[] = [
  { module: './lab.js', register: 'registerLabCommand' },
];

export const VERSION = '0.1.0';

async function optionalCommands(): Promise<Register[]> {
  const out: Register[] = [];
  for (const { module, register } of OPTIONAL_COMMANDS) {
    let mod: Record<string, unknown>;
    try {
      mod = (await import(module)) as Record<string, unknown>;
    } catch (err) {
      const code = (err as { code?: string }).code;
      // Absent is fine; a module that is there but imports something missing is not.
      const self = fileURLToPath(new URL(module, import.meta.url)).replace(/\.js$/, '');
      if (code === 'ERR_MODULE_NOT_FOUND' && String((err as Error).message).includes(self)) continue;
      throw err;
    }
    const fn = mod[register];
    if (typeof fn === 'function') out.push(fn as Register);
  }
  return out;
}

/** Builds the program with every command registered. Usage errors exit 2 (commander's default is 1). */
export async function createProgram(): Promise<Command> {
  const program = new Command('crossorigin')
    .description(
      'The Same-Origin Policy and CORS, both sides of the wire: check a request, scan for misconfigurations, run a safe proxy',
    )
    .version(VERSION, '-V, --version')
    .showHelpAfterError('(run with --help for usage)')
    .exitOverride();
  for (const register of [...COMMANDS, ...(await optionalCommands())]) register(program);
  return program;
}

/** Runs the CLI with `argv` (as process.argv); returns the exit code to use. */
export async function main(argv: readonly string[] = process.argv): Promise<number> {
  const program = await createProgram();
  try {
    await program.parseAsync([...argv]);
  } catch (err) {
    if (err instanceof CommanderError) {
      // --help and --version "fail" with exit code 0.
      return err.exitCode === 0 ? EXIT.ok : EXIT.usage;
    }
    process.stderr.write(`crossorigin: ${(err as Error).stack ?? String(err)}\n`);
    return EXIT.usage;
  }
  return typeof process.exitCode === 'number' ? process.exitCode : EXIT.ok;
}

function isEntryPoint(): boolean {
  const entry = process.argv[1];
  if (!entry) return false;
  try {
    return realpathSync(entry) === realpathSync(fileURLToPath(import.meta.url));
  } catch {
    return false;
  }
}

if (isEntryPoint()) {
  main().then(
    (code) => {
      process.exitCode = code;
    },
    (err: unknown) => {
      process.stderr.write(`crossorigin: ${String(err)}\n`);
      process.exitCode = EXIT.usage;
    },
  );
}
