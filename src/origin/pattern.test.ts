import { readFileSync } from 'node:fs';
import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import {
  createOriginMatcher,
  OriginPatternError,
  type OriginPatternProblemReason,
  type ParsedOriginPattern,
  parseOrigin,
  parseOriginHeader,
  parseOriginPattern,
  serializeOrigin,
} from './index.js';

interface PatternCase {
  id: string;
  description: string;
  patterns: string[];
  expect:
    | { ok: true; parsed?: ParsedOriginPattern[]; matches?: string[]; rejects?: string[] }
    | { ok: false; problems: { index: number; reason: OriginPatternProblemReason }[] };
}

/** Loads test/fixtures/origin-pattern.json (kind 'origin-pattern', same envelope as schema.ts). */
function loadPatternTable(): PatternCase[] {
  const raw = JSON.parse(
    readFileSync(new URL('../../test/fixtures/origin-pattern.json', import.meta.url), 'utf8'),
  );
  expect(raw.kind).toBe('origin-pattern');
  expect(raw.table).toBe('origin-pattern');
  const ids = new Set<string>();
  for (const c of raw.cases as PatternCase[]) {
    expect(c.id).toMatch(/^[a-z0-9][a-z0-9-]*$/);
    expect(ids.has(c.id), `duplicate id ${c.id}`).toBe(false);
    ids.add(c.id);
    expect(c.description.length).toBeGreaterThan(0);
  }
  return raw.cases;
}

const ALL_REASONS: OriginPatternProblemReason[] = [
  'empty',
  'too-long',
  'not-an-origin',
  'has-path',
  'trailing-slash',
  'has-query',
  'has-fragment',
  'has-userinfo',
  'uppercase',
  'default-port',
  'not-canonical',
  'wildcard-position',
  'unsupported-scheme',
  'whitespace',
  'control-character',
  'multiple-values',
  'null-origin',
  'duplicate',
];

const cases = loadPatternTable();

/**
 * The slow, obviously correct matcher: parse the candidate with URL and require it to be exactly
 * its own serialization, then scan every pattern.
 */
function referenceMatches(patterns: readonly ParsedOriginPattern[], candidate: string): boolean {
  if (candidate.includes(',')) return false;
  const url = URL.parse(candidate);
  if (url === null) return false;
  const o = parseOrigin(url);
  if (o.type !== 'tuple' || serializeOrigin(o) !== candidate) return false;
  return patterns.some(
    (p) =>
      p.scheme === o.scheme &&
      (p.port === '*' || p.port === o.port) &&
      (p.subdomains ? o.host.endsWith(`.${p.host}`) && o.host.length > p.host.length + 1 : o.host === p.host),
  );
}

describe('origin pattern table', () => {
  it.each(cases.map((c) => [c.id, c] as const))('%s', (_id, c) => {
    if (c.expect.ok) {
      const m = createOriginMatcher(c.patterns);
      expect(m.patterns.map((p) => p.source)).toEqual(c.patterns);
      if (c.expect.parsed) expect(m.patterns).toEqual(c.expect.parsed);
      for (const o of c.expect.matches ?? []) {
        expect(m.matches(o), `${o} should match`).toBe(true);
        expect(referenceMatches(m.patterns, o), `${o} (reference)`).toBe(true);
        const parsed = parseOrigin(o);
        expect(m.matchesOrigin(parsed)).toBe(true);
      }
      for (const o of c.expect.rejects ?? []) {
        expect(m.matches(o), `${o} should not match`).toBe(false);
        expect(referenceMatches(m.patterns, o), `${o} (reference)`).toBe(false);
      }
      for (const [i, p] of c.patterns.entries()) {
        const r = parseOriginPattern(p, i);
        expect(r.ok).toBe(true);
      }
    } else {
      let error: unknown;
      try {
        createOriginMatcher(c.patterns);
      } catch (e) {
        error = e;
      }
      expect(error).toBeInstanceOf(OriginPatternError);
      const problems = (error as OriginPatternError).problems;
      expect(problems.map((p) => ({ index: p.index, reason: p.reason }))).toEqual(c.expect.problems);
      for (const p of problems) {
        expect(p.pattern).toBe(c.patterns[p.index]);
        expect(p.message.length).toBeGreaterThan(0);
        expect((error as Error).message).toContain(`[${p.index}]`);
      }
    }
  });

  it('covers every problem reason', () => {
    const covered = new Set(
      cases.flatMap((c) => (c.expect.ok ? [] : c.expect.problems.map((p) => p.reason))),
    );
    expect([...covered].sort()).toEqual([...ALL_REASONS].sort());
  });
});

describe('parseOriginPattern', () => {
  it('reports the index it is given and suggests the fix', () => {
    const r = parseOriginPattern('https://*.Example.com:443', 7);
    expect(r).toMatchObject({ ok: false, problem: { index: 7, reason: 'default-port' } });
    if (!r.ok) expect(r.problem.message).toContain('"https://*.example.com"');
  });
  it('never throws on arbitrary input', () => {
    fc.assert(
      fc.property(fc.oneof(fc.string({ maxLength: 40 }), fc.anything()), (v) => {
        const r = parseOriginPattern(v as string);
        if (r.ok) expect(typeof r.pattern.host).toBe('string');
        else expect(ALL_REASONS).toContain(r.problem.reason);
      }),
      { numRuns: 3000 },
    );
  });
  it('createOriginMatcher refuses a non-array with TypeError', () => {
    expect(() => createOriginMatcher('https://a.example' as unknown as string[])).toThrow(TypeError);
  });
  it('an empty list matches nothing', () => {
    const m = createOriginMatcher([]);
    expect(m.matches('https://a.example')).toBe(false);
    expect(m.patterns).toEqual([]);
  });
});

// Small alphabets, so that patterns and candidates collide often.
const lbl = fc.oneof(
  { weight: 6, arbitrary: fc.constantFrom('a', 'b', 'example', 'com') },
  { weight: 1, arbitrary: fc.constantFrom('ab', 'xn--mnchen-3ya', 'a_b', '1', '0x1', '') },
);
const hostA = fc.array(lbl, { minLength: 1, maxLength: 3 }).map((ls) => ls.join('.'));
const ipHost = fc.constantFrom('127.0.0.1', '[::1]', '10.0.0.1', '[::ffff:7f00:1]');
const schemeA = fc.constantFrom('http', 'https', 'https', 'wss');
const portA = fc.constantFrom('', '', ':8080', ':80', ':443', ':08080');
const patternArb = fc
  .tuple(
    schemeA,
    fc.boolean(),
    fc.oneof({ weight: 5, arbitrary: hostA }, { weight: 1, arbitrary: ipHost }),
    fc.oneof(portA, fc.constant(':*')),
  )
  .map(([s, sub, h, p]) => `${s}://${sub ? '*.' : ''}${h}${p}`);
const candidateArb = fc.oneof(
  {
    weight: 8,
    arbitrary: fc
      .tuple(schemeA, fc.oneof({ weight: 5, arbitrary: hostA }, { weight: 1, arbitrary: ipHost }), portA)
      .map(([s, h, p]) => `${s}://${h}${p}`),
  },
  {
    weight: 2,
    arbitrary: fc
      .tuple(schemeA, hostA, portA, fc.constantFrom('/', ' ', '.', 'A', '?', ':', ',x', '\n'))
      .map(([s, h, p, junk]) => `${s}://${h}${p}${junk}`),
  },
  {
    weight: 1,
    arbitrary: fc.constantFrom('null', '', 'https://', 'https://.a', 'https://a..b', 'HTTPS://a.b'),
  },
  { weight: 1, arbitrary: fc.string({ maxLength: 30 }) },
);

/** Turns a pattern into a nearby origin: a hit, the apex, another port, ... */
const instantiate = (p: string) =>
  fc
    .tuple(
      fc.constantFrom('', 'x.', 'x.y.', 'a.', '.'),
      fc.constantFrom('', ':8080', ':80', ':1'),
      fc.constantFrom('', '', '', '/', 'A'),
    )
    .map(([sub, port, junk]) => p.replace('*.', sub).replace(':*', port) + junk);
const patternsAndCandidates = fc.array(patternArb, { maxLength: 12 }).chain((raw) =>
  fc.tuple(
    fc.constant(raw),
    fc.array(
      raw.length === 0 ? candidateArb : fc.oneof(candidateArb, fc.constantFrom(...raw).chain(instantiate)),
      {
        minLength: 1,
        maxLength: 12,
      },
    ),
  ),
);

function validPatterns(list: string[]): string[] {
  return [...new Set(list)].filter((p) => parseOriginPattern(p).ok);
}

describe('matcher properties', () => {
  it('agrees with the linear reference matcher on random patterns and origins', () => {
    let hits = 0;
    fc.assert(
      fc.property(patternsAndCandidates, ([raw, candidates]) => {
        const m = createOriginMatcher(validPatterns(raw));
        for (const c of candidates) {
          const expected = referenceMatches(m.patterns, c);
          if (expected) hits++;
          expect(
            m.matches(c),
            `${JSON.stringify(c)} vs ${JSON.stringify(m.patterns.map((p) => p.source))}`,
          ).toBe(expected);
        }
      }),
      { numRuns: 3000 },
    );
    // The generators must actually produce matches, or the property proves little.
    expect(hits).toBeGreaterThan(500);
  });

  it('a match is always a value parseOriginHeader accepts, denoting the same tuple origin', () => {
    fc.assert(
      fc.property(patternsAndCandidates, ([raw, candidates]) => {
        const m = createOriginMatcher(validPatterns(raw));
        for (const c of candidates) {
          if (!m.matches(c)) continue;
          const r = parseOriginHeader(c);
          expect(r.ok && r.origin.type === 'tuple' && r.serialized === c, c).toBe(true);
          if (r.ok) expect(m.matchesOrigin(r.origin)).toBe(true);
        }
      }),
      { numRuns: 1000 },
    );
  });

  it('matches() never throws and returns a boolean for random strings', () => {
    const m = createOriginMatcher([
      'https://a.example',
      'https://*.example.com:*',
      'http://localhost:*',
      'http://[::1]:*',
    ]);
    fc.assert(
      fc.property(
        fc.oneof(fc.string({ maxLength: 80 }), fc.string({ unit: 'binary', maxLength: 80 }), candidateArb),
        (s) => {
          expect(typeof m.matches(s)).toBe('boolean');
        },
      ),
      { numRuns: 5000 },
    );
    expect(m.matches(undefined as unknown as string)).toBe(false);
    expect(m.matches(`https://${'a.'.repeat(5000)}example.com`)).toBe(false);
  });

  it('accepted patterns are in canonical form: their concrete origin re-serializes to itself', () => {
    fc.assert(
      fc.property(patternArb, (p) => {
        const r = parseOriginPattern(p);
        fc.pre(r.ok);
        const { scheme, host, port } = r.pattern;
        const concrete = `${scheme}://${host}${typeof port === 'number' ? `:${port}` : ''}`;
        expect(serializeOrigin(parseOrigin(concrete))).toBe(concrete);
      }),
      { numRuns: 3000 },
    );
  });
});
