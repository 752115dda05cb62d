/** What test/adapters/specific*.test.ts share: the app origin, a policy, a quiet onError, a loopback listener. */
import type { Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { createCorsPolicy } from '../../src/server/index.js';

export const APP = 'https://app.example';
export const policy = createCorsPolicy({ origins: [APP], methods: ['PUT'] });
export const quiet = { onError: () => {} };

export async function listen(server: Server): Promise<{ port: number; close: () => Promise<void> }> {
  await new Promise<void>((r) => server.listen(0, '127.0.0.1', r));
  return {
    port: (server.address() as AddressInfo).port,
    close: () =>
      new Promise<void>((r) => {
        server.closeAllConnections();
        server.close(() => r());
      }),
  };
}
