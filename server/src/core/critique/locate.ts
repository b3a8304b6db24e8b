/**
 * Places a model's quote in the turn it critiqued. A quote is looked for in each text block of the
 * turn, first exactly, then with runs of whitespace folded, then also ignoring case and the difference
 * between curly and straight quotation marks. A quote found nowhere is not placed at all: a critique
 * must never underline words the model did not quote.
 */
import type { Constitution } from '../constitution/model.ts';
import type { MappedText, Span } from '../text.ts';
import { textBlocks, type Turn } from '../transcript/model.ts';
import type { FindingSeverityName, RawFindingShape } from './answer.ts';
import { isFindingSeverity } from './schema.ts';

export const MatchKind = {
  exact: 'exact',
  whitespace: 'whitespace',
  folded: 'folded',
} as const;
export type MatchKind = (typeof MatchKind)[keyof typeof MatchKind];

export interface QuoteLocation {
  /** Source span of the quoted words, escapes included. */
  readonly span: Span;
  /** Offset of the quote in the turn's readable text (`turnText(turn)`, blocks joined by blank lines). */
  readonly turnOffset: number;
  /** Length of the matched words in the turn's readable text. */
  readonly length: number;
  readonly match: MatchKind;
}

/** Where `quote` stands in the turn's text blocks, or undefined. The first occurrence wins. */
export function locateQuote(turn: Turn, quote: string): QuoteLocation | undefined {
  if (quote.trim() === '') return undefined;
  const blocks = textBlocks(turn);
  const kinds: MatchKind[] = [MatchKind.exact, MatchKind.whitespace, MatchKind.folded];
  for (const kind of kinds) {
    const needle = kind === MatchKind.exact ? { text: quote } : fold(quote.trim(), kind);
    if (needle.text === '') continue;
    let base = 0;
    for (const block of blocks) {
      const hay = block.text.text;
      if (kind === MatchKind.exact) {
        const at = hay.indexOf(quote);
        if (at >= 0) return located(block.text, base, at, at + quote.length, kind);
      } else {
        const f = fold(hay, kind);
        const at = f.text.indexOf(needle.text);
        if (at >= 0) {
          const start = f.map[at];
          const end = f.map[at + needle.text.length - 1] + 1;
          return located(block.text, base, start, end, kind);
        }
      }
      base += hay.length + 2;
    }
  }
  return undefined;
}

function located(text: MappedText, base: number, start: number, end: number, match: MatchKind): QuoteLocation {
  return { span: { start: text.toSource(start), end: text.toSource(end) }, turnOffset: base + start, length: end - start, match };
}

interface Folded {
  readonly text: string;
  /** `map[i]` is the index in the original text of folded character `i`. */
  readonly map: number[];
}

const quoteFolds: Readonly<Record<string, string>> = {
  '\u2018': "'",
  '\u2019': "'",
  '\u201a': "'",
  '\u2032': "'",
  '\u201c': '"',
  '\u201d': '"',
  '\u201e': '"',
  '\u2033': '"',
  '\u00a0': ' ',
};

/**
 * Folds whitespace runs to one space (and, for `folded`, case and quotation marks), keeping the way
 * back to the original offsets. Case is folded one UTF-16 unit at a time, and only where lower-casing
 * keeps the length, so the map stays exact.
 */
function fold(text: string, kind: MatchKind): Folded {
  let out = '';
  const map: number[] = [];
  let inSpace = false;
  for (let i = 0; i < text.length; i++) {
    let c = text[i];
    if (kind === MatchKind.folded) {
      c = quoteFolds[c] ?? c;
      const lower = c.toLowerCase();
      if (lower.length === 1) c = lower;
    }
    if (/\s/.test(c)) {
      if (inSpace) continue;
      inSpace = true;
      c = ' ';
    } else {
      inSpace = false;
    }
    out += c;
    map.push(i);
  }
  return { text: out, map };
}

/** A finding placed in its turn. */
export interface LocatedFinding {
  readonly principle: string;
  readonly quote: string;
  readonly critique: string;
  readonly severity: FindingSeverityName;
  readonly span: Span;
  readonly turnOffset: number;
}

export type Placement =
  | { readonly ok: true; readonly finding: LocatedFinding }
  | { readonly ok: false; readonly reason: string };

/**
 * Places one finding: its principle must be a clause of the constitution (and among the clauses sent,
 * when `allowedIds` is given), its severity one of the three, and its quote must be in the turn.
 */
export function placeFinding(
  raw: RawFindingShape,
  turn: Turn,
  constitution: Constitution,
  allowedIds?: ReadonlySet<string>,
): Placement {
  const known = constitution.clauses.some((c) => c.id === raw.principle);
  if (!known || (allowedIds && !allowedIds.has(raw.principle))) {
    return { ok: false, reason: `The principle "${raw.principle}" is not a clause of the constitution that was sent.` };
  }
  if (!isFindingSeverity(raw.severity)) {
    return { ok: false, reason: `The severity "${raw.severity}" is not one of error, warning or info.` };
  }
  const where = locateQuote(turn, raw.quote);
  if (!where) {
    return { ok: false, reason: `The quote "${abbreviate(raw.quote)}" is not in the turn.` };
  }
  return {
    ok: true,
    finding: {
      principle: raw.principle,
      quote: raw.quote,
      critique: raw.critique,
      severity: raw.severity,
      span: where.span,
      turnOffset: where.turnOffset,
    },
  };
}

function abbreviate(s: string): string {
  return s.length > 80 ? `${s.slice(0, 77)}...` : s;
}
