/** Figures over the rounds of a benchmark. */

/** The middle value of `xs` (the upper of the two middle ones for an even count). */
export function median(xs: readonly number[]): number {
  const s = [...xs].sort((a, b) => a - b);
  return s[Math.floor(s.length / 2)];
}
