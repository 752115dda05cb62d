#!/usr/bin/env node
/**
 * The `crossorigin` command line. Each command lives in its own module and exports
 * `register<Name>Command(program)`; this file only lists them. Exit codes: 0 success, 1 the
 * answer is "no" (blocked, findings), 2 usage error or network failure.
 */
import { realpathSync } from 'node:fs';
import { fileURLToPath } from 'node:url';
import { Command, CommanderError } from 'commander';
import { EXIT, printJson, processIo } from './output.js';

type Register = (program: Command) => unknown;

/**
 * The commands, in the order `--help` lists them, each loaded only when needed: a run of one
 * command imports that command's modules alone (`crossorigin scan` never loads the proxy or the
 * lab), which is most of a short run's start-up time.
 */
const COMMANDS: readonly (readonly [string, () => Promise<Register>])[] = [
  ['check', async () => (await import('./check.js')).registerCheckCommand],
  ['explain', async () => (await import('./explain.js')).registerExplainCommand],
  ['scan', async () => (await import('./scan.js')).registerScanCommand],
  ['proxy', async () => (await import('./proxy.js')).registerProxyCommand],
  ['lab', async () => (await import('./lab.js')).registerLabCommand],
];

export const VERSION = '0.1.0';

/**
 * Builds the program. With `only` (a command name), registers that command alone; otherwise every
 * command (the root help, an unknown command's suggestions). Usage errors exit 2 (commander's
 * default is 1).
 */
export async function createProgram(only?: string): Promise<Command> {
  const program = new Command('crossorigin')
    .description(
      'The Same-Origin Policy and CORS, both sides of the wire: check a request, scan for misconfigurations, run a safe proxy',
    )
    .version(VERSION, '-V, --version')
    .showHelpAfterError('(run with --help for usage)')
    .exitOverride();
  const wanted = COMMANDS.filter(([name]) => only === undefined || name === only);
  const registers = await Promise.all(wanted.map(([, load]) => load()));
  for (const register of registers) register(program);
  return program;
}

/** The command `argv` runs, when it names one (the first argument that is not an option). */
function commandOf(argv: readonly string[]): string | undefined {
  const name = argv.slice(2).find((a) => !a.startsWith('-'));
  return COMMANDS.some(([n]) => n === name) ? name : undefined;
}

/** Runs the CLI with `argv` (as process.argv); returns the exit code to use. */
export async function main(argv: readonly string[] = process.argv): Promise<number> {
  // `--version` alone needs no command module: register none (the root help still lists them all).
  const versionOnly = argv.length === 3 && (argv[2] === '--version' || argv[2] === '-V');
  const program = await createProgram(versionOnly ? '' : commandOf(argv));
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
