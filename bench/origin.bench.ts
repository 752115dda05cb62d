/**
 * `npm run bench -- origin`: the origin matcher's lookup cost against the number of patterns.
 *
 * Matchers of 1, 1,000 and 100,000 patterns (exact origins, exact with port, subdomain wildcards,
 * port wildcards) answer the same 16 candidate Origin values, cycled. Candidates that only the
 * larger matchers contain are misses for the 1-pattern matcher, so a second workload of misses only
 * (the slowest path: validate, then walk the tries) is measured too. The peer is a linear scan
 * over strings and RegExps, as the `cors` package does with an origin array.
 */
import { performance } from 'node:perf_hooks';
import { createOriginMatcher } from '../src/origin/index.js';
import { type BenchResult, compare, machineLine, table } from './lib.js';

const SIZES = [1, 1_000, 100_000] as const;

function patternsOf(n: number): string[] {
  const out = ['https://*.example.com'];
  for (let i = 1; i < n; i++) {
    switch (i % 4) {
      case 0:
        out.push(`https://app${i}.example.net`);
        break;
      case 1:
        out.push(`https://app${i}.example.net:8443`);
        break;
      case 2:
        out.push(`https://*.t${i}.example.org`);
        break;
      default:
        out.push(`http://dev${i}.localhost:*`);
    }
  }
  return out;
}

/** Hits for every size, misses for every size, and hits only where i < n (misses at n = 1). */
const MIXED = [
  'https://app.example.com',
  'https://a.b.example.com',
  'https://example.com',
  'https://evil.com',
  'https://app.example.com.evil.com',
  'https://app.example.com/',
  'null',
  'http://localhost:3000',
  'https://x.t999998.example.org',
  'https://app999996.example.net',
  'https://app4.example.net',
  'https://app5.example.net:8443',
  'https://x.t6.example.org',
  'http://dev7.localhost:5173',
  'https://x.y.t998.example.org',
  'http://[::1]:3000',
];

/** Misses for every size that go all the way: valid origins, parsed, tries walked. */
const MISSES = [
  'https://example.com',
  'https://evil.com',
  'https://app.example.com.evil.com',
  'http://localhost:3000',
  'https://x.t999998.example.org',
  'https://app999996.example.net',
  'https://a.b.c.d.example.net',
  'https://app4.example.net:9443',
  'http://dev7.localhost.evil.com:5173',
  'https://deep.x.t999994.example.org',
  'http://127.0.0.1:8080',
  'http://[::1]:3000',
  'https://app.example.com:8443',
  'wss://app.example.com',
  'https://xn--mnchen-3ya.example.net',
  'https://www.example.org',
];

/** The peer: a linear scan over exact strings and RegExps (one per wildcard pattern). */
function linearMatcher(patterns: string[]): (o: string) => boolean {
  const list: (string | RegExp)[] = patterns.map((p) => {
    if (!p.includes('*')) return p;
    const src = p
      .replace(/[.?+^$[\]\\(){}|-]/g, '\\$&')
      .replace('\\*\\.', '(?:[^./:]+\\.)+')
      .replace(/:\*$/, '(?::\\d+)?')
      .replace('*.', '(?:[^./:]+\\.)+');
    return new RegExp(`^${src}$`);
  });
  return (o) => list.some((p) => (typeof p === 'string' ? p === o : p.test(o)));
}

function cycle(f: (o: string) => boolean, inputs: readonly string[]): () => boolean {
  let i = 0;
  return () => f(inputs[i++ & 15]!);
}

export default async function bench(): Promise<string> {
  const built: { n: number; m: ReturnType<typeof createOriginMatcher>; ms: number }[] = [];
  for (const n of SIZES) {
    const ps = patternsOf(n);
    const t0 = performance.now();
    const m = createOriginMatcher(ps);
    built.push({ n, m, ms: performance.now() - t0 });
  }
  const label = (n: number) => `${n.toLocaleString('en-US')} pattern${n === 1 ? '' : 's'}`;
  const hitsLine = built
    .map(({ n, m }) => `${label(n)}: ${MIXED.filter((o) => m.matches(o)).length}/16 hits`)
    .join(', ');
  for (const { m } of built) {
    if (MISSES.some((o) => m.matches(o))) throw new Error('bench: a "miss" candidate matched');
  }

  const mixed = compare(
    built.map(({ n, m }) => ({ name: `mixed, ${label(n)}`, fn: cycle(m.matches, MIXED) })),
  );
  const misses = compare(
    built.map(({ n, m }) => ({ name: `misses, ${label(n)}`, fn: cycle(m.matches, MISSES) })),
  );
  const peerSizes = [1, 1_000, 100_000];
  const peers = compare(
    peerSizes.map((n) => ({
      name: `peer linear scan, ${label(n)}`,
      fn: cycle(linearMatcher(patternsOf(n)), MISSES),
    })),
    { rounds: 7, batchMs: 20 },
  );
  const ours = misses;
  const ratio = (rs: BenchResult[]) => (rs[rs.length - 1]!.medianNs / rs[0]!.medianNs).toFixed(2);
  const vsPeer = SIZES.map(
    (n, i) => `${label(n)}: ${(peers[i]!.medianNs / ours[i]!.medianNs).toFixed(1)}x`,
  ).join(', ');

  return [
    '## crossorigin/origin: origin matcher lookup',
    '',
    'Command: `npm run bench -- origin`',
    '',
    `${machineLine()}. One lookup is \`matcher.matches(originHeaderValue)\` on the raw header string,`,
    'cycling through 16 candidates. Patterns: `https://*.example.com` plus, for larger sizes, a mix of',
    'exact origins, exact origins with a port, subdomain wildcards and port wildcards (a quarter each).',
    `Build time: ${built.map(({ n, ms }) => `${label(n)} ${ms.toFixed(1)} ms`).join(', ')}.`,
    '',
    `Mixed hits and misses (${hitsLine}):`,
    '',
    table(mixed, mixed[0]!.name),
    '',
    `Time ratio 100,000 vs 1 pattern (mixed): **${ratio(mixed)}x** (requirement: within 2x).`,
    '',
    'Misses only (every candidate is validated and the tries are walked; nothing short-cuts):',
    '',
    table(misses, misses[0]!.name),
    '',
    `Time ratio 100,000 vs 1 pattern (misses): **${ratio(misses)}x** (requirement: within 2x).`,
    '',
    'Peer: a linear scan over the same patterns as strings and RegExps (what an origin array in the',
    '`cors` package amounts to), misses workload:',
    '',
    table(peers, peers[0]!.name),
    '',
    `Peer time / ours, misses: ${vsPeer}.`,
  ].join('\n');
}
