/**
 * The scratch space of one check: where each expression of a role's matcher last matched in the
 * block being read, the hits of the turn being read, and the word index's room for word starts. A
 * check owns one for its whole run (lent by its {@link Ruleset}, which keeps one between checks so that
 * checking line after line makes none), so that two checks, even with one ruleset, may interleave.
 */
import type { MappedText } from '../text.ts';
import type { CompiledDetector, WordProbe } from './ruleset.ts';
import type { LearnedEvidence } from './types.ts';
import type { ProbeSink } from './wordIndex.ts';

/** A match of a detector in a text block of a turn. */
export interface Hit {
  readonly detector: CompiledDetector;
  readonly text: MappedText;
  /** Index of the text block, to order hits. */
  readonly block: number;
  readonly start: number;
  readonly end: number;
  /** Why a learned detector's hit was made; the hover reads it from the finding. */
  readonly learned?: LearnedEvidence;
}

/** What a check reads a block with: the word index reports its matches here, and the passes note theirs. */
export class CheckScratch implements ProbeSink<CompiledDetector> {
  candidates = new Int32Array(256);
  /** Per expression, the end of its last match in the block, valid where its stamp is the block's generation. */
  #lastEnd: Int32Array;
  #stamp: Uint32Array;
  #generation = 0;
  /** The hits of the turn being read. */
  hits: Hit[] = [];
  /** The block being read, and its index in the turn. */
  current: MappedText | undefined;
  currentBlock = 0;

  constructor(expressions: number) {
    this.#lastEnd = new Int32Array(Math.max(64, expressions));
    this.#stamp = new Uint32Array(this.#lastEnd.length);
  }

  /** Starts reading a block of a matcher of `expressions` expressions: no expression has matched in it yet. */
  startBlock(text: MappedText, block: number, expressions: number): void {
    if (expressions > this.#lastEnd.length) {
      this.#lastEnd = new Int32Array(expressions * 2);
      this.#stamp = new Uint32Array(expressions * 2);
    }
    if (++this.#generation === 0xffffffff) {
      this.#generation = 1;
      this.#stamp.fill(0);
    }
    this.current = text;
    this.currentBlock = block;
  }

  /** Where expression `id` may next match in the current block: not inside its own last match. */
  from(id: number): number {
    return this.#stamp[id] === this.#generation ? this.#lastEnd[id] : 0;
  }

  /** Notes a match of expression `id` of `detector` in the current block. */
  matched(id: number, detector: CompiledDetector, start: number, end: number): void {
    this.#stamp[id] = this.#generation;
    this.#lastEnd[id] = end;
    this.hits.push({ detector, text: this.current!, block: this.currentBlock, start, end });
  }

  found(probe: WordProbe, start: number, end: number): void {
    this.matched(probe.id, probe.owner, start, end);
  }
}
