#!/usr/bin/env node
/**
 * `npm start`'s entry: the lab without the CLI around it (`node dist/lab/start.js [--port N] [--open]`,
 * so `npm start -- --port N` works as `crossorigin lab --port N` does).
 */
import { parseLabArgs } from './open.js';
import { runLab } from './run.js';

const args = parseLabArgs(process.argv.slice(2));
if (!args.ok) {
  process.stderr.write(`crossorigin lab: ${args.problem}\n`);
  process.exitCode = 2;
} else {
  runLab({ ...(args.port !== undefined ? { port: args.port } : {}), open: args.open }).then(
    (code) => {
      process.exitCode = code;
    },
    (e: unknown) => {
      process.stderr.write(`crossorigin lab: ${String(e)}\n`);
      process.exitCode = 2;
    },
  );
}
