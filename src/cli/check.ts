/**
 * `crossorigin check <url> --from <origin>`: runs one request through the browser engine
 * (`createBrowserFetch`) against the live URL and explains it: whether a preflight is needed and
 * why, the preflight and the actual exchange with the headers that matter, the verdict, the
 * browser's exact console error, the cause from everything observed, what reached the server, the
 * fix (with snippets for crossorigin/server, the `cors` package and nginx) and the response headers
 * script can read. The parts: _check-request (flags), _check-run (engine), _check-format (report).
 *
 *   crossorigin check https://api.example.com/items --from https://app.example.com --method PUT \
 *     --header 'Content-Type: application/json' --credentials include
 */
import type { Command } from 'commander';
import type { BrowserFetchEvent } from '../browser/index.js';
import { formatCheck } from './_check-format.js';
import { runCheck } from './_check-run.js';
import { BODY_TYPES, type CheckFlags, type CheckResult, NetworkFailure } from './_check-types.js';
import { collect, EXIT, type Io, printJson, processIo, style, UsageError } from './output.js';
import { waitingIndicator } from './progress.js';

export { formatCheck } from './_check-format.js';
export { runCheck } from './_check-run.js';
export type { CheckFlags, CheckResult } from './_check-types.js';
export { NetworkFailure } from './_check-types.js';

/** The one `--json` shape for a usage or network error (see docs/cli.md, the JSON Schema). */
export function failureResult(err: UsageError | NetworkFailure): CheckResult {
  const usage = err instanceof UsageError;
  return {
    verdict: usage ? 'usage-error' : 'network-error',
    exitCode: EXIT.usage,
    error: {
      kind: usage ? 'usage' : 'network',
      message: err.message,
      ...(usage && err.suggestion ? { suggestion: err.suggestion } : {}),
    },
  };
}

/** Runs the command with output to `io`; returns the exit code. */
export async function checkCommand(url: string, flags: CheckFlags, io: Io): Promise<number> {
  const wait = waitingIndicator(io, !flags.json);
  try {
    const onEvent = (e: BrowserFetchEvent) => {
      if (e.type === 'preflight-sent') wait.label(`preflight OPTIONS ${e.url}`);
      else if (e.type === 'actual-sent') wait.label(`${e.method} ${e.url}`);
    };
    wait.label(url);
    const r = await runCheck(url, flags, undefined, onEvent);
    wait.stop();
    if (flags.json) printJson(io, r);
    else io.out(formatCheck(r, style(io), flags.verbose ?? false));
    return r.exitCode;
  } catch (err) {
    wait.stop();
    if (err instanceof UsageError || err instanceof NetworkFailure) {
      if (flags.json) printJson(io, failureResult(err));
      io.err(`crossorigin check: ${err.message}\n`);
      return EXIT.usage;
    }
    throw err;
  }
}

/** Registers `crossorigin check` on the CLI program (called by src/cli/main.ts). */
export function registerCheckCommand(program: Command): Command {
  return program
    .command('check')
    .description('explain what a browser does with one cross-origin request to a live URL, and how to fix it')
    .argument('<url>', 'the URL the page requests (absolute: https://…)')
    .option('--from <origin>', 'the origin of the page making the request (required)')
    .option('-X, --method <method>', 'request method (default GET; case matters: patch is not PATCH)')
    .option('-H, --header <header>', "request header 'Name: value' (repeatable)", collect)
    .option('--body-type <type>', `request body: ${BODY_TYPES.join(', ')} (default none)`)
    .option('--credentials <mode>', 'omit, same-origin (default) or include')
    .option('--mode <mode>', 'cors (default), no-cors or same-origin')
    .option('--redirect <mode>', 'follow (default), error or manual')
    .option(
      '--browser <name>',
      'chromium (default), firefox, webkit or spec; chromium@150 or firefox@140 for an older release',
    )
    .option('--timeout <ms>', 'give up after this many milliseconds (default 15000)')
    .option(
      '--page-url <url>',
      "the page's full URL (its scheme decides mixed content; --from defaults to its origin)",
    )
    .option('--https-page', 'the page is https://<the --from host and port>/ (mixed content applies)')
    .option(
      '--page-csp <policy>',
      "the page's Content-Security-Policy (repeatable: one per header line)",
      collect,
    )
    .option('--coep <value>', "the page's Cross-Origin-Embedder-Policy (require-corp, credentialless)")
    .option('--cookie <cookie>', 'not supported: says why, and what to use instead')
    .option('--json', 'print one JSON object instead of the explanation')
    .option('-v, --verbose', 'show every header, not only those that matter for CORS')
    .addHelpText(
      'after',
      '\nExit codes: 0 allowed, 1 blocked, 2 usage error or network failure.\n\nExamples:\n  crossorigin check https://api.example.com/items --from https://app.example.com\n  crossorigin check http://localhost:8080/api --from http://localhost:5173 -X PUT -H "Content-Type: application/json" --credentials include\n  crossorigin check http://api.example.com/items --page-url https://app.example.com/ --page-csp "connect-src \'self\'"\n',
    )
    .action(async (url: string, flags: CheckFlags) => {
      process.exitCode = await checkCommand(url, flags, processIo());
    });
}
