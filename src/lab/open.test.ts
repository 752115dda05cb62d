import { describe, expect, it } from 'vitest';
import { parseLabArgs } from './open.js';

describe('parseLabArgs: npm start -- … as crossorigin lab …', () => {
  it.each([
    [[], { ok: true, open: false }],
    [['--port', '5000'], { ok: true, port: 5000, open: false }],
    [['-p', '0', '--open'], { ok: true, port: 0, open: true }],
    [['--port=4999'], { ok: true, port: 4999, open: false }],
    [['4871'], { ok: true, port: 4871, open: false }],
  ] as const)('%j', (argv, expected) => {
    expect(parseLabArgs(argv)).toEqual(expected);
  });
  it.each([[['--port']], [['--port', 'x']], [['--port', '70000']], [['--bogus']]])(
    '%j is refused',
    (argv) => {
      const r = parseLabArgs(argv);
      expect(r.ok).toBe(false);
    },
  );
});
