/**
 * A `learned` detector's side of compilation and checking: its model file read into a scorer (or a
 * problem at the rule's `model` field when the file is missing, malformed or stale), the hash of its
 * training declaration, its examples as labelled turns, and the scoring of a turn.
 */
import { problem, type Problem } from '../problem.ts';
import type { MappedText } from '../text.ts';
import type { Turn } from '../transcript/model.ts';
import { LearnedScorer, parseModel } from '../learned/model.ts';
import { specHash, type LabelledTurn } from '../learned/train.ts';
import type { DetectorSpec } from './detectorSchema.ts';
import type { LearnedEvidence, ModelFileRead } from './types.ts';

/** A learned detector's scorer, or the problems that keep it from running. */
export interface LearnedCompiled {
  readonly scorer?: LearnedScorer;
  readonly threshold: number;
  readonly problems: Problem[];
}

/** The declaration a model is trained from: what makes a model stale when it changes. */
export function trainDeclaration(spec: DetectorSpec): unknown {
  const t = spec.train;
  return {
    train: t ? { from: t.from.map((f) => f.text), label: t.label, positive: t.positive, context: t.context ?? null, precision: t.precision ?? null } : null,
    examples: spec.examples.map((e) => [e.expect, e.text, e.user ?? null]),
  };
}

/** The hash of {@link trainDeclaration}, as the model file records it. */
export function declarationHash(spec: DetectorSpec): string {
  return specHash(trainDeclaration(spec));
}

/** The rule's examples as labelled turns: `flag` positive, `pass` negative. */
export function examplesAsTurns(spec: DetectorSpec): LabelledTurn[] {
  return spec.examples.map((e) => ({ text: e.text, user: e.user, positive: e.expect === 'flag' }));
}

/** Reads the rule's model file into a scorer; what is wrong is a problem at the `model` field. */
export function compileLearned(spec: DetectorSpec, models: Readonly<Record<string, ModelFileRead>> | undefined): LearnedCompiled {
  const at = spec.model!;
  const retrain = `\`constitution-lens train CONSTITUTION --rule ${spec.id}\` writes it`;
  const read = models?.[at.text];
  if (read?.text === undefined) {
    const why = read?.unreadable ?? 'was not read';
    return { threshold: 1, problems: [problem('rule.model-missing', `The model file "${at.text}" of detector "${spec.id}" ${why.startsWith('was') ? why : `cannot be read (${why})`}; ${retrain}.`, at.span)] };
  }
  const parsed = parseModel(read.text);
  if ('error' in parsed) {
    return { threshold: 1, problems: [problem('rule.model-invalid', `Detector "${spec.id}" cannot use its model: ${parsed.error}; ${retrain} again.`, at.span)] };
  }
  const model = parsed.model;
  const problems: Problem[] = [];
  const changed: string[] = [];
  if (read.stale?.length) changed.push(`its training data changed (${read.stale.join(', ')})`);
  if (model.training.spec !== declarationHash(spec)) changed.push('the rule\'s `train` block or examples changed');
  if (changed.length) {
    problems.push(problem('rule.model-stale', `The model of detector "${spec.id}" is stale: ${changed.join(' and ')} since it was trained; ${retrain} again.`, at.span, 'warning'));
  }
  return { scorer: new LearnedScorer(model), threshold: spec.threshold ?? model.threshold, problems };
}

/** The turn's text as the model reads it: its text blocks, joined where there are several. */
export interface TurnText {
  readonly text: string;
  /** Per text block joined: where it starts in `text`, and the block's own text. */
  readonly parts: readonly { readonly at: number; readonly block: number; readonly text: MappedText }[];
}

const joiner = '\n\n';

/** The text blocks of a turn, joined; a turn of one text block is that block's text, not copied. */
export function turnText(turn: Turn): TurnText | undefined {
  let parts: { at: number; block: number; text: MappedText }[] | undefined;
  let text = '';
  for (let b = 0; b < turn.blocks.length; b++) {
    const block = turn.blocks[b];
    if (block.type !== 'text') continue;
    if (parts === undefined) {
      parts = [{ at: 0, block: b, text: block.text }];
      text = block.text.text;
    } else {
      text += joiner;
      parts.push({ at: text.length, block: b, text: block.text });
      text += block.text.text;
    }
  }
  return parts && { text, parts };
}

function round(x: number): number {
  return Math.round(x * 1000) / 1000;
}

/** Scores and thresholds, rounded to three places, as a message writes them (two places), by thousandths: each is written once. */
const twoPlaces = new Array<string | undefined>(1001);

function inTwoPlaces(x: number): string {
  const k = Math.round(x * 1000);
  if (k < 0 || k > 1000 || k / 1000 !== x) return x.toFixed(2);
  return (twoPlaces[k] ??= x.toFixed(2));
}

/** What a learned finding's message says of its score: ` (score 0.87, threshold 0.48)`. */
export function learnedNote(e: LearnedEvidence): string {
  return ` (score ${inTwoPlaces(e.score)}, threshold ${inTwoPlaces(e.threshold)})`;
}

/**
 * Why a learned detector flagged a turn: its score beside the threshold and the model's figures, made
 * for every flag; the heaviest n-grams, which only a hover shows, are found when first read.
 */
export class LearnedFlag implements LearnedEvidence {
  readonly score: number;
  readonly threshold: number;
  readonly precision: number;
  readonly recall: number;
  readonly f1: number;
  readonly samples: number;
  readonly #scorer: LearnedScorer;
  readonly #text: string;
  readonly #user: string | undefined;
  #top: LearnedEvidence['top'] | undefined;

  constructor(scorer: LearnedScorer, threshold: number, score: number, text: string, user: string | undefined) {
    const cv = scorer.model.crossValidated;
    this.score = round(score);
    this.threshold = round(threshold);
    this.precision = cv.precision;
    this.recall = cv.recall;
    this.f1 = cv.f1;
    this.samples = scorer.model.training.samples;
    this.#scorer = scorer;
    this.#text = text;
    this.#user = user;
  }

  get top(): LearnedEvidence['top'] {
    this.#top ??= this.#scorer.explain(this.#text, this.#user).top;
    return this.#top;
  }
}
