import type { MappedText, Span } from '../text.ts';
import type { Citation, ContentBlock, Conversation, Note, Turn } from './model.ts';

function shiftSpan(s: Span, by: number): Span {
  return { start: s.start + by, end: s.end + by };
}

/** A mapped text whose source offsets are moved by `by`; the decoded text is read only when asked for. */
export function shiftMapped(m: MappedText, by: number): MappedText {
  if (by === 0) return m;
  return {
    get text() {
      return m.text;
    },
    toSource: (offset) => m.toSource(offset) + by,
  };
}

function shiftCitation(c: Citation, by: number): Citation {
  return { ...c, span: shiftSpan(c.span, by), idSpan: shiftSpan(c.idSpan, by) };
}

function shiftNote(n: Note, by: number): Note {
  return { text: shiftMapped(n.text, by), span: shiftSpan(n.span, by), citations: n.citations.map((c) => shiftCitation(c, by)) };
}

function shiftBlock(b: ContentBlock, by: number): ContentBlock {
  return { ...b, text: shiftMapped(b.text, by), span: shiftSpan(b.span, by) };
}

function shiftTurn(t: Turn, by: number): Turn {
  return {
    ...t,
    ...(t.roleSpan ? { roleSpan: shiftSpan(t.roleSpan, by) } : {}),
    span: shiftSpan(t.span, by),
    blocks: t.blocks.map((b) => shiftBlock(b, by)),
    notes: t.notes.map((n) => shiftNote(n, by)),
  };
}

/** A copy of a conversation with every range moved by `by` and the given index. */
export function shiftConversation(c: Conversation, by: number, index: number): Conversation {
  if (by === 0 && index === c.index) return c;
  return { ...c, index, span: shiftSpan(c.span, by), turns: by === 0 ? c.turns : c.turns.map((t) => shiftTurn(t, by)) };
}
