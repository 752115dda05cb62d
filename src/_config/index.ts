/**
 * One way to validate options, shared by `crossorigin/server`, `crossorigin/csrf` and
 * `crossorigin/proxy`: every problem is collected (never thrown one at a time), each says where it
 * is (`path`: `origins[2]`, `bypass.prefixes[0]`, `limits.maxBodyBytes`), why (a typed `reason`)
 * and what to change (`message`); then one error lists them all. Private: each public module
 * exports its own error class, a subclass of {@link ConfigError}.
 */

/** One problem found in a configuration. */
export interface ConfigProblem<R extends string = string> {
  /** Where the problem is: the option, with `.key` for nested options and `[i]` for list items. */
  readonly path: string;
  /** Why, as a stable name a program can test. */
  readonly reason: R;
  /** What is wrong and what to write instead, in one or two sentences. */
  readonly message: string;
  /** The offending value as given, when one is at hand. */
  readonly value?: unknown;
}

/** The error each module throws with every problem of a configuration. */
export class ConfigError<P extends ConfigProblem = ConfigProblem> extends Error {
  readonly problems: readonly P[];
  /** `title` names what was being configured, e.g. `invalid CORS policy`. */
  constructor(title: string, problems: readonly P[]) {
    const lines = problems.map((p) => `  - ${p.path}: ${p.message} [${p.reason}]`);
    super(`${title}: ${problems.length} problem${problems.length === 1 ? '' : 's'}\n${lines.join('\n')}`);
    this.name = 'ConfigError';
    this.problems = Object.freeze([...problems]);
  }
}

/** Collects the problems of one configuration, in the order they were found. */
export class ProblemCollector<R extends string> {
  readonly problems: ConfigProblem<R>[] = [];

  /** Records one problem; `value` is kept only when given. */
  add(path: string, reason: R, message: string, ...value: [] | [unknown]): void {
    this.problems.push(
      value.length > 0 ? { path, reason, message, value: value[0] } : { path, reason, message },
    );
  }

  get size(): number {
    return this.problems.length;
  }

  /** Throws the error `make` builds from the problems, when there is at least one. */
  throwIfAny(make: (problems: readonly ConfigProblem<R>[]) => Error): void {
    if (this.problems.length > 0) throw make(this.problems);
  }
}

/** A short description of a value for a message: a quoted string (cut at 100), `null`, `an array`, `a number`. */
export function describeValue(v: unknown): string {
  if (v === null) return 'null';
  if (Array.isArray(v)) return 'an array';
  return typeof v === 'string' ? JSON.stringify(v.slice(0, 100)) : `a ${typeof v}`;
}

/** Whether a value is a plain options object (not null, not an array). */
export function isOptionsObject(v: unknown): v is Record<string, unknown> {
  return typeof v === 'object' && v !== null && !Array.isArray(v);
}

/**
 * Reads an optional boolean option: its value, or `fallback` when absent; a value of another type
 * is a problem (reported under `reason`) and reads as `fallback`.
 */
export function readBoolean<R extends string>(
  collector: ProblemCollector<R>,
  options: Record<string, unknown>,
  key: string,
  fallback: boolean,
  reason: R,
  path: string = key,
): boolean {
  const v = options[key];
  if (v === undefined) return fallback;
  if (typeof v !== 'boolean') {
    collector.add(path, reason, `expected true or false, got ${describeValue(v)}`, v);
    return fallback;
  }
  return v;
}
