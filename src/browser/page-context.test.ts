import { describe, expect, it } from 'vitest';
import { createPageContext } from './page-context.js';

describe('createPageContext', () => {
  it('parses once: secure context, CSP list, COEP, COOP', () => {
    const p = createPageContext({
      url: 'https://app.test/x',
      csp: ["default-src 'self'", 'img-src *'],
      coep: 'require-corp; report-to="e"',
      coop: 'same-origin',
    });
    expect(p.secureContext).toBe(true);
    expect(p.originSerialized).toBe('https://app.test');
    expect(p.csp).toHaveLength(2);
    expect(p.cspEnforced).toBe(true);
    expect(p.coep).toBe('require-corp');
    expect(p.coop).toBe('same-origin');
    expect(Object.isFrozen(p)).toBe(true);
  });
  it('ignores COEP/COOP on a non-secure page and unknown values, with a warning', () => {
    const p = createPageContext({ url: 'http://app.test/', coep: 'require-corp', coop: 'same-origin' });
    expect([p.coep, p.coop]).toEqual(['unsafe-none', 'unsafe-none']);
    expect(p.warnings).toHaveLength(2);
    expect(createPageContext({ url: 'https://a.test/', coep: 'bogus' }).coep).toBe('unsafe-none');
    expect(createPageContext({ url: 'http://localhost:3000/' }).secureContext).toBe(true);
  });
  it('throws only on misuse', () => {
    expect(() => createPageContext({ url: 'not a url' })).toThrow(TypeError);
    expect(() => createPageContext({ url: 'file:///x' })).toThrow(/http: or https:/);
    expect(() => createPageContext({ url: 'https://a.test/', csp: [1 as never] })).toThrow(TypeError);
  });
});
