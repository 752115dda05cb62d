import http from 'node:http';
import type { AddressInfo } from 'node:net';
import { Agent, request } from 'undici';
import { afterAll, describe, expect, it } from 'vitest';
import { labCertificate, serveHttpsTwin } from '../../src/lab/https.js';

describe('lab https twin', () => {
  const plain = http.createServer((req, res) => {
    res.setHeader('content-type', 'text/plain');
    res.end(`same handler ${req.url}`);
  });
  afterAll(() => new Promise<void>((r) => plain.close(() => r())));

  it('answers over TLS with the http server handler, certificate valid for 127.0.0.1', async () => {
    await new Promise<void>((r) => plain.listen(0, '127.0.0.1', r));
    const twin = await serveHttpsTwin(plain);
    const agent = new Agent({ connect: { ca: (await labCertificate()).cert } });
    try {
      const res = await request(`${twin.origin}/x`, { dispatcher: agent });
      expect(await res.body.text()).toBe('same handler /x');
      expect(twin.port).not.toBe((plain.address() as AddressInfo).port);
    } finally {
      await agent.close();
      await twin.close();
    }
  });
});
