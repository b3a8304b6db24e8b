/**
 * Expressions filed under the word starts their matches begin with, so that a text is read once,
 * character code by character code, and an expression is tried only where a word starts with its
 * first letter followed by a character it can go on with. Per key, the expressions are also joined
 * into one sticky alternation: at most one expression runs at a word start where nothing matches,
 * which is nearly everywhere.
 */
import { anySecond, keyCode, wordKeys } from './firstWords.ts';

/** An expression of the index: `id` is its number among its matcher's expressions. */
export interface WordProbe<T> {
  readonly id: number;
  readonly owner: T;
  /** Sticky. */
  readonly regex: RegExp;
}

interface Bucket<T> {
  /** One sticky alternation of the probes per flag set: a match of none means no probe matches. */
  readonly any: readonly RegExp[];
  readonly probes: readonly WordProbe<T>[];
}

/** Word characters for `\b` without the `u` flag: 1 for letters, 2 for digits and `_`. */
const wordClass = new Uint8Array(128);
for (let c = 0; c < 128; c++) {
  const l = c | 32;
  wordClass[c] = l >= 97 && l <= 122 ? 1 : (c >= 48 && c <= 57) || c === 95 ? 2 : 0;
}
const asciiKey = new Uint8Array(128);
for (let c = 0; c < 128; c++) asciiKey[c] = keyCode(c);
/** Second characters are filed as codes 0 to 127 (0 for the end of the text) and 128 for any. */
const row = 129;

/** Expressions that must start at known word starts, by their first two characters. */
export class WordIndex<T> {
  readonly size: number;
  /** Per lower-case letter (code - 97), the offset of its row in `#table`, or -1. */
  readonly #rows: Int32Array;
  /** Bucket number + 1, or 0, per `row * letter + second`. */
  readonly #table: Int32Array;
  readonly #buckets: Bucket<T>[];

  private constructor(size: number, rows: Int32Array, table: Int32Array, buckets: Bucket<T>[]) {
    this.size = size;
    this.#rows = rows;
    this.#table = table;
    this.#buckets = buckets;
  }

  /**
   * Whether an expression can be filed: its first letters are settled and follow a word boundary,
   * and its flags make `\b` and case folding ASCII-only (no `u` or `v`).
   */
  static keys(source: string, flags: string): [number, number][] | undefined {
    if (/[uv]/.test(flags)) return undefined;
    const keys = wordKeys(source);
    return keys && keys.length > 0 && keys.every(([a]) => a >= 97 && a <= 122) ? keys : undefined;
  }

  /** Files each expression under its keys (from {@link WordIndex.keys}); `flags` without `g` or `y`. */
  static build<T>(entries: readonly { owner: T; source: string; flags: string; keys: readonly [number, number][] }[]): WordIndex<T> {
    const rows = new Int32Array(26).fill(-1);
    const sets = new Map<number, number[]>();
    const letters: number[] = [];
    entries.forEach((e, i) => {
      for (const [a, b] of e.keys) {
        const at = (a - 97) * row + b;
        const list = sets.get(at) ?? [];
        if (!list.includes(i)) list.push(i);
        sets.set(at, list);
        if (!letters.includes(a - 97)) letters.push(a - 97);
      }
    });
    letters.sort((x, y) => x - y).forEach((l, n) => (rows[l] = n * row));
    const table = new Int32Array(letters.length * row);
    const probes = entries.map((e, id) => ({ id, owner: e.owner, regex: new RegExp(e.source, e.flags + 'y') }));
    const buckets: Bucket<T>[] = [];
    const byMembers = new Map<string, number>();
    for (const l of letters) {
      const any = sets.get(l * row + anySecond) ?? [];
      for (let second = 0; second < row; second++) {
        const own = second === anySecond ? [] : (sets.get(l * row + second) ?? []);
        const members = [...new Set([...own, ...any])].sort((x, y) => x - y);
        if (members.length === 0) continue;
        const name = members.join(',');
        let b = byMembers.get(name);
        if (b === undefined) {
          b = buckets.length;
          byMembers.set(name, b);
          buckets.push(bucket(members.map((i) => probes[i]), members.map((i) => entries[i])));
        }
        table[rows[l] + second] = b + 1;
      }
    }
    return new WordIndex(entries.length, rows, table, buckets);
  }

  /**
   * Calls `found` for every probe that matches (non-empty) at a word start of `text`, in text order.
   * `from(id)` is where the probe may next start: a probe is not tried inside its own last match,
   * as a global expression would not be.
   */
  scan(text: string, from: (id: number) => number, found: (probe: WordProbe<T>, start: number, end: number) => void): void {
    const n = text.length;
    const rows = this.#rows;
    const table = this.#table;
    for (let i = 0; i < n; i++) {
      const c = text.charCodeAt(i);
      if (c >= 128 || wordClass[c] === 0) continue;
      // A word starts at i: note its first letter, then skip to the character after the word.
      const r = wordClass[c] === 1 ? rows[(c | 32) - 97] : -1;
      const at = i;
      while (++i < n) {
        const d = text.charCodeAt(i);
        if (d >= 128 || wordClass[d] === 0) break;
      }
      if (r < 0) continue;
      const b = table[r + (at + 1 < n ? secondKey(text.charCodeAt(at + 1)) : 0)];
      if (b === 0) continue;
      const bucket = this.#buckets[b - 1];
      if (!tryAny(bucket.any, text, at)) continue;
      for (const p of bucket.probes) {
        if (from(p.id) > at) continue;
        p.regex.lastIndex = at;
        const m = p.regex.exec(text);
        if (m !== null && m[0].length > 0) found(p, at, at + m[0].length);
      }
    }
  }

  /** Whether any probe matches anywhere in `text`. */
  test(text: string): boolean {
    let hit = false;
    const n = text.length;
    const rows = this.#rows;
    const table = this.#table;
    for (let i = 0; i < n; i++) {
      const c = text.charCodeAt(i);
      if (c >= 128 || wordClass[c] === 0) continue;
      // A word starts at i: note its first letter, then skip to the character after the word.
      const r = wordClass[c] === 1 ? rows[(c | 32) - 97] : -1;
      const at = i;
      while (++i < n) {
        const d = text.charCodeAt(i);
        if (d >= 128 || wordClass[d] === 0) break;
      }
      if (r < 0) continue;
      const b = table[r + (at + 1 < n ? secondKey(text.charCodeAt(at + 1)) : 0)];
      if (b === 0) continue;
      const bucket = this.#buckets[b - 1];
      if (!tryAny(bucket.any, text, at)) continue;
      for (const p of bucket.probes) {
        p.regex.lastIndex = at;
        const m = p.regex.exec(text);
        if (m !== null && m[0].length > 0) {
          hit = true;
          break;
        }
      }
      if (hit) return true;
    }
    return false;
  }
}

function secondKey(c: number): number {
  return c < 128 ? asciiKey[c] : keyCode(c);
}

function tryAny(any: readonly RegExp[], text: string, at: number): boolean {
  for (const re of any) {
    re.lastIndex = at;
    if (re.test(text)) return true;
  }
  return false;
}

function bucket<T>(probes: WordProbe<T>[], entries: readonly { source: string; flags: string }[]): Bucket<T> {
  const byFlags = new Map<string, string[]>();
  entries.forEach((e) => {
    const list = byFlags.get(e.flags) ?? [];
    list.push(`(?:${e.source})`);
    byFlags.set(e.flags, list);
  });
  return { any: [...byFlags].map(([flags, sources]) => new RegExp(sources.join('|'), flags + 'y')), probes };
}
