/**
 * `crossorigin/scan`: a CORS misconfiguration scanner. Probes derived from each target, passive
 * checks on every answer, JSONP detection, severity by exploitability, evidence and a fix per
 * finding; text and SARIF 2.1.0 reports.
 */
export { fixFor, TITLES } from './fixes.js';
export { deriveOriginProbes, JSONP_PARAMETERS, SPECIAL_CHARACTERS, THIRD_PARTY_ORIGINS } from './probes.js';
export { formatText, hasFindingsAtLeast, type TextStyle, toSarif } from './report.js';
export { SEVERITIES, scan, severityFor } from './run.js';
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
