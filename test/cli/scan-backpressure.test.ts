/**
 * `crossorigin scan --jsonl` under a slow reader: the command waits for its output to drain
 * (Io.drain) before taking the next target, so a reader that stops reading stops the scan instead
 * of letting results pile up in memory. In process (scanCommand with an Io whose drain is held).
 */
import { afterAll, beforeAll, expect, it } from 'vitest';
import type { Io } from '../../src/cli/output.js';
import { scanCommand } from '../../src/cli/scan.js';
import { listen, type Running } from '../scan/fleet.js';

let server: Running;
/** Requests received, per target path. */
const hits = new Map<string, number>();

beforeAll(async () => {
  server = await listen('counted', (req, res) => {
    hits.set(req.url?.split('?')[0] ?? '', (hits.get(req.url?.split('?')[0] ?? '') ?? 0) + 1);
    res.end('ok');
  });
});

afterAll(async () => {
  await server.close();
});

it('a reader that stops reading stops the scan; the scan resumes when it drains', async () => {
  let release: () => void = () => {};
  const gate = new Promise<void>((r) => {
    release = r;
  });
  const lines: string[] = [];
  let drains = 0;
  const io: Io = {
    out: (t) => lines.push(t),
    err: () => {},
    isTTY: false,
    env: {},
    drain: () => (++drains === 1 ? gate : Promise.resolve()),
  };
  const targets = ['/a', '/b', '/c'].map((p) => new URL(p, server.url).href);
  const run = scanCommand(targets, { jsonl: true, concurrency: '1' }, io);
  // The first target is written and its drain held: nothing of /b or /c is sent meanwhile.
  await expect.poll(() => drains, { timeout: 20_000 }).toBe(1);
  await new Promise((r) => setTimeout(r, 300));
  expect(hits.get('/a')).toBeGreaterThan(10);
  expect(hits.get('/b') ?? 0).toBe(0);
  expect(hits.get('/c') ?? 0).toBe(0);
  expect(lines).toHaveLength(1);
  release();
  expect(await run).toBe(0);
  expect(lines).toHaveLength(3);
  expect(hits.get('/c')).toBe(hits.get('/a'));
});
