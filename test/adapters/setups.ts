/**
 * The cores the shared adapter suite runs: real CORS policies and CSRF guards built from JSON
 * configurations (so the same setup can be rebuilt inside workerd, Deno and Bun), plus a few
 * misbehaving cores that exercise the adapters' error handling.
 */
import type { HttpCore, HttpDecision, RequestView } from '../../src/_http/index.js';
import { createCsrfGuard } from '../../src/csrf/index.js';
import { createCorsPolicy } from '../../src/server/index.js';

export type SetupKind = 'cors' | 'csrf';

/** A JSON-able setup: which core, with what configuration. `special` names a misbehaving core. */
export interface Setup {
  kind: SetupKind;
  config?: Record<string, unknown>;
  special?: 'throws' | 'rejects' | 'garbage' | 'async';
}

export function setupKey(s: Setup): string {
  return JSON.stringify([s.kind, s.special ?? '', s.config ?? null]);
}

/** Builds the core of a setup. Misbehaving cores wrap nothing but the `async` one (the real core, answering later). */
export function buildCore(s: Setup): HttpCore {
  const real = (): HttpCore =>
    s.kind === 'cors'
      ? createCorsPolicy(s.config as unknown as Parameters<typeof createCorsPolicy>[0])
      : createCsrfGuard(s.config as unknown as Parameters<typeof createCsrfGuard>[0]);
  switch (s.special) {
    case 'throws':
      return {
        handle(): HttpDecision {
          throw new Error('core failure (test)');
        },
      };
    case 'rejects':
      return { handle: () => Promise.reject(new Error('core rejection (test)')) };
    case 'garbage':
      return { handle: () => undefined as unknown as HttpDecision };
    case 'async': {
      const core = real();
      return {
        handle: (view: RequestView) =>
          new Promise<HttpDecision>((resolve) => setTimeout(() => resolve(core.handle(view)), 1)),
      };
    }
    default:
      return real();
  }
}
