/**
 * Where and how "Annotate Turn…" writes a note citing a clause, in the file's own syntax: a
 * `Note: [[id]]` line after the turn in text, Markdown and prompt files; a `"note": "[[id]]"`
 * property on the message object in JSON and JSONL, or ` [[id]]` added to the note it already has.
 */
import { detectKind, FileKind, type Turn } from '@lens/core';

export interface NoteInsertion {
  readonly offset: number;
  readonly text: string;
}

export type NoteEdit = { readonly ok: true; readonly insertion: NoteInsertion } | { readonly ok: false; readonly reason: string };

/** The citation a note writes: `[[id]]`, or `[[name#id]]` when several constitutions are loaded. */
export function citationOf(id: string, constitutionName?: string): string {
  return constitutionName ? `[[${constitutionName}#${id}]]` : `[[${id}]]`;
}

/** The note for `turn` of a file named `fileName`, in that file's syntax. */
export function noteInsertion(documentText: string, fileName: string, turn: Turn, citation: string): NoteEdit {
  return isJsonFile(documentText, fileName) ? jsonNoteInsertion(documentText, turn, citation) : textNoteInsertion(documentText, turn, citation);
}

/** Whether the file is JSON or JSONL, whose turns' text stands inside JSON string literals. */
export function isJsonFile(documentText: string, fileName: string): boolean {
  const kind = detectKind(fileName, documentText);
  return kind === FileKind.json || kind === FileKind.jsonl;
}

/** A `Note:` line after the turn's last line (after its last note, if it has some). */
export function textNoteInsertion(documentText: string, turn: Turn, citation: string): NoteEdit {
  let last = turn.span.end;
  for (const b of turn.blocks) last = Math.max(last, b.span.end);
  for (const n of turn.notes) last = Math.max(last, n.span.end);
  const lineEnd = endOfLine(documentText, last);
  const eol = documentText.includes('\r\n') ? '\r\n' : '\n';
  return { ok: true, insertion: { offset: lineEnd, text: `${eol}Note: ${citation}` } };
}

/**
 * A `note` property on the turn's message object, or the citation appended to the note it has.
 * Only a turn that is a message object (not the `system` property of a conversation, nor a turn of
 * a text transcript held in a JSON string) can carry a note.
 */
export function jsonNoteInsertion(documentText: string, turn: Turn, citation: string): NoteEdit {
  const existing = turn.notes[0];
  if (existing) {
    const end = existing.text.toSource(existing.text.text.length);
    const sep = existing.text.text.trim() === '' ? '' : ' ';
    return { ok: true, insertion: { offset: end, text: `${sep}${citation}` } };
  }
  const { start, end } = turn.span;
  if (documentText[start] !== '{' || documentText[end - 1] !== '}') {
    return { ok: false, reason: 'This turn is not a message object of its own, so a note cannot be added to it. Annotate a message in the `messages` list.' };
  }
  let i = end - 2;
  while (i > start && /\s/.test(documentText[i])) i--;
  const property = `"note": ${JSON.stringify(citation)}`;
  if (i === start) return { ok: true, insertion: { offset: start + 1, text: property } };
  const body = documentText.slice(start, end);
  if (!body.includes('\n')) return { ok: true, insertion: { offset: i + 1, text: `, ${property}` } };
  const lineStart = documentText.lastIndexOf('\n', i) + 1;
  const indent = /^[ \t]*/.exec(documentText.slice(lineStart, i + 1))![0];
  const eol = documentText[lineStart - 2] === '\r' ? '\r\n' : '\n';
  return { ok: true, insertion: { offset: i + 1, text: `,${eol}${indent}${property}` } };
}

function endOfLine(text: string, offset: number): number {
  let i = offset;
  while (i < text.length && text[i] !== '\n' && text[i] !== '\r') i++;
  return i;
}
