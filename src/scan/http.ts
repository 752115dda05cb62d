/**
 * The scanner's transport: one request, no redirects followed, no retries, a timeout, a bounded
 * body (hashed, first bytes kept), header lines kept apart (two `Access-Control-Allow-Origin` lines
 * stay two), and a limiter shared by every target so the scan stays polite.
 */
import { createHash } from 'node:crypto';
import { request } from 'undici';

/** Bytes of a body read at most; the rest is discarded unread. */
export const MAX_BODY_BYTES = 256 * 1024;

export interface ProbeRequest {
  method: string;
  url: string;
  headers: [string, string][];
}

export interface ProbeResponse {
  status: number;
  /** Header lines, lower-case names, one entry per line (repeated names stay repeated). */
  headers: [string, string][];
  /** sha256 of the first MAX_BODY_BYTES of the body. */
  bodyHash: string;
  /** The first 4 KiB of the body, decoded as UTF-8. */
  bodyStart: string;
}

export type ProbeResult = { ok: true; response: ProbeResponse } | { ok: false; error: string };

/** Runs at most `max` tasks at once, in the order they arrive. */
export class Limiter {
  private active = 0;
  private readonly queue: (() => void)[] = [];
  constructor(readonly max: number) {}
  async run<T>(task: () => Promise<T>): Promise<T> {
    if (this.active >= this.max) await new Promise<void>((resolve) => this.queue.push(resolve));
    this.active++;
    try {
      return await task();
    } finally {
      this.active--;
      this.queue.shift()?.();
    }
  }
}

function describeError(err: unknown, timeout: number): string {
  const e = err as {
    name?: string;
    code?: string;
    message?: string;
    cause?: { code?: string; message?: string };
  };
  const code = e.code ?? e.cause?.code;
  if (e.name === 'TimeoutError' || code === 'UND_ERR_HEADERS_TIMEOUT' || code === 'UND_ERR_BODY_TIMEOUT') {
    return `no answer within ${timeout} ms`;
  }
  if (code === 'ECONNREFUSED') return 'connection refused';
  if (code === 'ENOTFOUND' || code === 'EAI_AGAIN') return 'host not found (DNS)';
  if (code === 'ECONNRESET' || code === 'UND_ERR_SOCKET') return 'connection reset';
  return (code ? `${code}: ` : '') + (e.message ?? String(err));
}

/** Sends one request. Never throws (unless `signal` aborts the whole scan). */
export async function send(req: ProbeRequest, timeout: number, signal?: AbortSignal): Promise<ProbeResult> {
  const timer = AbortSignal.timeout(timeout);
  const abort = signal ? AbortSignal.any([signal, timer]) : timer;
  try {
    const res = await request(req.url, {
      method: req.method as 'GET',
      headers: req.headers.flat(),
      signal: abort,
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
      if (startLength < 4096) {
        start.push(part.subarray(0, 4096 - startLength));
        startLength += Math.min(part.length, 4096 - startLength);
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
  }
}

/** Every value of a header (one per line), in order. */
export function headerValues(headers: readonly (readonly [string, string])[], name: string): string[] {
  const out: string[] = [];
  for (const [n, v] of headers) if (n === name) out.push(v);
  return out;
}
