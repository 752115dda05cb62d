import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { caseFoldingHash, chromiumHeaderCheckOrder, headerMapOrder } from './_blink-header-map.js';
import { checkPreflightResponse } from './preflight.js';

describe('chromiumHeaderCheckOrder', () => {
  // The order Chromium 156 sent these headers in (Host and Connection first, then the map), with
  // `Accept` (added later, outside the map) left out: test/browsers/header-order.test.ts.
  it.each([
    [
      ['x-a', 'x-b', 'x-c'],
      ['x-c', 'user-agent', 'x-a', 'x-b'],
    ],
    [
      ['alpha', 'beta', 'mid', 'zeta'],
      ['beta', 'alpha', 'mid', 'user-agent', 'zeta'],
    ],
    [
      [
        'x6JA',
        'xUXUlc-TO',
        'x68L1236PWw',
        'x2MDse7ztYl',
        'x',
        'xXZVPvtMo0',
        'xMXiWSGQBf3_hOcE3kublZZp7C4NtJUKYcBrOzOyUGfiyG-n-An',
      ],
      [
        'x6ja',
        'xxzvpvtmo0',
        'xmxiwsgqbf3_hoce3kublzzp7c4ntjukycbrozoyugfiyg-n-an',
        'x',
        'xuxulc-to',
        'x2mdse7ztyl',
        'user-agent',
        'x68l1236pww',
      ],
    ],
    [
      ['xsXXBxGqs', 'xMd4RCl0soDX', 'Content-Type'],
      ['xsxxbxgqs', 'xmd4rcl0sodx', 'user-agent', 'content-type'],
    ],
  ])('%j is walked as %j', (names, order) => {
    expect(chromiumHeaderCheckOrder(names)).toEqual(order);
  });

  it('does not depend on the order or case the page used', () => {
    expect(chromiumHeaderCheckOrder(['zeta', 'MID', 'beta', 'alpha'])).toEqual(
      chromiumHeaderCheckOrder(['alpha', 'beta', 'mid', 'zeta']),
    );
  });

  it('folds case in the hash and never returns 0', () => {
    expect(caseFoldingHash('X-Custom')).toBe(caseFoldingHash('x-custom'));
    fc.assert(
      fc.property(fc.stringMatching(/^[!-~]{1,80}$/), (name) => {
        const h = caseFoldingHash(name);
        return h > 0 && h < 0x1000000;
      }),
    );
  });

  it('returns each distinct lower-cased name once, whatever the load', () => {
    fc.assert(
      fc.property(fc.array(fc.stringMatching(/^[a-zA-Z0-9-]{1,30}$/), { maxLength: 40 }), (names) => {
        const distinct = new Set(names.map((n) => n.toLowerCase()));
        const out = headerMapOrder(names);
        expect(out.length).toBe(distinct.size);
        expect(new Set(out)).toEqual(distinct);
      }),
    );
  });
});

describe('the header a failed preflight names', () => {
  const request = {
    url: 'http://api.test/item',
    origin: 'http://app.test',
    headers: [
      ['x-custom', '1'],
      ['range', 'bytes=0-1,3-4'],
      ['content-language', 'en@x'],
    ] as [string, string][],
  };
  const response = {
    status: 204,
    headers: [
      ['Access-Control-Allow-Origin', '*'],
      ['Access-Control-Allow-Headers', 'x-custom'],
    ] as [string, string][],
  };
  const hint = (browser: 'chromium' | 'firefox' | 'spec') => {
    const r = checkPreflightResponse(request, response, browser);
    return r.ok ? null : r.error.message;
  };

  it('chromium: the first in its header map (range), firefox and spec: the first sorted', () => {
    expect(hint('chromium')).toContain('Request header field range is not allowed');
    expect(hint('firefox')).toContain('‘content-language’');
    expect(hint('spec')).toContain('content-language');
  });
});
