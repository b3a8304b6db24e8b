/**
 * The outline of a file: a transcript's conversations and turns, a constitution's clause tree; and
 * folding ranges per conversation, turn and clause.
 */
import { FoldingRangeKind, SymbolKind, type DocumentSymbol, type FoldingRange } from 'vscode-languageserver-types';
import type { Constitution } from '../constitution/model.ts';
import type { Span } from '../text.ts';
import type { Transcript, Turn } from '../transcript/model.ts';
import { capitalised, conversationName } from '../transcript/placeName.ts';
import type { IndexedFile, WorkspaceIndex } from '../workspace/index.ts';

/** A large JSONL lists this many conversations in its outline, and says how many more there are. */
export const maxOutlineConversations = 5000;

export function documentSymbols(index: WorkspaceIndex, uri: string): DocumentSymbol[] {
  const file = index.get(uri);
  if (file?.constitution) return clauseSymbols(file, file.constitution);
  if (file?.transcript) return transcriptSymbols(file, file.transcript);
  return [];
}

function clauseSymbols(file: IndexedFile, constitution: Constitution): DocumentSymbol[] {
  const build = (i: number): DocumentSymbol => {
    const clause = constitution.clauses[i];
    const range = file.lines.rangeOf(trimEnd(file, clause.span));
    return {
      name: clause.title || clause.id,
      detail: clause.priority !== undefined ? `#${clause.id} · ${clause.priority}` : `#${clause.id}`,
      kind: SymbolKind.Namespace,
      range,
      selectionRange: file.lines.rangeOf(clause.titleSpan),
      children: clause.children.map(build),
    };
  };
  const roots: DocumentSymbol[] = [];
  constitution.clauses.forEach((clause, i) => {
    if (clause.parent === undefined) roots.push(build(i));
  });
  return roots;
}

function transcriptSymbols(file: IndexedFile, transcript: Transcript): DocumentSymbol[] {
  const conversations = transcript.conversations;
  const turnSymbols = (turns: readonly Turn[]) => turns.map((t) => turnSymbol(file, t));
  if (conversations.length === 1) return turnSymbols(conversations[0].turns);
  const out: DocumentSymbol[] = [];
  for (const c of conversations.slice(0, maxOutlineConversations)) {
    const range = file.lines.rangeOf(c.span);
    const label = [c.id, c.side, c.label].filter((s) => s !== undefined && s !== '').join(' · ');
    out.push({
      name: capitalised(conversationName(c)),
      detail: label || `${c.turns.length} turns`,
      kind: SymbolKind.Module,
      range,
      selectionRange: { start: range.start, end: range.start },
      children: turnSymbols(c.turns),
    });
  }
  if (conversations.length > maxOutlineConversations) {
    const rest = conversations[maxOutlineConversations];
    const range = file.lines.rangeOf({ start: rest.span.start, end: rest.span.start });
    out.push({
      name: `… ${conversations.length - maxOutlineConversations} more conversations`,
      detail: `the outline lists the first ${maxOutlineConversations}`,
      kind: SymbolKind.Null,
      range,
      selectionRange: range,
    });
  }
  return out;
}

function turnSymbol(file: IndexedFile, t: Turn): DocumentSymbol {
  const range = file.lines.rangeOf(trimEnd(file, t.span));
  const first = t.blocks.find((b) => b.type === 'text')?.text.text ?? t.blocks[0]?.text.text ?? '';
  const preview = first.replace(/\s+/g, ' ').trim();
  const selection = t.roleSpan ? file.lines.rangeOf(t.roleSpan) : { start: range.start, end: range.start };
  return {
    name: t.roleLabel || t.role,
    detail: preview.length > 60 ? `${preview.slice(0, 59)}…` : preview,
    kind: t.role === 'assistant' ? SymbolKind.Method : t.role === 'tool' ? SymbolKind.Function : SymbolKind.Field,
    range,
    selectionRange: selection,
  };
}

export function foldingRanges(index: WorkspaceIndex, uri: string): FoldingRange[] {
  const file = index.get(uri);
  const out: FoldingRange[] = [];
  const fold = (span: Span, kind?: string) => {
    const s = trimEnd(file!, span);
    const startLine = file!.lines.positionAt(s.start).line;
    const endLine = file!.lines.positionAt(s.end).line;
    if (endLine > startLine) out.push(kind ? { startLine, endLine, kind } : { startLine, endLine });
  };
  if (file?.constitution) {
    for (const clause of file.constitution.clauses) fold(clause.span);
  } else if (file?.transcript) {
    const conversations = file.transcript.conversations;
    for (const c of conversations.slice(0, maxOutlineConversations)) {
      if (conversations.length > 1) fold(c.span);
      for (const t of c.turns) {
        fold(t.span);
        for (const note of t.notes) fold(note.span, FoldingRangeKind.Comment);
      }
    }
  }
  return out;
}

/** A span without its trailing blank lines, so that an outline entry ends where its text ends. */
function trimEnd(file: IndexedFile, span: Span): Span {
  return { start: span.start, end: span.start + file.slice(span.start, span.end).trimEnd().length };
}
