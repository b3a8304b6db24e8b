/**
 * The features a learned detector reads from a turn: word unigrams and bigrams, the first words of
 * the turn apart (a refusal or an opener is said up front), and character n-grams within words
 * (so that "can't", "cannot" and "unable" share evidence with their inflections and misspellings).
 * Each feature is hashed into a fixed number of buckets by a stable hash written here, so that a
 * model file trained on one machine scores the same on another, and no vocabulary is stored.
 *
 * The plain walk ({@link walkFeatures}) serves training and explaining; scoring, which reads every
 * turn of a check, has a walk of its own that finds the same features in another order, each
 * n-gram as its last code is read, and a test holds the two to the same features. Neither allocates
 * anything per feature: words are hashed character by character while their end is sought.
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
  /** How many of the first words of each sentence also count as features of their own. */
  readonly sentenceWords: number;
  /** How many characters of the turn are read; the rest is not looked at. */
  readonly read: number;
}

export const defaultFeatureOptions: FeatureOptions = { bits: 16, charMin: 4, charMax: 4, startWords: 6, sentenceWords: 2, read: 300 };

/** What a feature is, for the explanation. */
export const FeatureKind = {
  word: 0,
  bigram: 1,
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

/**
 * The code as the features read it, for the codes below {@link tabled}, made once: 0 for a code that
 * is not part of a word. Above, {@link wordCode} works it out.
 */
const tabled = 0x800;
const table = new Uint16Array(tabled);
for (let c = 0; c < tabled; c++) table[c] = isWordCode(c) ? fold(c) : 0;

/** The code as the features read it, or 0 where it is not part of a word. */
function wordCode(c: number): number {
  if (c < tabled) return table[c];
  return isWordCode(c) ? fold(c) : 0;
}

/** The features that weighed most toward a score, one entry per occurrence, heaviest first. */
export interface Heaviest {
  readonly bucket: Int32Array;
  readonly weight: Float64Array;
  readonly word: Int32Array;
  readonly kind: Int32Array;
  readonly at: Int32Array;
  readonly length: Int32Array;
  /** How many entries hold something. */
  size: number;
}

export function heaviest(size: number): Heaviest {
  return { bucket: new Int32Array(size), weight: new Float64Array(size), word: new Int32Array(size), kind: new Int32Array(size), at: new Int32Array(size), length: new Int32Array(size), size: 0 };
}

/** Per word of a walk: the weights that counted toward the score, summed, and its place in the text. */
export interface WordWeights {
  readonly weight: Float64Array;
  readonly start: Int32Array;
  readonly end: Int32Array;
}

/** Room for the words of a walk that reads `read` characters. */
export function wordWeights(read: number): WordWeights {
  return { weight: new Float64Array(read + 1), start: new Int32Array(read + 1), end: new Int32Array(read + 1) };
}

const Mode = { sink: 0, explain: 1 } as const;
type Mode = (typeof Mode)[keyof typeof Mode];

/**
 * Walks the features of `text` (its first `options.read` characters) with a walker of its own,
 * calling `sink` for each; see {@link FeatureWalker.walk}.
 */
export function walkFeatures(text: string, options: FeatureOptions, sink: FeatureSink, context = false, places?: WordPlace[]): number {
  return new FeatureWalker().walk(text, options, sink, context, places);
}

/**
 * What walks the features of a text, with the scratch space of one walk at a time: its owner (a
 * scorer, a training run) makes one and keeps it, so that walks allocate nothing per feature and two
 * owners never share one. A walk that calls out (`walk`'s sink) may start a walk of another walker.
 */
export class FeatureWalker {
  /** The folded codes of the word being read, padded with the boundary mark. */
  readonly #codes = new Int32Array(maxWord + 2);
  #target: FeatureSink | undefined;
  #dense: Float32Array = new Float32Array(0);
  #sum = 0;
  #count = 0;
  #words: Float64Array = new Float64Array(0);
  #kept: Heaviest = heaviest(0);
  /** Where {@link sum} keeps the words it reads, which it does not return. */
  #scratch: WordWeights = wordWeights(0);

  /**
   * Walks the features of `text` (its first `options.read` characters), calling `sink` for each;
   * `context` separates the features of a context turn from those of the turn itself. Returns the
   * number of words read; `places`, when given, receives each word's place.
   */
  walk(text: string, options: FeatureOptions, sink: FeatureSink, context = false, places?: WordPlace[]): number {
    this.#target = sink;
    try {
      return this.#walk(text, options, Mode.sink, context, places);
    } finally {
      this.#target = undefined;
    }
  }

  /**
   * Adds the weights of the features of `text` to `acc[0]` and their number to `acc[1]`: the
   * features of {@link walk}, found in a walk of their own without a call per feature, for scoring.
   */
  sum(text: string, options: FeatureOptions, weights: Float32Array, acc: Float64Array, context = false): void {
    if (this.#scratch.weight.length < options.read + 1) this.#scratch = wordWeights(options.read);
    this.#read(text, options, weights, context, this.#scratch);
    acc[0] += this.#sum;
    acc[1] += this.#count;
  }

  /**
   * {@link sum} that also adds each feature's weight to its word's entry in `perWord` (grown as
   * needed and returned) and keeps the heaviest occurrences in `top`: what explains a flag, found in
   * one walk without a call per feature.
   */
  explain(text: string, options: FeatureOptions, weights: Float32Array, acc: Float64Array, perWord: Float64Array, top: Heaviest, places: WordPlace[]): Float64Array {
    this.#dense = weights;
    const words = perWord.length >= options.read + 1 ? perWord : new Float64Array(options.read + 1);
    words.fill(0);
    this.#words = words;
    top.size = 0;
    this.#kept = top;
    this.#walk(text, options, Mode.explain, false, places);
    acc[0] += this.#sum;
    acc[1] += this.#count;
    return words;
  }

  /**
   * {@link sum} that also sets each word's entry in `into` (made by {@link wordWeights} for
   * `options.read`) to its place and the weights of its features that weigh toward the score (a
   * negative one adds nothing): what the strongest span is found from, at about the cost of
   * {@link sum}, without the heaviest n-grams, which only the hover shows. Returns the number of
   * words read.
   */
  span(text: string, options: FeatureOptions, weights: Float32Array, acc: Float64Array, into: WordWeights): number {
    const n = this.#read(text, options, weights, false, into);
    acc[0] += this.#sum;
    acc[1] += this.#count;
    return n;
  }

  /** A feature's weight, added to its word's; kept among the heaviest where it is heavier than the lightest of them. */
  #weigh(bucket: number, word: number, kind: FeatureKind, at: number, length: number): number {
    const w = this.#dense[bucket];
    if (w > 0) {
      this.#words[word] += w;
      const kept = this.#kept;
      if (kept.size < kept.bucket.length || kept.weight[kept.size - 1] < w) keep(kept, w, bucket, word, kind, at, length);
    }
    return w;
  }

  #walk(text: string, options: FeatureOptions, mode: Mode, context: boolean, places: WordPlace[] | undefined): number {
    const shift = 32 - options.bits;
    const limit = Math.min(text.length, options.read);
    const base = context ? step(offset, nsUser) : offset;
    const charsBase = step(base, nsChars);
    const charMin = options.charMin;
    const charMax = options.charMax;
    const explaining = mode === Mode.explain;
    const codes = this.#codes;
    const target = this.#target;
    let s = 0;
    let c2 = 0;
    let previous = step(base, boundary);
    let word = 0;
    let inSentence = 0;
    let i = 0;
    while (i < limit) {
      const c = text.charCodeAt(i);
      if (wordCode(c) === 0) {
        if (endsSentence(c)) inSentence = 0;
        i++;
        continue;
      }
      const start = i;
      let h = base;
      let n = 0;
      codes[n++] = boundary;
      let f: number;
      while (i < text.length && (f = wordCode(text.charCodeAt(i))) !== 0) {
        h = step(h, f);
        if (n <= maxWord) codes[n++] = f;
        i++;
      }
      // A word that the limit cuts is not read, so that its shortened form is not taken for another word.
      if (i > limit && word > 0) break;
      places?.push({ start, end: i });
      codes[n++] = boundary;
      const unigram = wordBucket(h, shift);
      const bigram = bigramBucket(previous, h, shift);
      const first = word < options.startWords ? startBucket(h, word, shift) : -1;
      const opening = inSentence < options.sentenceWords ? sentenceBucket(h, inSentence, shift) : -1;
      if (explaining) {
        // Explaining a flag: as scoring, with each weight also added to its word's and the heaviest kept.
        s += this.#weigh(unigram, word, FeatureKind.word, 0, 0) + this.#weigh(bigram, word, FeatureKind.bigram, 0, 0);
        c2 += 2;
        if (first >= 0) {
          s += this.#weigh(first, word, FeatureKind.start, 0, 0);
          c2++;
        }
        if (opening >= 0) {
          s += this.#weigh(opening, word, FeatureKind.sentence, inSentence, 0);
          c2++;
        }
        for (let a = 0; a + charMin <= n; a++) {
          let g = charsBase;
          const stop = Math.min(n, a + charMax);
          for (let k = a; k < stop; k++) {
            g = step(g, codes[k]);
            if (k - a + 1 >= charMin) {
              s += this.#weigh(bucketOf(g, shift), word, FeatureKind.chars, a, k - a + 1);
              c2++;
            }
          }
        }
      } else {
        target!(unigram, word, FeatureKind.word, 0, 0);
        target!(bigram, word, FeatureKind.bigram, 0, 0);
        if (first >= 0) target!(first, word, FeatureKind.start, 0, 0);
        if (opening >= 0) target!(opening, word, FeatureKind.sentence, inSentence, 0);
        for (let a = 0; a + charMin <= n; a++) {
          let g = charsBase;
          const stop = Math.min(n, a + charMax);
          for (let k = a; k < stop; k++) {
            g = step(g, codes[k]);
            if (k - a + 1 >= charMin) target!(bucketOf(g, shift), word, FeatureKind.chars, a, k - a + 1);
          }
        }
      }
      inSentence++;
      previous = h;
      word++;
    }
    this.#sum = s;
    this.#count = c2;
    return word;
  }

  /**
   * The walk of {@link sum} and {@link span}: the features of {@link #walk}, in another order, their
   * weights summed where they are found, and each word's place and the weights of its features that
   * weigh toward the score kept in `into`. Each character n-gram is hashed as its last code is read,
   * so that a word is read once; for the model's usual n-grams of four, the three codes before are
   * kept at hand rather than read back. The weights a model holds are rounded to thousandths, so
   * that these sums are exact and the order of their terms does not change them. Returns the number
   * of words read.
   */
  #read(text: string, options: FeatureOptions, weights: Float32Array, context: boolean, into: WordWeights): number {
    const shift = 32 - options.bits;
    const limit = Math.min(text.length, options.read);
    const base = context ? step(offset, nsUser) : offset;
    const charsBase = step(base, nsChars);
    const charMin = options.charMin;
    const charMax = options.charMax;
    const fours = charMin === 4 && charMax === 4;
    const startWords = options.startWords;
    const sentenceWords = options.sentenceWords;
    const codes = this.#codes;
    const perWord = into.weight;
    const starts = into.start;
    const ends = into.end;
    let s = 0;
    let count = 0;
    let previous = step(base, boundary);
    let word = 0;
    let inSentence = 0;
    let i = 0;
    while (i < limit) {
      const c = text.charCodeAt(i);
      let f = wordCode(c);
      if (f === 0) {
        if (endsSentence(c)) inSentence = 0;
        i++;
        continue;
      }
      const start = i;
      let h = base;
      // The padded word's codes read so far (the boundary mark first), and the last three of them.
      let n = 1;
      codes[0] = boundary;
      let c1 = 0;
      let c2 = 0;
      let c3 = boundary;
      // The weights of the word's features, their number, and twice the weights that weigh toward the
      // score: `x + |x|` is twice `x` where it is positive and nothing where it is not, without a branch.
      let grams = 0;
      let gramCount = 0;
      let twiceOwn = 0;
      // The word's codes, then the boundary mark after it, which ends the last n-grams but is not part
      // of the word's own hash (no word code is the boundary mark).
      for (;;) {
        const end = f === boundary;
        if (!end) h = step(h, f);
        if (end || n <= maxWord) {
          if (fours) {
            if (n >= 3) {
              const x = weights[bucketOf(step(step(step(step(charsBase, c1), c2), c3), f), shift)];
              grams += x;
              twiceOwn += x + Math.abs(x);
              gramCount++;
            }
            c1 = c2;
            c2 = c3;
            c3 = f;
            n++;
          } else {
            codes[n++] = f;
            for (let m = charMin; m <= charMax && m <= n; m++) {
              let g = charsBase;
              for (let k = n - m; k < n; k++) g = step(g, codes[k]);
              const x = weights[bucketOf(g, shift)];
              grams += x;
              twiceOwn += x + Math.abs(x);
              gramCount++;
            }
          }
        }
        if (end) break;
        i++;
        f = i < text.length ? wordCode(text.charCodeAt(i)) : 0;
        if (f === 0) f = boundary;
      }
      // A word that the limit cuts is not read, so that its shortened form is not taken for another word.
      if (i > limit && word > 0) break;
      const w = weights[wordBucket(h, shift)];
      const w2 = weights[bigramBucket(previous, h, shift)];
      s += w + w2 + grams;
      twiceOwn += w + Math.abs(w) + (w2 + Math.abs(w2));
      count += 2 + gramCount;
      if (word < startWords) {
        const x = weights[startBucket(h, word, shift)];
        s += x;
        twiceOwn += x + Math.abs(x);
        count++;
      }
      if (inSentence < sentenceWords) {
        const x = weights[sentenceBucket(h, inSentence, shift)];
        s += x;
        twiceOwn += x + Math.abs(x);
        count++;
      }
      perWord[word] = twiceOwn / 2;
      starts[word] = start;
      ends[word] = i;
      inSentence++;
      previous = h;
      word++;
    }
    this.#sum = s;
    this.#count = count;
    return word;
  }
}

/** Files an occurrence among the heaviest, if it is heavier than the lightest of them. */
function keep(t: Heaviest, w: number, bucket: number, word: number, kind: FeatureKind, at: number, length: number): void {
  const cap = t.bucket.length;
  let i = t.size < cap ? t.size++ : cap - 1;
  if (i === cap - 1 && t.size === cap && t.weight[i] >= w) return;
  while (i > 0 && t.weight[i - 1] < w) {
    t.bucket[i] = t.bucket[i - 1];
    t.weight[i] = t.weight[i - 1];
    t.word[i] = t.word[i - 1];
    t.kind[i] = t.kind[i - 1];
    t.at[i] = t.at[i - 1];
    t.length[i] = t.length[i - 1];
    i--;
  }
  t.bucket[i] = bucket;
  t.weight[i] = w;
  t.word[i] = word;
  t.kind[i] = kind;
  t.at[i] = at;
  t.length[i] = length;
}

/** A full stop, question or exclamation mark, colon or line break: what starts a new sentence. */
function endsSentence(c: number): boolean {
  return c === 46 || c === 33 || c === 63 || c === 10 || c === 58;
}

/**
 * The buckets of a word's own features, from its hash `h`, named once so that every walk reads the
 * same features: the word, the pair it closes with the word before (`previous`), the word as the
 * `at`-th of the turn, and as the `at`-th of its sentence.
 */
function wordBucket(h: number, shift: number): number {
  return bucketOf(step(h, nsWord), shift);
}

function bigramBucket(previous: number, h: number, shift: number): number {
  return bucketOf(step(Math.imul(previous, 31) ^ h, nsBigram), shift);
}

function startBucket(h: number, at: number, shift: number): number {
  return bucketOf(step(step(h, nsStart), at), shift);
}

function sentenceBucket(h: number, at: number, shift: number): number {
  return bucketOf(step(step(h, nsSentence), at), shift);
}

/** The bucket of a hash: the high bits of a multiplication by the golden ratio, which mixes every bit into them. */
function bucketOf(h: number, shift: number): number {
  return Math.imul(h, 0x9e3779b1) >>> shift;
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
