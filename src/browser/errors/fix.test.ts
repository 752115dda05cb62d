import { describe, expect, it } from 'vitest';
import { fixFor } from './fix.js';
import type { CorsErrorDetails } from './kinds.js';

const base = { url: 'http://api.test/x', method: 'GET', resource: 'fetch' } as unknown as CorsErrorDetails;

describe('fixFor', () => {
  it.each([
    'missing-allow-origin-header',
    'allow-origin-mismatch',
    'preflight-missing-allow-origin-header',
    'wildcard-origin-not-allowed',
  ] as const)('%s from a null (tainted) origin never advises Access-Control-Allow-Origin: null', (kind) => {
    for (const credentials of ['omit', 'include'] as const) {
      const fix = fixFor({ ...base, kind, requestOrigin: 'null', credentials } as CorsErrorDetails);
      expect(fix).toContain('Do not answer `Access-Control-Allow-Origin: null`');
      expect(fix).not.toMatch(/Send `Access-Control-Allow-Origin: null`/);
      expect(fix.includes('`Access-Control-Allow-Origin: *` also works')).toBe(credentials === 'omit');
    }
  });

  it('a real origin gets that origin in the advice', () => {
    const fix = fixFor({
      ...base,
      kind: 'missing-allow-origin-header',
      requestOrigin: 'http://app.test',
      credentials: 'include',
    } as CorsErrorDetails);
    expect(fix).toContain(
      '`Access-Control-Allow-Origin: http://app.test` and `Access-Control-Allow-Credentials: true`',
    );
  });
});
