/**
 * `crossorigin/scan`: a CORS misconfiguration scanner. Probes derived from each target, passive
 * checks on every answer, JSONP detection, severity by exploitability, evidence and a fix per
 * finding; text and SARIF 2.1.0 reports.
 */
export { fixFor, TITLES } from './fixes.js';
export { type DigestSet, doneTargets, readTargets } from './input.js';
export { type ResolvedScanOptions, resolveScanOptions } from './options.js';
export { DEVELOPMENT_ORIGINS, deriveOriginProbes, JSONP_PARAMETERS, SPECIAL_CHARACTERS } from './probes.js';
export {
  formatSummary,
  formatTarget,
  formatText,
  hasFindingsAtLeast,
  type TextStyle,
  toSarif,
} from './report.js';
export { SEVERITIES, scan, scanStream, severityFor, summarize } from './run.js';
export { THIRD_PARTY_HOSTS, whoCanGet } from './third-party.js';
export type {
  Control,
  Evidence,
  Finding,
  FindingClass,
  OriginProbe,
  ScanOptions,
  ScanReport,
  Severity,
  TargetReport,
} from './types.js';
