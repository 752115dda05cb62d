/** sopAccess: the Same-Origin Policy questions, as a table (HTML, Fetch and CSS Fonts rules). */
import { describe, expect, it } from 'vitest';
import { type SopQuestion, sopAccess } from './index.js';

const APP = 'https://app.example';
const SUB = 'https://sub.app.example';
const OTHER = 'https://cdn.other';

const cases: [string, SopQuestion, { allowed: boolean; sent: boolean; readable: boolean }][] = [
  [
    'read a same-origin response',
    { from: APP, to: `${APP}/api`, operation: 'read-response' },
    { allowed: true, sent: true, readable: true },
  ],
  [
    'read a cross-origin response without CORS',
    { from: APP, to: OTHER, operation: 'read-response' },
    { allowed: false, sent: true, readable: false },
  ],
  [
    'read a cross-origin response with CORS',
    { from: APP, to: OTHER, operation: 'read-response', corsAllowed: true },
    { allowed: true, sent: true, readable: true },
  ],
  [
    'localhost ports are different origins',
    { from: 'http://localhost:3000', to: 'http://localhost:4000', operation: 'read-response' },
    { allowed: false, sent: true, readable: false },
  ],
  [
    'script a same-origin iframe',
    { from: APP, to: `${APP}/frame`, operation: 'dom-access' },
    { allowed: true, sent: false, readable: true },
  ],
  [
    'script a same-site iframe',
    { from: APP, to: SUB, operation: 'dom-access' },
    { allowed: false, sent: false, readable: false },
  ],
  [
    'storage of another origin',
    { from: APP, to: SUB, operation: 'storage' },
    { allowed: false, sent: false, readable: false },
  ],
  [
    'canvas with a same-origin image',
    { from: APP, to: `${APP}/i.png`, operation: 'canvas-read' },
    { allowed: true, sent: true, readable: true },
  ],
  [
    'canvas with a cross-origin image, no crossorigin',
    { from: APP, to: OTHER, operation: 'canvas-read' },
    { allowed: false, sent: true, readable: false },
  ],
  [
    'canvas with crossorigin and CORS',
    { from: APP, to: OTHER, operation: 'canvas-read', crossOriginAttribute: true, corsAllowed: true },
    { allowed: true, sent: true, readable: true },
  ],
  [
    'canvas with crossorigin, no CORS',
    { from: APP, to: OTHER, operation: 'canvas-read', crossOriginAttribute: true },
    { allowed: false, sent: true, readable: false },
  ],
  [
    'embed a cross-origin image',
    { from: APP, to: OTHER, operation: 'embed-image' },
    { allowed: true, sent: true, readable: false },
  ],
  [
    'embed a cross-origin script',
    { from: APP, to: OTHER, operation: 'embed-script' },
    { allowed: true, sent: true, readable: false },
  ],
  [
    'embed a cross-origin script with crossorigin, no CORS',
    { from: APP, to: OTHER, operation: 'embed-script', crossOriginAttribute: true },
    { allowed: false, sent: true, readable: false },
  ],
  [
    'embed a cross-origin stylesheet',
    { from: APP, to: OTHER, operation: 'embed-stylesheet' },
    { allowed: true, sent: true, readable: false },
  ],
  [
    'embed cross-origin media',
    { from: APP, to: OTHER, operation: 'embed-media' },
    { allowed: true, sent: true, readable: false },
  ],
  [
    'embed a cross-origin iframe',
    { from: APP, to: OTHER, operation: 'embed-iframe' },
    { allowed: true, sent: true, readable: false },
  ],
  [
    'a cross-origin font without CORS',
    { from: APP, to: OTHER, operation: 'embed-font' },
    { allowed: false, sent: true, readable: false },
  ],
  [
    'a cross-origin font with CORS',
    { from: APP, to: OTHER, operation: 'embed-font', corsAllowed: true },
    { allowed: true, sent: true, readable: true },
  ],
  [
    'submit a form cross-origin',
    { from: APP, to: OTHER, operation: 'form-submit' },
    { allowed: true, sent: true, readable: false },
  ],
  [
    'postMessage cross-origin',
    { from: APP, to: OTHER, operation: 'post-message' },
    { allowed: true, sent: true, readable: true },
  ],
  [
    'document.domain between same-site pages',
    { from: APP, to: SUB, operation: 'document-domain' },
    { allowed: false, sent: false, readable: false },
  ],
];

describe('sopAccess', () => {
  it.each(cases)('%s', (_name, q, want) => {
    const got = sopAccess(q);
    expect({ allowed: got.allowed, sent: got.sent, readable: got.readable }).toEqual(want);
    expect(got.reason.length).toBeGreaterThan(20);
    expect(got.source).toMatch(/^https:\/\//);
  });
  it('reports same-origin and same-site', () => {
    expect(sopAccess({ from: APP, to: SUB, operation: 'dom-access' })).toMatchObject({
      sameOrigin: false,
      sameSite: true,
    });
    expect(sopAccess({ from: 'http://app.example', to: APP, operation: 'dom-access' })).toMatchObject({
      sameOrigin: false,
      sameSite: false,
    });
  });
  it('the receiver of postMessage must check event.origin', () => {
    expect(sopAccess({ from: APP, to: OTHER, operation: 'post-message' }).reason).toContain('event.origin');
  });
  it('throws on an unknown operation (API misuse)', () => {
    expect(() => sopAccess({ from: APP, to: OTHER, operation: 'teleport' as never })).toThrow(TypeError);
  });
});

describe('sopAccess: the opener operations (COOP)', () => {
  type Row = [string, string | undefined, string | undefined, 'chromium' | 'firefox', boolean];
  // [popup target, opener COOP, popup COOP, browser, link kept] — as Chromium 156 and Firefox ESR 153
  // behaved in test/browsers/isolation/coop.test.ts.
  const rows: Row[] = [
    [APP, undefined, undefined, 'chromium', true],
    [OTHER, undefined, undefined, 'chromium', true],
    [APP, 'same-origin', undefined, 'chromium', false],
    [APP, 'same-origin', 'same-origin', 'chromium', true],
    [OTHER, 'same-origin', 'same-origin', 'chromium', false],
    [OTHER, 'same-origin-allow-popups', undefined, 'chromium', true],
    [OTHER, 'same-origin-allow-popups', 'same-origin', 'chromium', false],
    [APP, undefined, 'noopener-allow-popups', 'chromium', false],
    [APP, undefined, 'noopener-allow-popups', 'firefox', true],
    [OTHER, 'unsafe-none', 'same-origin', 'chromium', false],
    [APP, 'same-origin; report-to="x"', 'same-origin', 'chromium', true],
    [APP, 'bogus', undefined, 'chromium', true],
  ];
  it.each(rows)(
    'popup on %s, opener COOP %s, popup COOP %s (%s): link kept %s',
    (to, fromCoop, toCoop, browser, kept) => {
      const q = { from: APP, to, browser, ...(fromCoop ? { fromCoop } : {}), ...(toCoop ? { toCoop } : {}) };
      const opener = sopAccess({ ...q, operation: 'opener-access' });
      expect(opener.allowed).toBe(kept);
      expect(opener.readable).toBe(kept && to === APP);
      for (const operation of ['post-message-to-opener', 'post-message-to-popup'] as const) {
        const m = sopAccess({ ...q, operation });
        expect({ allowed: m.allowed, sent: m.sent }).toEqual({ allowed: kept, sent: kept });
      }
      expect(opener.reason).toContain(kept ? 'COOP' : 'new browsing context group');
      expect(opener.source).toMatch(/^https:\/\/html\.spec\.whatwg\.org\//);
    },
  );
  it('ignores COOP on a page that is not a secure context', () => {
    const q = { from: 'http://app.example', to: 'http://app.example/p', fromCoop: 'same-origin' };
    expect(sopAccess({ ...q, operation: 'opener-access' }).allowed).toBe(true);
    expect(
      sopAccess({
        ...q,
        from: 'http://localhost:1',
        to: 'http://localhost:1/p',
        operation: 'opener-access',
        toCoop: 'unsafe-none',
      }).allowed,
    ).toBe(false);
  });
});
