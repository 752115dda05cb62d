/**
 * `crossorigin explain [file]`: from the evidence a developer has to the cause and the fix. Reads a
 * console paste (Chromium, Firefox or Safari wording), a HAR file, or a devtools "Copy as cURL" /
 * "Copy as fetch" (from the file, `-` or stdin, or `--text`). Exit codes: 0 everything explained,
 * 1 something could not be explained, 2 unreadable input. `--json` prints `check --json`'s shape
 * with `input`, `items` (one per message or exchange) and, for a HAR, `summary`.
 */
import { readFile } from 'node:fs/promises';
import type { Command } from 'commander';
import { diagnosisLines, formatCheck } from './_check-format.js';
import type { CheckFlags, CheckResult } from './_check-types.js';
import {
  detectEvidence,
  type ExplainResult,
  explainConsole,
  explainCopied,
  explainHar,
} from './_explain-evidence.js';
import { failureResult, NetworkFailure } from './check.js';
import { EXIT, type Io, printJson, processIo, type Style, style, UsageError } from './output.js';

export interface ExplainFlags extends CheckFlags {
  text?: string;
}

/** At most this much input is read (a HAR of a long session is a few MB). */
const INPUT_LIMIT = 64 * 1024 * 1024;

async function readInput(
  file: string | undefined,
  flags: ExplainFlags,
  stdin: () => Promise<string>,
): Promise<string> {
  if (flags.text !== undefined) return flags.text;
  if (file === undefined || file === '-') return stdin();
  try {
    const buf = await readFile(file);
    if (buf.length > INPUT_LIMIT) throw new UsageError(`${file} is larger than ${INPUT_LIMIT} bytes`);
    return buf.toString('utf8');
  } catch (e) {
    if (e instanceof UsageError) throw e;
    throw new UsageError(`cannot read ${file}: ${(e as Error).message}`);
  }
}

async function readStdin(): Promise<string> {
  if (process.stdin.isTTY)
    throw new UsageError('nothing to explain: pass a file, - for stdin, or --text "<console line>"');
  const chunks: Buffer[] = [];
  let size = 0;
  for await (const c of process.stdin) {
    size += (c as Buffer).length;
    if (size > INPUT_LIMIT) throw new UsageError(`stdin is larger than ${INPUT_LIMIT} bytes`);
    chunks.push(c as Buffer);
  }
  return Buffer.concat(chunks).toString('utf8');
}

/** Explains the evidence in `text`. Throws UsageError (unreadable) or NetworkFailure. */
export async function runExplain(text: string, flags: ExplainFlags = {}): Promise<ExplainResult> {
  if (text.trim() === '') throw new UsageError('the input is empty');
  const kind = detectEvidence(text);
  if (kind === 'har') return explainHar(text, flags.browser);
  if (kind === 'curl' || kind === 'fetch') return explainCopied(kind, text, flags);
  return explainConsole(text);
}

function itemLines(r: CheckResult, st: Style): string[] {
  const L: string[] = [];
  if (r.error)
    L.push(
      `${st.bold('Console:')} ${st.red(r.error.message)}`,
      `${st.bold('Kind:')} ${r.error.kind}${r.error.preflight ? ' (at the preflight)' : ''}`,
    );
  for (const n of r.notes ?? []) L.push(n);
  L.push(...diagnosisLines(r, st));
  return L;
}

/** The human report. */
export function formatExplain(r: ExplainResult, st: Style, verbose = false): string {
  const L: string[] = [];
  if (r.input === 'curl' || r.input === 'fetch') {
    L.push(
      st.dim(
        `(a copied ${r.input === 'curl' ? 'cURL command' : 'fetch() call'}, run as crossorigin check runs it)`,
      ),
      '',
    );
    return L.join('\n') + formatCheck(r.items[0]!, st, verbose);
  }
  if (r.input === 'har') {
    L.push(st.bold(`HAR: ${r.summary?.length ?? 0} cross-origin exchange(s), re-judged by the engine`), '');
    for (const s of r.summary ?? []) {
      const v =
        s.verdict === 'allowed'
          ? st.green('allowed')
          : s.verdict === 'blocked'
            ? st.red('blocked')
            : st.yellow('not judged');
      L.push(
        `  #${String(s.entry).padEnd(4)} ${s.method.padEnd(7)} ${String(s.status).padEnd(4)} ${v.padEnd(10)} ${s.url}  ${st.dim(`from ${s.origin}${s.kind ? `, ${s.kind}` : ''}`)}`,
      );
    }
    const blocked = r.items.find((i) => i.verdict === 'blocked');
    if (blocked)
      L.push(
        '',
        st.bold(
          `The first blocked exchange (${blocked.request?.method ?? blocked.actual?.[0]?.request.method} ${blocked.url}):`,
        ),
        ...itemLines(blocked, st),
      );
    for (const i of r.items.filter((x) => x.verdict === 'unexplained'))
      L.push('', st.yellow(`Not judged: ${i.url}: ${(i.notes ?? []).join('; ')}`));
    return `${L.join('\n')}\n`;
  }
  r.items.forEach((item, n) => {
    if (n) L.push('', st.dim('---'), '');
    L.push(...itemLines(item, st));
  });
  if (r.notes?.length) L.push('', st.bold('Also in the paste:'), ...r.notes.map((n) => `  - ${n}`));
  for (const u of r.unknown ?? []) {
    L.push('', st.yellow(`Not a CORS message I know: "${u.text.slice(0, 200)}"`));
    if (u.closest.length) {
      L.push('  The closest ones I know (it may be none of them):');
      for (const c of u.closest) L.push(`  - [${c.browser}] ${c.text} ${st.dim(`(similarity ${c.score})`)}`);
    }
  }
  return `${L.join('\n')}\n`;
}

/** Runs the command with output to `io`; returns the exit code. */
export async function explainCommand(
  file: string | undefined,
  flags: ExplainFlags,
  io: Io,
  stdin = readStdin,
): Promise<number> {
  try {
    const r = await runExplain(await readInput(file, flags, stdin), flags);
    if (flags.json) printJson(io, r);
    else io.out(formatExplain(r, style(io), flags.verbose ?? false));
    return r.exitCode;
  } catch (err) {
    if (err instanceof UsageError || err instanceof NetworkFailure) {
      if (flags.json) printJson(io, failureResult(err));
      io.err(`crossorigin explain: ${err.message}\n`);
      return EXIT.usage;
    }
    throw err;
  }
}

/** Registers `crossorigin explain` on the CLI program (called by src/cli/main.ts). */
export function registerExplainCommand(program: Command): Command {
  return program
    .command('explain')
    .description('explain a console error, a HAR file, or a copied cURL / fetch(): the cause and the fix')
    .argument('[file]', 'the evidence (a text file, a .har, a copied command); - or nothing for stdin')
    .option('--text <text>', 'the console line(s) or copied command, inline')
    .option('--from <origin>', 'the page origin, when a copied request does not carry one')
    .option('--browser <name>', 'judge a HAR or copied request as chromium, firefox, webkit or spec')
    .option('--timeout <ms>', 'for copied requests: give up after this many milliseconds (default 15000)')
    .option('--json', 'print one JSON object (the shape of check --json, plus input, items, summary)')
    .option('-v, --verbose', 'show every header')
    .addHelpText(
      'after',
      "\nExit codes: 0 everything explained, 1 something could not be explained, 2 unreadable input.\n\nExamples:\n  crossorigin explain --text \"Access to fetch at 'https://api.example.com/x' from origin 'http://localhost:5173' has been blocked by CORS policy: ...\"\n  crossorigin explain network.har\n  pbpaste | crossorigin explain\n",
    )
    .action(async (file: string | undefined, flags: ExplainFlags) => {
      process.exitCode = await explainCommand(file, flags, processIo());
    });
}
