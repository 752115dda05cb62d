/**
 * Building findings: evidence (with secrets redacted), the header helpers the judge reads answers
 * with, and severity by exploitability.
 */
import { getHeader } from '../browser/index.js';
import { fixFor, TITLES } from './fixes.js';
import type { Exchange } from './send.js';
import type { Control, Evidence, Finding, FindingClass, Severity } from './types.js';

/** Severity order, most severe first. */
export const SEVERITIES: readonly Severity[] = ['high', 'medium', 'low', 'info'];

/**
 * Severity by exploitability. `attacker`: anyone can be that origin; with credentials and a
 * response that differs with cookies, the attacker reads the victim's data (high); with
 * credentials but no proof of private data, medium; without credentials only what any site could
 * fetch anyway, or intranet-only data (low). Browser quirks, network attackers and local servers
 * need more: at most medium. A trusted subdomain needs a foothold on the site: low with
 * credentials, else info.
 */
export function severityFor(control: Control, credentials: boolean, differs: boolean | null): Severity {
  switch (control) {
    case 'attacker':
      return credentials ? (differs === true ? 'high' : 'medium') : 'low';
    case 'browser-quirk':
    case 'network':
    case 'local':
      return credentials ? 'medium' : 'low';
    case 'subdomain':
      return credentials ? 'low' : 'info';
  }
}

/** One level less severe (info stays info). */
export function lower(s: Severity): Severity {
  return SEVERITIES[Math.min(SEVERITIES.indexOf(s) + 1, SEVERITIES.length - 1)] as Severity;
}

const EVIDENCE_HEADERS =
  /^(access-control-|vary$|content-type$|cache-control$|x-content-type-options$|strict-transport-security$|cross-origin-|upgrade$|sec-websocket-accept$|allow$)/;

/** Request headers whose values never appear in a report: the cookie and the caller's own headers (keys, tokens). */
export function evidence(x: Exchange, secret: ReadonlySet<string>): Evidence {
  return {
    request: {
      method: x.request.method,
      url: x.request.url,
      headers: x.request.headers.map(([n, v]): [string, string] => [n, secret.has(n) ? '[redacted]' : v]),
    },
    response: {
      status: x.response.status,
      headers: x.response.headers.filter(([n]) => EVIDENCE_HEADERS.test(n)),
    },
  };
}

/** The combined value of a header (lines joined with ", "), or null: the Fetch "get". */
export function combined(x: Exchange | null | undefined, name: string): string | null {
  return x ? getHeader(x.response.headers, name) : null;
}

/** Whether a comma-separated header value lists `token` (case-insensitive). */
export function listHas(value: string | null, token: string): boolean {
  if (value === null) return false;
  return value.split(',').some((t) => t.trim().toLowerCase() === token.toLowerCase());
}

/** Collects the findings of one target. */
export class FindingList {
  readonly items: Finding[] = [];
  constructor(
    private readonly target: string,
    private readonly siteOrigin: string,
    private readonly secret: ReadonlySet<string>,
  ) {}

  push(
    cls: FindingClass,
    severity: Severity,
    detail: string,
    shown: readonly Exchange[],
    extra: Partial<Finding> = {},
    credentials = false,
  ): void {
    this.items.push({
      class: cls,
      severity,
      target: this.target,
      title: TITLES[cls],
      detail,
      ...extra,
      evidence: shown.slice(0, 3).map((x) => evidence(x, this.secret)),
      fix: fixFor(cls, this.siteOrigin, credentials),
    });
  }

  has(cls: FindingClass): boolean {
    return this.items.some((f) => f.class === cls);
  }

  sorted(): Finding[] {
    return [...this.items].sort((a, b) => SEVERITIES.indexOf(a.severity) - SEVERITIES.indexOf(b.severity));
  }
}
