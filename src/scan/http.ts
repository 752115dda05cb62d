/**
 * The scanner's transport: one request, no redirects followed, no retries, a timeout, a bounded
 * body (hashed, first bytes kept), header lines kept apart (two `Access-Control-Allow-Origin` lines
 * stay two). Limits, retries and the budget are in limiter.ts.
 */
import { createHash, randomBytes } from 'node:crypto';
import http from 'node:http';
import https from 'node:https';
import { type Dispatcher, request } from 'undici';

/** Bytes of a body read at most; the rest is discarded unread. */
export const MAX_BODY_BYTES = 256 * 1024;
/** Bytes of a body kept as text for the judge (JSONP, volatile-part masking, page scripts). */
export const BODY_START_BYTES = 16 * 1024;

export interface ProbeRequest {
  method: string;
  url: string;
  headers: [string, string][];
  body?: string;
  /** A WebSocket opening handshake (sendUpgrade) rather than a plain request. */
  upgrade?: boolean;
}

export interface ProbeResponse {
  status: number;
  /** Header lines, lower-case names, one entry per line (repeated names stay repeated). */
  headers: [string, string][];
  /** sha256 of the first MAX_BODY_BYTES of the body. */
  bodyHash: string;
  /** The first BODY_START_BYTES of the body, decoded as UTF-8 (volatile parts are masked from it). */
  bodyStart: string;
}

export type ProbeResult =
  | { ok: true; response: ProbeResponse }
  | { ok: false; error: string; budget?: boolean };

function describeError(err: unknown, timeout: number): string {
  const e = err as {
    name?: string;
    code?: string;
    message?: string;
    cause?: { name?: string; code?: string; message?: string };
  };
  const code = e.code ?? e.cause?.code;
  const timedOut = e.name === 'TimeoutError' || e.cause?.name === 'TimeoutError';
  if (timedOut || code === 'UND_ERR_HEADERS_TIMEOUT' || code === 'UND_ERR_BODY_TIMEOUT') {
    return `no answer within ${timeout} ms`;
  }
  if (code === 'ECONNREFUSED') return 'connection refused';
  if (code === 'ENOTFOUND' || code === 'EAI_AGAIN') return 'host not found (DNS)';
  if (code === 'ECONNRESET' || code === 'UND_ERR_SOCKET') return 'connection reset';
  return (code ? `${code}: ` : '') + (e.message ?? String(err));
}

/**
 * A per-request deadline that also follows the scan's signal, released as soon as the request is
 * done (no timer or listener outlives its request: `AbortSignal.timeout` would keep each one for
 * the full timeout, thousands at a time in a large scan).
 */
function deadline(timeout: number, signal?: AbortSignal): { signal: AbortSignal; release(): void } {
  const controller = new AbortController();
  const timer = setTimeout(
    () => controller.abort(new DOMException(`no answer within ${timeout} ms`, 'TimeoutError')),
    timeout,
  );
  const follow = () => controller.abort(signal?.reason);
  if (signal?.aborted) follow();
  else signal?.addEventListener('abort', follow, { once: true });
  return {
    signal: controller.signal,
    release() {
      clearTimeout(timer);
      signal?.removeEventListener('abort', follow);
    },
  };
}

/** Sends one request. Never throws (unless `signal` aborts the whole scan). */
export async function send(
  req: ProbeRequest,
  timeout: number,
  signal?: AbortSignal,
  dispatcher?: Dispatcher,
): Promise<ProbeResult> {
  const limit = deadline(timeout, signal);
  try {
    const res = await request(req.url, {
      method: req.method as 'GET',
      headers: req.headers.flat(),
      ...(req.body === undefined ? {} : { body: req.body }),
      ...(dispatcher === undefined ? {} : { dispatcher }),
      signal: limit.signal,
      headersTimeout: timeout,
      bodyTimeout: timeout,
    });
    const headers: [string, string][] = [];
    for (const [name, value] of Object.entries(res.headers)) {
      if (value === undefined) continue;
      if (Array.isArray(value)) for (const v of value) headers.push([name.toLowerCase(), v]);
      else headers.push([name.toLowerCase(), value]);
    }
    const hash = createHash('sha256');
    const start: Buffer[] = [];
    let startLength = 0;
    let read = 0;
    for await (const chunk of res.body as AsyncIterable<Buffer>) {
      const part = chunk.subarray(0, MAX_BODY_BYTES - read);
      hash.update(part);
      if (startLength < BODY_START_BYTES) {
        start.push(part.subarray(0, BODY_START_BYTES - startLength));
        startLength += Math.min(part.length, BODY_START_BYTES - startLength);
      }
      read += part.length;
      if (read >= MAX_BODY_BYTES) {
        res.body.destroy();
        break;
      }
    }
    return {
      ok: true,
      response: {
        status: res.statusCode,
        headers,
        bodyHash: hash.digest('hex'),
        bodyStart: Buffer.concat(start).toString('utf8'),
      },
    };
  } catch (err) {
    if (signal?.aborted) throw signal.reason ?? err;
    return { ok: false, error: describeError(err, timeout) };
  } finally {
    limit.release();
  }
}

/** Every value of a header (one per line), in order. */
export function headerValues(headers: readonly (readonly [string, string])[], name: string): string[] {
  const out: string[] = [];
  for (const [n, v] of headers) if (n === name) out.push(v);
  return out;
}

/**
 * Sends a WebSocket opening handshake (RFC 6455 section 4.1) and closes the connection as soon as
 * the answer's head arrives: a 101 means the upgrade was accepted. No frame is ever sent.
 */
export function sendUpgrade(req: ProbeRequest, timeout: number, signal?: AbortSignal): Promise<ProbeResult> {
  const url = new URL(req.url);
  const key = randomBytes(16).toString('base64');
  const headers: [string, string][] = [
    ...req.headers,
    ['connection', 'Upgrade'],
    ['upgrade', 'websocket'],
    ['sec-websocket-version', '13'],
    ['sec-websocket-key', key],
  ];
  const lib = url.protocol === 'https:' || url.protocol === 'wss:' ? https : http;
  return new Promise((resolve, reject) => {
    const limit = deadline(timeout, signal);
    const r = lib.request(url, {
      method: 'GET',
      headers: headers.flat(),
      signal: limit.signal,
      agent: false,
    });
    r.on('close', () => limit.release());
    const answer = (status: number, raw: string[]) => {
      const lines: [string, string][] = [];
      for (let i = 0; i + 1 < raw.length; i += 2)
        lines.push([String(raw[i]).toLowerCase(), String(raw[i + 1])]);
      resolve({ ok: true, response: { status, headers: lines, bodyHash: '', bodyStart: '' } });
    };
    r.on('upgrade', (res, socket) => {
      socket.destroy();
      answer(res.statusCode ?? 101, res.rawHeaders);
    });
    r.on('response', (res) => {
      res.destroy();
      answer(res.statusCode ?? 0, res.rawHeaders);
    });
    r.on('error', (err) => {
      if (signal?.aborted) reject(signal.reason ?? err);
      else resolve({ ok: false, error: describeError(err, timeout) });
    });
    r.end();
  });
}
