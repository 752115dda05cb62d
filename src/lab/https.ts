/**
 * HTTPS for the lab: the same request handler as a lab server, over TLS with a self-signed
 * certificate made at start (EC P-256, one day, for localhost, 127.0.0.1 and ::1), so a scenario can
 * put the page in a secure context (mixed content, COEP, `crossOriginIsolated`). The browser must be
 * told to accept it (Chromium `--ignore-certificate-errors`, Firefox `acceptInsecureCerts`, or the
 * user clicks through the warning once).
 *
 * The certificate comes from the `selfsigned` package (Node's crypto makes keys but not X.509
 * certificates), loaded only when HTTPS is asked for: without it installed, a clear error says so.
 */
import type http from 'node:http';
import https from 'node:https';
import type { AddressInfo } from 'node:net';

export interface LabCertificate {
  key: string;
  cert: string;
}

let pending: Promise<LabCertificate> | null = null;

/** The process's lab certificate, generated once. */
export function labCertificate(): Promise<LabCertificate> {
  pending ??= (async () => {
    let generate: typeof import('selfsigned').generate;
    try {
      ({ generate } = await import('selfsigned'));
    } catch {
      pending = null;
      throw new Error('the lab serves https with the "selfsigned" package: npm install selfsigned');
    }
    const now = Date.now();
    const pems = await generate([{ name: 'commonName', value: 'crossorigin lab' }], {
      keyType: 'ec',
      curve: 'P-256',
      algorithm: 'sha256',
      notBeforeDate: new Date(now - 60_000),
      notAfterDate: new Date(now + 24 * 3600_000),
      extensions: [
        { name: 'basicConstraints', cA: false },
        { name: 'keyUsage', digitalSignature: true, keyEncipherment: true },
        { name: 'extKeyUsage', serverAuth: true },
        {
          name: 'subjectAltName',
          altNames: [
            { type: 2, value: 'localhost' },
            { type: 7, ip: '127.0.0.1' },
            { type: 7, ip: '::1' },
          ],
        },
      ],
    });
    return { key: pems.private, cert: pems.cert };
  })();
  return pending;
}

export interface HttpsTwin {
  /** `https://127.0.0.1:<port>` */
  origin: string;
  port: number;
  close(): Promise<void>;
}

/**
 * Serves `plain`'s request handlers over HTTPS on another loopback port (port 0: any free one).
 * Every `request` goes to the same listeners as the http server's, so a case behaves the same on both.
 */
export async function serveHttpsTwin(plain: http.Server, port = 0, host = '127.0.0.1'): Promise<HttpsTwin> {
  const { key, cert } = await labCertificate();
  const server = https.createServer({ key, cert }, (req, res) => {
    plain.emit('request', req, res);
  });
  await new Promise<void>((resolve, reject) => {
    server.once('error', reject);
    server.listen(port, host, () => resolve());
  });
  const actual = (server.address() as AddressInfo).port;
  return {
    origin: `https://${host}:${actual}`,
    port: actual,
    close: () =>
      new Promise<void>((resolve) => {
        server.closeAllConnections();
        server.close(() => resolve());
      }),
  };
}
