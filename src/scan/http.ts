/**
 * The scanner's transport, on node:http (it loads in a few milliseconds, which a one-host CLI run
 * feels): one request, no redirects followed, no retries, a timeout, a bounded body (hashed, first
 * bytes kept), header lines kept apart and in order (two `Access-Control-Allow-Origin` lines stay
 * two). Connections are reused through the scan's `Agents` (limiter.ts), which also holds the
 * limits, retries and the budget.
 */
import { createHash, randomBytes } from 'node:crypto';
import http from 'node:http';
import https from 'node:https';

/** The scan's keep-alive connection pools, one per scheme. */
export interface Agents {
  http: http.Agent;
  https: https.Agent;
}

/**
 * Pools of at most `perHost` connections to one `host:port`; a connection idle for `idleMs` is
 * closed (and a host without connections forgotten), so they stay bounded over any number of hosts.
 */
export function createAgents(perHost: number, idleMs: number): Agents {
  const options = { keepAlive: true, maxSockets: perHost, maxFreeSockets: perHost, timeout: idleMs };
  return { http: new http.Agent(options), https: new https.Agent(options) };
}

/** Header lines from Node's raw list (name, value, name, value, …), names lower-cased. */
function lines(raw: readonly string[]): [string, string][] {
  const out: [string, string][] = [];
  for (let i = 0; i + 1 < raw.length; i += 2) out.push([String(raw[i]).toLowerCase(), String(raw[i + 1])]);
  return out;
}

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

/** Reads at most MAX_BODY_BYTES of `body`: their sha256 and the first BODY_START_BYTES as text. */
async function readBounded(body: http.IncomingMessage): Promise<{ hash: string; start: string }> {
  const hash = createHash('sha256');
  const start: Buffer[] = [];
  let startLength = 0;
  let read = 0;
  for await (const chunk of body as AsyncIterable<Buffer>) {
    const part = chunk.subarray(0, MAX_BODY_BYTES - read);
    hash.update(part);
    if (startLength < BODY_START_BYTES) {
      start.push(part.subarray(0, BODY_START_BYTES - startLength));
      startLength += Math.min(part.length, BODY_START_BYTES - startLength);
    }
    read += part.length;
    if (read >= MAX_BODY_BYTES) {
      body.destroy();
      break;
    }
  }
  return { hash: hash.digest('hex'), start: Buffer.concat(start).toString('utf8') };
}

/**
 * One exchange up to the response head. A request that fails on a reused keep-alive connection
 * (the server closed it just as it was reused) is sent once more on a new connection, as Node's
 * documentation advises: the server never saw it.
 */
function exchange(
  url: URL,
  req: ProbeRequest,
  headers: [string, string][],
  signal: AbortSignal,
  agents: Agents | undefined,
): Promise<http.IncomingMessage> {
  const secure = url.protocol === 'https:';
  const attempt = (agent: http.Agent | false) =>
    new Promise<http.IncomingMessage>((resolve, reject) => {
      const r = (secure ? https : http).request(url, {
        method: req.method,
        headers: headers.flat(),
        signal,
        agent,
      });
      r.on('response', resolve);
      r.on('error', (err: NodeJS.ErrnoException) => {
        const stale = r.reusedSocket && (err.code === 'ECONNRESET' || err.code === 'EPIPE');
        if (stale && agent !== false && !signal.aborted) attempt(false).then(resolve, reject);
        else reject(err);
      });
      r.end(req.body);
    });
  return attempt(agents === undefined ? false : secure ? agents.https : agents.http);
}

/** Sends one request. Never throws (unless `signal` aborts the whole scan). */
export async function send(
  req: ProbeRequest,
  timeout: number,
  signal?: AbortSignal,
  agents?: Agents,
): Promise<ProbeResult> {
  const limit = deadline(timeout, signal);
  try {
    const url = new URL(req.url);
    // A raw header list keeps names and order as given; Node then adds no Host of its own.
    const headers: [string, string][] = [['host', url.host], ...req.headers];
    if (req.body !== undefined) headers.push(['content-length', String(Buffer.byteLength(req.body))]);
    const res = await exchange(url, req, headers, limit.signal, agents);
    const body = await readBounded(res);
    const response = { status: res.statusCode ?? 0, headers: lines(res.rawHeaders) };
    return { ok: true, response: { ...response, bodyHash: body.hash, bodyStart: body.start } };
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
  // A raw header list: Node adds no Host to it, and a server may refuse a request without one.
  const headers: [string, string][] = [
    ['host', url.host],
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
      resolve({ ok: true, response: { status, headers: lines(raw), bodyHash: '', bodyStart: '' } });
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
