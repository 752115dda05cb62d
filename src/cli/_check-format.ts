/** `check`'s report for people (the same result `--json` prints as is). */
import { pageConsoleLines, pageLines } from './_check-page.js';
import type { CheckResult, Exchange } from './_check-types.js';
import { indent, type Style } from './output.js';

const SHOWN =
  /^(access-control-|vary$|location$|origin$|sec-fetch-|cookie$|set-cookie$|cors-refusal-reason$)/i;

function exchangeLines(x: Exchange, st: Style, verbose: boolean): string[] {
  const out = [st.dim(`> ${x.request.method} ${x.request.url}`)];
  for (const [n, v] of x.request.headers) if (verbose || SHOWN.test(n)) out.push(st.dim(`> ${n}: ${v}`));
  if (x.response) {
    out.push(st.dim(`< ${x.response.status}`));
    for (const [n, v] of x.response.headers) if (verbose || SHOWN.test(n)) out.push(`< ${n}: ${v}`);
    if (x.response.body) out.push(st.dim(`< (body) ${x.response.body.trim().split('\n')[0]}`));
  }
  return out;
}

function preflightLines(r: CheckResult, st: Style, verbose: boolean): string[] {
  const L: string[] = [];
  if (r.sameOrigin) L.push('Same-origin request: CORS does not apply.');
  else if (r.request?.mode === 'no-cors')
    L.push('Mode no-cors: sent without a CORS check; the response is opaque.');
  else if (r.preflight?.needed) {
    L.push(st.bold('Preflight: needed, because'));
    for (const reason of r.preflight.reasons) L.push(`  - ${reason}`);
  } else {
    L.push(st.bold('Preflight: not needed') + st.dim(' (safelisted method, headers and body)'));
  }
  if (r.preflight?.exchange) L.push(...exchangeLines(r.preflight.exchange, st, verbose).map((l) => `  ${l}`));
  const actual = r.actual ?? [];
  if (actual.length) {
    L.push('', st.bold(actual.length > 1 ? 'Actual requests:' : 'Actual request:'));
    actual.forEach((x, i) => {
      L.push(...exchangeLines(x, st, verbose).map((l) => `  ${l}`));
      const hop = r.redirects?.[i];
      if (hop)
        L.push(
          `  ${st.dim(`redirect ${hop.status} -> ${hop.to}${hop.tainted ? ' (origin becomes null)' : ''}`)}`,
        );
    });
  }
  return L;
}

function verdictLines(r: CheckResult, st: Style): string[] {
  const L: string[] = [];
  if (r.verdict === 'allowed' && r.response) {
    L.push(
      `${st.bold('Verdict:')} ${st.green('ALLOWED')} (status ${r.response.status}, response type ${r.response.type})`,
    );
    if (r.response.type === 'opaque')
      L.push('The page gets an opaque response: status 0, no headers, no body.');
    else {
      L.push(`Readable response headers: ${r.response.readableHeaders.join(', ') || '(none)'}`);
      if (r.response.hiddenHeaders.length) {
        L.push(
          st.dim(
            `Not readable by script: ${r.response.hiddenHeaders.join(', ')} (list them in Access-Control-Expose-Headers to expose them)`,
          ),
        );
      }
    }
  } else if (r.error) {
    L.push(
      `${st.bold('Verdict:')} ${st.red('BLOCKED')}${r.error.preflight ? st.dim(' (at the preflight)') : ''}`,
    );
    L.push(
      '',
      st.bold(
        r.error.logged ? `Console (${r.browser}):` : 'What happens (the browser logs no line of its own):',
      ),
    );
    L.push(`  ${st.red(r.error.message)}`);
    if (r.error.rejection) L.push(`  fetch() rejects with ${r.error.rejection}`);
  }
  return L;
}

/** The diagnosis and the fix with its snippets (shared with `explain`). */
export function diagnosisLines(r: CheckResult, st: Style): string[] {
  const L: string[] = [];
  if (r.diagnosis) {
    L.push('', `${st.bold('Why:')} ${r.diagnosis.cause}`);
    if (r.diagnosis.candidates.length) {
      L.push(st.bold('Possible causes, and how to tell them apart:'));
      r.diagnosis.candidates.forEach((c, i) => {
        L.push(`  ${i + 1}. ${c.cause}`, `     ${st.dim(c.tell)}`);
      });
    }
    L.push(`${st.bold('Sent:')} ${r.diagnosis.sent}`);
  }
  if (r.fix) {
    L.push(
      '',
      `${st.bold(r.fix.side === 'page' ? 'Fix (in the page):' : 'Fix (on the server):')} ${r.fix.text}`,
    );
    for (const [name, code] of Object.entries(r.fix.snippets ?? {})) {
      L.push('', st.cyan(`  ${name === 'cors' ? 'cors package (Express)' : name}:`), indent(code, '    '));
    }
  }
  return L;
}

/** The human report. */
export function formatCheck(r: CheckResult, st: Style, verbose = false): string {
  const req = r.request;
  const L: string[] = [
    `${st.bold(`${req?.method ?? ''} ${r.url ?? ''}`)} from ${st.bold(r.from ?? '')}  ${st.dim(`(${r.browser}${r.release ? ` ${r.release}` : ''}, mode ${req?.mode}, credentials ${req?.credentials})`)}`,
    '',
  ];
  for (const n of r.notes ?? []) L.push(st.yellow(`Note: ${n}`), '');
  const dropped = r.droppedHeaders ?? [];
  if (dropped.length) {
    L.push(
      st.yellow(
        `Not sent: ${dropped.join(', ')} (the browser drops ${dropped.length === 1 ? 'this header' : 'these headers'} silently: ${req?.mode === 'no-cors' ? 'forbidden, or not no-CORS-safelisted' : 'forbidden request headers'})`,
      ),
      '',
    );
  }
  L.push(
    ...pageLines(r, st),
    ...preflightLines(r, st, verbose),
    '',
    ...verdictLines(r, st),
    ...pageConsoleLines(r, st),
    ...diagnosisLines(r, st),
  );
  return `${L.join('\n')}\n`;
}
