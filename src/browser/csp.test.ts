import { describe, expect, it } from 'vitest';
import { parseOrigin, type TupleOrigin } from '../origin/index.js';
import { CONTEXT_PROFILES } from './context-profile.js';
import { cspRequestCheck, getEffectiveDirectiveForRequest, governingDirective } from './csp.js';
import { doesUrlMatchSourceList, pathPartMatch } from './csp-match.js';
import { parseResponseCsps, parseSerializedCsp } from './csp-parse.js';
import { createPageContext } from './page-context.js';

const page = parseOrigin('https://app.test:8443') as TupleOrigin;
const spec = CONTEXT_PROFILES.spec;
const chromium = CONTEXT_PROFILES.chromium;

describe('CSP3 parsing', () => {
  it('lower-cases names, keeps the first of a repeated directive, drops empty policies', () => {
    const warnings: string[] = [];
    const p = parseSerializedCsp("Connect-Src 'self' ; connect-src *;; img-src", 'enforce', warnings);
    expect([...p.directives]).toEqual([
      ['connect-src', ["'self'"]],
      ['img-src', []],
    ]);
    expect(warnings).toHaveLength(1);
    expect(parseResponseCsps(["default-src 'self', , img-src *", ' '], 'enforce')).toHaveLength(2);
  });
  it('skips a non-ASCII directive', () => {
    expect(parseSerializedCsp('img-src é; connect-src *', 'enforce').directives.has('img-src')).toBe(false);
  });
});

// [source list, URL, redirect count, spec, chromium]
const MATCHES: [string, string, number, boolean, boolean][] = [
  ["'self'", 'https://app.test:8443/x', 0, true, true],
  ["'self'", 'https://api.test:8443/x', 0, false, false],
  ["'none'", 'https://app.test:8443/x', 0, false, false],
  ['', 'https://app.test:8443/x', 0, false, false],
  ['*', 'https://any.example/x', 0, true, true],
  ['*', 'data:text/plain,x', 0, false, false],
  ['https:', 'https://any.example/x', 0, true, true],
  ['http:', 'https://any.example/x', 0, true, true],
  ['https:', 'http://any.example/x', 0, false, false],
  ['api.test:8443', 'https://api.test:8443/x', 0, true, true],
  ['api.test:8443', 'http://api.test:8443/x', 0, false, false],
  ['api.test', 'https://api.test/x', 0, true, true],
  ['api.test', 'https://api.test:8443/x', 0, false, false],
  ['*.test:8443', 'https://api.test:8443/x', 0, true, true],
  ['*.test:8443', 'https://test:8443/x', 0, false, false],
  ['api.test:*', 'https://api.test:1/x', 0, true, true],
  ['http://api.test:8443', 'https://api.test:8443/x', 0, true, false],
  ['http://api.test:*', 'https://api.test:8443/x', 0, true, true],
  ['api.test:8443/r/', 'https://api.test:8443/r/a/b', 0, true, true],
  ['api.test:8443/r/', 'https://api.test:8443/s/a', 0, false, false],
  ['api.test:8443/r/', 'https://api.test:8443/s/a', 1, true, true],
  ['api.test:8443/r', 'https://api.test:8443/r/a', 0, false, false],
  ["'unsafe-inline' api.test:8443", 'https://api.test:8443/x', 0, true, true],
  ["'none' api.test:8443", 'https://api.test:8443/x', 0, true, true],
];

describe('does url match source list (CSP3 §6.7.2.5)', () => {
  it.each(MATCHES)('%s vs %s (redirects %i): spec %s, chromium %s', (list, url, redirects, s, c) => {
    const value = list === '' ? [] : list.split(' ');
    expect(doesUrlMatchSourceList(new URL(url), value, page, redirects, spec)).toBe(s);
    expect(doesUrlMatchSourceList(new URL(url), value, page, redirects, chromium)).toBe(c);
  });
  it('path-part match: exact, prefix, percent-decoding', () => {
    expect(pathPartMatch('/a/b', '/a/b')).toBe(true);
    expect(pathPartMatch('/a/b', '/a/b/c')).toBe(false);
    expect(pathPartMatch('/a/', '/a/b/c')).toBe(true);
    expect(pathPartMatch('/a%20b', '/a b')).toBe(true);
    expect(pathPartMatch('/a/%zz', '/a/%zz')).toBe(true);
  });
});

describe('an http: page (scheme-less sources take its scheme)', () => {
  const httpPage = parseOrigin('http://app.test:8080') as TupleOrigin;
  const match = (list: string, url: string, profile = chromium) =>
    doesUrlMatchSourceList(new URL(url), list.split(' '), httpPage, 0, profile);
  it('spec: api.test:8443 matches https://api.test:8443 (scheme upgrade, port-part match)', () => {
    expect(match('api.test:8443', 'https://api.test:8443/x', spec)).toBe(true);
    expect(match('*.test:8443', 'https://api.test:8443/x', spec)).toBe(true);
  });
  it('chromium: an exact port allows no upgrade there either (seed 7 of the context differential)', () => {
    expect(match('api.test:8443', 'https://api.test:8443/x')).toBe(false);
    expect(match('*.test:8443', 'https://api.test:8443/x')).toBe(false);
    expect(match('127.0.0.1:8443', 'https://127.0.0.1:8443/x')).toBe(false);
    expect(match('api.test:8443', 'http://api.test:8443/x')).toBe(true);
    expect(match('api.test:*', 'https://api.test:8443/x')).toBe(true);
  });
});

describe('directives: effective directive and fallback', () => {
  it('fetch -> connect-src, image -> img-src, script -> script-src-elem, audio -> media-src', () => {
    expect(getEffectiveDirectiveForRequest('')).toBe('connect-src');
    expect(getEffectiveDirectiveForRequest('image')).toBe('img-src');
    expect(getEffectiveDirectiveForRequest('script')).toBe('script-src-elem');
    expect(getEffectiveDirectiveForRequest('audio')).toBe('media-src');
  });
  it('script-src stands in for script-src-elem, default-src for the rest', () => {
    const [p] = parseResponseCsps(["default-src 'none'; script-src *"], 'enforce');
    expect(p && governingDirective(p, 'script-src-elem')).toBe('script-src');
    expect(p && governingDirective(p, 'img-src')).toBe('default-src');
  });
  it("'strict-dynamic' allows a script that is not parser-inserted; report-only never blocks", () => {
    const ctx = createPageContext({
      url: 'https://app.test:8443/',
      csp: "script-src 'strict-dynamic' 'nonce-x'; connect-src 'self'",
      cspReportOnly: "connect-src 'none'",
    });
    expect(cspRequestCheck(new URL('https://cdn.example/a.js'), 'script', 0, ctx, spec).blocked).toBe(false);
    const r = cspRequestCheck(new URL('https://app.test:8443/api'), '', 0, ctx, spec);
    expect(r.blocked).toBe(false);
    expect(r.violations.map((v) => [v.disposition, v.directive])).toEqual([['report', "connect-src 'none'"]]);
  });
});
