/**
 * A raw HTTP/1.1 client for the adapter suite: sends header lines exactly as given (duplicates
 * kept, no Sec-Fetch-* or other headers added, unlike `fetch`) and returns every response header
 * line, so a duplicated `Vary` or a clobbered value is visible.
 */
import { request as httpRequest } from 'node:http';
import type { HeaderList } from '../fixtures/schema.js';

export interface RawReply {
  status: number;
  /** Lower-case name → every value, one per header line, in order. */
  headers: Map<string, string[]>;
  body: string;
}

export function send(
  port: number,
  req: { method: string; path: string; headers: HeaderList; noHost?: boolean },
  timeoutMs = 10_000,
): Promise<RawReply> {
  return new Promise((resolve, reject) => {
    const flat: string[] = [];
    let hasHost = false;
    for (const [n, v] of req.headers) {
      if (n.toLowerCase() === 'host') hasHost = true;
      flat.push(n, v);
    }
    if (!hasHost && !req.noHost) flat.push('Host', `127.0.0.1:${port}`);
    const r = httpRequest(
      {
        host: '127.0.0.1',
        port,
        method: req.method,
        path: req.path,
        headers: flat,
        agent: false,
        setHost: false,
      },
      (res) => {
        const chunks: Buffer[] = [];
        res.on('data', (c: Buffer) => chunks.push(c));
        res.on('end', () => {
          const headers = new Map<string, string[]>();
          for (let i = 0; i + 1 < res.rawHeaders.length; i += 2) {
            const name = res.rawHeaders[i]!.toLowerCase();
            const list = headers.get(name) ?? [];
            list.push(res.rawHeaders[i + 1]!);
            headers.set(name, list);
          }
          resolve({ status: res.statusCode ?? 0, headers, body: Buffer.concat(chunks).toString('utf8') });
        });
        res.on('error', reject);
      },
    );
    r.setTimeout(timeoutMs, () => r.destroy(new Error(`timeout after ${timeoutMs} ms`)));
    r.on('error', reject);
    r.end();
  });
}

/** Reads a Fetch Response into the same shape (for the fetch adapter called directly). */
export async function fromResponse(res: Response, method: string): Promise<RawReply> {
  const headers = new Map<string, string[]>();
  res.headers.forEach((value, name) => {
    // Headers joins repeated lines with ", "; Vary stays comparable as a list of names.
    headers.set(name, [value]);
  });
  const body = method === 'HEAD' ? '' : await res.text();
  return { status: res.status, headers, body };
}
