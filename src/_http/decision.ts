/**
 * The two shapes every pure core (CORS policy, CSRF guard, the `cors` drop-in) and every adapter
 * share: cores read a request through `RequestView` and answer with an `HttpDecision`; adapters and
 * the proxy only translate between their framework and these shapes.
 */

/** What a core may read of a request. Header names passed to `header` are lower-case. */
export interface RequestView {
  /** The request method exactly as received (not normalized). */
  readonly method: string;
  /**
   * The header's value, or null when absent. When the header appears on several lines the values
   * are joined with ", " (as node:http and the Fetch API's Headers do).
   */
  header(name: string): string | null;
  /** Optional: the request URL's path and query (for bypass routes and the proxy). */
  readonly url?: string;
}

/**
 * What a core decided. The adapter sets `headers`, merges `vary`, and either ends or continues.
 * Every field a caller reads is here (the proxy reads `allowed` and `detail`; nothing is read
 * through a cast).
 */
export interface HttpDecision {
  /**
   * False when the core refused the request (CORS: the origin, method or headers; CSRF: a forged
   * request). True otherwise, including a request the core has nothing to say about.
   */
  readonly allowed: boolean;
  /** For a refusal: what was refused and how to fix it (checked text, safe to log). */
  readonly detail?: string;
  /** Headers to set on the response, names lower-case, values already valid header values. */
  readonly headers: readonly (readonly [name: string, value: string])[];
  /** Header names to merge into `Vary` (never clobbering what the application set). */
  readonly vary: readonly string[];
  /** True: answer now with `status` and `body`; false: continue to the application. */
  readonly end: boolean;
  readonly status?: number;
  readonly body?: string;
  readonly contentType?: string;
}

const TOKEN = /^[!#$%&'*+\-.^_`|~0-9A-Za-z]+$/;

/**
 * Merges header names into an existing `Vary` value: keeps the application's entries and their
 * order, adds each missing name once (case-insensitively), and keeps `*` alone if present.
 * https://www.rfc-editor.org/rfc/rfc9110#field.vary
 */
export function mergeVary(
  existing: string | readonly string[] | number | null | undefined,
  add: readonly string[],
): string {
  // Fast paths: nothing set yet and one name (what the loop below gives: `add` is not filtered),
  // or names already unique (every core passes unique tokens).
  if (existing == null || existing === '') {
    if (add.length === 1) return add[0]!;
    if (add.length <= 4 && uniqueIgnoringCase(add)) return add.join(', ');
  }
  const parts: string[] = [];
  const seen = new Set<string>();
  const lines = existing == null ? [] : Array.isArray(existing) ? existing : [String(existing)];
  for (const line of lines) {
    for (const raw of String(line).split(',')) {
      const name = raw.trim();
      if (!name || (!TOKEN.test(name) && name !== '*')) continue;
      const key = name.toLowerCase();
      if (seen.has(key)) continue;
      seen.add(key);
      parts.push(name);
    }
  }
  if (seen.has('*')) return '*';
  for (const name of add) {
    const key = name.toLowerCase();
    if (seen.has(key)) continue;
    seen.add(key);
    parts.push(name);
  }
  return parts.join(', ');
}

/**
 * A pure core as adapters see it: the CORS policy and the CSRF guard both implement it, so one
 * adapter glue per framework serves both. `handle` never throws; it returns a Promise only when the
 * core needs asynchronous work (for example an async origin resolver on a cache miss).
 */
export interface HttpCore {
  handle(view: RequestView): HttpDecision | Promise<HttpDecision>;
}

function uniqueIgnoringCase(names: readonly string[]): boolean {
  for (let i = 0; i < names.length; i++) {
    const a = names[i]!;
    if (!TOKEN.test(a)) return false;
    for (let j = i + 1; j < names.length; j++) {
      const b = names[j]!;
      if (a.length === b.length && a.toLowerCase() === b.toLowerCase()) return false;
    }
  }
  return true;
}
