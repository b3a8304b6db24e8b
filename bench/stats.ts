/** Figures over the rounds of a benchmark. */

/** The middle value of `xs` (the upper of the two middle ones for an even count). */
export function median(xs: readonly number[]): number {
  const s = [...xs].sort((a, b) => a - b);
  return s[Math.floor(s.length / 2)];
}

/** The value below which a fraction `p` of `xs` falls (nearest rank: `p` of 0.95 is the 95th percentile). */
export function percentile(xs: readonly number[], p: number): number {
  const s = [...xs].sort((a, b) => a - b);
  return s[Math.min(s.length - 1, Math.floor(s.length * p))];
}
