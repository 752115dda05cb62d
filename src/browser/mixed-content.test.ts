import { describe, expect, it } from 'vitest';
import { errorDetails } from './classify.js';
import { CONTEXT_PROFILES } from './context-profile.js';
import { makeCorsError } from './errors/index.js';
import { mixedContentVerdict } from './mixed-content.js';
import { pageContextCheck } from './page-checks.js';
import { createPageContext } from './page-context.js';
import { normalizeRequest } from './request.js';
import type { NormalizedRequest } from './types.js';

function normalized(url: string): NormalizedRequest {
  const n = normalizeRequest({ url, origin: 'https://app.test' });
  if (!n.ok) throw new Error(n.problem);
  return n.request;
}

const https = createPageContext({ url: 'https://app.test/' });
const httpLocal = createPageContext({ url: 'http://localhost:3000/' });
const first = { redirectCount: 0, upgradeIfInsecure: false };

describe('mixed content (Mixed Content Level 2)', () => {
  it('blocks fetch to http: from an https page, but not to potentially trustworthy hosts', () => {
    for (const browser of ['chromium', 'firefox', 'spec'] as const) {
      const p = CONTEXT_PROFILES[browser];
      expect(mixedContentVerdict(new URL('http://api.test/x'), '', https, p, first).action).toBe('blocked');
      for (const host of ['localhost', '127.0.0.1', '[::1]', 'a.localhost'])
        expect(mixedContentVerdict(new URL(`http://${host}/x`), '', https, p, first).action).toBe('allowed');
    }
  });
  it('upgrades images, audio and video; keeps the port', () => {
    const v = mixedContentVerdict(
      new URL('http://api.test:8080/i.png'),
      'image',
      https,
      CONTEXT_PROFILES.chromium,
      first,
    );
    expect(v).toEqual({ action: 'upgraded', url: 'https://api.test:8080/i.png', logged: true });
  });
  it('chromium: an IP host or localhost is not upgraded, and says why', () => {
    const c = CONTEXT_PROFILES.chromium;
    expect(mixedContentVerdict(new URL('http://127.0.0.1/i.png'), 'image', https, c, first)).toEqual({
      action: 'not-upgraded',
      reason: 'ip',
    });
    expect(mixedContentVerdict(new URL('http://localhost/i.png'), 'image', https, c, first)).toEqual({
      action: 'not-upgraded',
      reason: 'local',
    });
  });
  it('spec: an http://localhost page restricts mixed content; the browsers do not', () => {
    const u = new URL('http://api.test/x');
    expect(mixedContentVerdict(u, '', httpLocal, CONTEXT_PROFILES.spec, first).action).toBe('blocked');
    expect(mixedContentVerdict(u, '', httpLocal, CONTEXT_PROFILES.chromium, first).action).toBe('allowed');
  });
  it('gives the exact Chromium line and a fix', () => {
    const r = pageContextCheck(
      { url: new URL('http://api.test/x'), initiator: 'fetch', redirectCount: 0 },
      https,
      'chromium',
    );
    expect(r.refusal?.kind).toBe('mixed-content-blocked');
    const line =
      "Mixed Content: The page at 'https://app.test/' was loaded over HTTPS, but requested an insecure resource 'http://api.test/x'. This request has been blocked; the content must be served over HTTPS.";
    expect(r.console).toEqual([line]);
    const e = makeCorsError(
      errorDetails(normalized('http://api.test/x'), 'mixed-content-blocked', {
        context: r.refusal?.context,
      }),
      'chromium',
    );
    expect(e.message).toBe(line);
    expect(e.logged).toBe(true);
    expect(e.fix).toContain('https://api.test/x');
  });
  it("chromium: a not-upgraded image hop that the CSP refuses prints the CSP line alone (seed 20261203's p38l3)", () => {
    const page = createPageContext({ url: 'https://app.test/', csp: 'img-src https://api.test' });
    const hop = { url: new URL('http://other.test/x.png'), initiator: 'image' as const, redirectCount: 1 };
    const r = pageContextCheck({ ...hop, upgradeIfInsecure: false }, page, 'chromium');
    expect(r.refusal?.kind).toBe('csp-blocked');
    expect(r.console).toHaveLength(1);
    expect(r.console[0]).toMatch(/^Loading the image 'http:\/\/other.test\/x.png' violates/);
    const allowed = createPageContext({ url: 'https://app.test/', csp: 'img-src http://other.test' });
    const ok = pageContextCheck({ ...hop, upgradeIfInsecure: false }, allowed, 'chromium');
    expect(ok.refusal).toBeNull();
    expect(ok.console).toEqual([
      "Mixed Content: The page at 'https://app.test/' was loaded over HTTPS, but requested an insecure image 'http://other.test/x.png'. This content should also be served over HTTPS.",
    ]);
  });
  it('upgrade-insecure-requests: http: goes to https: (port kept), trustworthy hosts as each browser does', () => {
    const page = createPageContext({ url: 'http://app.test/', csp: 'upgrade-insecure-requests' });
    expect(page.upgradeInsecureRequests).toBe(true);
    const at = (url: string, redirectCount: number, browser: 'chromium' | 'firefox' | 'spec') =>
      pageContextCheck({ url: new URL(url), initiator: 'fetch', redirectCount }, page, browser).url.href;
    expect(at('http://api.test:8080/x', 0, 'chromium')).toBe('https://api.test:8080/x');
    expect(at('http://127.0.0.1:8080/x', 0, 'chromium')).toBe('http://127.0.0.1:8080/x');
    expect(at('http://127.0.0.1:8080/x', 1, 'chromium')).toBe('https://127.0.0.1:8080/x');
    expect(at('http://127.0.0.1:8080/x', 1, 'firefox')).toBe('http://127.0.0.1:8080/x');
    expect(at('http://localhost/x', 0, 'spec')).toBe('https://localhost/x');
    expect(
      createPageContext({ url: 'http://app.test/', cspReportOnly: 'upgrade-insecure-requests' })
        .upgradeInsecureRequests,
    ).toBe(false);
  });
  it('chromium: fetch() checks the CSP before the upgrade; XHR and firefox after it', () => {
    const page = createPageContext({
      url: 'https://app.test/',
      csp: 'upgrade-insecure-requests; connect-src https:; img-src https:',
    });
    const url = new URL('http://api.test/x');
    const fetchHop = pageContextCheck({ url, initiator: 'fetch', redirectCount: 0 }, page, 'chromium');
    expect(fetchHop.refusal?.kind).toBe('csp-blocked');
    expect(fetchHop.console).toHaveLength(2);
    expect(
      pageContextCheck({ url, initiator: 'XMLHttpRequest', redirectCount: 0 }, page, 'chromium').refusal,
    ).toBeNull();
    expect(
      pageContextCheck({ url, initiator: 'fetch', redirectCount: 0 }, page, 'firefox').refusal,
    ).toBeNull();
    // firefox: an http: URL the upgrade left alone still matches https: sources.
    const local = new URL('http://127.0.0.1/x');
    expect(
      pageContextCheck({ url: local, initiator: 'image', redirectCount: 0 }, page, 'firefox').refusal,
    ).toBeNull();
    expect(
      pageContextCheck({ url: local, initiator: 'image', redirectCount: 0 }, page, 'chromium').refusal?.kind,
    ).toBe('csp-blocked');
  });
});
