/**
 * `origin: '*'` (the default) with `credentials: true`: the drop-in answers as `cors` does, and
 * warns once per process (a process warning with a code), naming why browsers refuse and the fix.
 */
import { afterEach, describe, expect, it, vi } from 'vitest';
import { createCorsCompat, WILDCARD_CREDENTIALS_WARNING } from './index.js';

const view = (origin: string) => ({
  method: 'GET',
  header: (name: string) => (name === 'origin' ? origin : null),
});

describe('the drop-in warns once for origin * with credentials', () => {
  afterEach(() => {
    vi.restoreAllMocks();
  });

  it('warns once, does not throw, and answers as cors does', async () => {
    vi.resetModules();
    const fresh = (await import('./index.js')) as typeof import('./index.js');
    const emit = vi.spyOn(process, 'emitWarning').mockImplementation(() => {});
    fresh.createCorsCompat({ origin: 'https://app.example', credentials: true });
    fresh.createCorsCompat({ origin: '*', credentials: false });
    expect(emit).not.toHaveBeenCalled();
    const compat = fresh.createCorsCompat({ origin: '*', credentials: true });
    fresh.createCorsCompat({ credentials: true });
    expect(emit).toHaveBeenCalledTimes(1);
    const [message, options] = emit.mock.calls[0] as [string, { code: string }];
    expect(options.code).toBe(WILDCARD_CREDENTIALS_WARNING);
    expect(message).toMatch(/browsers refuse credentialed reads/);
    expect(message).toMatch(/List the origins instead/);
    const d = compat.decide!(view('https://any.example'));
    expect(d?.headers).toEqual([
      ['Access-Control-Allow-Origin', '*'],
      ['Access-Control-Allow-Credentials', 'true'],
    ]);
  });

  it('a configuration that throws for other reasons does not warn', async () => {
    vi.resetModules();
    const fresh = (await import('./index.js')) as typeof import('./index.js');
    const emit = vi.spyOn(process, 'emitWarning').mockImplementation(() => {});
    expect(() => fresh.createCorsCompat({ origin: '*', credentials: true, maxAge: -1 })).toThrow();
    expect(emit).not.toHaveBeenCalled();
    expect(createCorsCompat).toBeTypeOf('function');
  });
});
