/**
 * `crossorigin lab`: serves the lab page (built into the package) on three loopback origins and
 * prints the URL to open: the real browser and the crossorigin/browser engine, side by side.
 */
import type { Command } from 'commander';
import { runLab } from '../lab/index.js';
import { UsageError } from './output.js';

/** Registers `crossorigin lab` on the CLI program (loaded by src/cli/main.ts). */
export function registerLabCommand(program: Command): Command {
  return program
    .command('lab')
    .description('open the lab: run CORS and Same-Origin Policy cases in your browser beside the engine')
    .option('-p, --port <port>', 'port of the app page (default 4870, or any free port if taken)')
    .option('--open', 'open the lab in the default browser')
    .action(async (flags: { port?: string; open?: boolean }) => {
      let port: number | undefined;
      if (flags.port !== undefined) {
        port = Number(flags.port);
        if (!Number.isInteger(port) || port < 0 || port > 65535) {
          process.stderr.write(
            `crossorigin lab: ${new UsageError(`--port must be 0..65535, got ${flags.port}`).message}\n`,
          );
          process.exitCode = 2;
          return;
        }
      }
      process.exitCode = await runLab({ ...(port === undefined ? {} : { port }), open: flags.open === true });
    });
}
