/**
 * A guard's phrases (`unless`, `unless-user`) as a test of whether a text contains any of them. The
 * phrases that start with a letter are tried only at word starts through a {@link WordIndex}; a
 * long alternation of whole-word phrases in one expression is slow in V8, which tries every
 * alternative at every character.
 */
import { phraseSource } from './phrases.ts';
import type { WordKey } from './firstWords.ts';
import { WordIndex } from './wordIndex.ts';

/** Whether a text contains one of a list of phrases, as whole words, ignoring case. */
export class PhraseSet {
  readonly #words: WordIndex<number> | undefined;
  readonly #rest: RegExp | undefined;

  /** `patterns` are regular expression sources, tried ignoring case beside the phrases. */
  constructor(phrases: readonly string[], patterns: readonly string[] = []) {
    const indexed: { owner: number; source: string; flags: string; keys: WordKey[] }[] = [];
    const rest: string[] = [];
    for (const source of [...phrases.map(phraseSource), ...patterns.map((p) => `(?:${p})`)]) {
      const keys = WordIndex.keys(source, 'i');
      if (keys) indexed.push({ owner: indexed.length, source, flags: 'i', keys });
      else rest.push(source);
    }
    this.#words = indexed.length ? WordIndex.build(indexed) : undefined;
    this.#rest = rest.length ? new RegExp(rest.map((r) => `(?:${r})`).join('|'), 'i') : undefined;
  }

  test(text: string): boolean {
    return (this.#words?.test(text) ?? false) || (this.#rest?.test(text) ?? false);
  }
}
