/**
 * Probe derivation (a table per site shape, plus properties) and severity by exploitability.
 */
import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { isHeaderValue } from '../_fetch/index.js';
import { parseOriginHeader } from '../origin/index.js';
import {
  DEVELOPMENT_ORIGINS,
  deriveOriginProbes,
  type FindingClass,
  SPECIAL_CHARACTERS,
  severityFor,
  THIRD_PARTY_HOSTS,
  whoCanGet,
} from './index.js';

function byClass(site: string): Record<string, string[]> {
  const out: Record<string, string[]> = {};
  for (const p of deriveOriginProbes(site)) {
    out[p.class] = [...(out[p.class] ?? []), p.origin];
  }
  return out;
}

describe('deriveOriginProbes', () => {
  it('https subdomain of a registrable domain (tldts: target.co.uk)', () => {
    const c = byClass('https://api.target.co.uk');
    expect(c['origin-reflection']).toEqual(['https://evil.example']);
    expect(c['null-origin']).toEqual(['null']);
    expect(c['prefix-match']).toEqual([
      'https://target.co.uk.evil.example',
      'https://api.target.co.uk.evil.example',
    ]);
    expect(c['suffix-match']).toEqual(['https://eviltarget.co.uk']);
    // `target.co.u` is left out: `co.u` is no public suffix, nobody can register it.
    expect(c['partial-domain-match']).toEqual(['https://arget.co.uk']);
    expect(c['partial-host-match']).toEqual(['https://pi.target.co.uk', 'https://evilapi.target.co.uk']);
    // Dots inside the public suffix too, where the result is registrable (`targetxco.uk` under .uk).
    expect(c['unescaped-dot']).toEqual([
      'https://wwwxtarget.co.uk',
      'https://apixtarget.co.uk',
      'https://api.targetxco.uk',
    ]);
    expect(c['arbitrary-subdomain']).toEqual(['https://crossorigin-scan.target.co.uk']);
    expect(c['insecure-origin']).toEqual(['http://api.target.co.uk', 'http://target.co.uk']);
    expect(c['special-characters']).toHaveLength(SPECIAL_CHARACTERS.length);
    expect(c['special-characters']?.[0]).toBe('https://api.target.co.uk_.evil.example');
    expect(c['special-characters']).toContain('https://api.target.co.uk%60.evil.example');
    expect(c['third-party-origin']).toHaveLength(THIRD_PARTY_HOSTS.length);
  });

  it('a deeper host: every dot is tried, but a result under the site itself (axb.example.com) is not an attacker host', () => {
    expect(byClass('https://a.b.example.com')['unescaped-dot']).toEqual([
      'https://wwwxexample.com',
      'https://a.bxexample.com',
    ]);
  });

  it('a multi-label public suffix (com.au): only registrable look-alikes, each saying who can register it', () => {
    const probes = deriveOriginProbes('https://portal.example.com.au').filter(
      (p) => p.class === 'unescaped-dot',
    );
    expect(probes.map((p) => [p.origin, p.who])).toEqual([
      ['https://wwwxexample.com.au', 'anyone can register wwwxexample.com.au'],
      ['https://portalxexample.com.au', 'anyone can register portalxexample.com.au'],
      ['https://portal.examplexcom.au', 'anyone can register examplexcom.au'],
    ]);
    // `portal.example.comxau` is not tried: `comxau` is no TLD.
    expect(probes.map((p) => p.origin)).not.toContain('https://portal.example.comxau');
  });

  it('partial matching on the whole host (api.shop.com): truncated, extended; subdomain results need a foothold', () => {
    const probes = deriveOriginProbes('https://api.shop.com').filter((p) => p.class === 'partial-host-match');
    expect(probes.map((p) => [p.origin, p.control])).toEqual([
      ['https://api.shop.co', 'attacker'],
      ['https://pi.shop.com', 'subdomain'],
      ['https://evilapi.shop.com', 'subdomain'],
    ]);
    expect(deriveOriginProbes('https://api.shop.com').map((p) => p.origin)).toContain(
      'https://api.shop.com.evil.example',
    );
  });

  it('third-party hosts come with who can get one; every suffix but single-host playgrounds is in the PSL private section', () => {
    const probes = deriveOriginProbes('https://api.shop.com').filter((p) => p.class === 'third-party-origin');
    expect(probes.map((p) => p.origin)).toContain('https://crossorigin-scan.ngrok-free.app');
    expect(probes.map((p) => p.origin)).toContain('https://crossorigin-scan.trycloudflare.com');
    expect(probes.every((p) => (p.who ?? '').length > 5)).toBe(true);
    expect(whoCanGet('x.some-app.onrender.com')).toContain('Render');
    // Not in our table but in the list's private section: named from the list.
    expect(whoCanGet('alice.blogspot.com')).toContain("Public Suffix List's private section");
    expect(whoCanGet('shop.com')).toBeNull();
  });

  it('development origins are probed, except on a local site', () => {
    expect(byClass('https://api.shop.com')['development-origin']).toEqual([...DEVELOPMENT_ORIGINS]);
    expect(byClass('http://localhost:8080')['development-origin']).toBeUndefined();
  });

  it('an http site has no insecure-origin probe; a port is kept where the site has one', () => {
    const c = byClass('http://app.example.com:8080');
    expect(c['insecure-origin']).toBeUndefined();
    expect(c['unescaped-dot']).toContain('http://appxexample.com:8080');
  });

  it('a private-suffix site (github.io): the registrable domain is the user site', () => {
    const c = byClass('https://alice.github.io');
    expect(c['suffix-match']).toEqual(['https://evilalice.github.io']);
    expect(c['arbitrary-subdomain']).toEqual(['https://crossorigin-scan.alice.github.io']);
  });

  it('an IP site: the host stands in for the domain', () => {
    const c = byClass('http://127.0.0.1:3000');
    expect(c['prefix-match']).toEqual(['http://127.0.0.1.evil.example']);
  });

  it('not an http(s) origin: no probes', () => {
    expect(deriveOriginProbes('ftp://x.test')).toEqual([]);
    expect(deriveOriginProbes('null')).toEqual([]);
  });

  const host = fc
    .array(fc.stringMatching(/^[a-z][a-z0-9-]{0,10}[a-z0-9]$/), { minLength: 2, maxLength: 4 })
    .map((labels) => labels.join('.'));
  const site = fc.tuple(fc.constantFrom('http', 'https'), host).map(([s, h]) => `${s}://${h}`);

  it('property: probes are sendable header values, unique, never the site itself, deterministic', () => {
    fc.assert(
      fc.property(site, (s) => {
        const probes = deriveOriginProbes(s);
        const origins = probes.map((p) => p.origin);
        expect(new Set(origins).size).toBe(origins.length);
        expect(origins).not.toContain(s);
        for (const o of origins) expect(isHeaderValue(o)).toBe(true);
        expect(deriveOriginProbes(s)).toEqual(probes);
      }),
      { numRuns: 200 },
    );
  });

  it('property: every attacker-controlled probe (but special characters) is a valid Origin value', () => {
    fc.assert(
      fc.property(site, (s) => {
        for (const p of deriveOriginProbes(s)) {
          if (p.class === 'special-characters') continue;
          expect(parseOriginHeader(p.origin).ok, p.origin).toBe(true);
        }
      }),
      { numRuns: 200 },
    );
  });
});

describe('severityFor', () => {
  it.each([
    ['attacker', true, true, 'high'],
    ['attacker', true, false, 'medium'],
    ['attacker', true, null, 'medium'],
    ['attacker', false, true, 'low'],
    ['browser-quirk', true, true, 'medium'],
    ['browser-quirk', false, null, 'low'],
    ['network', true, true, 'medium'],
    ['network', false, true, 'low'],
    ['subdomain', true, true, 'low'],
    ['subdomain', false, true, 'info'],
  ] as const)('%s, credentials %s, differs %s -> %s', (control, creds, differs, expected) => {
    expect(severityFor(control, creds, differs)).toBe(expected);
  });

  it('property: credentials never lower the severity', () => {
    const order = ['info', 'low', 'medium', 'high'];
    fc.assert(
      fc.property(
        fc.constantFrom('attacker', 'browser-quirk', 'network', 'subdomain' as const),
        fc.constantFrom(true, false, null),
        (control, differs) =>
          order.indexOf(severityFor(control, true, differs)) >=
          order.indexOf(severityFor(control, false, differs)),
      ),
    );
  });

  it('every class has a title and a fix', async () => {
    const { TITLES, fixFor } = await import('./index.js');
    for (const cls of Object.keys(TITLES) as FindingClass[]) {
      expect(TITLES[cls].length).toBeGreaterThan(10);
      expect(fixFor(cls, 'https://app.example', true).length).toBeGreaterThan(20);
    }
  });
});
