/**
 * HTTPS upstreams: a fixed route and an open target over TLS, with SNI and certificate checks for
 * the target's name while the connection goes to the address the connect-time check approved.
 * The certificate is self-signed, made here with openssl, and trusted through the internal seam.
 */
import { execFileSync } from 'node:child_process';
import { mkdtempSync, readFileSync } from 'node:fs';
import https from 'node:https';
import type { AddressInfo } from 'node:net';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { internal } from '../../src/proxy/internal.js';
import type { ListeningProxy } from '../../src/proxy/listen.js';
import { fakeResolver, PUBLIC_V4, rawRequest, startProxy, toLoopback } from './helpers.js';

let server: https.Server;
let port: number;
let cert: string;
let p: ListeningProxy;
const seen: { servername: string | undefined; url: string | undefined }[] = [];

beforeAll(async () => {
  const dir = mkdtempSync(join(tmpdir(), 'co-proxy-tls-'));
  execFileSync(
    'openssl',
    [
      'req',
      '-x509',
      '-newkey',
      'rsa:2048',
      '-nodes',
      '-days',
      '1',
      '-keyout',
      join(dir, 'key.pem'),
      '-out',
      join(dir, 'cert.pem'),
      '-subj',
      '/CN=public.test',
      '-addext',
      'subjectAltName=DNS:public.test,DNS:localhost',
    ],
    { stdio: 'ignore' },
  );
  cert = readFileSync(join(dir, 'cert.pem'), 'utf8');
  server = https.createServer({ key: readFileSync(join(dir, 'key.pem')), cert }, (req, res) => {
    seen.push({
      servername: (req.socket as import('node:tls').TLSSocket).servername || undefined,
      url: req.url,
    });
    res.end(`tls ${req.url} host=${req.headers.host}`);
  });
  await new Promise<void>((r) => server.listen(0, '127.0.0.1', r));
  port = (server.address() as AddressInfo).port;
  p = await startProxy({
    routes: [{ prefix: '/secure', target: `https://localhost:${port}/v1` }],
    openTargets: { allowHosts: ['public.test', 'other.test'] },
    resolver: fakeResolver({
      localhost: ['127.0.0.1'],
      'public.test': [PUBLIC_V4],
      'other.test': [PUBLIC_V4],
    }),
    [internal]: { mapCheckedAddress: toLoopback, ca: cert },
  });
});

afterAll(async () => {
  await p.close();
  server.closeAllConnections();
  await new Promise<void>((r) => server.close(() => r()));
});

describe('https upstreams', () => {
  it('a fixed https route (deliberately local) works, with SNI for its name', async () => {
    const r = await rawRequest(p.url, '/secure/items');
    expect(r.status).toBe(200);
    expect(r.body).toBe(`tls /v1/items host=localhost:${port}`);
    expect(seen.at(-1)).toEqual({ servername: 'localhost', url: '/v1/items' });
  });

  it('an open https target resolving to a public address (checked, then mapped to loopback) works', async () => {
    const r = await rawRequest(p.url, `/https://public.test:${port}/x`);
    expect(r.status).toBe(200);
    expect(r.body).toBe(`tls /x host=public.test:${port}`);
    expect(seen.at(-1)).toEqual({ servername: 'public.test', url: '/x' });
  });

  it('the certificate is still checked against the target name: a name the certificate does not cover fails (502)', async () => {
    const before = seen.length;
    const r = await rawRequest(p.url, `/https://other.test:${port}/x`);
    expect(r.status).toBe(502);
    expect(r.body).toContain(
      "the upstream's TLS certificate was not accepted (ERR_TLS_CERT_ALTNAME_INVALID)",
    );
    expect(seen.length).toBe(before);
  });
});
