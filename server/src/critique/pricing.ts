/**
 * Approximate list prices in US dollars per million tokens, by model family, for the estimate shown
 * before a dataset is critiqued. They are a guide, not a bill: prices change, and an unknown model
 * gets no price rather than a guessed one.
 */
export interface ModelPrice {
  readonly input: number;
  readonly output: number;
}

const families: ReadonlyArray<readonly [string, ModelPrice]> = [
  ['opus', { input: 5, output: 25 }],
  ['sonnet', { input: 3, output: 15 }],
  ['haiku', { input: 1, output: 5 }],
];

/** Cache reads cost a tenth of input, cache writes a quarter more; batches half of everything. */
export const cacheReadFactor = 0.1;
export const cacheWriteFactor = 1.25;
export const batchFactor = 0.5;

export function priceOf(model: string): ModelPrice | undefined {
  const m = model.toLowerCase();
  return families.find(([family]) => m.includes(family))?.[1];
}
