/** A deterministic pseudo-random source of whole numbers below `n`, so that a failure can be replayed. */
export function randomFrom(seed: number): (n: number) => number {
  let state = seed;
  return (n) => {
    state = (state * 1103515245 + 12345) % 2147483648;
    return state % n;
  };
}
