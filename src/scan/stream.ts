/**
 * A bounded concurrent map over a stream: `fn` runs on at most `concurrency` items at once, the
 * input is read only when a slot is free (one read outstanding at most), and results are yielded
 * in completion order as soon as they are ready, even while the input is slow to give its next
 * item. Nothing is kept once handed over, so memory is bounded by `concurrency`, not by the input.
 */

export interface Completed<R> {
  /** Input position of the item. */
  index: number;
  value: R;
}

type Source<T> = Iterable<T> | AsyncIterable<T>;

function iteratorOf<T>(input: Source<T>): AsyncIterator<T> | Iterator<T> {
  return Symbol.asyncIterator in input ? input[Symbol.asyncIterator]() : input[Symbol.iterator]();
}

/**
 * Yields `{ index, value: await fn(item, index) }` for every item of `input`. A rejection of `fn`
 * or of the input ends the stream with that error; breaking out of the loop closes the input.
 */
export async function* mapConcurrent<T, R>(
  input: Source<T>,
  concurrency: number,
  fn: (item: T, index: number) => Promise<R>,
): AsyncGenerator<Completed<R>> {
  const iterator = iteratorOf(input);
  const finished: Completed<R>[] = [];
  // Set from callbacks (so a plain `let` would be narrowed to null by the compiler).
  const state: { failure: { error: unknown } | null; next: IteratorResult<T> | null } = {
    failure: null,
    next: null,
  };
  let wake: (() => void) | null = null;
  const notify = () => {
    wake?.();
    wake = null;
  };
  const fail = (error: unknown) => {
    state.failure ??= { error };
    notify();
  };
  let running = 0;
  let index = 0;
  let reading = false;
  let done = false;
  try {
    for (;;) {
      // 1. Ask the input for its next item when a slot is free.
      if (!done && !reading && state.next === null && running < concurrency) {
        reading = true;
        Promise.resolve(iterator.next()).then((r) => {
          reading = false;
          state.next = r;
          notify();
        }, fail);
      }
      if (state.failure !== null) throw state.failure.error;
      // 2. Start the item it gave (fn may throw synchronously: misuse, reported as is).
      if (state.next !== null) {
        const r = state.next;
        state.next = null;
        if (r.done) done = true;
        else {
          const i = index++;
          const work = fn(r.value, i);
          running++;
          work.then((value) => {
            running--;
            finished.push({ index: i, value });
            notify();
          }, fail);
        }
        continue;
      }
      // 3. Hand over what finished.
      const first = finished.shift();
      if (first !== undefined) {
        yield first;
        continue;
      }
      if (done && running === 0) return;
      await new Promise<void>((resolve) => {
        wake = resolve;
      });
    }
  } finally {
    if (!done) {
      // A read still outstanding (a slow stdin) must not hold up the caller's exit.
      const closing = Promise.resolve(iterator.return?.()).catch(() => {});
      if (!reading) await closing;
    }
  }
}
