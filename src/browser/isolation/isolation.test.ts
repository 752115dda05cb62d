/**
 * Tables for the isolation models; each row is a case seen in Chromium 156 / Firefox ESR 153
 * (test/browsers/isolation runs the generated ones in the real browsers).
 */
import { describe, expect, it } from 'vitest';
import {
  coopRequiresBrowsingContextGroupSwitch,
  crossOriginIsolated,
  crossOriginResourcePolicyCheck,
  ISOLATION_CHROMIUM,
  ISOLATION_FIREFOX,
  ISOLATION_SPEC,
  noCorsLoad,
  type OpenerPolicyValue,
  opaqueResponseBlocking,
  parseEmbedderPolicy,
  parseOpenerPolicy,
} from './index.js';

const PNG = '\x89PNG\r\n\x1a\n\x00\x00\x00\rIHDR';
const h = (ct: string | null, nosniff = false): [string, string][] => [
  ...(ct ? ([['Content-Type', ct]] as [string, string][]) : []),
  ...(nosniff ? ([['X-Content-Type-Options', 'nosniff']] as [string, string][]) : []),
];

describe('opaqueResponseBlocking', () => {
  // [content type, nosniff, status, body, chromium allowed, firefox allowed, spec allowed]
  const rows: [string | null, boolean, number, string, boolean, boolean, boolean][] = [
    ['application/json', false, 200, '{"a": 1}', false, false, false],
    ['application/json', false, 200, '[1, 2]', true, false, false], // chromium: arrays are not sniffed as JSON
    ['application/json', false, 200, 'alert(1)', true, true, true],
    ['application/javascript', false, 200, '{"a": 1}', false, true, true], // chromium sniffs JavaScript types too
    ['text/plain', false, 200, 'just text', true, false, false], // chromium: no JavaScript parse
    ['text/plain', true, 200, PNG, false, true, false], // firefox: nosniff text/plain still sniffs images
    ['application/json', true, 200, PNG, false, false, false],
    [null, false, 200, '{"a": 1}', true, true, true],
    ['text/css', true, 200, '<html>', true, true, true],
    ['image/png', false, 200, '<!doctype html><p>', false, false, false],
    ['audio/wav', false, 200, '{"a": 1}', true, false, false], // chromium: audio/video types pass
    ['text/csv', false, 200, PNG, false, false, false], // never sniffed
    ['application/pdf', false, 200, PNG, false, false, false],
    ['text/html', false, 404, PNG, true, true, true], // images pass whatever the status
    ['application/octet-stream', false, 200, ")]}'\n{}", false, false, false],
    ['text/html', false, 206, '[1, 2]', true, false, false], // chromium: no partial-response step (observed)
  ];
  it.each(rows)('%s nosniff=%s %i %j: chromium %s, firefox %s, spec %s', (ct, ns, status, body, c, f, s) => {
    const r = { status, headers: h(ct, ns), body };
    expect(opaqueResponseBlocking(r, ISOLATION_CHROMIUM).allowed).toBe(c);
    expect(opaqueResponseBlocking(r, ISOLATION_FIREFOX).allowed).toBe(f);
    expect(opaqueResponseBlocking(r, ISOLATION_SPEC).allowed).toBe(s);
  });

  it('never throws on odd bodies and headers', () => {
    const odd = [
      { status: 200, headers: h('text/plain;;;'), body: '\u0000\uffff' },
      { status: 200, headers: h(' , */*'), body: new Uint8Array(5000) },
      { status: 0, headers: [['content-type', 'a/b, c/d']] as [string, string][], body: '<!-- never closed' },
    ];
    for (const r of odd)
      for (const p of [ISOLATION_CHROMIUM, ISOLATION_FIREFOX]) opaqueResponseBlocking(r, p);
  });
});

describe('crossOriginResourcePolicyCheck', () => {
  const page = 'http://localhost:1000';
  // [url, CORP, embedder policy, credentials, chromium blocked, firefox blocked]
  const rows: [
    string,
    string | null,
    'unsafe-none' | 'require-corp' | 'credentialless',
    boolean,
    boolean,
    boolean,
  ][] = [
    ['http://localhost:2000/x', 'same-origin', 'unsafe-none', true, true, true],
    ['http://localhost:2000/x', 'same-site', 'unsafe-none', true, false, false],
    ['http://api.test/x', 'same-site', 'unsafe-none', true, true, true],
    ['http://api.test/x', 'SAME-ORIGIN', 'unsafe-none', true, false, false], // case-sensitive: ignored
    ['http://api.test/x', null, 'require-corp', true, true, true],
    ['http://api.test/x', 'bogus', 'require-corp', true, true, false], // firefox: any value satisfies COEP
    ['http://api.test/x', 'cross-origin', 'require-corp', true, false, false],
    ['http://api.test/x', null, 'credentialless', false, false, false],
    ['http://api.test/x', null, 'credentialless', true, true, true],
    ['https://localhost:3000/x', 'same-site', 'unsafe-none', true, true, true], // http page, https resource
  ];
  it.each(rows)('%s CORP=%s COEP=%s credentials=%s', (url, corp, coep, creds, c, f) => {
    const input = {
      origin: page,
      url,
      headers: corp ? ([['Cross-Origin-Resource-Policy', corp]] as [string, string][]) : [],
      embedderPolicy: coep,
      includesCredentials: creds,
    };
    expect(crossOriginResourcePolicyCheck(input, ISOLATION_CHROMIUM).blocked).toBe(c);
    expect(crossOriginResourcePolicyCheck(input, ISOLATION_FIREFOX).blocked).toBe(f);
  });
});

describe('noCorsLoad', () => {
  const base = { pageUrl: 'http://localhost:1000/page', embedderPolicy: 'unsafe-none' as const };
  it('ORB-blocked JSON via <script>: an error event, no console line in Chromium', () => {
    const out = noCorsLoad(
      {
        ...base,
        url: 'http://api.test/data.json',
        loader: 'script',
        response: { status: 200, headers: h('application/json'), body: '{"a": 1}' },
      },
      'chromium',
      ISOLATION_CHROMIUM,
    );
    expect(out).toMatchObject({ view: 'error', blockedBy: 'orb', console: [] });
  });
  it('ORB-blocked no-cors fetch: an empty opaque response in both browsers, a network error in the spec', () => {
    const load = {
      ...base,
      url: 'http://api.test/d',
      loader: 'fetch' as const,
      response: { status: 200, headers: h('application/json'), body: '{"a": 1}' },
    };
    expect(noCorsLoad(load, 'chromium', ISOLATION_CHROMIUM).view).toBe('opaque-empty');
    expect(noCorsLoad(load, 'firefox', ISOLATION_FIREFOX).view).toBe('opaque-empty');
    expect(noCorsLoad(load, 'spec', ISOLATION_SPEC).view).toBe('network-error');
  });
  it('CORP same-origin image: the Chromium line names NotSameOrigin', () => {
    const out = noCorsLoad(
      {
        ...base,
        url: 'http://api.test/i.png',
        loader: 'img',
        response: { status: 200, headers: [['Cross-Origin-Resource-Policy', 'same-origin']], body: PNG },
      },
      'chromium',
      ISOLATION_CHROMIUM,
    );
    expect(out.console).toEqual(['Failed to load resource: net::ERR_BLOCKED_BY_RESPONSE.NotSameOrigin']);
  });
  it('COEP require-corp and a CORP-less image: NotSameOriginAfterDefaultedToSameOriginByCoep', () => {
    const out = noCorsLoad(
      {
        ...base,
        embedderPolicy: 'require-corp',
        url: 'http://api.test/i.png',
        loader: 'img',
        response: { status: 200, headers: h('image/png'), body: PNG },
      },
      'chromium',
      ISOLATION_CHROMIUM,
    );
    expect(out.console).toEqual([
      'Failed to load resource: net::ERR_BLOCKED_BY_RESPONSE.NotSameOriginAfterDefaultedToSameOriginByCoep',
    ]);
  });
  it('COEP credentialless: no cookies on a cross-origin no-cors load, and the image loads', () => {
    const out = noCorsLoad(
      {
        ...base,
        embedderPolicy: 'credentialless',
        url: 'http://localhost:2000/i.png',
        loader: 'img',
        response: { status: 200, headers: h('image/png'), body: PNG },
      },
      'firefox',
      ISOLATION_FIREFOX,
    );
    expect(out).toMatchObject({ view: 'load', credentialsSent: false });
  });
});

describe('COEP, COOP and crossOriginIsolated', () => {
  it('COEP is ignored on a page that is not a secure context', () => {
    expect(parseEmbedderPolicy('require-corp', 'http://app.test/')).toBe('unsafe-none');
    expect(parseEmbedderPolicy('require-corp; report-to="x"', 'http://localhost:1/')).toBe('require-corp');
    expect(parseEmbedderPolicy('Require-Corp', 'https://a.example/')).toBe('unsafe-none');
  });
  it('crossOriginIsolated needs COOP same-origin, COEP and a secure context', () => {
    expect(
      crossOriginIsolated({ pageUrl: 'http://localhost:1/', coop: 'same-origin', coep: 'credentialless' }),
    ).toBe(true);
    expect(
      crossOriginIsolated({
        pageUrl: 'http://localhost:1/',
        coop: 'same-origin-allow-popups',
        coep: 'require-corp',
      }),
    ).toBe(false);
    expect(
      crossOriginIsolated({ pageUrl: 'http://app.test/', coop: 'same-origin', coep: 'require-corp' }),
    ).toBe(false);
  });
  it('Firefox ESR 153 does not know noopener-allow-popups', () => {
    expect(parseOpenerPolicy('noopener-allow-popups', true, ISOLATION_CHROMIUM)).toBe(
      'noopener-allow-popups',
    );
    expect(parseOpenerPolicy('noopener-allow-popups', true, ISOLATION_FIREFOX)).toBe('unsafe-none');
  });
  const sw = (o: OpenerPolicyValue, p: OpenerPolicyValue, sameOrigin: boolean) =>
    coopRequiresBrowsingContextGroupSwitch({
      openerOrigin: 'http://localhost:1',
      openerPolicy: o,
      popupOrigin: sameOrigin ? 'http://localhost:1' : 'http://localhost:2',
      popupPolicy: p,
    });
  it('severs the opener where the browsers do', () => {
    expect(sw('unsafe-none', 'unsafe-none', false)).toBe(false);
    expect(sw('same-origin', 'same-origin', true)).toBe(false);
    expect(sw('same-origin', 'same-origin', false)).toBe(true);
    expect(sw('same-origin', 'unsafe-none', true)).toBe(true);
    expect(sw('same-origin-allow-popups', 'unsafe-none', false)).toBe(false);
    expect(sw('same-origin-allow-popups', 'same-origin', true)).toBe(true);
    expect(sw('noopener-allow-popups', 'unsafe-none', false)).toBe(false);
    expect(sw('unsafe-none', 'noopener-allow-popups', true)).toBe(true);
  });
});
