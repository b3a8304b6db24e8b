/**
 * Work the core gives as steps (a generator that stops between parts), run in short slices with the
 * event loop let in between, so that a long measure never holds up the requests that come meanwhile.
 */

/** How long one slice of background work runs before it lets other requests in. */
export const sliceMs = 20;

/** Runs `steps` to its end in slices of about `sliceMs`, resolving to what it returns. */
export async function inSlices<T>(steps: Generator<void, T>, slice = sliceMs): Promise<T> {
  for (;;) {
    const until = performance.now() + slice;
    do {
      const step = steps.next();
      if (step.done) return step.value;
    } while (performance.now() < until);
    await new Promise((resolve) => setImmediate(resolve));
  }
}
