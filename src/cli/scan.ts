/**
 * `crossorigin scan <url...>`: the CORS misconfiguration scanner (crossorigin/scan) for people,
 * for scripts (`--json`, `--jsonl`) and for code-scanning dashboards (`--sarif <file>`). Targets
 * stream from `--file` (or stdin with `--file -`) and results stream out as each target finishes.
 *
 *   crossorigin scan https://api.example.com/me --cookie 'session=…'
 *   crossorigin scan --file targets.txt --jsonl --resume results.jsonl >> results.jsonl
 */
import { createReadStream } from 'node:fs';
import { access, writeFile } from 'node:fs/promises';
import type { Command } from 'commander';
import {
  doneTargets,
  formatSummary,
  formatTarget,
  hasFindingsAtLeast,
  readTargets,
  resolveScanOptions,
  type ScanOptions,
  type ScanReport,
  type Severity,
  scanStream,
  summarize,
  type TargetReport,
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
  style,
  UsageError,
} from './output.js';

export interface ScanFlags {
  file?: string;
  origin?: string;
  cookie?: string;
  header?: string[];
  method?: string;
  data?: string;
  page?: string;
  concurrency?: string;
  perHost?: string;
  delay?: string;
  retries?: string;
  maxRequests?: string;
  timeout?: string;
  json?: boolean;
  jsonl?: boolean;
  resume?: string;
  sarif?: string;
  failOn?: string;
  verbose?: boolean;
}

const SEVERITY_NAMES: readonly Severity[] = ['high', 'medium', 'low', 'info'];

/** Targets to leave out (those a `--resume` file has finished). */
type Skip = { has(target: string): boolean };
const NOTHING: Skip = { has: () => false };

/** Targets from arguments, then `--file` (`-` is stdin), streamed; `skip` holds targets already done. */
async function* targetsOf(args: readonly string[], file: string | undefined, skip: Skip) {
  const seen = new Set<string>();
  for (const t of args) {
    const href = new URL(t).href;
    if (!seen.has(href) && !skip.has(href)) yield href;
    seen.add(href);
  }
  if (file === undefined) return;
  const input = file === '-' ? process.stdin : createReadStream(file);
  for await (const t of readTargets(input)) {
    const href = URL.parse(t)?.href ?? t;
    if (!skip.has(href)) yield href;
  }
}

/** Checks the flags and builds the scan options (the scanner validates them once more, in one place). */
async function optionsOf(args: readonly string[], flags: ScanFlags): Promise<ScanOptions> {
  if (args.length === 0 && flags.file === undefined) {
    throw new UsageError('no targets: give URLs as arguments or --file <list> (--file - reads stdin)');
  }
  for (const t of args) {
    const u = URL.parse(t);
    if (u === null || (u.protocol !== 'http:' && u.protocol !== 'https:')) {
      throw new UsageError(`"${t}" is not an http(s) URL`);
    }
  }
  if (flags.file !== undefined && flags.file !== '-') {
    await access(flags.file).catch((err: Error) => {
      throw new UsageError(`cannot read --file ${flags.file}: ${err.message}`);
    });
  }
  const int = (v: string | undefined, name: string, min: number, max: number) =>
    v === undefined ? undefined : parseIntOption(v, name, min, max);
  const headers = (flags.header ?? []).map((h) => parseHeaderOption(h));
  for (const [name] of headers) {
    const lower = name.toLowerCase();
    if (lower === 'origin' || lower === 'cookie' || lower.startsWith('access-control-request-')) {
      throw new UsageError(
        `--header ${name}: the scanner sets ${lower === 'cookie' ? 'it from --cookie' : 'it itself on each probe'}`,
      );
    }
  }
  const options: ScanOptions = {
    headers,
    ...(flags.origin !== undefined ? { origin: flags.origin } : {}),
    ...(flags.cookie !== undefined ? { cookie: flags.cookie } : {}),
    ...(flags.method !== undefined ? { method: flags.method } : {}),
    ...(flags.data !== undefined ? { data: flags.data } : {}),
    ...(flags.page !== undefined ? { page: flags.page } : {}),
  };
  const numbers: [keyof ScanOptions, number | undefined][] = [
    ['concurrency', int(flags.concurrency, '--concurrency', 1, 256)],
    ['perHost', int(flags.perHost, '--per-host', 1, 256)],
    ['delay', int(flags.delay, '--delay', 0, 60_000)],
    ['retries', int(flags.retries, '--retries', 0, 10)],
    ['maxRequests', int(flags.maxRequests, '--max-requests', 1, Number.MAX_SAFE_INTEGER)],
    ['timeout', int(flags.timeout, '--timeout', 1, 600_000)],
  ];
  for (const [k, v] of numbers) if (v !== undefined) Object.assign(options, { [k]: v });
  try {
    resolveScanOptions(options);
  } catch (err) {
    throw new UsageError((err as Error).message.replace(/^scan: /, ''));
  }
  return options;
}

/** Progress on stderr (a TTY only): targets done, and requests within the target in progress. */
function progress(enabled: boolean) {
  // Progress is not colour: NO_COLOR leaves it on (it is cleared, and never written with --json).
  const on = enabled && process.stderr.isTTY === true;
  let done = 0;
  let last = 0;
  return {
    request(target: string, sent: number, planned: number) {
      if (!on || performance.now() - last < 100) return;
      last = performance.now();
      process.stderr.write(`\r\u001b[K${done} targets done; ${target}: ${sent}/${planned} requests`);
    },
    target() {
      done++;
    },
    done() {
      if (on) process.stderr.write('\r\u001b[K');
    },
  };
}

/** Runs the command with output to `io`; returns the exit code. */
export async function scanCommand(args: readonly string[], flags: ScanFlags, io: Io): Promise<number> {
  let options: ScanOptions;
  let failOn: Severity;
  let skip = NOTHING;
  try {
    failOn = (flags.failOn ?? 'low') as Severity;
    if (!SEVERITY_NAMES.includes(failOn)) {
      throw new UsageError(`--fail-on must be one of ${SEVERITY_NAMES.join(', ')}; got "${flags.failOn}"`);
    }
    if (flags.json && flags.jsonl) throw new UsageError('--json and --jsonl: choose one');
    options = await optionsOf(args, flags);
    if (flags.resume !== undefined) {
      skip = await doneTargets(flags.resume).catch((err: Error) => {
        throw new UsageError(`cannot read --resume ${flags.resume}: ${err.message}`);
      });
    }
  } catch (err) {
    if (err instanceof UsageError) {
      if (flags.json) printJson(io, { error: 'usage', message: err.message, exitCode: EXIT.usage });
      io.err(`crossorigin scan: ${err.message}\n`);
      return EXIT.usage;
    }
    throw err;
  }
  return runScan(args, flags, options, skip, failOn, io);
}

async function runScan(
  args: readonly string[],
  flags: ScanFlags,
  options: ScanOptions,
  skip: Skip,
  failOn: Severity,
  io: Io,
): Promise<number> {
  const startedAt = new Date();
  const started = performance.now();
  const keep = flags.json === true || flags.sarif !== undefined;
  const kept: (TargetReport & { index: number })[] = [];
  const summary: Record<Severity, number> = { high: 0, medium: 0, low: 0, info: 0 };
  let count = 0;
  let failed = 0;
  let findings = false;
  const bar = progress(!flags.json && !flags.jsonl);
  try {
    for await (const { index, ...t } of scanStream(targetsOf(args, flags.file, skip), {
      ...options,
      onRequest: bar.request,
      onTarget: bar.target,
    })) {
      count++;
      const s = summarize([t]);
      for (const k of SEVERITY_NAMES) summary[k] += s[k];
      if (t.error !== undefined) failed++;
      const one = { targets: [t] } as unknown as ScanReport;
      findings ||= hasFindingsAtLeast(one, failOn);
      if (keep) kept.push({ ...t, index });
      bar.done();
      if (flags.jsonl) io.out(`${JSON.stringify(t)}\n`);
      else if (!flags.json) io.out(formatTarget(t, { style: style(io), verbose: flags.verbose ?? false }));
      if (t.error !== undefined) io.err(`crossorigin scan: ${t.target}: ${t.error}\n`);
      // Backpressure: a slow reader of the results pauses the scan (nothing piles up in memory).
      await io.drain?.();
    }
  } catch (err) {
    bar.done();
    if (err instanceof TypeError) {
      io.err(`crossorigin scan: ${err.message.replace(/^scan: /, '')}\n`);
      return EXIT.usage;
    }
    throw err;
  }
  const durationMs = Math.round(performance.now() - started);
  const exitCode = failed > 0 ? EXIT.network : findings ? EXIT.findings : EXIT.ok;
  const report: ScanReport = {
    tool: { name: 'crossorigin scan', version: '0.2.0' },
    startedAt: startedAt.toISOString(),
    durationMs,
    // Input order (they finished in any order).
    targets: kept.sort((a, b) => a.index - b.index).map(({ index: _, ...t }) => t),
    summary,
  };
  if (flags.sarif) {
    try {
      await writeFile(flags.sarif, `${JSON.stringify(toSarif(report), null, 2)}\n`);
    } catch (err) {
      io.err(`crossorigin scan: cannot write --sarif ${flags.sarif}: ${(err as Error).message}\n`);
      return EXIT.usage;
    }
  }
  if (flags.json) printJson(io, { ...report, exitCode });
  else if (!flags.jsonl) {
    io.out(formatSummary(count, durationMs, summary, failed));
    if (flags.sarif) io.out(`SARIF 2.1.0 written to ${flags.sarif}\n`);
  }
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
    .option(
      '-f, --file <list>',
      'read targets from a file, one URL per line (# comments allowed); - reads stdin',
    )
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
    .option('--data <body>', 'request body of the origin probes (with -X POST; e.g. a GraphQL query)')
    .option('--page <url>', "a page of the site: its scripts' JSONP callback names are probed too")
    .option('--concurrency <n>', 'requests in flight at once, across all targets (default 10)')
    .option('--per-host <n>', 'requests in flight at once to one host (default 6)')
    .option('--delay <ms>', 'politeness: milliseconds between two requests to one host (default 0)')
    .option('--retries <n>', 'retries of a 429 or 503 answer, with backoff or Retry-After (default 2)')
    .option('--max-requests <n>', 'budget: stop sending after this many requests in all (default unlimited)')
    .option('--timeout <ms>', 'per-request timeout in milliseconds (default 10000)')
    .option(
      '--fail-on <severity>',
      'exit 1 when a finding is at least this severe: high, medium, low (default), info',
    )
    .option('--json', 'print the report as one JSON object')
    .option('--jsonl', 'print one JSON line per target as each finishes (for large runs and --resume)')
    .option('--resume <results.jsonl>', 'skip the targets a JSON Lines results file already holds')
    .option('--sarif <file>', 'also write a SARIF 2.1.0 log (for code-scanning dashboards)')
    .option('-v, --verbose', 'show all evidence of each finding')
    .addHelpText(
      'after',
      '\nExit codes: 0 nothing at or above --fail-on, 1 findings, 2 usage error or a target could not be reached.\n\nExamples:\n  crossorigin scan https://api.example.com/me --cookie "session=abc"\n  crossorigin scan --file targets.txt --sarif cors.sarif\n  crossorigin scan --file targets.txt --jsonl --resume results.jsonl >> results.jsonl\n',
    )
    .action(async (urls: string[], flags: ScanFlags) => {
      process.exitCode = await scanCommand(urls, flags, processIo());
    });
}
