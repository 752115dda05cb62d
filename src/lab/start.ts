#!/usr/bin/env node
/**
 * `npm start`'s entry: the lab without the CLI around it (`node dist/lab/start.js [port]`).
 * `crossorigin lab` does the same through src/cli/lab.ts.
 */
import { runLab } from './run.js';

const arg = process.argv[2];
const port = arg === undefined ? undefined : Number(arg);
if (port !== undefined && (!Number.isInteger(port) || port < 0 || port > 65535)) {
  process.stderr.write(`crossorigin lab: bad port ${JSON.stringify(arg)}\n`);
  process.exitCode = 2;
} else {
  runLab(port === undefined ? {} : { port }).then(
    (code) => {
      process.exitCode = code;
    },
    (e: unknown) => {
      process.stderr.write(`crossorigin lab: ${String(e)}\n`);
      process.exitCode = 2;
    },
  );
}
