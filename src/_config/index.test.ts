import { describe, expect, it } from 'vitest';
import { CsrfOptionsError, createCsrfGuard } from '../csrf/index.js';
// biome-ignore lint/style/noRestrictedImports: the compiler is not public; this test checks its error shape beside server's and csrf's
import { compileProxyOptions } from '../proxy/compile.js';
import { ProxyConfigError } from '../proxy/index.js';
import { CorsConfigError, createCorsPolicy } from '../server/index.js';
import { ConfigError, describeValue, ProblemCollector, readBoolean } from './index.js';

function thrown(f: () => unknown): unknown {
  try {
    f();
  } catch (e) {
    return e;
  }
  throw new Error('expected a throw');
}

describe('one config-problem shape across server, csrf and proxy', () => {
  it('each module throws a ConfigError whose problems say where with `path`', () => {
    const cors = thrown(() =>
      createCorsPolicy({ origins: ['https://a.example', 'nope'], methods: 1 } as never),
    );
    const csrf = thrown(() => createCsrfGuard({ origin: 'https://app.example', strict: 1 } as never));
    const proxy = thrown(() => compileProxyOptions({} as never));
    expect(cors).toBeInstanceOf(CorsConfigError);
    expect(csrf).toBeInstanceOf(CsrfOptionsError);
    expect(proxy).toBeInstanceOf(ProxyConfigError);
    for (const e of [cors, csrf, proxy]) {
      expect(e).toBeInstanceOf(ConfigError);
      const err = e as ConfigError;
      expect(err.problems.length).toBeGreaterThan(0);
      for (const p of err.problems) {
        expect(typeof p.path).toBe('string');
        expect(p.path.length).toBeGreaterThan(0);
        expect(err.message).toContain(`  - ${p.path}: ${p.message} [${p.reason}]`);
      }
      expect(Object.isFrozen(err.problems)).toBe(true);
    }
    expect((cors as CorsConfigError).problems.map((p) => p.path)).toEqual(['origins[1]', 'methods']);
    expect((csrf as CsrfOptionsError).problems.map((p) => p.path)).toEqual(['strict']);
    expect((cors as Error).name).toBe('CorsConfigError');
    expect((csrf as Error).name).toBe('CsrfOptionsError');
    expect((proxy as Error).name).toBe('ProxyConfigError');
  });

  it('the collector keeps order, counts, keeps a value only when given, and throws only with problems', () => {
    const c = new ProblemCollector<'a' | 'b'>();
    c.throwIfAny(() => new Error('never'));
    c.add('x', 'a', 'first');
    c.add('y[0]', 'b', 'second', undefined);
    expect(c.size).toBe(2);
    expect(c.problems[0]).toEqual({ path: 'x', reason: 'a', message: 'first' });
    expect('value' in c.problems[0]!).toBe(false);
    expect('value' in c.problems[1]!).toBe(true);
    expect(() => c.throwIfAny((ps) => new ConfigError('t', ps))).toThrow(
      /^t: 2 problems\n {2}- x: first \[a\]/,
    );
  });

  it('readBoolean and describeValue', () => {
    const c = new ProblemCollector<'wrong'>();
    expect(readBoolean(c, { a: true, b: 'yes' }, 'a', false, 'wrong')).toBe(true);
    expect(readBoolean(c, { a: true, b: 'yes' }, 'b', false, 'wrong')).toBe(false);
    expect(readBoolean(c, {}, 'c', true, 'wrong')).toBe(true);
    expect(c.problems).toEqual([
      { path: 'b', reason: 'wrong', message: 'expected true or false, got "yes"', value: 'yes' },
    ]);
    expect(describeValue(null)).toBe('null');
    expect(describeValue([1])).toBe('an array');
    expect(describeValue(3)).toBe('a number');
    expect(describeValue('x'.repeat(300)).length).toBe(102);
  });
});
