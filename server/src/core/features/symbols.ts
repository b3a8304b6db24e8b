/**
 * The outline of a file: a transcript's conversations (named by their sample, title or branch) and
 * turns, with each turn's tool calls, tool results and reasoning; a constitution's clause tree; and
 * folding ranges per conversation, turn and clause.
 */
import { FoldingRangeKind, SymbolKind, type DocumentSymbol, type FoldingRange, type Position, type Range } from 'vscode-languageserver-types';
import type { Constitution } from '../constitution/model.ts';
import type { Span } from '../text.ts';
import { TranscriptFormat, type ContentBlock, type Conversation, type Transcript, type Turn } from '../transcript/model.ts';
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
  if (conversations.length === 1 && !isNamed(conversations[0])) return turnSymbols(conversations[0].turns);
  const out: DocumentSymbol[] = [];
  for (const c of conversations.slice(0, maxOutlineConversations)) {
    const range = file.lines.rangeOf(c.span);
    const label = [c.id, c.side, c.label].filter((s) => s !== undefined && s !== '').join(' · ');
    out.push({
      name: c.title ?? (c.id !== undefined && c.side === undefined ? c.id : capitalised(conversationName(c))),
      detail: c.title !== undefined ? [label, `${c.turns.length} turns`].filter((s) => s !== '').join(' · ') : label || `${c.turns.length} turns`,
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

/**
 * Whether a file's one conversation has a name of its own (an Inspect sample's id and epoch, a chat
 * export's title, an auditing transcript's id), which the outline then shows above its turns.
 */
function isNamed(c: Conversation): boolean {
  return c.title !== undefined || c.judge !== undefined || (c.id !== undefined && namedFormats.has(c.format));
}

/** Formats whose conversations are named by the file (sample, transcript, export), not by a record's `id`. */
const namedFormats: ReadonlySet<string> = new Set([
  TranscriptFormat.inspect,
  TranscriptFormat.petri,
  TranscriptFormat.chatgptExport,
  TranscriptFormat.claudeExport,
  TranscriptFormat.oasst,
  TranscriptFormat.tauBench,
  TranscriptFormat.docent,
  TranscriptFormat.claudeCode,
]);

/** Blocks that are not plain text, listed under their turn in the outline. */
const outlinedBlocks: Readonly<Record<string, string>> = {
  tool_call: 'tool call',
  tool_use: 'tool call',
  tool_result: 'tool result',
  reasoning: 'reasoning',
  thinking: 'reasoning',
  redacted_thinking: 'reasoning',
};

function turnSymbol(file: IndexedFile, t: Turn): DocumentSymbol {
  const range = file.lines.rangeOf(trimEnd(file, t.span));
  const first = t.blocks.find((b) => b.type === 'text')?.text.text ?? t.blocks[0]?.text.text ?? '';
  const selection = t.roleSpan ? file.lines.rangeOf(t.roleSpan) : { start: range.start, end: range.start };
  const symbol: DocumentSymbol = {
    name: t.roleLabel || t.role,
    detail: preview(first),
    kind: t.role === 'assistant' ? SymbolKind.Method : t.role === 'tool' ? SymbolKind.Function : SymbolKind.Field,
    range,
    selectionRange: selection,
  };
  const children = t.blocks.filter((b) => outlinedBlocks[b.type] !== undefined).map((b) => blockSymbol(file, b, range));
  if (children.length > 0) symbol.children = children;
  return symbol;
}

/** A tool call, tool result or piece of reasoning: its kind and tool name, and the start of its text. */
function blockSymbol(file: IndexedFile, b: ContentBlock, turn: Range): DocumentSymbol {
  const span = b.span.end > b.span.start ? b.span : { start: b.span.start, end: b.span.start };
  const r = file.lines.rangeOf(span);
  // A child's range lies within its parent's, which the turn's trimmed range may not reach.
  const range = within(r, turn);
  return {
    name: b.name !== undefined ? `${outlinedBlocks[b.type]} ${b.name}` : outlinedBlocks[b.type],
    detail: preview(b.text.text),
    kind: b.type.startsWith('tool') ? SymbolKind.Event : SymbolKind.String,
    range,
    selectionRange: range,
  };
}

function preview(text: string): string {
  const p = text.replace(/\s+/g, ' ').trim();
  return p.length > 60 ? `${p.slice(0, 59)}…` : p;
}

function within(r: Range, outer: Range): Range {
  const before = (a: Position, b: Position) => a.line < b.line || (a.line === b.line && a.character < b.character);
  const start = before(r.start, outer.start) ? outer.start : before(outer.end, r.start) ? outer.end : r.start;
  const end = before(outer.end, r.end) ? outer.end : before(r.end, start) ? start : r.end;
  return { start, end };
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
