/**
 * "Still waiting" on stderr while a slow server answers: shown only on a terminal, after half a
 * second, redrawn in place and erased when the answer arrives (never with `--json`).
 */
import type { Io } from './output.js';

export interface WaitingIndicator {
  /** What is being waited for now. */
  label(text: string): void;
  stop(): void;
}

const FRAMES = ['|', '/', '-', '\\'];

export function waitingIndicator(
  io: Io,
  enabled: boolean,
  stream: { isTTY?: boolean; write(text: string): unknown } = process.stderr,
  delayMs = 500,
): WaitingIndicator {
  if (!enabled || !stream.isTTY || io.env.CI) return { label() {}, stop() {} };
  const start = Date.now();
  let text = '';
  let frame = 0;
  let shown = false;
  const timer = setInterval(() => {
    if (Date.now() - start < delayMs) return;
    shown = true;
    const secs = ((Date.now() - start) / 1000).toFixed(0);
    stream.write(`\r${FRAMES[frame++ % FRAMES.length]} waiting for ${text} (${secs} s)\u001b[K`);
  }, 250);
  timer.unref();
  return {
    label(t) {
      text = t;
    },
    stop() {
      clearInterval(timer);
      if (shown) stream.write('\r\u001b[K');
    },
  };
}
