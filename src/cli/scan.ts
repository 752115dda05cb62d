/**
 * `crossorigin scan <url...>`: the CORS misconfiguration scanner (crossorigin/scan) for people,
 * for scripts (`--json`) and for code-scanning dashboards (`--sarif <file>`).
 *
 *   crossorigin scan https://api.example.com/me --cookie 'session=…'
 *   crossorigin scan --file targets.txt --concurrency 5 --sarif cors.sarif
 */
import { readFile, writeFile } from 'node:fs/promises';
import type { Command } from 'commander';
import {
  formatText,
  hasFindingsAtLeast,
  type ScanReport,
  type Severity,
  scan,
  toSarif,
} from '../scan/index.js';
import {
  collect,
  EXIT,
  type Io,
  parseHeaderOption,
  parseIntOption,
  printJson,
  processIo,
  progressBar,
  style,
  UsageError,
} from './output.js';

export interface ScanFlags {
  file?: string;
  origin?: string;
  cookie?: string;
  header?: string[];
  method?: string;
  concurrency?: string;
  timeout?: string;
  json?: boolean;
  sarif?: string;
  failOn?: string;
  verbose?: boolean;
}

const SEVERITY_NAMES: readonly Severity[] = ['high', 'medium', 'low', 'info'];
/** At most this many targets in one run (a list file is read whole). */
export const MAX_TARGETS = 10_000;

/** Reads targets from arguments and `--file` (one per line, `#` comments and blank lines ignored). */
export async function collectTargets(args: readonly string[], file?: string): Promise<string[]> {
  const targets = [...args];
  if (file !== undefined) {
    let text: string;
    try {
      text = await readFile(file, 'utf8');
    } catch (err) {
      throw new UsageError(`cannot read --file ${file}: ${(err as Error).message}`);
    }
    for (const line of text.split(/\r?\n/)) {
      const t = line.trim();
      if (t && !t.startsWith('#')) targets.push(t);
    }
  }
  if (targets.length === 0) throw new UsageError('no targets: give URLs as arguments or --file <list>');
  if (targets.length > MAX_TARGETS)
    throw new UsageError(`too many targets (${targets.length}; at most ${MAX_TARGETS})`);
  for (const t of targets) {
    const u = URL.parse(t);
    if (u === null || (u.protocol !== 'http:' && u.protocol !== 'https:')) {
      throw new UsageError(`"${t}" is not an http(s) URL`);
    }
  }
  return [...new Set(targets.map((t) => new URL(t).href))];
}

/** Runs the command with output to `io`; returns the exit code. */
export async function scanCommand(args: readonly string[], flags: ScanFlags, io: Io): Promise<number> {
  let report: ScanReport;
  let failOn: Severity;
  try {
    const targets = await collectTargets(args, flags.file);
    failOn = (flags.failOn ?? 'low') as Severity;
    if (!SEVERITY_NAMES.includes(failOn)) {
      throw new UsageError(`--fail-on must be one of ${SEVERITY_NAMES.join(', ')}; got "${flags.failOn}"`);
    }
    const concurrency =
      flags.concurrency === undefined ? 10 : parseIntOption(flags.concurrency, '--concurrency', 1, 256);
    const timeout =
      flags.timeout === undefined ? 10_000 : parseIntOption(flags.timeout, '--timeout', 1, 600_000);
    const headers = (flags.header ?? []).map((h) => parseHeaderOption(h));
    for (const [name] of headers) {
      const lower = name.toLowerCase();
      if (lower === 'origin' || lower === 'cookie' || lower.startsWith('access-control-request-')) {
        throw new UsageError(
          `--header ${name}: the scanner sets ${lower === 'cookie' ? 'it from --cookie' : 'it itself on each probe'}`,
        );
      }
    }
    const progress = progressBar(targets.length, !flags.json);
    try {
      report = await scan(targets, {
        ...(flags.origin !== undefined ? { origin: flags.origin } : {}),
        ...(flags.cookie !== undefined ? { cookie: flags.cookie } : {}),
        ...(flags.method !== undefined ? { method: flags.method } : {}),
        headers,
        concurrency,
        timeout,
        onTarget: (t) => progress.tick(t.target),
      });
    } catch (err) {
      if (err instanceof TypeError) throw new UsageError(err.message.replace(/^scan: /, ''));
      throw err;
    } finally {
      progress.done();
    }
  } catch (err) {
    if (err instanceof UsageError) {
      if (flags.json) printJson(io, { error: 'usage', message: err.message, exitCode: EXIT.usage });
      io.err(`crossorigin scan: ${err.message}\n`);
      return EXIT.usage;
    }
    throw err;
  }
  if (flags.sarif) {
    try {
      await writeFile(flags.sarif, `${JSON.stringify(toSarif(report), null, 2)}\n`);
    } catch (err) {
      io.err(`crossorigin scan: cannot write --sarif ${flags.sarif}: ${(err as Error).message}\n`);
      return EXIT.usage;
    }
  }
  const failed = report.targets.filter((t) => t.error !== undefined);
  const findings = hasFindingsAtLeast(report, failOn);
  const exitCode = failed.length > 0 ? EXIT.network : findings ? EXIT.findings : EXIT.ok;
  if (flags.json) printJson(io, { ...report, exitCode });
  else {
    io.out(formatText(report, { style: style(io), verbose: flags.verbose ?? false }));
    if (flags.sarif) io.out(`SARIF 2.1.0 written to ${flags.sarif}\n`);
  }
  for (const t of failed) io.err(`crossorigin scan: ${t.target}: ${t.error}\n`);
  return exitCode;
}

/** Registers `crossorigin scan` on the CLI program (called by src/cli/main.ts). */
export function registerScanCommand(program: Command): Command {
  return program
    .command('scan')
    .description(
      'scan URLs for CORS misconfigurations (origin reflection, null, prefix/suffix tricks, JSONP, …)',
    )
    .argument('[url...]', 'target URLs (an API endpoint that returns user data is the best target)')
    .option('-f, --file <list>', 'read targets from a file, one URL per line (# comments allowed)')
    .option(
      '--origin <origin>',
      "the site's own origin the probes are derived from (default: each target's origin)",
    )
    .option(
      '--cookie <cookie>',
      "a Cookie header value (e.g. 'session=…') to tell whether answers carry private data",
    )
    .option('-H, --header <header>', "extra request header 'Name: value' (repeatable)", collect)
    .option('-X, --method <method>', 'method of the origin probes (default GET)')
    .option('--concurrency <n>', 'requests in flight at once, across all targets (default 10)')
    .option(
      '--timeout <ms>',
      'per-request timeout in milliseconds; requests are never retried (default 10000)',
    )
    .option(
      '--fail-on <severity>',
      'exit 1 when a finding is at least this severe: high, medium, low (default), info',
    )
    .option('--json', 'print the report as one JSON object')
    .option('--sarif <file>', 'also write a SARIF 2.1.0 log (for code-scanning dashboards)')
    .option('-v, --verbose', 'show all evidence of each finding')
    .addHelpText(
      'after',
      '\nExit codes: 0 nothing at or above --fail-on, 1 findings, 2 usage error or a target could not be reached.\n\nExamples:\n  crossorigin scan https://api.example.com/me --cookie "session=abc"\n  crossorigin scan --file targets.txt --sarif cors.sarif\n',
    )
    .action(async (urls: string[], flags: ScanFlags) => {
      process.exitCode = await scanCommand(urls, flags, processIo());
    });
}
