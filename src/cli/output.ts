/**
 * What every command of the `crossorigin` CLI shares: exit codes, colours (only on a TTY, never with
 * `NO_COLOR`), JSON output, usage errors and a progress bar (on a TTY only).
 */
import { isHeaderName, isHeaderValue } from '../_fetch/index.js';

/** Exit codes: 0 allowed / nothing found, 1 blocked / findings, 2 usage error or network failure. */
export const EXIT = { ok: 0, blocked: 1, findings: 1, usage: 2, network: 2 } as const;

/** A problem with the command line: printed on stderr, exit code 2. */
export class UsageError extends Error {
  override readonly name = 'UsageError';
  /** The corrected value or command line, when there is an obvious one. */
  readonly suggestion: string | undefined;
  constructor(message: string, suggestion?: string) {
    super(message);
    this.suggestion = suggestion;
  }
}

/** Where a command writes. Tests and embedders pass their own. */
export interface Io {
  out(text: string): void;
  err(text: string): void;
  /** Whether stdout is a terminal (colours, progress bar). */
  readonly isTTY: boolean;
  readonly env: Readonly<Record<string, string | undefined>>;
  /**
   * Resolves once what `out` was given has been handed on (a long stream of results waits here for
   * a slow reader instead of piling up in memory). Optional: absent means nothing to wait for.
   */
  drain?(): Promise<void>;
}

/** Waits for `stream` to drain when its buffer is full (or for it to close or fail). */
function drained(stream: NodeJS.WriteStream): Promise<void> {
  if (!stream.writableNeedDrain) return Promise.resolve();
  return new Promise((resolve) => {
    const done = () => {
      stream.off('drain', done).off('close', done).off('error', done);
      resolve();
    };
    stream.on('drain', done).on('close', done).on('error', done);
  });
}

/** The process's standard streams. */
export function processIo(): Io {
  return {
    out: (t) => process.stdout.write(t),
    err: (t) => process.stderr.write(t),
    isTTY: Boolean(process.stdout.isTTY),
    env: process.env,
    drain: () => drained(process.stdout),
  };
}

/**
 * Colours: never when `NO_COLOR` is set and not empty (https://no-color.org); always when
 * `FORCE_COLOR` is set to anything but empty, `0` or `false` (https://force-color.org); otherwise
 * only on a terminal that is not `TERM=dumb`.
 */
export function useColor(io: Pick<Io, 'isTTY' | 'env'>): boolean {
  const noColor = io.env.NO_COLOR;
  if (noColor !== undefined && noColor !== '') return false;
  const force = io.env.FORCE_COLOR;
  if (force !== undefined && force !== '') return force !== '0' && force !== 'false';
  if (io.env.TERM === 'dumb') return false;
  return io.isTTY;
}

export interface Style {
  bold(s: string): string;
  dim(s: string): string;
  red(s: string): string;
  green(s: string): string;
  yellow(s: string): string;
  cyan(s: string): string;
  magenta(s: string): string;
}

const sgr =
  (open: number, close: number) =>
  (s: string): string =>
    `\u001b[${open}m${s}\u001b[${close}m`;

const COLORS: Style = {
  bold: sgr(1, 22),
  dim: sgr(2, 22),
  red: sgr(31, 39),
  green: sgr(32, 39),
  yellow: sgr(33, 39),
  cyan: sgr(36, 39),
  magenta: sgr(35, 39),
};

const identity = (s: string): string => s;
const PLAIN: Style = {
  bold: identity,
  dim: identity,
  red: identity,
  green: identity,
  yellow: identity,
  cyan: identity,
  magenta: identity,
};

export function style(io: Pick<Io, 'isTTY' | 'env'>): Style {
  return useColor(io) ? COLORS : PLAIN;
}

/** Prints one JSON document (a single object) and a newline. */
export function printJson(io: Io, value: unknown): void {
  io.out(`${JSON.stringify(value, null, 2)}\n`);
}

/** Parses a repeatable `Name: value` option into a header pair; throws UsageError. */
export function parseHeaderOption(text: string, option = '--header'): [string, string] {
  const colon = text.indexOf(':');
  if (colon <= 0) throw new UsageError(`${option} "${text}" must look like "Name: value"`);
  const name = text.slice(0, colon).trim();
  const value = text.slice(colon + 1).trim();
  if (!isHeaderName(name)) throw new UsageError(`${option} "${text}": "${name}" is not a valid header name`);
  if (!isHeaderValue(value)) throw new UsageError(`${option} "${text}": the value contains CR, LF or NUL`);
  return [name, value];
}

/** Parses a positive integer option; throws UsageError. */
export function parseIntOption(text: string, option: string, min: number, max: number): number {
  if (!/^\d+$/.test(text)) throw new UsageError(`${option} "${text}" is not a whole number`);
  const n = Number(text);
  if (n < min || n > max) throw new UsageError(`${option} ${n} is out of range (${min}..${max})`);
  return n;
}

/** commander's collector for repeatable options. */
export const collect = (value: string, previous: string[] = []): string[] => [...previous, value];

/**
 * A one-line progress bar on stderr, redrawn in place. Does nothing unless stderr is a terminal
 * (and never with `--json`, where the caller passes `enabled: false`).
 */
export interface Progress {
  tick(label?: string): void;
  done(): void;
}

/** The part of a terminal stream the progress bar uses. */
export interface ProgressStream {
  isTTY?: boolean;
  columns?: number;
  write(text: string): unknown;
}

export function progressBar(
  total: number,
  enabled: boolean,
  stream: ProgressStream = process.stderr,
): Progress {
  if (!enabled || !stream.isTTY || total <= 1) return { tick() {}, done() {} };
  let n = 0;
  const width = 30;
  const draw = (label: string) => {
    const filled = Math.round((n / total) * width);
    const text = `[${'#'.repeat(filled)}${'-'.repeat(width - filled)}] ${n}/${total} ${label}`;
    const cols = stream.columns || 80;
    stream.write(`\r${text.slice(0, cols - 1).padEnd(Math.min(cols - 1, text.length))}\u001b[K`);
  };
  draw('');
  return {
    tick(label = '') {
      n = Math.min(total, n + 1);
      draw(label);
    },
    done() {
      stream.write('\r\u001b[K');
    },
  };
}

/** Indents every line of `text`. */
export function indent(text: string, by = '  '): string {
  return text
    .split('\n')
    .map((l) => (l.length ? by + l : l))
    .join('\n');
}
