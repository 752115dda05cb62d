/**
 * A WebSocket client for the CSRF tests: `ws`'s WebSocket sends exactly the Origin it is given (or
 * none); `rawHandshake` sends exactly the header lines given (duplicates kept).
 */
import { connect as tcp } from 'node:net';
import { WebSocket } from 'ws';

export interface Outcome {
  /** 101 when the socket opened (and echoed), else the HTTP status the handshake got. */
  status: number;
  body: string;
  echoed?: string;
}

/** Opens a socket with the given headers, sends one message, and reports what happened. */
export function connect(port: number, headers: Record<string, string>, path = '/socket'): Promise<Outcome> {
  return new Promise((resolve, reject) => {
    const { origin, ...rest } = headers;
    const ws = new WebSocket(`ws://127.0.0.1:${port}${path}`, {
      headers: rest,
      ...(origin === undefined ? {} : { origin }),
    });
    const timer = setTimeout(() => reject(new Error('no answer within 5 s')), 5000);
    ws.on('open', () => ws.send('ping'));
    ws.on('message', (data) => {
      clearTimeout(timer);
      ws.close();
      resolve({ status: 101, body: '', echoed: String(data) });
    });
    ws.on('unexpected-response', (_req, res) => {
      let body = '';
      res.on('data', (c: Buffer) => {
        body += c.toString();
      });
      res.on('end', () => {
        clearTimeout(timer);
        resolve({ status: res.statusCode ?? 0, body });
      });
    });
    ws.on('error', (e) => {
      if (!String(e.message).startsWith('Unexpected server response')) {
        clearTimeout(timer);
        reject(e);
      }
    });
  });
}

/** Sends a handshake with exactly these header lines and returns the response head. */
export function rawHandshake(port: number, headers: [string, string][], path = '/socket'): Promise<string> {
  return rawRequest(port, 'GET', path, [
    ...headers,
    ['Upgrade', 'websocket'],
    ['Connection', 'Upgrade'],
    ['Sec-WebSocket-Version', '13'],
    ['Sec-WebSocket-Key', 'dGhlIHNhbXBsZSBub25jZQ=='],
  ]);
}

/**
 * Sends one request with exactly these header lines (no body) and returns the response head; a
 * connection closed without an answer reads as ''.
 */
export function rawRequest(
  port: number,
  method: string,
  path: string,
  headers: [string, string][],
): Promise<string> {
  return new Promise((resolve, reject) => {
    const s = tcp(port, '127.0.0.1');
    let got = '';
    s.setTimeout(5000, () => s.destroy(new Error('timeout')));
    s.on('data', (d: Buffer) => {
      got += d.toString('latin1');
      if (got.includes('\r\n\r\n')) {
        s.destroy();
        resolve(got);
      }
    });
    s.on('end', () => resolve(got));
    s.on('error', reject);
    s.write(`${method} ${path} HTTP/1.1\r\n${headers.map(([n, v]) => `${n}: ${v}\r\n`).join('')}\r\n`);
  });
}
