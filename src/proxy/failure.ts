/**
 * Failures: every refusal the proxy answers with is a `ProxyFailure` (status, a short code, and a
 * sentence for people). Errors from the upstream exchange (undici, DNS, TLS, the SSRF lookup) are
 * mapped to one in `toFailure`, the only place that decides what a client is told about them.
 */
import { TargetRefusedError } from './lookup.js';

/** The short explanation codes the proxy answers with (in brackets at the end of the body). */
export type ProxyFailureCode =
  | 'no-route'
  | 'bad-target'
  | 'bad-request-target'
  | 'scheme-not-allowed'
  | 'credentials-in-target'
  | 'private-address'
  | 'host-not-allowed'
  | 'origin-not-allowed'
  | 'missing-required-header'
  | 'rate-limited'
  | 'rate-limit-unavailable'
  | 'body-too-large'
  | 'body-too-slow'
  | 'too-many-upstream-requests'
  | 'too-many-pipelined-requests'
  | 'upstream-unreachable'
  | 'upstream-bad-response'
  | 'bad-redirect'
  | 'upstream-timeout'
  | 'loop-detected'
  | 'internal-error';

export const STATUS_TEXT: Readonly<Record<number, string>> = {
  400: 'Bad Request',
  403: 'Forbidden',
  404: 'Not Found',
  408: 'Request Timeout',
  413: 'Content Too Large',
  429: 'Too Many Requests',
  500: 'Internal Server Error',
  502: 'Bad Gateway',
  503: 'Service Unavailable',
  504: 'Gateway Timeout',
  508: 'Loop Detected',
};

/** A refusal: what the client is answered. `retryAfter` (seconds) goes into Retry-After. */
export class ProxyFailure extends Error {
  constructor(
    readonly status: number,
    readonly code: ProxyFailureCode,
    readonly reason: string,
    readonly retryAfter?: number,
  ) {
    super(reason);
    this.name = 'ProxyFailure';
  }
}

/** The body of a failure answer: `413 Content Too Large: <reason> [body-too-large]`. */
export function failureText(failure: ProxyFailure): string {
  return `${failure.status} ${STATUS_TEXT[failure.status] ?? ''}: ${failure.reason} [${failure.code}]\n`;
}

export function bodyTooLarge(max: number): ProxyFailure {
  return new ProxyFailure(413, 'body-too-large', `the request body is larger than ${max} bytes`);
}

export function rateLimited(retryAfter: number, who: string): ProxyFailure {
  return new ProxyFailure(
    429,
    'rate-limited',
    `too many requests from ${who}; retry after ${retryAfter} s`,
    retryAfter,
  );
}

export const tooManyUpstream = (who: string): ProxyFailure =>
  new ProxyFailure(
    503,
    'too-many-upstream-requests',
    `too many upstream requests in flight ${who}; retry shortly`,
    1,
  );

export const loopDetected = (): ProxyFailure =>
  new ProxyFailure(508, 'loop-detected', 'this request already passed through this proxy');

const unreachable = (reason: string) => new ProxyFailure(502, 'upstream-unreachable', reason);
const timeout = (reason: string) => new ProxyFailure(504, 'upstream-timeout', reason);

/** undici and system error codes, by what the client is told. */
const BY_CODE: Readonly<Record<string, () => ProxyFailure>> = {
  UND_ERR_CONNECT_TIMEOUT: () => timeout('connecting to the upstream timed out'),
  UND_ERR_HEADERS_TIMEOUT: () => timeout('the upstream did not answer in time'),
  UND_ERR_BODY_TIMEOUT: () => timeout('the upstream body stalled'),
  UND_ERR_HEADERS_OVERFLOW: () =>
    new ProxyFailure(502, 'upstream-bad-response', 'the upstream response headers are too large'),
  ENOTFOUND: () => unreachable('the upstream host name could not be resolved'),
  EAI_AGAIN: () => unreachable('the upstream host name could not be resolved'),
  EAI_FAIL: () => unreachable('the upstream host name could not be resolved'),
  EAI_NONAME: () => unreachable('the upstream host name could not be resolved'),
  // getaddrinfo refuses a name it cannot look up at all (a label over 63 or a name over 253 bytes).
  EINVAL: () => unreachable('the upstream host name cannot be looked up (too long for DNS)'),
  ECONNREFUSED: () => unreachable('the upstream could not be reached or closed the connection'),
  ECONNRESET: () => unreachable('the upstream could not be reached or closed the connection'),
  EHOSTUNREACH: () => unreachable('the upstream could not be reached or closed the connection'),
  ENETUNREACH: () => unreachable('the upstream could not be reached or closed the connection'),
  EPIPE: () => unreachable('the upstream could not be reached or closed the connection'),
  UND_ERR_SOCKET: () => unreachable('the upstream could not be reached or closed the connection'),
  UND_ERR_CLOSED: () => unreachable('the upstream could not be reached or closed the connection'),
};

const TLS_CODE = /^(ERR_TLS_|ERR_SSL_|CERT_|DEPTH_ZERO|SELF_SIGNED|UNABLE_TO_)/;

/** Maps any error to the failure the client is told about. */
export function toFailure(err: unknown): ProxyFailure {
  if (err instanceof ProxyFailure) return err;
  if (err instanceof TargetRefusedError) return new ProxyFailure(403, 'private-address', err.message);
  const e = err as { code?: unknown; name?: string; cause?: unknown } | null | undefined;
  if (e?.cause instanceof TargetRefusedError)
    return new ProxyFailure(403, 'private-address', e.cause.message);
  if (e?.cause instanceof ProxyFailure) return e.cause;
  const code = typeof e?.code === 'string' ? e.code : '';
  const known = BY_CODE[code];
  if (known) return known();
  if (TLS_CODE.test(code)) {
    return new ProxyFailure(
      502,
      'upstream-bad-response',
      `the upstream's TLS certificate was not accepted (${code})`,
    );
  }
  if (e?.name === 'AbortError') return timeout('the upstream exchange was aborted');
  return new ProxyFailure(502, 'upstream-bad-response', 'the upstream exchange failed');
}

/** Printable ASCII only, at most 100 characters: for echoing client input in a reason. */
export function truncate(text: string): string {
  const clean = text.replace(/[^\x20-\x7e]/g, '?');
  return clean.length > 100 ? `${clean.slice(0, 100)}…` : clean;
}
