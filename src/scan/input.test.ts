import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { Readable } from 'node:stream';
import { afterAll, describe, expect, it } from 'vitest';
import { DigestSet } from './_digest-set.js';
import { doneTargets, readTargets } from './input.js';

const dir = mkdtempSync(join(tmpdir(), 'crossorigin-scan-input-'));
afterAll(() => rmSync(dir, { recursive: true, force: true }));

describe('DigestSet', () => {
  it('answers exactly for 100,000 members and 100,000 non-members, at under 22 bytes a member', () => {
    const set = new DigestSet();
    const member = (i: number) => `https://h${i}.example/api?id=${i}`;
    const other = (i: number) => `https://h${i}.example/api?id=${i}x`;
    for (let i = 0; i < 100_000; i++) set.add(member(i));
    set.add(member(7)); // again: counted once
    expect(set.size).toBe(100_000);
    let members = 0;
    let others = 0;
    for (let i = 0; i < 100_000; i++) {
      if (set.has(member(i))) members++;
      if (set.has(other(i))) others++;
    }
    expect(members).toBe(100_000);
    expect(others).toBe(0);
    expect(set.bytes / set.size).toBeLessThan(22);
    expect(set.bytes / set.size).toBeGreaterThan(10);
  });

  it('holds the empty string and strings beyond ASCII', () => {
    const set = new DigestSet().add('').add('https://bücher.example/é');
    expect([set.has(''), set.has('https://bücher.example/é'), set.has('https://bucher.example/é')]).toEqual([
      true,
      true,
      false,
    ]);
  });
});

describe('doneTargets', () => {
  it('a results file of 30,000 lines: exactly the finished targets are done', async () => {
    const path = join(dir, 'results.jsonl');
    const rows: string[] = [];
    const url = (i: number) => `http://127.0.${i % 250}.${1 + (i % 7)}:${1000 + i}/t/${i}`;
    for (let i = 0; i < 30_000; i++) {
      const failed = i % 10 === 3;
      rows.push(
        JSON.stringify({
          target: url(i),
          status: failed ? null : 200,
          ...(failed ? { error: 'connection refused' } : {}),
          findings: [],
        }),
      );
      if (i % 1000 === 0) rows.push('', 'not json', '{"target": 42}');
    }
    writeFileSync(path, `${rows.join('\n')}\n{"target":"${url(30_000)}","fin`);
    const done = await doneTargets(path);
    let wrong = 0;
    for (let i = 0; i <= 30_001; i++) {
      const finished = i < 30_000 && i % 10 !== 3;
      if (done.has(url(i)) !== finished) wrong++;
    }
    expect(wrong).toBe(0);
    expect(done.size).toBe(27_000);
    expect(done.bytes).toBeLessThan(27_000 * 22);
  });

  it('a missing file rejects', async () => {
    await expect(doneTargets(join(dir, 'none.jsonl'))).rejects.toThrow(/ENOENT/);
  });
});

describe('readTargets', () => {
  it('skips blank lines and comments, trims, keeps order', async () => {
    const input = Readable.from(['# list\r\n', ' https://a.example/ \n\n', 'https://b.example/x\r\n']);
    const out: string[] = [];
    for await (const t of readTargets(input)) out.push(t);
    expect(out).toEqual(['https://a.example/', 'https://b.example/x']);
  });
});
