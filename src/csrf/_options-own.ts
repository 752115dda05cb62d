/**
 * Validation of how the guard knows the application's own origin: `origin` (a list of serialized
 * origins), or `scheme` with the `Host` header, or `trustProxy` with the proxy's headers.
 */
import { describeValue, type ProblemCollector } from '../_config/index.js';
import { parseOriginHeader } from '../origin/index.js';
import type { OwnOrigin } from './host.js';
import type { CsrfOptionProblem } from './types.js';

type Problems = ProblemCollector<CsrfOptionProblem['reason']>;

/** How the guard learns its own origin, validated. */
export interface OwnOriginOptions {
  readonly own: OwnOrigin[] | undefined;
  readonly scheme: 'http' | 'https' | undefined;
}

/** Validates `origin`, `scheme` and their combination with `trustProxy`. */
export function validateOwnOrigin(
  problems: Problems,
  o: Record<string, unknown>,
  trustProxy: boolean,
): OwnOriginOptions {
  const own = o.origin === undefined ? undefined : validateOrigins(problems, o.origin);
  let scheme: 'http' | 'https' | undefined;
  if (o.scheme !== undefined) {
    if (o.scheme === 'http' || o.scheme === 'https') scheme = o.scheme;
    else
      problems.add(
        'scheme',
        'wrong-type',
        `expected "http" or "https" (without a colon), got ${describeValue(o.scheme)}`,
      );
  }
  if (o.origin !== undefined && o.scheme !== undefined) {
    problems.add(
      'scheme',
      'conflict',
      'scheme has no effect when origin is set: the scheme is part of each origin; remove one of them',
    );
  }
  if (o.origin !== undefined && trustProxy) {
    problems.add(
      'trustProxy',
      'conflict',
      'trustProxy has no effect when origin is set: proxy headers are not read; remove one of them',
    );
  }
  if (o.origin === undefined && o.scheme === undefined && !trustProxy) {
    problems.add(
      'origin',
      'own-origin-unconfigured',
      "the guard must know this application's origin to compare Origin with it, and never guesses the scheme. " +
        'Set origin: "https://app.example" (recommended), or scheme: "https" to combine it with the Host header, ' +
        'or trustProxy: true behind a proxy that sets X-Forwarded-Proto or Forwarded',
    );
  }
  return { own, scheme };
}

/** `origin`: one serialized http(s) origin or a non-empty array of them; duplicates kept once. */
function validateOrigins(problems: Problems, value: unknown): OwnOrigin[] | undefined {
  const single = typeof value === 'string';
  const list = single ? [value] : value;
  if (!Array.isArray(list) || list.length === 0) {
    problems.add(
      'origin',
      'wrong-type',
      `expected an origin such as "https://app.example" or a non-empty array of them, got ${describeValue(value)}`,
    );
    return undefined;
  }
  const own: OwnOrigin[] = [];
  const seen = new Set<string>();
  list.forEach((item: unknown, i) => {
    const path = single ? 'origin' : `origin[${i}]`;
    if (typeof item !== 'string') {
      problems.add(path, 'wrong-type', `expected a string, got ${describeValue(item)}`);
      return;
    }
    const r = parseOriginHeader(item);
    if (!r.ok) {
      problems.add(
        path,
        'invalid-origin',
        `${JSON.stringify(item)} is not a serialized origin (${r.reason}: ${r.detail}); write it as "https://app.example" or "http://localhost:3000"`,
      );
      return;
    }
    if (r.origin.type !== 'tuple' || (r.origin.scheme !== 'http' && r.origin.scheme !== 'https')) {
      problems.add(
        path,
        'invalid-origin',
        `${JSON.stringify(item)}: the application's origin must be an http or https origin`,
      );
      return;
    }
    if (seen.has(r.serialized)) return;
    seen.add(r.serialized);
    own.push({ origin: r.origin, serialized: r.serialized });
  });
  return own;
}
