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
import { registerExplainCommand } from './explain.js';
import { registerLabCommand } from './lab.js';
import { EXIT, printJson, processIo } from './output.js';
import { registerProxyCommand } from './proxy.js';
import { registerScanCommand } from './scan.js';

type Register = (program: Command) => unknown;

/** The commands, in the order `--help` lists them. */
const COMMANDS: readonly Register[] = [
  registerCheckCommand,
  registerExplainCommand,
  registerScanCommand,
  registerProxyCommand,
  registerLabCommand,
];

export const VERSION = '0.1.0';

/** Builds the program with every command registered. Usage errors exit 2 (commander's default is 1). */
export function createProgram(): Command {
  const program = new Command('crossorigin')
    .description(
      'The Same-Origin Policy and CORS, both sides of the wire: check a request, scan for misconfigurations, run a safe proxy',
    )
    .version(VERSION, '-V, --version')
    .showHelpAfterError('(run with --help for usage)')
    .exitOverride();
  for (const register of COMMANDS) register(program);
  return program;
}

/** Runs the CLI with `argv` (as process.argv); returns the exit code to use. */
export async function main(argv: readonly string[] = process.argv): Promise<number> {
  const program = createProgram();
  try {
    await program.parseAsync([...argv]);
  } catch (err) {
    if (err instanceof CommanderError) {
      // --help and --version "fail" with exit code 0.
      if (err.exitCode === 0) return EXIT.ok;
      // With --json, a command-line problem is still one JSON object on stdout (the same shape).
      if (argv.includes('--json')) {
        printJson(processIo(), {
          verdict: 'usage-error',
          exitCode: EXIT.usage,
          error: { kind: 'usage', message: err.message.replace(/^error: /, '') },
        });
      }
      return EXIT.usage;
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
