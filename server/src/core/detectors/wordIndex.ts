/**
 * Expressions filed under the word starts their matches begin with, so that a text is read once,
 * character code by character code, and an expression is tried only where a word starts as its
 * matches do: with a whole word its source spells out (`that` in `that\s+is`, `violate` and
 * `violates` in `violates?`) and followed by a character it can go on with, else with its first
 * letter followed by a character it can go on with. Per key, the expressions are also joined into one sticky alternation: at most one expression
 * runs at a word start where nothing matches, which is nearly everywhere.
 *
 * Whole words are found by a hash of the word's lower-cased characters, worked out while the word's
 * end is sought anyway; two words that share a slot of the table share its expressions, which only
 * costs a try, since the expressions themselves decide what matches.
 */
import { anySecond, isWordCode, keyCode, wordKeys, type WordKey } from './firstWords.ts';

/** An expression of the index: `id` is its number among its matcher's expressions. */
export interface WordProbe<T> {
  readonly id: number;
  readonly owner: T;
  /** Sticky. */
  readonly regex: RegExp;
}

/**
 * What a reading of a text reports to, owned by whoever reads: where each probe may next start, what
 * it found, and room for the word starts of the text. Because the reader owns it, two readings with
 * the same index may interleave (one started from inside the other's `found`).
 */
export interface ProbeSink<T> {
  /** Bucket number + 1 and offset of each word start that has probes, pair by pair; grown as needed. */
  candidates: Int32Array;
  /** Where probe `id` may next start: a probe is not tried inside its own last match, as a global expression would not be. */
  from(id: number): number;
  found(probe: WordProbe<T>, start: number, end: number): void;
}

interface Bucket<T> {
  /**
   * One sticky alternation of the probes per flag set: a match of none means no probe matches.
   * `undefined` for a bucket of one probe, which is as quick to try itself, and is then compiled
   * alone rather than also inside an alternation of one.
   */
  readonly any: readonly RegExp[] | undefined;
  /** The bucket's expressions, each with the probes that share it (detectors that share an expression), in the order of their first probe. */
  readonly tries: readonly Try<T>[];
}

/** One expression of a bucket and the probes that are it: it runs once for all of them. */
interface Try<T> {
  readonly regex: RegExp;
  readonly probes: readonly WordProbe<T>[];
}

/**
 * Per ASCII code, what a word's hash adds for it: `c | 32` (a letter lower-cased) for the word
 * characters of `\b` without the `u` flag, letters, digits and `_`, and 0 for every other code.
 */
const wordCodes = new Uint8Array(128);
for (let c = 0; c < 128; c++) if (isWordCode(keyCode(c))) wordCodes[c] = c | 32;

/** What a word's hash adds for a character code, 0 where it ends a word. */
function wordCode(c: number): number {
  return c < 128 ? wordCodes[c] : 0;
}
/** Second characters are filed as codes 0 to 127 (0 for the end of the text) and 128 for any. */
const row = 129;

/** The hash of a word as {@link WordIndex.scan} works it out: over its lower-cased character codes. */
export function wordHash(word: string): number {
  let h = 0;
  for (let i = 0; i < word.length; i++) h = (Math.imul(h, 31) + (word.charCodeAt(i) | 32)) | 0;
  return h;
}

/** The slot of a word's hash in a table of `mask + 1` slots. */
export function slotOf(hash: number, mask: number): number {
  return (hash ^ (hash >>> 13)) & mask;
}

/** Expressions that must start at known word starts, by the word or by its first two characters. */
export class WordIndex<T> {
  readonly size: number;
  /** Per lower-case letter (code - 97), the offset of its row in `#table`, or -1. */
  readonly #rows: Int32Array;
  /** Bucket number + 1, or 0, per `row * letter + second`. */
  readonly #table: Int32Array;
  /** Per slot of a whole word's hash, the number + 1 of its row in `#next`, or 0. */
  readonly #words: Int32Array;
  /**
   * Per row of a slot, 128 bucket numbers + 1, or 0: per key code of the character after the word
   * and its white space (0 for the end of the text), the bucket of the slot's expressions that can
   * go on with it. So after `I`, only the expressions that go on with the next word's first letter
   * are tried, not every expression that starts with `I`.
   */
  readonly #next: Int32Array;
  /**
   * Per slot, the whole hash of the one word filed there, so that a word of the text that only
   * shares the slot (a quarter of all words, the table being a quarter full) is passed over at once.
   */
  readonly #hashes: Int32Array;
  /** Per slot, 1 where two words of the index share it, and then any word of the slot is tried. */
  readonly #shared: Uint8Array;
  readonly #buckets: Bucket<T>[];

  private constructor(
    size: number,
    rows: Int32Array,
    table: Int32Array,
    words: Int32Array,
    next: Int32Array,
    hashes: Int32Array,
    shared: Uint8Array,
    buckets: Bucket<T>[],
  ) {
    this.size = size;
    this.#hashes = hashes;
    this.#shared = shared;
    this.#rows = rows;
    this.#table = table;
    this.#words = words;
    this.#next = next;
    this.#buckets = buckets;
  }

  /**
   * Whether an expression can be filed: its first letters are settled and follow a word boundary,
   * and its flags make `\b` and case folding ASCII-only (no `u` or `v`).
   */
  static keys(source: string, flags: string): WordKey[] | undefined {
    if (/[uv]/.test(flags)) return undefined;
    const keys = wordKeys(source);
    return keys && keys.length > 0 && keys.every((k) => k.first >= 97 && k.first <= 122) ? keys : undefined;
  }

  /** Files each expression under its keys (from {@link WordIndex.keys}); `flags` without `g` or `y`. */
  static build<T>(entries: readonly { owner: T; source: string; flags: string; keys: readonly WordKey[] }[]): WordIndex<T> {
    const rows = new Int32Array(26).fill(-1);
    const sets = new Map<number, number[]>();
    const letters: number[] = [];
    const words = new Set<string>();
    entries.forEach((e) => e.keys.forEach((k) => k.word !== undefined && words.add(k.word)));
    let size = 64;
    while (size < words.size * 4) size *= 2;
    const mask = size - 1;
    /** Per slot, its expressions, each with the key codes it can go on with after the word (`undefined`: any). */
    const slots = new Map<number, Map<number, Set<number> | undefined>>();
    const hashes = new Int32Array(size);
    const shared = new Uint8Array(size);
    const add = (map: Map<number, number[]>, at: number, i: number) => {
      const list = map.get(at) ?? [];
      if (!list.includes(i)) list.push(i);
      map.set(at, list);
    };
    entries.forEach((e, i) => {
      for (const k of e.keys) {
        if (k.word !== undefined) {
          const hash = wordHash(k.word);
          const slot = slotOf(hash, mask);
          if (slots.has(slot) && hashes[slot] !== hash) shared[slot] = 1;
          hashes[slot] = hash;
          const filed = slots.get(slot) ?? new Map<number, Set<number> | undefined>();
          slots.set(slot, filed);
          // An expression with several alternatives that start with the word goes on with any of
          // theirs, and with anything if one of them does not say.
          const known = filed.has(i) ? filed.get(i) : new Set<number>();
          filed.set(i, known && k.follow ? new Set([...known, ...k.follow]) : undefined);
          continue;
        }
        add(sets, (k.first - 97) * row + k.second, i);
        if (!letters.includes(k.first - 97)) letters.push(k.first - 97);
      }
    });
    letters.sort((x, y) => x - y).forEach((l, n) => (rows[l] = n * row));
    const table = new Int32Array(letters.length * row);
    const wordTable = new Int32Array(size);
    const next = new Int32Array(slots.size * 128);
    // Detectors that share an expression (a YAML anchor's list) share one compiled copy of it.
    const compiled = new Map<string, RegExp>();
    const probes = entries.map((e, id) => {
      const key = `${e.flags}/${e.source}`;
      let regex = compiled.get(key);
      if (regex === undefined) compiled.set(key, (regex = new RegExp(e.source, e.flags + 'y')));
      return { id, owner: e.owner, regex };
    });
    const buckets: Bucket<T>[] = [];
    const byMembers = new Map<string, number>();
    const bucketOf = (members: number[]): number => {
      const name = members.join(',');
      let b = byMembers.get(name);
      if (b === undefined) {
        b = buckets.length;
        byMembers.set(name, b);
        buckets.push(bucket(members.map((i) => probes[i]), members.map((i) => entries[i])));
      }
      return b + 1;
    };
    for (const l of letters) {
      const any = sets.get(l * row + anySecond) ?? [];
      for (let second = 0; second < row; second++) {
        const own = second === anySecond ? [] : (sets.get(l * row + second) ?? []);
        const members = [...new Set([...own, ...any])].sort((x, y) => x - y);
        if (members.length > 0) table[rows[l] + second] = bucketOf(members);
      }
    }
    let slotRow = 0;
    for (const [slot, filed] of slots) {
      wordTable[slot] = slotRow + 1;
      // The expressions that go on with anything are in every bucket of the row; the others, in
      // the buckets of the codes they go on with.
      const anyCode: number[] = [];
      const byCode = new Map<number, number[]>();
      for (const [i, follow] of filed) {
        if (follow === undefined) anyCode.push(i);
        else for (const code of follow) byCode.set(code, [...(byCode.get(code) ?? []), i]);
      }
      const at = slotRow++ * 128;
      if (anyCode.length > 0) next.fill(bucketOf(anyCode.sort((x, y) => x - y)), at, at + 128);
      for (const [code, members] of byCode) next[at + code] = bucketOf([...members, ...anyCode].sort((x, y) => x - y));
    }
    return new WordIndex(entries.length, rows, table, wordTable, next, hashes, shared, buckets);
  }

  /** Calls `sink.found` for every probe that matches (non-empty) at a word start of `text`, in text order. */
  scan(text: string, sink: ProbeSink<T>): void {
    const count = this.#read(text, sink);
    const candidates = sink.candidates;
    for (let k = 0; k < count; k += 2) {
      const bucket = this.#buckets[candidates[k] - 1];
      const at = candidates[k + 1];
      if (bucket.any !== undefined && !tryAny(bucket.any, text, at)) continue;
      for (const t of bucket.tries) {
        // An expression is not tried where every probe that is it is inside its own last match.
        let open = false;
        for (const p of t.probes) if (sink.from(p.id) <= at) open = true;
        if (!open) continue;
        t.regex.lastIndex = at;
        const m = t.regex.exec(text);
        if (m === null || m[0].length === 0) continue;
        for (const p of t.probes) if (sink.from(p.id) <= at) sink.found(p, at, at + m[0].length);
      }
    }
  }

  /** Whether any probe matches anywhere in `text`. */
  test(text: string): boolean {
    // Its own room for word starts: small, grown where a text needs it.
    const sink = { candidates: new Int32Array(16) };
    const count = this.#read(text, sink);
    const candidates = sink.candidates;
    for (let k = 0; k < count; k += 2) {
      const bucket = this.#buckets[candidates[k] - 1];
      const at = candidates[k + 1];
      if (bucket.any !== undefined && !tryAny(bucket.any, text, at)) continue;
      for (const t of bucket.tries) {
        t.regex.lastIndex = at;
        const m = t.regex.exec(text);
        if (m !== null && m[0].length > 0) return true;
      }
    }
    return false;
  }

  /**
   * Reads `text` word by word and lists, in `sink.candidates`, the bucket (number + 1) and the offset
   * of every word start that has one: the bucket filed under the whole word, then the one filed
   * under its first two characters. Returns the length of the list.
   */
  #read(text: string, sink: { candidates: Int32Array }): number {
    const n = text.length;
    const rows = this.#rows;
    const table = this.#table;
    const words = this.#words;
    const next = this.#next;
    const hashes = this.#hashes;
    const shared = this.#shared;
    const mask = words.length - 1;
    let out = sink.candidates;
    let count = 0;
    for (let i = 0; i < n; i++) {
      const first = wordCode(text.charCodeAt(i));
      if (first === 0) continue;
      // A word starts at i: hash it while seeking the character after it.
      const at = i;
      let h = first;
      while (++i < n) {
        const k = wordCode(text.charCodeAt(i));
        if (k === 0) break;
        h = (Math.imul(h, 31) + k) | 0;
      }
      const slot = slotOf(h, mask);
      const w = words[slot];
      const r = first >= 97 && first <= 122 ? rows[first - 97] : -1;
      const b = r < 0 ? 0 : table[r + (at + 1 < n ? keyCode(text.charCodeAt(at + 1)) : 0)];
      // The bucket of the whole word for the character after it, if the word is filed.
      const whole = w !== 0 && (hashes[slot] === h || shared[slot] === 1) ? next[(w - 1) * 128 + nextCode(text, i)] : 0;
      if (whole === 0 && b === 0) continue;
      if (count + 4 > out.length) {
        const grown = new Int32Array(out.length * 2);
        grown.set(out);
        sink.candidates = out = grown;
      }
      if (whole !== 0) {
        out[count++] = whole;
        out[count++] = at;
      }
      if (b !== 0 && b !== whole) {
        out[count++] = b;
        out[count++] = at;
      }
    }
    return count;
  }
}

/** The key code of the first character from `i` on that is not white space, or 0 at the end of the text. */
function nextCode(text: string, i: number): number {
  const n = text.length;
  for (; i < n; i++) {
    const k = keyCode(text.charCodeAt(i));
    if (k !== 32) return k;
  }
  return 0;
}

function tryAny(any: readonly RegExp[], text: string, at: number): boolean {
  for (const re of any) {
    re.lastIndex = at;
    if (re.test(text)) return true;
  }
  return false;
}

function bucket<T>(probes: WordProbe<T>[], entries: readonly { source: string; flags: string }[]): Bucket<T> {
  const byRegex = new Map<RegExp, WordProbe<T>[]>();
  for (const p of probes) byRegex.set(p.regex, [...(byRegex.get(p.regex) ?? []), p]);
  const tries = [...byRegex].map(([regex, sharing]) => ({ regex, probes: sharing }));
  if (tries.length === 1) return { any: undefined, tries };
  const byFlags = new Map<string, string[]>();
  // Detectors that share an expression (a YAML anchor's list) share its place in the alternation.
  entries.forEach((e) => {
    const list = byFlags.get(e.flags) ?? [];
    const alternative = `(?:${e.source})`;
    if (!list.includes(alternative)) list.push(alternative);
    byFlags.set(e.flags, list);
  });
  return { any: [...byFlags].map(([flags, sources]) => new RegExp(sources.join('|'), flags + 'y')), tries };
}
