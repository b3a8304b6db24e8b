/**
 * L2-regularised logistic regression over hashed features, trained by Adagrad over seeded shuffles,
 * with seeded k-fold cross-validation and a threshold chosen for a target precision. Everything is
 * deterministic: the same samples and options give the same weights, bit for bit.
 */

/** One labelled text as features: distinct buckets with their values, and the label. */
export interface Sample {
  readonly buckets: Int32Array;
  readonly values: Float64Array;
  readonly positive: boolean;
}

export interface FitOptions {
  /** Number of buckets (a power of two). */
  readonly dimension: number;
  readonly epochs: number;
  /** Adagrad's base step. */
  readonly rate: number;
  /** L2 penalty per sample and step. */
  readonly l2: number;
  readonly seed: number;
  /** Weights kept: at most this many, the largest in size; the rest are dropped from the model. */
  readonly keep: number;
  /** Decimal places a kept weight is rounded to. */
  readonly places: number;
  /** Fits over differently seeded shuffles, whose weights are averaged (still one linear model). */
  readonly bags: number;
}

export const defaultFitOptions: Omit<FitOptions, 'dimension'> = { epochs: 12, rate: 0.05, l2: 1e-4, seed: 1, keep: 16000, places: 3, bags: 1 };

/** A fitted model: sparse weights (bucket ascending) and a bias. */
export interface Weights {
  readonly buckets: Int32Array;
  readonly values: Float64Array;
  readonly bias: number;
}

/** Counts of a binary decision against labels, and the figures they give. */
export interface Figures {
  readonly precision: number;
  readonly recall: number;
  readonly f1: number;
  readonly tp: number;
  readonly fp: number;
  readonly fn: number;
  readonly tn: number;
}

/** A small fast generator (mulberry32): the shuffles' only source of chance. */
export function seededRandom(seed: number): () => number {
  let a = seed >>> 0;
  return () => {
    a = (a + 0x6d2b79f5) >>> 0;
    let t = a;
    t = Math.imul(t ^ (t >>> 15), t | 1);
    t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
  };
}

/** Fisher-Yates over `0..n-1`, driven by `random`. */
export function shuffled(n: number, random: () => number): number[] {
  const order = Array.from({ length: n }, (_, i) => i);
  for (let i = n - 1; i > 0; i--) {
    const j = Math.floor(random() * (i + 1));
    const t = order[i];
    order[i] = order[j];
    order[j] = t;
  }
  return order;
}

export function sigmoid(z: number): number {
  return z >= 0 ? 1 / (1 + Math.exp(-z)) : Math.exp(z) / (1 + Math.exp(z));
}

/** Fits the weights to the samples, then keeps the largest and rounds them. */
export function fit(samples: readonly Sample[], options: FitOptions): Weights {
  const sum = new Float64Array(options.dimension);
  let biasSum = 0;
  for (let bag = 0; bag < options.bags; bag++) {
    const one = fitOnce(samples, options, options.seed + bag * 0x9e37);
    for (let b = 0; b < sum.length; b++) sum[b] += one.w[b];
    biasSum += one.bias;
  }
  for (let b = 0; b < sum.length; b++) sum[b] /= options.bags;
  return prune(sum, biasSum / options.bags, options);
}

function fitOnce(samples: readonly Sample[], options: FitOptions, seed: number): { w: Float64Array; bias: number } {
  const w = new Float64Array(options.dimension);
  const g2 = new Float64Array(options.dimension);
  let bias = 0;
  let biasG2 = 0;
  const random = seededRandom(seed);
  for (let epoch = 0; epoch < options.epochs; epoch++) {
    for (const i of shuffled(samples.length, random)) {
      const s = samples[i];
      let z = bias;
      for (let k = 0; k < s.buckets.length; k++) z += w[s.buckets[k]] * s.values[k];
      const error = sigmoid(z) - (s.positive ? 1 : 0);
      for (let k = 0; k < s.buckets.length; k++) {
        const b = s.buckets[k];
        const g = error * s.values[k] + options.l2 * w[b];
        g2[b] += g * g;
        w[b] -= (options.rate * g) / Math.sqrt(g2[b] + 1e-8);
      }
      biasG2 += error * error;
      bias -= (options.rate * error) / Math.sqrt(biasG2 + 1e-8);
    }
  }
  return { w, bias };
}

function prune(w: Float64Array, bias: number, options: FitOptions): Weights {
  const scale = 10 ** options.places;
  const round = (x: number) => Math.round(x * scale) / scale;
  const nonZero: number[] = [];
  for (let b = 0; b < w.length; b++) if (round(w[b]) !== 0) nonZero.push(b);
  // The largest in size, ties to the lower bucket, so that the choice is the same everywhere.
  nonZero.sort((a, b) => Math.abs(w[b]) - Math.abs(w[a]) || a - b);
  const kept = nonZero.slice(0, options.keep).sort((a, b) => a - b);
  return { buckets: Int32Array.from(kept), values: Float64Array.from(kept, (b) => round(w[b])), bias: round(bias) };
}

/** The probability that weights spread by {@link denseWeights} give a sample. */
export function scoreSample(dense: Float64Array, bias: number, s: Sample): number {
  let z = bias;
  for (let k = 0; k < s.buckets.length; k++) z += dense[s.buckets[k]] * s.values[k];
  return sigmoid(z);
}

/** The weights spread into one value per bucket, for scoring. */
export function denseWeights(weights: Weights, dimension: number): Float64Array {
  const dense = new Float64Array(dimension);
  for (let k = 0; k < weights.buckets.length; k++) if (weights.buckets[k] < dimension) dense[weights.buckets[k]] = weights.values[k];
  return dense;
}

/**
 * Out-of-fold probabilities: the samples split into `folds` by a seeded shuffle (positives and
 * negatives dealt out separately, so every fold holds both), each scored by a model fitted on the
 * other folds and on `always` (samples that train every fold and are never scored, such as a rule's
 * own examples). No sample is ever scored by a model that saw it.
 */
export function crossValidate(samples: readonly Sample[], options: FitOptions, folds: number, always: readonly Sample[] = []): Float64Array {
  const fold = foldsOf(samples, folds, options.seed);
  const scores = new Float64Array(samples.length);
  for (let f = 0; f < folds; f++) {
    const train = [...samples.filter((_, i) => fold[i] !== f), ...always];
    const weights = fit(train, options);
    const dense = denseWeights(weights, options.dimension);
    for (let i = 0; i < samples.length; i++) if (fold[i] === f) scores[i] = scoreSample(dense, weights.bias, samples[i]);
  }
  return scores;
}

/** Each sample's fold, stratified by label. */
export function foldsOf(samples: readonly Sample[], folds: number, seed: number): Int32Array {
  const fold = new Int32Array(samples.length);
  const random = seededRandom(seed ^ 0x5eed);
  for (const positive of [true, false]) {
    const members = samples.flatMap((s, i) => (s.positive === positive ? [i] : []));
    shuffled(members.length, random).forEach((at, n) => {
      fold[members[at]] = n % folds;
    });
  }
  return fold;
}

/** Precision, recall and F1 of flagging every score at or above `threshold`. */
export function figuresAt(scores: ArrayLike<number>, labels: readonly boolean[], threshold: number): Figures {
  let tp = 0;
  let fp = 0;
  let fn = 0;
  let tn = 0;
  for (let i = 0; i < labels.length; i++) {
    const flagged = scores[i] >= threshold;
    if (labels[i]) flagged ? tp++ : fn++;
    else flagged ? fp++ : tn++;
  }
  return figures(tp, fp, fn, tn);
}

export function figures(tp: number, fp: number, fn: number, tn: number): Figures {
  const precision = tp + fp === 0 ? 0 : tp / (tp + fp);
  const recall = tp + fn === 0 ? 0 : tp / (tp + fn);
  const f1 = precision + recall === 0 ? 0 : (2 * precision * recall) / (precision + recall);
  return { precision, recall, f1, tp, fp, fn, tn };
}

/**
 * The threshold for a target precision: the lowest score at which the flags reach it (so recall is
 * as high as that precision allows), then raised to halfway between the lowest positive it flags
 * and the highest negative below that: the same positives are flagged, no more negatives, and a
 * new text scored near a training one is not on the edge. Where no threshold reaches the target,
 * the one with the best F1, placed the same way.
 */
export function thresholdFor(scores: ArrayLike<number>, labels: readonly boolean[], target: number): number {
  const distinct = [...new Set(Array.from(scores))].sort((a, b) => a - b);
  const candidates = distinct.map((s, i) => (i === 0 ? s : (s + distinct[i - 1]) / 2));
  let chosen: number | undefined;
  let best: { t: number; f1: number } | undefined;
  for (const t of candidates) {
    const f = figuresAt(scores, labels, t);
    if (f.tp > 0 && f.precision >= target) {
      chosen = t;
      break;
    }
    if (!best || f.f1 > best.f1) best = { t, f1: f.f1 };
  }
  const low = chosen ?? best?.t ?? 0.5;
  let lowestPositive = Infinity;
  for (let i = 0; i < labels.length; i++) if (labels[i] && scores[i] >= low && scores[i] < lowestPositive) lowestPositive = scores[i];
  if (lowestPositive === Infinity) return low;
  let highestNegative = -Infinity;
  for (let i = 0; i < labels.length; i++) if (!labels[i] && scores[i] < lowestPositive && scores[i] > highestNegative) highestNegative = scores[i];
  return highestNegative === -Infinity ? low : (highestNegative + lowestPositive) / 2;
}
