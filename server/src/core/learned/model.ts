/**
 * The model file of a learned detector: plain JSON, versioned, small (only the weights that count,
 * rounded), naming its training data by hash and carrying its cross-validated figures; and the
 * scorer made from it, which reads a turn once and explains a flag by the n-grams that weighed most
 * and the span of words that weighed most together.
 */
import { FeatureWalker, featureText, heaviest, wordWeights, type FeatureKind, type FeatureOptions, type WordPlace } from './features.ts';
import { sigmoid, type Figures } from './logistic.ts';

export const modelVersion = 1;
/** The name of the hash {@link walkFeatures} uses; a model hashed otherwise cannot be read. */
export const featureHash = 'fnv1a32+golden-high-bits';

/** A training file, named by the hash of its bytes. */
export interface ModelData {
  /** As written in the rule's `train.from`: relative to the constitution's folder. */
  readonly path: string;
  readonly sha256: string;
  /** Records read from it, and those that gave a labelled turn. */
  readonly records: number;
  readonly used: number;
}

export interface ModelTraining {
  readonly seed: number;
  readonly folds: number;
  readonly epochs: number;
  readonly rate: number;
  readonly l2: number;
  readonly keep: number;
  /** The labelled turns the figures were measured on, and how many were positive. */
  readonly samples: number;
  readonly positives: number;
  readonly negatives: number;
  /** The rule's own examples, which trained every fold besides the samples. */
  readonly examples: number;
  readonly data: readonly ModelData[];
  /** A hash of the rule's `train` block and examples: a model whose rule changed since is stale. */
  readonly spec: string;
  /** The licence of the training data, as the rule states it. */
  readonly licence: string;
}

/** The model file's content. */
export interface LearnedModel {
  readonly version: typeof modelVersion;
  readonly rule: string;
  readonly features: FeatureOptions & { readonly hash: string; readonly context: boolean };
  readonly targetPrecision: number;
  /** Flag at or above this probability. */
  readonly threshold: number;
  /** Precision, recall, F1 and counts of the out-of-fold scores at the threshold. */
  readonly crossValidated: Figures;
  readonly training: ModelTraining;
  readonly bias: number;
  /** `[bucket, weight]`, bucket ascending; buckets not listed weigh nothing. */
  readonly weights: readonly (readonly [number, number])[];
}

/** The model as JSON: the weights on one line, the rest readable. The same model gives the same bytes. */
export function serialiseModel(model: LearnedModel): string {
  const head = JSON.stringify({ ...model, weights: '\u0000' }, null, 2);
  return `${head.replace('"\\u0000"', JSON.stringify(model.weights))}\n`;
}

/** Reads a model file; what is wrong with it is said in a sentence, never thrown. */
export function parseModel(text: string): { model: LearnedModel } | { error: string } {
  let v: unknown;
  try {
    v = JSON.parse(text);
  } catch (e) {
    return { error: `the model file is not JSON (${(e as Error).message})` };
  }
  if (!isObject(v)) return { error: 'the model file is not a JSON object' };
  if (v.version !== modelVersion) return { error: `the model file's version is ${JSON.stringify(v.version)}; this build reads version ${modelVersion}` };
  const f = v.features;
  if (!isObject(f) || f.hash !== featureHash) return { error: `the model file's features are not hashed by ${featureHash}` };
  for (const k of ['bits', 'charMin', 'charMax', 'startWords', 'sentenceWords', 'read'] as const) {
    if (!Number.isInteger(f[k]) || (f[k] as number) < 0) return { error: `the model file's features.${k} is not a whole number` };
  }
  if ((f.bits as number) < 4 || (f.bits as number) > 24) return { error: 'the model file\'s features.bits is outside 4 to 24' };
  if (typeof f.context !== 'boolean') return { error: "the model file's features.context is not true or false" };
  for (const k of ['threshold', 'bias', 'targetPrecision'] as const) {
    if (typeof v[k] !== 'number' || !Number.isFinite(v[k])) return { error: `the model file's ${k} is not a number` };
  }
  if (!isObject(v.crossValidated) || !isObject(v.training)) return { error: 'the model file has no crossValidated or training figures' };
  if (!Array.isArray(v.training.data)) return { error: "the model file's training.data is not a list" };
  const dimension = 2 ** (f.bits as number);
  if (!Array.isArray(v.weights)) return { error: "the model file's weights are not a list" };
  for (const w of v.weights) {
    if (!Array.isArray(w) || w.length !== 2 || !Number.isInteger(w[0]) || w[0] < 0 || w[0] >= dimension || typeof w[1] !== 'number' || !Number.isFinite(w[1])) {
      return { error: `the model file's weights hold ${JSON.stringify(w)}, not a [bucket, weight] pair within ${dimension} buckets` };
    }
  }
  return { model: v as unknown as LearnedModel };
}

function isObject(v: unknown): v is Record<string, unknown> {
  return typeof v === 'object' && v !== null && !Array.isArray(v);
}

/** What explains a learned flag. */
export interface Explanation {
  readonly score: number;
  /** The run of words that weighed most together, as offsets in the turn's text. */
  readonly start: number;
  readonly end: number;
  /** The n-grams that weighed most in this turn, heaviest first, with their weight in the score. */
  readonly top: readonly { readonly text: string; readonly weight: number }[];
}

/** The longest run of words the strongest span may cover. */
const spanWords = 12;
/** How many of the heaviest n-grams an explanation names. */
const shownNgrams = 6;

/**
 * A model ready to score turns. Its scratch space (the walker and the arrays below) serves one call
 * at a time, and {@link LearnedScorer.lastSpan} the call just made; no call reaches code outside it,
 * so calls never overlap, and one scorer serves every check of its ruleset.
 */
export class LearnedScorer {
  readonly model: LearnedModel;
  readonly #weights: Float32Array;
  readonly #walker = new FeatureWalker();
  /** The sum of the weights of a walk and the number of its features. */
  readonly #acc = new Float64Array(2);
  /** Scratch of {@link explain}: weight per word, and the heaviest occurrences. */
  #perWord: Float64Array = new Float64Array(0);
  readonly #top = heaviest(24);
  /** Scratch of {@link score} and {@link span}: weight and place per word of the text read last, and how many words it has. */
  readonly #words: ReturnType<typeof wordWeights>;
  #wordCount = 0;

  constructor(model: LearnedModel) {
    this.model = model;
    this.#weights = new Float32Array(2 ** model.features.bits);
    for (const [b, w] of model.weights) this.#weights[b] = w;
    this.#words = wordWeights(model.features.read);
  }

  /**
   * The probability that the turn is of the kind the model learned; `user` is read where the model
   * reads context. The turn's words are kept with their weights until the next call, so that
   * {@link lastSpan} finds the span of a flag just scored without reading the turn again.
   */
  score(text: string, user?: string): number {
    const acc = this.#acc;
    acc[0] = 0;
    acc[1] = 0;
    this.#wordCount = this.#walker.span(text, this.model.features, this.#weights, acc, this.#words);
    if (this.model.features.context && user !== undefined) this.#walker.sum(user, this.model.features, this.#weights, acc, true);
    return sigmoid(this.model.bias + (acc[1] === 0 ? 0 : acc[0] / Math.sqrt(acc[1])));
  }

  /**
   * The strongest span of a turn, as {@link explain} finds it, without the heaviest n-grams: what a
   * flag underlines, at about the cost of {@link score}. The n-grams are left to {@link explain}, for
   * the hover.
   */
  span(text: string): { readonly start: number; readonly end: number } {
    const acc = this.#acc;
    acc[0] = 0;
    acc[1] = 0;
    this.#wordCount = this.#walker.span(text, this.model.features, this.#weights, acc, this.#words);
    return this.lastSpan(text);
  }

  /**
   * {@link span} of the text that {@link score} or {@link span} read last, given again: from the
   * words they kept, without reading it again. The text itself is not kept, so that a scorer holds
   * on to no document.
   */
  lastSpan(text: string): { readonly start: number; readonly end: number } {
    const n = this.#wordCount;
    if (n === 0) return { start: 0, end: Math.min(text.length, 1) };
    const w = this.#words;
    const [from, to] = strongestRun(w.weight, n);
    return { start: w.start[from], end: w.end[to] };
  }

  /** The score, the strongest span and the heaviest n-grams of a turn; slower than {@link score}, for the hover. */
  explain(text: string, user?: string): Explanation {
    const acc = this.#acc;
    acc[0] = 0;
    acc[1] = 0;
    const places: WordPlace[] = [];
    const top = this.#top;
    this.#perWord = this.#walker.explain(text, this.model.features, this.#weights, acc, this.#perWord, top, places);
    if (this.model.features.context && user !== undefined) this.#walker.sum(user, this.model.features, this.#weights, acc, true);
    const scale = acc[1] === 0 ? 0 : 1 / Math.sqrt(acc[1]);
    const score = sigmoid(this.model.bias + acc[0] * scale);
    const named: { text: string; weight: number }[] = [];
    for (let k = 0; k < top.size && named.length < shownNgrams; k++) {
      const t = featureText(text, places, top.word[k], top.kind[k] as FeatureKind, top.at[k], top.length[k]);
      if (!named.some((n) => n.text === t)) named.push({ text: t, weight: Math.round(top.weight[k] * scale * 1000) / 1000 });
    }
    const [from, to] = strongestRun(this.#perWord, places.length);
    const start = places.length ? places[from].start : 0;
    const end = places.length ? places[to].end : Math.min(text.length, 1);
    return { score, start, end, top: named };
  }
}

/**
 * The run of at most {@link spanWords} words whose weights sum highest (the first such run), as its
 * first and last word. A word's weight counts only what weighs toward the score, so it is never
 * negative: a run's sum only grows with its length, the strongest run from a word is the longest
 * one, and it ends at the first word where its sum reaches its whole.
 */
function strongestRun(perWord: Float64Array, words: number): [number, number] {
  let from = 0;
  let best = -Infinity;
  for (let i = 0; i < words; i++) {
    const stop = Math.min(words, i + spanWords);
    let sum = 0;
    for (let j = i; j < stop; j++) sum += perWord[j];
    if (sum > best) {
      best = sum;
      from = i;
    }
  }
  const stop = Math.min(words, from + spanWords);
  let sum = 0;
  for (let j = from; j < stop; j++) {
    sum += perWord[j];
    if (sum >= best) return [from, j];
  }
  return [from, from];
}
