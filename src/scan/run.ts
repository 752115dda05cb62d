/**
 * `scan(targets, options)` and `scanStream(targets, options)`: each target's probes are sent
 * (send.ts) through one polite limiter and judged (judge.ts). Targets are pulled from the input
 * only as slots free up, and a target's answers are dropped once judged, so memory stays flat in
 * the number of targets.
 */
import { judge } from './judge.js';
import { ScanLimiter } from './limiter.js';
import { checkTarget, type ResolvedScanOptions, resolveScanOptions } from './options.js';
import { jsonpNamesInScripts } from './probes.js';
import { type SendContext, sendProbes } from './send.js';
import { mapConcurrent } from './stream.js';
import type { ScanOptions, ScanReport, Severity, TargetReport } from './types.js';

export { SEVERITIES, severityFor } from './findings.js';
export { checkTarget };

export const VERSION = '0.2.0';

/** Scans one target. Never throws for network failures (they are the report's `error`). */
async function scanTarget(target: string, ctx: SendContext): Promise<TargetReport> {
  const started = performance.now();
  const siteOrigin = ctx.options.origin ?? new URL(target).origin;
  const obs = await sendProbes(target, siteOrigin, ctx);
  const verdict = judge(obs, ctx.options);
  return {
    target,
    siteOrigin,
    status: verdict.status,
    ...(verdict.error === undefined ? {} : { error: verdict.error }),
    ...(verdict.redirectsTo === undefined ? {} : { redirectsTo: verdict.redirectsTo }),
    requests: obs.requests,
    failedRequests: obs.failedRequests,
    durationMs: Math.round(performance.now() - started),
    differsWithCookies: verdict.differsWithCookies,
    findings: verdict.findings,
  };
}

/** Reads the page's scripts once for callback parameter names. */
async function pageNames(o: ResolvedScanOptions, limiter: ScanLimiter): Promise<string[]> {
  if (o.page === null) return [];
  const r = await limiter.request({
    method: 'GET',
    url: o.page,
    headers: o.cookie === null ? [...o.extra] : [...o.extra, ['cookie', o.cookie]],
  });
  return r.ok ? jsonpNamesInScripts(r.response.bodyStart) : [];
}

/**
 * Scans targets as they come (an array, any iterable, or an async iterable such as lines of a
 * file or stdin) and yields each target's report as soon as it is done (completion order, `index`
 * is the input position). At most `concurrency` targets are in progress; the input is read only as
 * fast as targets finish, and a slow input never holds back a finished report. Throws TypeError
 * for misuse (a bad option; a target that is not an http(s) URL, when it is reached).
 *
 * @example
 * import { scanStream } from 'crossorigin/scan';
 * for await (const t of scanStream(['https://api.example.com/me'], { cookie: 'session=…' })) {
 *   console.log(JSON.stringify(t));
 * }
 */
export async function* scanStream(
  targets: Iterable<string> | AsyncIterable<string>,
  options: ScanOptions = {},
): AsyncGenerator<TargetReport & { index: number }> {
  const o = resolveScanOptions(options);
  const limiter = new ScanLimiter({ ...o, ...(options.signal ? { signal: options.signal } : {}) });
  try {
    const ctx: SendContext = {
      options: o,
      limiter,
      jsonpNames: await pageNames(o, limiter),
      ...(options.onRequest ? { onRequest: options.onRequest } : {}),
    };
    const scanOne = (target: string) => scanTarget(checkTarget(target), ctx);
    for await (const { index, value: report } of mapConcurrent(targets, o.concurrency, scanOne)) {
      try {
        options.onTarget?.(report);
      } catch {
        // an observer must not change the scan
      }
      yield { ...report, index };
    }
  } finally {
    limiter.close();
  }
}

/** Finding counts by severity. */
export function summarize(reports: Iterable<TargetReport>): Record<Severity, number> {
  const summary: Record<Severity, number> = { high: 0, medium: 0, low: 0, info: 0 };
  for (const r of reports) for (const f of r.findings) summary[f.severity]++;
  return summary;
}

/**
 * Scans each target for CORS misconfigurations and returns one report, targets in input order:
 * derived origin probes, preflights from attacker origins, passive checks on every answer, JSONP,
 * a WebSocket handshake from a foreign origin, the isolation posture. Severity by exploitability,
 * evidence and a fix per finding. Throws TypeError only for misuse (a target that is not an
 * http(s) URL, a bad option). For thousands of targets, use `scanStream`.
 *
 * @example
 * import { scan } from 'crossorigin/scan';
 * const report = await scan(['https://api.example.com/me'], { cookie: 'session=…' });
 * for (const t of report.targets) for (const f of t.findings) console.log(f.severity, f.title);
 */
export async function scan(
  targets: readonly string[] | string,
  options: ScanOptions = {},
): Promise<ScanReport> {
  const list = (typeof targets === 'string' ? [targets] : [...targets]).map(checkTarget);
  resolveScanOptions(options);
  const startedAt = new Date();
  const started = performance.now();
  const reports: TargetReport[] = new Array(list.length);
  for await (const { index, ...report } of scanStream(list, options)) reports[index] = report;
  return {
    tool: { name: 'crossorigin scan', version: VERSION },
    startedAt: startedAt.toISOString(),
    durationMs: Math.round(performance.now() - started),
    targets: reports,
    summary: summarize(reports),
  };
}
