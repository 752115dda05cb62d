/** The scenarios (test/browsers/cases/representative.ts ids) both browsers' HAR suites capture. */
export const HAR_SCENARIOS = [
  'missing-acao',
  'acao-mismatch',
  'acao-two-lines',
  'acao-wildcard',
  'wildcard-with-credentials',
  'acac-false',
  'acac-ok',
  'preflight-404',
  'preflight-missing-acao-404',
  'method-not-allowed',
  'header-not-allowed',
  'lower-patch-acam-upper',
  'preflight-ok-actual-missing-acao',
  'redirect-cross-origin-no-acao',
];
