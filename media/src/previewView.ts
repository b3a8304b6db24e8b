/**
 * The pure parts of the reading view: which rows a filter keeps, the next and previous flagged row,
 * the clauses and rules a list offers to filter by, and how highlights are marked in a block's text
 * before it is rendered. The webview renders from these; tests read them without a DOM.
 */
import type { PreviewFilter } from '../../client/src/preview/previewMessages.ts';
import type { ConversationRow } from '@lens/protocol';

const severities = ['error', 'warning', 'info', 'hint'] as const;

/** Whether a row passes the list's filter (the text filter is the server's: it chose the rows read). */
export function keepsRow(filter: PreviewFilter, row: ConversationRow): boolean {
  if (filter.clause && !row.clauses.includes(filter.clause)) return false;
  if (filter.rule && !row.rules.includes(filter.rule)) return false;
  if (filter.severity) {
    const least = severities.indexOf(filter.severity);
    if (!severities.some((s, i) => i <= least && row.flags[s] > 0)) return false;
  }
  if (filter.label === 'labelled' && !row.labelled) return false;
  if (filter.label === 'unlabelled' && row.labelled) return false;
  return true;
}

/** How many open flags a row has. */
export function flagCount(row: ConversationRow): number {
  return row.flags.error + row.flags.warning + row.flags.info + row.flags.hint;
}

/**
 * The entry of the next (`step` 1) or previous (`step` -1) flagged row among `rows` from the row of
 * entry `current`, or undefined when there is none that way.
 */
export function nextFlagged(rows: readonly ConversationRow[], current: number, step: 1 | -1): number | undefined {
  let at = rows.findIndex((r) => r.entry === current);
  if (at < 0) {
    // The row shown is filtered out: start from where it would stand.
    const after = rows.findIndex((r) => r.entry > current);
    const place = after < 0 ? rows.length : after;
    at = step === 1 ? place - 1 : place;
  }
  for (let i = at + step; i >= 0 && i < rows.length; i += step) if (flagCount(rows[i]) > 0) return rows[i].entry;
  return undefined;
}

/** The clause ids and rules the rows' flags name, each sorted, for the filter's choices. */
export function filterChoices(rows: readonly ConversationRow[]): { clauses: string[]; rules: string[] } {
  const clauses = new Set<string>();
  const rules = new Set<string>();
  for (const r of rows) {
    for (const c of r.clauses) clauses.add(c);
    for (const x of r.rules) rules.add(x);
  }
  return { clauses: [...clauses].sort(), rules: [...rules].sort() };
}

/** Characters of Unicode's private use area that mark where a highlight starts and ends in a block's text. */
export const markStart = '\uE000';
export const markEnd = '\uE001';
/** The flag a mark is of: this character's code plus the flag's number, in the character after the mark. */
export const markBase = 0xe100;

/**
 * A block's text with a mark at each start and end of its highlights, so that they survive the
 * Markdown rendering and are found in its text nodes. Characters of the marks' range already in the
 * text are replaced (by U+FFFD, one for one, so offsets hold), so a text cannot forge a highlight.
 */
export function markHighlights(text: string, highlights: readonly { readonly flag: number; readonly start: number; readonly end: number }[]): string {
  const clean = text.replace(/[\uE000\uE001\uE100-\uE8FF]/g, '\uFFFD');
  if (highlights.length === 0) return clean;
  const cuts: { at: number; mark: string; order: number }[] = [];
  for (const h of highlights) {
    if (h.start >= h.end || h.end > text.length) continue;
    cuts.push({ at: h.start, mark: markStart + String.fromCharCode(markBase + h.flag), order: 1 });
    cuts.push({ at: h.end, mark: markEnd + String.fromCharCode(markBase + h.flag), order: 0 });
  }
  cuts.sort((a, b) => b.at - a.at || a.order - b.order);
  let out = clean;
  for (const c of cuts) out = out.slice(0, c.at) + c.mark + out.slice(c.at);
  return out;
}

/** A piece of a text node once its marks are read: text, and the flags open over it. */
export interface MarkedPiece {
  readonly text: string;
  readonly flags: readonly number[];
}

/**
 * Splits a text node's text at its marks, given the flags open where it starts; returns the pieces
 * and the flags still open after it, for the next text node of the rendering.
 */
export function splitMarks(text: string, open: readonly number[]): { pieces: MarkedPiece[]; open: number[] } {
  const pieces: MarkedPiece[] = [];
  let now = [...open];
  let from = 0;
  for (let i = 0; i < text.length; i++) {
    const c = text[i];
    if (c !== markStart && c !== markEnd) continue;
    if (i > from) pieces.push({ text: text.slice(from, i), flags: now });
    const flag = text.charCodeAt(i + 1) - markBase;
    now = c === markStart ? [...now, flag] : now.filter((f) => f !== flag);
    i++;
    from = i + 1;
  }
  if (from < text.length) pieces.push({ text: text.slice(from), flags: now });
  return { pieces, open: now };
}

/** The row of the entry that holds `line` of the source: the last that starts at or before it; `rows` are in file order. */
export function rowAtLine(rows: readonly ConversationRow[], line: number): ConversationRow | undefined {
  let lo = 0;
  let hi = rows.length - 1;
  let found: ConversationRow | undefined;
  while (lo <= hi) {
    const mid = (lo + hi) >> 1;
    if (rows[mid].line <= line) {
      found = rows[mid];
      lo = mid + 1;
    } else hi = mid - 1;
  }
  return found;
}
