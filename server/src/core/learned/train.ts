/**
 * Training a learned detector from labelled turns: the samples made by the same feature walk that
 * scores, the figures measured by seeded cross-validation (never by the fit to the training set),
 * the threshold chosen on the out-of-fold scores for a target precision, and the final model fitted
 * on every sample. The caller reads the files and hashes them; this module only computes.
 */
import { defaultFeatureOptions, FeatureWalker, type FeatureOptions } from './features.ts';
import { crossValidate, defaultFitOptions, figuresAt, fit, thresholdFor, type Figures, type FitOptions, type Sample } from './logistic.ts';
import { featureHash, modelVersion, type LearnedModel, type ModelData } from './model.ts';

/** A labelled turn: its text, the user turn before it where there is one, and the label. */
export interface LabelledTurn {
  readonly text: string;
  readonly user?: string;
  readonly positive: boolean;
}

export interface TrainInput {
  readonly rule: string;
  /** Turns from the training files, in file order. */
  readonly turns: readonly LabelledTurn[];
  /** The rule's own examples, as labelled turns. */
  readonly examples: readonly LabelledTurn[];
  readonly data: readonly ModelData[];
  readonly context: boolean;
  /** {@link specHash} of the rule's train block and examples. */
  readonly spec: string;
  readonly licence: string;
  readonly targetPrecision?: number;
  readonly folds?: number;
  readonly features?: Partial<FeatureOptions>;
  readonly fit?: Partial<Omit<FitOptions, 'dimension'>>;
}

export const defaultTargetPrecision = 0.95;
export const defaultFolds = 10;

/** The trained model and the figures that describe it. */
export interface Trained {
  readonly model: LearnedModel;
  readonly crossValidated: Figures;
}

/** Trains the model; the same input gives the same model, weight for weight. */
export function trainModel(input: TrainInput): Trained {
  const features: FeatureOptions = { ...defaultFeatureOptions, ...input.features };
  const fitOptions: FitOptions = { ...defaultFitOptions, ...input.fit, dimension: 2 ** features.bits };
  const folds = input.folds ?? defaultFolds;
  const target = input.targetPrecision ?? defaultTargetPrecision;
  // The figures are measured on the labelled data; the rule's examples, written by hand rather than
  // drawn from the data, train every fold and are never scored. A rule with examples alone is
  // measured on them.
  const measured = input.turns.length > 0 ? input.turns : input.examples;
  const always = input.turns.length > 0 ? input.examples : [];
  const scored = measured.map((t) => sampleOf(t, features, input.context));
  const extra = always.map((t) => sampleOf(t, features, input.context));
  const samples = [...scored, ...extra];
  const labels = scored.map((s) => s.positive);
  const positives = labels.filter(Boolean).length;
  if (positives === 0 || positives === scored.length) {
    throw new RangeError(`rule "${input.rule}" has ${positives === 0 ? 'no positive' : 'no negative'} turn to learn from (${scored.length} labelled turns)`);
  }
  const usableFolds = Math.max(2, Math.min(folds, positives, scored.length - positives));
  const scores = crossValidate(scored, fitOptions, usableFolds, extra);
  const threshold = round(thresholdFor(scores, labels, target), 6);
  const crossValidated = roundFigures(figuresAt(scores, labels, threshold));
  const weights = fit(samples, fitOptions);
  const model: LearnedModel = {
    version: modelVersion,
    rule: input.rule,
    features: { hash: featureHash, ...features, context: input.context },
    targetPrecision: target,
    threshold,
    crossValidated,
    training: {
      seed: fitOptions.seed,
      folds: usableFolds,
      epochs: fitOptions.epochs,
      rate: fitOptions.rate,
      l2: fitOptions.l2,
      keep: fitOptions.keep,
      samples: scored.length,
      positives,
      negatives: scored.length - positives,
      examples: input.examples.length,
      data: input.data,
      spec: input.spec,
      licence: input.licence,
    },
    bias: weights.bias,
    weights: Array.from(weights.buckets, (b, k) => [b, weights.values[k]] as const),
  };
  return { model, crossValidated };
}

/** A labelled turn as features: each bucket once, valued by its count over the square root of all counts. */
export function sampleOf(turn: LabelledTurn, features: FeatureOptions, context: boolean): Sample {
  const counts = new Map<number, number>();
  let total = 0;
  const sink = (bucket: number) => {
    counts.set(bucket, (counts.get(bucket) ?? 0) + 1);
    total++;
  };
  const walker = new FeatureWalker();
  walker.walk(turn.text, features, sink);
  if (context && turn.user !== undefined) walker.walk(turn.user, features, sink, true);
  const buckets = Int32Array.from([...counts.keys()].sort((a, b) => a - b));
  const scale = total === 0 ? 0 : 1 / Math.sqrt(total);
  return { buckets, values: Float64Array.from(buckets, (b) => counts.get(b)! * scale), positive: turn.positive };
}

/**
 * A short stable hash of a rule's training declaration (its `train` block and examples, as JSON):
 * two FNV-1a passes with different bases, as 16 hex digits. Not for security; it tells a changed
 * declaration from the one a model was trained from.
 */
export function specHash(declaration: unknown): string {
  const s = JSON.stringify(declaration);
  let a = 0x811c9dc5;
  let b = 0x01000193 ^ 0x5bd1e995;
  for (let i = 0; i < s.length; i++) {
    const c = s.charCodeAt(i);
    a = Math.imul(a ^ c, 0x01000193);
    b = Math.imul(b ^ c, 0x01000193) ^ (b >>> 15);
  }
  return (a >>> 0).toString(16).padStart(8, '0') + (b >>> 0).toString(16).padStart(8, '0');
}

function round(x: number, places: number): number {
  const s = 10 ** places;
  return Math.round(x * s) / s;
}

function roundFigures(f: Figures): Figures {
  return { ...f, precision: round(f.precision, 4), recall: round(f.recall, 4), f1: round(f.f1, 4) };
}
