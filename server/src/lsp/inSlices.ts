/**
 * Work the core gives as steps (a generator that stops between parts), run in short slices with the
 * event loop let in between, so that a long measure never holds up the requests that come meanwhile.
 */

/** How long one slice of background work runs before it lets other requests in. */
export const sliceMs = 20;

/**
 * Runs `steps` to its end in slices of about `sliceMs`, resolving to what it returns. Between two
 * slices, `held` may hold the work back: it gives a promise that settles when the work may go on,
 * or undefined when it may go on at once.
 */
export async function inSlices<T>(steps: Generator<void, T>, slice = sliceMs, held?: () => Promise<void> | undefined): Promise<T> {
  for (;;) {
    const until = performance.now() + slice;
    do {
      const step = steps.next();
      if (step.done) return step.value;
    } while (performance.now() < until);
    await new Promise((resolve) => setImmediate(resolve));
    await held?.();
  }
}
