/**
 * Test HTTPS: one self-signed certificate per process (EC P-256, SHA-256, valid one day) for
 * `localhost`, `*.test`, `*.localhost`, `127.0.0.1` and `::1`, made with the `selfsigned` dev
 * dependency. Browsers are told to accept it: Chromium with `--ignore-certificate-errors`
 * ({@link CHROMIUM_TLS_ARGS}), Firefox with `acceptInsecureCerts: true` (puppeteer's launch option).
 * Node clients (the engine's undici transport) get {@link testTlsConnectOptions}.
 *
 * Nothing here is for production: the key lives in memory only and is thrown away at exit.
 */

import type { IncomingMessage, ServerResponse } from 'node:http';
import { createServer as createHttpsServer, type Server as HttpsServer } from 'node:https';
import { generate } from 'selfsigned';

export interface TestCertificate {
  /** PEM private key. */
  key: string;
  /** PEM certificate. */
  cert: string;
  /** SHA-256 fingerprint, for logs. */
  fingerprint: string;
}

/**
 * The names the certificate covers (subjectAltName). Browsers accept `*.test`; Node's
 * checkServerIdentity refuses a wildcard over a single-label suffix, so the harness names are listed too.
 */
export const TEST_CERT_DNS_NAMES: readonly string[] = [
  'localhost',
  '*.localhost',
  '*.test',
  'app.test',
  'api.test',
  'other.test',
  'public.test',
  'secure.test',
];
export const TEST_CERT_IPS: readonly string[] = ['127.0.0.1', '::1'];

/** Chromium accepts any certificate (the test one) with this flag. */
export const CHROMIUM_TLS_ARGS: readonly string[] = ['--ignore-certificate-errors'];

let pending: Promise<TestCertificate> | null = null;

/** The process's test certificate (generated once, on first use; a few ms for an EC key). */
export function testCertificate(): Promise<TestCertificate> {
  pending ??= generateTestCertificate();
  return pending;
}

async function generateTestCertificate(): Promise<TestCertificate> {
  const now = new Date();
  const pems = await generate([{ name: 'commonName', value: 'crossorigin test' }], {
    keyType: 'ec',
    curve: 'P-256',
    algorithm: 'sha256',
    notBeforeDate: new Date(now.getTime() - 60_000),
    notAfterDate: new Date(now.getTime() + 24 * 3600_000),
    extensions: [
      { name: 'basicConstraints', cA: false },
      { name: 'keyUsage', digitalSignature: true, keyEncipherment: true },
      { name: 'extKeyUsage', serverAuth: true },
      {
        name: 'subjectAltName',
        altNames: [
          ...TEST_CERT_DNS_NAMES.map((value) => ({ type: 2 as const, value })),
          ...TEST_CERT_IPS.map((ip) => ({ type: 7 as const, ip })),
        ],
      },
    ],
  });
  return { key: pems.private, cert: pems.cert, fingerprint: pems.fingerprint };
}

/** An HTTPS server with the test certificate (not listening yet). */
export async function createTestHttpsServer(
  handler: (req: IncomingMessage, res: ServerResponse) => void,
): Promise<HttpsServer> {
  const { key, cert } = await testCertificate();
  return createHttpsServer({ key, cert, keepAliveTimeout: 0 }, handler);
}

/**
 * TLS options for a Node client that must trust the test certificate (undici `Agent({ connect })`):
 * the certificate is the only CA, so nothing else is trusted.
 */
export async function testTlsConnectOptions(): Promise<{ ca: string }> {
  return { ca: (await testCertificate()).cert };
}
