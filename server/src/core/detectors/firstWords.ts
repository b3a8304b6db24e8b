/**
 * The literal letters a regular expression's matches must start with, when its source says so
 * plainly: `\bI\s+can`, `(?:this|that|it)\s+...`, `it(?:'s| is)`. A detector whose every alternative
 * starts with known letters is only tried where a word starts with them, which lets a turn be read
 * once, word start by word start, instead of trying every alternative at every character.
 */

/** Lower-cased literal starts of every match, or undefined when the source does not settle them. */
export function firstLiterals(source: string): string[] | undefined {
  const alts = splitTop(source, 0, source.length);
  if (!alts) return undefined;
  const out: string[] = [];
  for (const [s, e] of alts) {
    const lits = literalsAt(source, s, e, false);
    if (!lits) return undefined;
    out.push(...lits);
  }
  return out;
}

/** A literal counts only after a word boundary, since only word starts are tried. */
function literalsAt(src: string, pos: number, end: number, bounded: boolean): string[] | undefined {
  // Assertions at the start match no characters: skip word boundaries and lookbehinds.
  for (;;) {
    if (src.startsWith('\\b', pos)) {
      pos += 2;
      bounded = true;
    }
    else if (src.startsWith('(?<!', pos) || src.startsWith('(?<=', pos)) {
      const close = closing(src, pos, end);
      if (close < 0) return undefined;
      pos = close + 1;
    } else break;
  }
  if (pos >= end) return undefined;
  const c = src[pos];
  if (/[A-Za-z]/.test(c)) {
    if (!bounded) return undefined;
    let i = pos;
    while (i < end && /[A-Za-z]/.test(src[i])) i++;
    let lit = src.slice(pos, i);
    if (i < end && '?*{'.includes(src[i])) lit = lit.slice(0, -1);
    return lit ? [lit.toLowerCase()] : undefined;
  }
  if (src.startsWith('(?:', pos) || (c === '(' && src[pos + 1] !== '?')) {
    const close = closing(src, pos, end);
    if (close < 0 || (close + 1 < end && '?*{'.includes(src[close + 1]))) return undefined;
    const inner = c === '(' && src[pos + 1] !== '?' ? pos + 1 : pos + 3;
    const alts = splitTop(src, inner, close);
    if (!alts) return undefined;
    const out: string[] = [];
    for (const [s, e] of alts) {
      const lits = literalsAt(src, s, e, bounded);
      if (!lits) return undefined;
      out.push(...lits);
    }
    return out;
  }
  return undefined;
}

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
