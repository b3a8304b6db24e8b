/**
 * The features a learned detector reads from a turn: word unigrams and bigrams, the first words of
 * the turn apart (a refusal or an opener is said up front), and character n-grams within words
 * (so that "can't", "cannot" and "unable" share evidence with their inflections and misspellings).
 * Each feature is hashed into a fixed number of buckets by a stable hash written here, so that a
 * model file trained on one machine scores the same on another, and no vocabulary is stored.
 *
 * One walk ({@link walkFeatures}) serves training, scoring and explaining, so that the three can
 * never read a turn differently. It allocates nothing per feature: words are hashed character by
 * character while their end is sought.
 */

/** How a model reads text: stored in the model file, so that scoring reads as training did. */
export interface FeatureOptions {
  /** log2 of the number of hash buckets. */
  readonly bits: number;
  /** Shortest and longest character n-gram within a word (padded with a boundary mark at each end). */
  readonly charMin: number;
  readonly charMax: number;
  /** How many of the first words also count as features of their own (position-marked). */
  readonly startWords: number;
  /** Whether word trigrams count too. */
  readonly trigrams: boolean;
  /** How many of the first words of each sentence also count as features of their own. */
  readonly sentenceWords: number;
  /** How many characters of the turn are read; the rest is not looked at. */
  readonly read: number;
}

export const defaultFeatureOptions: FeatureOptions = { bits: 18, charMin: 3, charMax: 5, startWords: 6, trigrams: false, sentenceWords: 2, read: 800 };

/** What a feature is, for the explanation. */
export const FeatureKind = {
  word: 0,
  bigram: 1,
  trigram: 5,
  start: 2,
  chars: 3,
  sentence: 4,
} as const;
export type FeatureKind = (typeof FeatureKind)[keyof typeof FeatureKind];

/**
 * Called once per feature occurrence: its bucket, the word it belongs to (0-based), what kind it
 * is, and for character n-grams, where in the word it starts and how long it is.
 */
export type FeatureSink = (bucket: number, word: number, kind: FeatureKind, at: number, length: number) => void;

/** A word of the text: its place in the text read (UTF-16 offsets). */
export interface WordPlace {
  readonly start: number;
  readonly end: number;
}

const offset = 0x811c9dc5;
const prime = 0x01000193;
/** Namespaces, so that the word "ing" and the n-gram "ing" are different features. */
const nsWord = 0x57;
const nsBigram = 0x42;
const nsTrigram = 0x54;
const nsStart = 0x53;
const nsSentence = 0x73;
const nsChars = 0x43;
const nsUser = 0x55;
/** The boundary mark that pads a word for its character n-grams, and the start of the turn for bigrams. */
const boundary = 1;
const maxWord = 48;

/** FNV-1a, one UTF-16 code at a time. */
function step(h: number, c: number): number {
  return Math.imul(h ^ c, prime);
}

/** Mixes the last bits into the low ones (murmur3's finaliser), so that masking keeps a good spread. */
function finish(h: number, mask: number): number {
  h ^= h >>> 16;
  h = Math.imul(h, 0x85ebca6b);
  h ^= h >>> 13;
  h = Math.imul(h, 0xc2b2ae35);
  h ^= h >>> 16;
  return (h >>> 0) & mask;
}

/** Whether a UTF-16 code is part of a word: letters, digits, apostrophes and other scripts' letters. */
function isWordCode(c: number): boolean {
  if (c < 0x80) return (c >= 97 && c <= 122) || (c >= 65 && c <= 90) || (c >= 48 && c <= 57) || c === 39;
  if (c === 0x2019 || c === 0x02bc) return true;
  if (c === 0xd7 || c === 0xf7 || c < 0xc0) return false;
  return !(c >= 0x2000 && c <= 0x2bff) && !(c >= 0x3000 && c <= 0x303f) && c !== 0xfeff && !(c >= 0xd800 && c <= 0xdfff);
}

/** The code as the features read it: lower case, with every apostrophe the straight one. */
function fold(c: number): number {
  if (c >= 65 && c <= 90) return c + 32;
  if (c < 0x80) return c;
  if (c === 0x2019 || c === 0x02bc) return 39;
  return String.fromCharCode(c).toLowerCase().charCodeAt(0);
}

const codes = new Int32Array(maxWord + 2);

/**
 * Walks the features of `text` (its first `options.read` characters), calling `sink` for each;
 * `ns` separates the features of a context turn from those of the turn itself. Returns the number
 * of words read; `places`, when given, receives each word's place.
 */
export function walkFeatures(text: string, options: FeatureOptions, sink: FeatureSink, context = false, places?: WordPlace[]): number {
  const mask = (1 << options.bits) - 1;
  const limit = Math.min(text.length, options.read);
  const base = context ? step(offset, nsUser) : offset;
  let previous = step(base, boundary);
  let before = previous;
  let word = 0;
  let inSentence = 0;
  let i = 0;
  while (i < limit) {
    let c = text.charCodeAt(i);
    if (!isWordCode(c)) {
      // A full stop, question or exclamation mark, colon or line break starts a new sentence.
      if (c === 46 || c === 33 || c === 63 || c === 10 || c === 58) inSentence = 0;
      i++;
      continue;
    }
    const start = i;
    let h = base;
    let n = 0;
    codes[n++] = boundary;
    while (i < text.length && isWordCode((c = text.charCodeAt(i)))) {
      const f = fold(c);
      h = step(h, f);
      if (n <= maxWord) codes[n++] = f;
      i++;
    }
    // A word that the limit cuts is not read, so that its shortened form is not taken for another word.
    if (i > limit && word > 0) break;
    places?.push({ start, end: i });
    codes[n++] = boundary;
    sink(finish(step(h, nsWord), mask), word, FeatureKind.word, 0, 0);
    sink(finish(step(Math.imul(previous, 31) ^ h, nsBigram), mask), word, FeatureKind.bigram, 0, 0);
    if (options.trigrams) sink(finish(step(Math.imul(Math.imul(before, 31) ^ previous, 31) ^ h, nsTrigram), mask), word, FeatureKind.trigram, 0, 0);
    if (word < options.startWords) sink(finish(step(step(h, nsStart), word), mask), word, FeatureKind.start, 0, 0);
    if (inSentence < options.sentenceWords) sink(finish(step(step(h, nsSentence), inSentence), mask), word, FeatureKind.sentence, inSentence, 0);
    inSentence++;
    for (let len = options.charMin; len <= options.charMax; len++) {
      for (let a = 0; a + len <= n; a++) {
        let g = step(base, nsChars);
        for (let k = a; k < a + len; k++) g = step(g, codes[k]);
        sink(finish(g, mask), word, FeatureKind.chars, a, len);
      }
    }
    before = previous;
    previous = h;
    word++;
  }
  return word;
}

/** The text of a feature, for the explanation: words as they are written, character n-grams with `_` at word ends. */
export function featureText(text: string, places: readonly WordPlace[], word: number, kind: FeatureKind, at: number, length: number): string {
  const w = places[word];
  const own = text.slice(w.start, w.end).toLowerCase().replace(/[\u2019\u02bc]/g, "'");
  switch (kind) {
    case FeatureKind.word:
      return own;
    case FeatureKind.bigram:
      return word === 0 ? `(start) ${own}` : `${text.slice(places[word - 1].start, places[word - 1].end).toLowerCase()} ${own}`;
    case FeatureKind.trigram: {
      const words = places.slice(Math.max(0, word - 2), word + 1).map((p) => text.slice(p.start, p.end).toLowerCase());
      return word < 2 ? `(start) ${words.join(' ')}` : words.join(' ');
    }
    case FeatureKind.start:
      return `${own} (word ${word + 1} of the turn)`;
    case FeatureKind.sentence:
      return `${own} (word ${at + 1} of a sentence)`;
    default: {
      const padded = `_${own.slice(0, maxWord)}_`;
      return padded.slice(at, at + length);
    }
  }
}
