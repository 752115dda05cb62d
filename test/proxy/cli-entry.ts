// Runs `crossorigin proxy` the way src/cli/main.ts will: a commander program with the command registered.
import { Command } from 'commander';
import { registerProxyCommand } from '../../src/cli/proxy.js';

const program = new Command('crossorigin');
registerProxyCommand(program);
await program.parseAsync(process.argv);
