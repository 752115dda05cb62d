/**
 * Reports of a scan: text for people, and SARIF 2.1.0 for code-scanning dashboards.
 * SARIF: https://docs.oasis-open.org/sarif/sarif/v2.1.0/sarif-v2.1.0.html
 */

import { SEVERITIES } from './findings.js';
import { TITLES } from './fixes.js';
import type { FindingClass, ScanReport, Severity, TargetReport } from './types.js';

/** Styling hooks (the CLI passes colours on a TTY; the default is plain text). */
export interface TextStyle {
  bold(s: string): string;
  dim(s: string): string;
  red(s: string): string;
  yellow(s: string): string;
  green(s: string): string;
  cyan(s: string): string;
}

const plain = (s: string) => s;
const PLAIN: TextStyle = { bold: plain, dim: plain, red: plain, yellow: plain, green: plain, cyan: plain };

function severityLabel(sev: Severity, st: TextStyle): string {
  const label = sev.toUpperCase().padEnd(6);
  return sev === 'high'
    ? st.red(st.bold(label))
    : sev === 'medium'
      ? st.red(label)
      : sev === 'low'
        ? st.yellow(label)
        : st.dim(label);
}

/** One target's block of the report for people: status line, then findings with evidence and fix. */
export function formatTarget(
  t: TargetReport,
  options: { style?: TextStyle; verbose?: boolean } = {},
): string {
  const st = options.style ?? PLAIN;
  const lines: string[] = [st.bold(t.target) + st.dim(`  (probes derived from ${t.siteOrigin})`)];
  if (t.error !== undefined) {
    lines.push(`  ${st.red('could not scan:')} ${t.error}`, '');
    return `${lines.join('\n')}\n`;
  }
  lines.push(
    st.dim(
      `  status ${t.status}, ${t.requests} requests${t.failedRequests ? ` (${t.failedRequests} failed)` : ''} in ${t.durationMs} ms; response ${t.differsWithCookies === null ? 'not compared with cookies' : t.differsWithCookies ? 'differs with cookies' : 'same with and without cookies'}`,
    ),
  );
  if (t.redirectsTo !== undefined) {
    lines.push(
      `  ${st.yellow('note:')} the target redirects (${t.status}) to ${t.redirectsTo}; redirects are not followed, scan that URL for the API's own answers`,
    );
  }
  if (t.findings.length === 0) lines.push(`  ${st.green('no findings')}`);
  for (const f of t.findings) {
    lines.push('', `  ${severityLabel(f.severity, st)} ${st.bold(f.title)} ${st.dim(`[${f.class}]`)}`);
    lines.push(`         ${f.detail}`);
    const shown = options.verbose ? f.evidence : f.evidence.slice(0, 1);
    for (const e of shown) {
      lines.push(st.dim(`         > ${e.request.method} ${e.request.url}`));
      for (const [n, v] of e.request.headers) lines.push(st.dim(`         > ${n}: ${v}`));
      lines.push(st.dim(`         < ${e.response.status}`));
      for (const [n, v] of e.response.headers) lines.push(st.dim(`         < ${n}: ${v}`));
    }
    const [first, ...rest] = f.fix.split('\n');
    lines.push(`         ${st.cyan('fix:')} ${first}`);
    for (const l of rest) lines.push(`              ${l}`);
  }
  lines.push('');
  return `${lines.join('\n')}\n`;
}

/** The summary line: targets, duration, counts by severity, failures. */
export function formatSummary(
  targets: number,
  durationMs: number,
  s: Record<Severity, number>,
  failed: number,
): string {
  return (
    `${targets} target${targets === 1 ? '' : 's'} in ${durationMs} ms: ` +
    `${s.high} high, ${s.medium} medium, ${s.low} low, ${s.info} info` +
    (failed ? `; ${failed} could not be scanned` : '') +
    '\n'
  );
}

/** The report for people: per target, the findings with evidence and fix; then a summary line. */
export function formatText(
  report: ScanReport,
  options: { style?: TextStyle; verbose?: boolean } = {},
): string {
  const failed = report.targets.filter((t) => t.error !== undefined).length;
  return (
    report.targets.map((t) => formatTarget(t, options)).join('') +
    formatSummary(report.targets.length, report.durationMs, report.summary, failed)
  );
}

const LEVEL: Readonly<Record<Severity, 'error' | 'warning' | 'note'>> = {
  high: 'error',
  medium: 'warning',
  low: 'warning',
  info: 'note',
};

/** GitHub code scanning reads `security-severity` (0..10) to rank security results. */
const SECURITY_SEVERITY: Readonly<Record<Severity, string>> = {
  high: '8.1',
  medium: '5.3',
  low: '3.1',
  info: '0.0',
};

/** A SARIF 2.1.0 log: one run, one rule per finding class seen, one result per finding. */
export function toSarif(report: ScanReport): Record<string, unknown> {
  const classes: FindingClass[] = [];
  for (const t of report.targets)
    for (const f of t.findings) if (!classes.includes(f.class)) classes.push(f.class);
  const rules = classes.map((cls) => ({
    id: `cors/${cls}`,
    name: cls.replace(/(^|-)([a-z])/g, (_, _d: string, c: string) => c.toUpperCase()),
    shortDescription: { text: TITLES[cls] },
    helpUri: 'https://fetch.spec.whatwg.org/#http-cors-protocol',
    properties: { tags: ['security', 'cors'] },
  }));
  const results = report.targets.flatMap((t) =>
    t.findings.map((f) => ({
      ruleId: `cors/${f.class}`,
      ruleIndex: classes.indexOf(f.class),
      level: LEVEL[f.severity],
      message: { text: `${f.title}: ${f.detail}\nFix: ${f.fix}` },
      locations: [{ physicalLocation: { artifactLocation: { uri: t.target } } }],
      partialFingerprints: { 'crossorigin/v1': `${f.class}|${t.target}` },
      properties: {
        severity: f.severity,
        'security-severity': SECURITY_SEVERITY[f.severity],
        ...(f.origins ? { origins: f.origins } : {}),
        ...(f.credentials !== undefined ? { credentials: f.credentials } : {}),
        evidence: f.evidence,
      },
    })),
  );
  const notifications = report.targets
    .filter((t) => t.error !== undefined)
    .map((t) => ({
      level: 'error',
      message: { text: `${t.target}: ${t.error}` },
    }));
  return {
    $schema: 'https://json.schemastore.org/sarif-2.1.0.json',
    version: '2.1.0',
    runs: [
      {
        tool: {
          driver: {
            name: report.tool.name,
            version: report.tool.version,
            informationUri: 'https://www.npmjs.com/package/crossorigin',
            rules,
          },
        },
        invocations: [
          {
            executionSuccessful: notifications.length === 0,
            startTimeUtc: report.startedAt,
            toolExecutionNotifications: notifications,
          },
        ],
        results,
      },
    ],
  };
}

/** Whether any finding is at least as severe as `threshold`. */
export function hasFindingsAtLeast(report: ScanReport, threshold: Severity): boolean {
  const max = SEVERITIES.indexOf(threshold);
  return report.targets.some((t) => t.findings.some((f) => SEVERITIES.indexOf(f.severity) <= max));
}
