/** Why a request needs a preflight, in words: one text for `check`, `explain` and the lab. */
import type { PreflightReason } from '../classify.js';

function headerReason(r: Extract<PreflightReason, { kind: 'header' }>): string {
  switch (r.reason) {
    case 'name':
      return `the header ${r.name} is not a CORS-safelisted request header`;
    case 'mime-essence':
    case 'mime-unparsable':
      return `the header ${r.name}: only text/plain, multipart/form-data and application/x-www-form-urlencoded are safelisted content types`;
    case 'value-too-long':
      return `the header ${r.name}: its value is longer than 128 bytes`;
    case 'total-length':
      return `the header ${r.name}: the safelisted headers together exceed 1024 bytes`;
    case 'value-unsafe-byte':
    case 'language-chars':
      return `the header ${r.name}: its value has a byte the safelist does not allow`;
    case 'client-hint-value':
      return `the header ${r.name}: not a valid client-hint value`;
    default:
      return `the header ${r.name}: its value is not a safelisted Range (a single bytes=N- or bytes=N-M)`;
  }
}

/** One preflight reason in plain words (no reason codes). */
export function describePreflightReason(r: PreflightReason): string {
  switch (r.kind) {
    case 'method':
      return `the method ${r.method} is not CORS-safelisted (only GET, HEAD and POST are, in upper case)`;
    case 'stream-body':
      return 'the body is a ReadableStream (always preflighted)';
    case 'header':
      return headerReason(r);
    case 'redirected-preflighted-request':
      return `the request was redirected and its first hop needed a preflight (Firefox preflights every hop): ${r.names.join(', ')}`;
  }
}
