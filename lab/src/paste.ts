/**
 * The lab's "paste your error" box: a console line (Chromium, Firefox or Safari wording) is parsed
 * by crossorigin/browser's explainConsoleText, and the scenario that reproduces its kind is chosen.
 * A copied cURL / fetch() or a HAR is recognized and pointed to `crossorigin explain`, which can
 * run it against the real server (the page cannot).
 */

import { explainConsoleText } from '../../src/browser/errors/explain-console.js';
import type { CorsErrorKind } from '../../src/browser/errors/kinds.js';
import { findScenario, type Scenario } from './scenarios.js';

/**
 * The scenario that shows each kind (the lab's library, one per kind it covers). The CORP, COEP and
 * CSP rows take effect once explainConsoleText knows those lines (isolation's and context's
 * console templates).
 */
const SCENARIO_FOR: Partial<Record<CorsErrorKind, string>> = {
  'missing-allow-origin-header': 'no-acao',
  'wildcard-origin-not-allowed': 'wildcard-credentials',
  'preflight-wildcard-origin-not-allowed': 'wildcard-credentials',
  'preflight-missing-allow-origin-header': 'put-authorization-refused',
  'header-disallowed-by-preflight-response': 'put-authorization-refused',
  'preflight-invalid-status': 'preflight-404',
  'method-disallowed-by-preflight-response': 'lowercase-patch',
  'allow-origin-mismatch': 'redirect-null',
  'corp-not-same-origin': 'corp-same-origin-image',
  'corp-required-by-coep': 'coep-corp-less-image',
  'csp-blocked': 'csp-connect-src-self',
};

export type PasteMatch =
  | { ok: true; scenario: Scenario; kind: CorsErrorKind; said: string }
  | { ok: false; message: string };

/** Finds the scenario for a pasted text. */
export function matchPaste(text: string): PasteMatch {
  const t = text.trim();
  if (t === '') return { ok: false, message: 'Paste a console line first.' };
  if (/^(curl\s|(await\s+)?fetch\(|\{)/.test(t)) {
    return {
      ok: false,
      message:
        'A copied request or a HAR file: run `npx crossorigin explain <file>` (or paste it with --text); it replays it against your real server, which this page cannot reach.',
    };
  }
  const c = explainConsoleText(t);
  const first = c.explained.find((x) => x.kind !== null);
  if (!first?.kind) {
    const closest = c.unknown[0]?.closest[0];
    return {
      ok: false,
      message: `Not a CORS message I know.${closest ? ` The closest one I know: "${closest.text}"` : ''}`,
    };
  }
  for (const kind of first.line.kinds) {
    const id = SCENARIO_FOR[kind];
    const scenario = id ? findScenario(id) : undefined;
    if (scenario) return { ok: true, scenario, kind, said: first.did };
  }
  return {
    ok: false,
    message: `${first.did} (${first.kind}): the library has no scenario for it yet; \`npx crossorigin explain\` explains it in full.`,
  };
}
