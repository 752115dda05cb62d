/** judgeHar on small HARs shaped as Firefox exports them (merged header lines, its own Priority header). */
import { describe, expect, it } from 'vitest';
import { type HarEntry, judgeHar } from './har.js';

const APP = 'http://app.test';
const h = (pairs: [string, string][]) => pairs.map(([name, value]) => ({ name, value }));
const entry = (
  method: string,
  request: [string, string][],
  status: number,
  response: [string, string][],
): HarEntry => ({
  request: { method, url: 'http://api.test/data', headers: h(request) },
  response: { status, headers: h(response) },
});

describe('judgeHar (Firefox HAR shapes)', () => {
  it("Firefox's own Priority header is not taken for the page's (no preflight was needed for it)", async () => {
    const entries = [
      entry(
        'GET',
        [
          ['Origin', APP],
          ['Priority', 'u=4'],
          ['Accept', '*/*'],
        ],
        200,
        [['Access-Control-Allow-Origin', APP]],
      ),
    ];
    const [x] = await judgeHar(entries, 'firefox');
    expect(x?.verdict).toBe('allowed');
    expect(x?.note).toBeUndefined();
  });

  it("a Priority header the preflight asked for is the page's and is judged", async () => {
    const entries = [
      entry(
        'PUT',
        [
          ['Origin', APP],
          ['Priority', 'u=1'],
        ],
        0,
        [],
      ),
      entry(
        'OPTIONS',
        [
          ['Origin', APP],
          ['Access-Control-Request-Method', 'PUT'],
          ['Access-Control-Request-Headers', 'priority'],
        ],
        204,
        [
          ['Access-Control-Allow-Origin', APP],
          ['Access-Control-Allow-Methods', 'PUT'],
        ],
      ),
    ];
    const [x] = await judgeHar(entries, 'firefox');
    expect(x?.error?.kind).toBe('header-disallowed-by-preflight-response');
  });

  it('a merged Access-Control-Allow-Origin value names both readings for Firefox, one for Chromium', async () => {
    const entries = [
      entry('GET', [['Origin', APP]], 200, [['Access-Control-Allow-Origin', `${APP}, ${APP}`]]),
    ];
    const [ff] = await judgeHar(entries, 'firefox');
    expect(ff?.error?.kind).toBe('allow-origin-mismatch');
    expect(ff?.alternatives).toEqual(['multiple-allow-origin-values']);
    expect(ff?.note).toMatch(/merged/);
    const [cr] = await judgeHar(entries, 'chromium');
    expect(cr?.verdict).toBe('blocked');
    expect(cr?.alternatives).toBeUndefined();
  });
});
