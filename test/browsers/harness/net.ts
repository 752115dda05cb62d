/**
 * A fetch for Node that reaches the harness servers by the same names the browsers use: `*.test`
 * and `localhost` resolve to 127.0.0.1 (an undici Agent with its own `lookup`). Nothing else
 * resolves, so no request can leave the machine. Give its `dispatcher` to
 * `createBrowserFetch({ dispatcher })` (the default transport), or its `fetch` to `createBrowserFetch({ fetch })`.
 */
import type { LookupAddress, LookupOptions } from 'node:dns';
import { Agent, fetch as undiciFetch } from 'undici';

export function loopbackLookup(
  hostname: string,
  options: LookupOptions,
  callback: (err: NodeJS.ErrnoException | null, address: string | LookupAddress[], family?: number) => void,
): void {
  const h = hostname.toLowerCase().replace(/\.$/, '');
  if (h === 'localhost' || h.endsWith('.test') || h === '127.0.0.1') {
    if (options?.all) callback(null, [{ address: '127.0.0.1', family: 4 }]);
    else callback(null, '127.0.0.1', 4);
    return;
  }
  const err: NodeJS.ErrnoException = new Error(`harness: ${hostname} does not resolve (loopback only)`);
  err.code = 'ENOTFOUND';
  callback(err, '', 0);
}

export interface LoopbackFetch {
  fetch: typeof globalThis.fetch;
  /** The Agent itself, for `createBrowserFetch({ dispatcher })`. */
  dispatcher: Agent;
  close(): Promise<void>;
}

/** undici's fetch over an Agent that maps `*.test` and `localhost` to 127.0.0.1. Close it after use. */
export function createLoopbackFetch(): LoopbackFetch {
  const agent = new Agent({ connect: { lookup: loopbackLookup as never }, keepAliveTimeout: 2000 });
  const f = ((input: Parameters<typeof undiciFetch>[0], init?: Parameters<typeof undiciFetch>[1]) =>
    undiciFetch(input, { ...(init ?? {}), dispatcher: agent })) as unknown as typeof globalThis.fetch;
  return { fetch: f, dispatcher: agent, close: () => agent.close() };
}
