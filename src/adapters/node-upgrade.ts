/**
 * WebSocket handshakes on node:http, for cross-site WebSocket hijacking: a page on any site may
 * open a socket to this server with the user's cookies, and no CORS stops it, so the guard decides
 * each handshake by its `Origin` (`guard.checkUpgrade`). Two ways in:
 * - {@link csrfUpgrade}: wraps a server's `'upgrade'` listener (any WebSocket library, including
 *   `ws` with `noServer: true` and `wss.handleUpgrade`);
 * - {@link csrfVerifyClient}: the `verifyClient` option of a `ws` `WebSocketServer`.
 * Translation only: the guard decides, these write its refusal on the raw socket.
 */
import { type IncomingMessage, STATUS_CODES } from 'node:http';
import type { Duplex } from 'node:stream';
import { NodeRequestView } from '../_http/index.js';
import { type CsrfAllowed, type CsrfGuard, type CsrfRefused, createCsrfGuard } from '../csrf/index.js';
import type { AdapterOptions, CsrfInput } from './_shared.js';

/** A node:http `'upgrade'` listener. */
export type UpgradeListener = (req: IncomingMessage, socket: Duplex, head: Buffer) => void;

/** The callback of `ws`'s asynchronous `verifyClient`. */
export type VerifyClientCallback = (
  result: boolean,
  code?: number,
  message?: string,
  headers?: Record<string, string>,
) => void;

/** What `ws` passes to `verifyClient`. */
export interface VerifyClientInfo {
  readonly origin: string;
  readonly secure: boolean;
  readonly req: IncomingMessage;
}

/** The guard as given, or created now from its options (throws on bad options). */
function upgradeGuard(input: CsrfInput): CsrfGuard {
  const g = input as Partial<CsrfGuard>;
  return typeof g.checkUpgrade === 'function' ? (input as CsrfGuard) : createCsrfGuard(input as never);
}

/** Decides a handshake; a failing guard refuses (reported to `onError`). */
function decideUpgrade(
  guard: CsrfGuard,
  req: IncomingMessage,
  options: AdapterOptions | undefined,
): CsrfAllowed | CsrfRefused {
  const view = new NodeRequestView(req);
  try {
    return guard.checkUpgrade(view);
  } catch (error) {
    try {
      (options?.onError ?? ((e) => console.error('crossorigin: the CSRF guard failed:', e)))(error, view);
    } catch {
      // an onError that throws is ignored
    }
    return refusedFallback;
  }
}

const refusedFallback = Object.freeze({
  allowed: false,
  reason: 'request-unreadable',
  message: 'Request refused: it could not be verified.',
  end: true,
  status: 403,
  body: 'Forbidden: the request could not be verified.\n',
  contentType: 'text/plain; charset=utf-8',
  headers: Object.freeze([]),
  vary: Object.freeze([]),
}) as CsrfRefused;

/** Writes a refusal as an HTTP/1.1 response on the raw socket, then closes it. */
function writeRefusal(socket: Duplex, d: CsrfRefused): void {
  const lines = [`HTTP/1.1 ${d.status} ${STATUS_CODES[d.status] ?? 'Refused'}`];
  for (const [name, value] of d.headers) lines.push(`${name}: ${value}`);
  if (d.vary.length > 0) lines.push(`vary: ${d.vary.join(', ')}`);
  lines.push(
    `content-type: ${d.contentType}`,
    `content-length: ${Buffer.byteLength(d.body)}`,
    'connection: close',
  );
  socket.end(`${lines.join('\r\n')}\r\n\r\n${d.body}`);
  socket.once('finish', () => socket.destroy());
}

/**
 * Wraps an `'upgrade'` listener: a handshake the guard refuses is answered on the socket (403 with
 * one sentence, or the guard's `deny` answer) and closed; an allowed one reaches `onUpgrade`.
 *
 * @param optionsOrGuard a guard from `createCsrfGuard`, or its options (validated now).
 * @param onUpgrade the listener to protect, e.g. `ws`'s `handleUpgrade` call.
 * @param options `onError` (default: `console.error`) is called if the guard fails; the handshake is then refused.
 * @example
 * ```ts
 * import { createServer } from 'node:http';
 * import { WebSocketServer } from 'ws';
 * import { csrfUpgrade } from 'crossorigin/node';
 *
 * const server = createServer((req, res) => res.end('ok'));
 * const wss = new WebSocketServer({ noServer: true });
 * server.on(
 *   'upgrade',
 *   csrfUpgrade({ origin: 'https://app.example' }, (req, socket, head) => {
 *     wss.handleUpgrade(req, socket, head, (ws) => wss.emit('connection', ws, req));
 *   }),
 * );
 * ```
 */
export function csrfUpgrade(
  optionsOrGuard: CsrfInput,
  onUpgrade: UpgradeListener,
  options?: AdapterOptions,
): UpgradeListener {
  const guard = upgradeGuard(optionsOrGuard);
  return (req, socket, head) => {
    const d = decideUpgrade(guard, req, options);
    if (d.allowed) onUpgrade(req, socket, head);
    else writeRefusal(socket, d);
  };
}

/**
 * A `verifyClient` for `ws`'s `WebSocketServer`: refuses a handshake the guard refuses (`ws` then
 * answers with the guard's status and sentence, and the guard's extra headers).
 *
 * @param optionsOrGuard a guard from `createCsrfGuard`, or its options (validated now).
 * @param options `onError` (default: `console.error`) is called if the guard fails; the handshake is then refused.
 * @example
 * ```ts
 * import { WebSocketServer } from 'ws';
 * import { csrfVerifyClient } from 'crossorigin/node';
 *
 * const wss = new WebSocketServer({ port: 0, verifyClient: csrfVerifyClient({ origin: 'https://app.example' }) });
 * wss.close();
 * ```
 */
export function csrfVerifyClient(
  optionsOrGuard: CsrfInput,
  options?: AdapterOptions,
): (info: VerifyClientInfo, callback: VerifyClientCallback) => void {
  const guard = upgradeGuard(optionsOrGuard);
  return (info, callback) => {
    const d = decideUpgrade(guard, info.req, options);
    if (d.allowed) {
      callback(true);
      return;
    }
    const headers: Record<string, string> = {};
    for (const [name, value] of d.headers) headers[name] = value;
    if (d.vary.length > 0) headers.vary = d.vary.join(', ');
    callback(false, d.status, d.message, headers);
  };
}
