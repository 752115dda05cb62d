/**
 * A chunked request body, counted against the body limit on its way to the upstream. A Transform
 * rather than a listener on the request, so that no byte is read before undici asks for it.
 */
import type http from 'node:http';
import { pipeline, Transform, type TransformCallback } from 'node:stream';
import { bodyTooLarge } from './failure.js';

export class LimitedBody extends Transform {
  private seen = 0;

  constructor(
    req: http.IncomingMessage,
    private readonly max: number,
  ) {
    super();
    pipeline(req, this, () => {});
  }

  override _transform(chunk: Buffer, _enc: BufferEncoding, cb: TransformCallback): void {
    this.seen += chunk.length;
    if (this.seen > this.max) cb(bodyTooLarge(this.max));
    else cb(null, chunk);
  }
}
