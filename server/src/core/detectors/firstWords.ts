/**
 * The words a regular expression's matches must start with, when its source says so plainly:
 * `\bI\s+can`, `(?:this|that|it)\s+...`, `it(?:'s| is)`. A detector whose every alternative starts
 * with known letters is only tried where a word starts with them, which lets a turn be read once,
 * word start by word start, instead of trying every alternative at every character. Where the
 * source settles the whole first word (`when\s+I`, `honestly\b`), the expression waits for that
 * word alone, so that common words which merely share its first letters (`the` for `that`) cost
 * nothing.
 */

/** Index of the `)` closing the group opened at `open`, or -1. */
function closing(src: string, open: number, end: number): number {
  let depth = 0;
  let inClass = false;
  for (let i = open; i < end; i++) {
    const ch = src[i];
    if (ch === '\\') {
      i++;
      continue;
    }
    if (inClass) {
      if (ch === ']') inClass = false;
      continue;
    }
    if (ch === '[') inClass = true;
    else if (ch === '(') depth++;
    else if (ch === ')' && --depth === 0) return i;
  }
  return -1;
}

/** The top-level alternatives of `src[start, end)`, or undefined if the brackets do not balance. */
function splitTop(src: string, start: number, end: number): [number, number][] | undefined {
  const out: [number, number][] = [];
  let depth = 0;
  let inClass = false;
  let from = start;
  for (let i = start; i < end; i++) {
    const ch = src[i];
    if (ch === '\\') {
      i++;
      continue;
    }
    if (inClass) {
      if (ch === ']') inClass = false;
      continue;
    }
    if (ch === '[') inClass = true;
    else if (ch === '(') depth++;
    else if (ch === ')') depth--;
    else if (ch === '|' && depth === 0) {
      out.push([from, i]);
      from = i + 1;
    }
  }
  if (depth !== 0) return undefined;
  out.push([from, end]);
  return out;
}

/** A second character that is not known: the expression is tried whatever follows its first letter. */
export const anySecond = 128;

/**
 * One way a match can start, at a word start: with the whole word `word` (lower case) when the
 * source settles it, else with the letter `first` followed by the character `second`, as codes in
 * the space of {@link keyCode} ({@link anySecond} when the source does not settle the second).
 */
export type WordKey =
  | { readonly first: number; readonly second: number; readonly word?: undefined }
  | {
      readonly first: number;
      readonly word: string;
      /**
       * The key codes the match can go on with after the word and any white space that follows
       * it (`i` for `it\s+is`, `'` and `i` for `it(?:'s| is)`), when the source settles them.
       */
      readonly follow?: readonly number[];
    };

/**
 * The ways every match of the source starts, or undefined when its first letters are not known.
 * A single-letter word such as `\bI\s+` then waits for the word `I`, not for every word that
 * starts with `i`.
 */
export function wordKeys(source: string): WordKey[] | undefined {
  const alts = splitTop(source, 0, source.length);
  if (!alts) return undefined;
  const out: WordKey[] = [];
  for (const [s, e] of alts) if (!keysAt(source, [[s, e]], false, out)) return undefined;
  return out;
}

/**
 * A character as the word index files it, per UTF-16 code unit: ASCII lower-cased, every white space
 * a space, every apostrophe `'`, any other character beyond ASCII 127 (and 127 past the end of a
 * text, `NaN`). Case folding without the `u` flag never maps a character beyond ASCII to one within
 * it, so this loses no match.
 */
export function keyCode(c: number): number {
  if (c < 128) return c >= 65 && c <= 90 ? c | 32 : c >= 9 && c <= 13 ? 32 : c;
  if (c === 0x2019 || c === 0x2018 || c === 0x2bc) return 39;
  if (c === 0xa0 || c === 0x1680 || (c >= 0x2000 && c <= 0x200a) || c === 0x2028 || c === 0x2029 || c === 0x202f || c === 0x205f || c === 0x3000 || c === 0xfeff) return 32;
  return 127;
}

/** Whether a quantifier that allows no repetition follows. */
function isOptional(ch: string | undefined): boolean {
  return ch === '?' || ch === '*' || ch === '{';
}

/** Whether a key code stands for a word character of `\b` without the `u` flag. */
export function isWordCode(code: number): boolean {
  return (code >= 97 && code <= 122) || (code >= 48 && code <= 57) || code === 95;
}

/** A sequence of the source still to read: `[start, end)`, or null for "anything". */
type Sequence = readonly [number, number] | null;

function keysAt(src: string, cont: readonly Sequence[], bounded: boolean, out: WordKey[]): boolean {
  const head = cont[0];
  if (!head) return false;
  let [pos, end] = head;
  for (;;) {
    if (src.startsWith('\\b', pos)) {
      pos += 2;
      bounded = true;
    } else if (src.startsWith('(?<!', pos) || src.startsWith('(?<=', pos)) {
      const close = closing(src, pos, end);
      if (close < 0) return false;
      pos = close + 1;
    } else break;
  }
  if (pos >= end) return cont.length > 1 && keysAt(src, cont.slice(1), bounded, out);
  const c = src[pos];
  if (/[A-Za-z]/.test(c)) {
    if (!bounded || isOptional(src[pos + 1])) return false;
    const first = c.toLowerCase().charCodeAt(0);
    // The whole words the match can start with, where the source spells them out (`violates?`,
    // `apologi[sz]e`, `reach(?:ing)?`): each is then waited for as a word, rather than every word
    // that shares its first two letters.
    const words: WordKey[] = [];
    if (src[pos + 1] !== '+' && spelledWords(src, [[pos, end], ...cont.slice(1)], '', words)) {
      out.push(...words);
      return true;
    }
    if (src[pos + 1] === '+') {
      out.push({ first, second: anySecond });
      return true;
    }
    // The letters that follow for certain: each one not made optional or repeatable by a quantifier.
    let at = pos + 1;
    while (at < end && /[A-Za-z]/.test(src[at]) && !isOptional(src[at + 1]) && src[at + 1] !== '+') at++;
    const rest: Sequence[] = [[at, end], ...cont.slice(1)];
    const next = at < end && /[A-Za-z]/.test(src[at]) ? undefined : src.startsWith('\\b', at) ? [] : firstSet(src, rest);
    if (next && ![...next].some(isWordCode)) {
      const after = firstSet(src, rest, true);
      out.push({ first, word: src.slice(pos, at).toLowerCase(), ...(after && !after.has(32) ? { follow: [...after] } : {}) });
    } else if (at > pos + 1) {
      out.push({ first, second: keyCode(src.charCodeAt(pos + 1)) });
    } else {
      const seconds = firstSet(src, [[pos + 1, end], ...cont.slice(1)]);
      if (!seconds) out.push({ first, second: anySecond });
      else for (const s of seconds) out.push({ first, second: s });
    }
    return true;
  }
  if (src.startsWith('(?:', pos) || (c === '(' && src[pos + 1] !== '?')) {
    const close = closing(src, pos, end);
    if (close < 0 || isOptional(src[close + 1])) return false;
    const after: Sequence[] = src[close + 1] === '+' ? [null] : [[close + 1, end], ...cont.slice(1)];
    const inner = src[pos + 1] === '?' ? pos + 3 : pos + 1;
    const alts = splitTop(src, inner, close);
    if (!alts) return false;
    for (const [s, e] of alts) if (!keysAt(src, [[s, e], ...after], bounded, out)) return false;
    return true;
  }
  return false;
}

/** The most whole words one alternative is spelled out into; past it, it is filed by its first letters. */
const maxSpelled = 16;

/**
 * Spells out, into `out`, the whole words a match of the sequences starts with, `word` being the
 * letters read so far: letters, letters made optional (`s?`), classes of letters (`[sz]`) and
 * groups (`(?:ing)?`, `(?:'s| is)`) branch into the words they can make. A word ends where the
 * match goes on with a character that is not a word character, or with `\b`. False when that is
 * not settled (a repeated letter, `\w`, a class with other characters), or past {@link maxSpelled}.
 */
function spelledWords(src: string, cont: readonly Sequence[], word: string, out: WordKey[]): boolean {
  let k = 0;
  while (k < cont.length && cont[k] !== null && cont[k]![0] >= cont[k]![1]) k++;
  const head = cont[k];
  if (head === undefined || head === null) return false;
  const [pos, end] = head;
  const rest = cont.slice(k + 1);
  const c = src[pos];
  if (/[A-Za-z]/.test(c)) {
    const q = src[pos + 1];
    if (q === '*' || q === '+' || q === '{') return false;
    const after: Sequence[] = [[pos + (q === '?' ? 2 : 1), end], ...rest];
    if (q === '?' && !spelledWords(src, after, word, out)) return false;
    return spelledWords(src, after, word + c.toLowerCase(), out);
  }
  if (c === '[') {
    const close = classEnd(src, pos, end);
    const inner = close < 0 ? '' : src.slice(pos + 1, close);
    if (/^[A-Za-z]+$/.test(inner)) {
      const q = src[close + 1];
      if (q === '*' || q === '+' || q === '{') return false;
      const after: Sequence[] = [[close + (q === '?' ? 2 : 1), end], ...rest];
      if (q === '?' && !spelledWords(src, after, word, out)) return false;
      for (const letter of new Set(inner.toLowerCase())) if (!spelledWords(src, after, word + letter, out)) return false;
      return true;
    }
  }
  if (src.startsWith('(?:', pos) || (c === '(' && src[pos + 1] !== '?')) {
    const close = closing(src, pos, end);
    if (close < 0) return false;
    const q = src[close + 1];
    if (q === '*' || q === '+' || q === '{') return false;
    const after: Sequence[] = [[close + (q === '?' ? 2 : 1), end], ...rest];
    if (q === '?' && !spelledWords(src, after, word, out)) return false;
    const alts = splitTop(src, src[pos + 1] === '?' ? pos + 3 : pos + 1, close);
    if (!alts) return false;
    for (const [s, e] of alts) if (!spelledWords(src, [[s, e], ...after], word, out)) return false;
    return true;
  }
  // The word ends here: either `\b` says so, or nothing the match can go on with is a word character.
  const seqs: Sequence[] = [[pos, end], ...rest];
  if (!src.startsWith('\\b', pos)) {
    const next = firstSet(src, seqs);
    if (!next || [...next].some(isWordCode)) return false;
  }
  if (out.length >= maxSpelled) return false;
  const after = firstSet(src, seqs, true);
  out.push({ first: word.charCodeAt(0), word, ...(after && !after.has(32) ? { follow: [...after] } : {}) });
  return true;
}

/**
 * The key codes a match of the sequences can go on with; undefined when that is not settled. With
 * `pastSpace`, white space the match may take first is passed over: the codes are those of the
 * first character after it, and a match that may take white space there too is not settled.
 */
function firstSet(src: string, cont: readonly Sequence[], pastSpace = false): Set<number> | undefined {
  const out = new Set<number>();
  for (let k = 0; k < cont.length; k++) {
    const seq = cont[k];
    if (!seq) return undefined;
    let pos = seq[0];
    const end = seq[1];
    while (pos < end) {
      const c = src[pos];
      let atomEnd: number;
      let codes: number[] | undefined;
      if (c === '\\') {
        const e = src[pos + 1];
        atomEnd = pos + 2;
        if (e === 'b' || e === 'B') {
          pos = atomEnd;
          continue;
        }
        if (e === 's' || e === 't' || e === 'n' || e === 'r' || e === 'f' || e === 'v') codes = [32];
        else if (e !== undefined && /[^A-Za-z0-9]/.test(e)) codes = [keyCode(e.charCodeAt(0))];
        else return undefined;
      } else if (c === '[') {
        const close = classEnd(src, pos, end);
        if (close < 0) return undefined;
        codes = classCodes(src, pos + 1, close);
        if (!codes) return undefined;
        atomEnd = close + 1;
      } else if (c === '(') {
        const close = closing(src, pos, end);
        if (close < 0) return undefined;
        if (src.startsWith('(?=', pos) || src.startsWith('(?!', pos) || src.startsWith('(?<=', pos) || src.startsWith('(?<!', pos)) {
          pos = close + 1;
          continue;
        }
        const inner = src[pos + 1] === '?' ? (src[pos + 2] === ':' ? pos + 3 : -1) : pos + 1;
        if (inner < 0) return undefined;
        const q = quantifier(src, close + 1, end);
        const alts = splitTop(src, inner, close);
        if (!alts) return undefined;
        const after: Sequence[] = q.repeats ? [null] : [[q.end, end], ...cont.slice(k + 1)];
        for (const [s, e] of alts) {
          const sub = firstSet(src, [[s, e], ...after], pastSpace);
          if (!sub) return undefined;
          for (const x of sub) out.add(x);
        }
        if (!q.optional) return out;
        pos = q.end;
        continue;
      } else if ('^$.|)'.includes(c)) {
        return undefined;
      } else {
        codes = [keyCode(c.charCodeAt(0))];
        atomEnd = pos + 1;
      }
      const q = quantifier(src, atomEnd, end);
      if (pastSpace && codes.every((x) => x === 32)) {
        pos = q.end;
        continue;
      }
      for (const x of codes) out.add(x);
      if (!q.optional) return out;
      pos = q.end;
    }
  }
  return undefined;
}

/** The quantifier at `pos`, if any: whether it allows no repetition, whether it allows more than one, and where it ends. */
function quantifier(src: string, pos: number, end: number): { optional: boolean; repeats: boolean; end: number } {
  const c = src[pos];
  let optional = false;
  let repeats = false;
  let next = pos;
  if (c === '?' || c === '*' || c === '+') {
    optional = c !== '+';
    repeats = c !== '?';
    next = pos + 1;
  } else if (c === '{') {
    const m = /^\{(\d+)(,(\d*))?\}/.exec(src.slice(pos, end));
    if (m) {
      optional = Number(m[1]) === 0;
      repeats = m[2] !== undefined ? m[3] === '' || Number(m[3]) > 1 : Number(m[1]) > 1;
      next = pos + m[0].length;
    }
  }
  if (next > pos && src[next] === '?') next++;
  return { optional, repeats, end: next };
}

function classEnd(src: string, open: number, end: number): number {
  for (let i = open + 1; i < end; i++) {
    if (src[i] === '\\') i++;
    else if (src[i] === ']') return i;
  }
  return -1;
}

/** The key codes of a character class `[...]`'s members, or undefined for a negated or wide class. */
function classCodes(src: string, start: number, end: number): number[] | undefined {
  if (src[start] === '^') return undefined;
  const out: number[] = [];
  for (let i = start; i < end; i++) {
    let c = src[i];
    if (c === '\\') {
      const e = src[++i];
      if (e === 's' || e === 't' || e === 'n' || e === 'r') {
        out.push(32);
        continue;
      }
      if (e === undefined || /[A-Za-z0-9]/.test(e)) return undefined;
      c = e;
    }
    if (src[i + 1] === '-' && i + 2 < end) {
      const to = src[i + 2];
      if (to === '\\') return undefined;
      const a = c.charCodeAt(0);
      const b = to.charCodeAt(0);
      if (b - a > 64) return undefined;
      for (let x = a; x <= b; x++) out.push(keyCode(x));
      if (/[A-Za-z]/.test(c)) for (let x = a; x <= b; x++) out.push(keyCode(x ^ 32));
      i += 2;
      continue;
    }
    out.push(keyCode(c.charCodeAt(0)));
  }
  return out;
}
