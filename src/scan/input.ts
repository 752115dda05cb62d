/**
 * Streaming input for large scans: targets read line by line (a file or stdin, `#` comments and
 * blank lines skipped) without holding the list, and the targets a JSON Lines results file already
 * holds (to resume a run), kept as 64-bit digests rather than strings.
 */
import { createReadStream } from 'node:fs';
import { createInterface } from 'node:readline';
import type { Readable } from 'node:stream';
import { DigestSet } from './_digest-set.js';

export type { DigestSet };

/** Lines of `input` that are targets, trimmed, in order. */
export async function* readTargets(input: Readable): AsyncGenerator<string> {
  const lines = createInterface({ input, crlfDelay: Number.POSITIVE_INFINITY });
  for await (const line of lines) {
    const t = line.trim();
    if (t && !t.startsWith('#')) yield t;
  }
}

/**
 * Targets a JSON Lines results file already holds (one `TargetReport` per line). A torn last line
 * (the one a stopped run was writing) is ignored; a target that could not be scanned is tried again.
 * The set keeps 8 bytes of digest per target, not the URL (memory stays near flat however long the
 * file): `has(url)` is wrongly true with probability at most (targets in the file) / 2^64.
 */
export async function doneTargets(path: string): Promise<DigestSet> {
  const done = new DigestSet();
  const lines = createInterface({ input: createReadStream(path), crlfDelay: Number.POSITIVE_INFINITY });
  for await (const line of lines) {
    if (!line.trim()) continue;
    try {
      const row = JSON.parse(line) as { target?: unknown; error?: unknown };
      if (typeof row.target === 'string' && row.error === undefined) done.add(row.target);
    } catch {
      // the line a stopped run was writing
    }
  }
  return done;
}
