/**
 * Rename of a clause id, from its heading anchor, a citation or a cross-reference: one WorkspaceEdit
 * that changes the anchor, every cross-reference in the constitution and every citation in the
 * workspace. A clause whose id is a slug of its heading gains an explicit `{#id}` anchor, so that
 * the new id no longer depends on the heading's words.
 */
import type { Range, TextEdit, WorkspaceEdit } from 'vscode-languageserver-types';
import type { Span } from '../text.ts';
import type { ClauseRef, WorkspaceIndex } from '../workspace/index.ts';
import { targetAt } from './target.ts';

export const notAnIdMessage = 'Only clause ids can be renamed';

export type RenameRefusal = { readonly error: string };

/** Where the id under the cursor stands and what it is, or why it cannot be renamed. */
export function prepareRename(
  index: WorkspaceIndex,
  uri: string,
  offset: number,
): { range: Range; placeholder: string } | RenameRefusal {
  const found = renameTarget(index, uri, offset);
  if ('error' in found) return found;
  const file = index.get(uri)!;
  return { range: file.lines.rangeOf(found.span), placeholder: found.clause.clause.id };
}

/** The edit that renames the clause under the cursor to `newName` everywhere, or why it cannot. */
export function rename(index: WorkspaceIndex, uri: string, offset: number, newName: string): WorkspaceEdit | RenameRefusal {
  const found = renameTarget(index, uri, offset);
  if ('error' in found) return found;
  const id = newName.trim();
  if (!/^[\p{L}\p{N}_.:-]+$/u.test(id)) {
    return { error: `“${newName}” is not a valid clause id: use letters, digits, '_', '-', '.' or ':'.` };
  }
  const { clause, constitution, uri: home } = found.clause;
  if (id === clause.id) return { changes: {} };
  if (index.clausesOf(home).has(id)) return { error: `${constitution.name} already has a clause with the id “${id}”.` };
  const homeFile = index.get(home);
  if (!homeFile) return { error: notAnIdMessage };
  const changes: Record<string, TextEdit[]> = {};
  const edit = (fileUri: string, span: Span, newText: string) => {
    const file = index.get(fileUri);
    if (file) (changes[fileUri] ??= []).push({ range: file.lines.rangeOf(span), newText });
  };
  if (clause.idSpan) edit(home, clause.idSpan, id);
  else if (constitution.format === 'markdown') {
    const headingText = homeFile.text.slice(clause.headingSpan.start, clause.headingSpan.end);
    const end = clause.headingSpan.start + headingText.replace(/[\r\n]+$/, '').trimEnd().length;
    edit(home, { start: end, end }, ` {#${id}}`);
  } else return { error: `The id of “${clause.title}” is not written in the file, so it cannot be renamed.` };
  for (const other of constitution.clauses) {
    for (const reference of other.references) if (reference.targetId === clause.id) edit(home, reference.idSpan, id);
  }
  for (const ref of index.citationsOfClause(home, clause.id)) edit(ref.uri, ref.citation.idSpan, id);
  for (const list of Object.values(changes)) list.sort((a, b) => a.range.start.line - b.range.start.line || a.range.start.character - b.range.start.character);
  return { changes };
}

function renameTarget(index: WorkspaceIndex, uri: string, offset: number): { clause: ClauseRef; span: Span } | RenameRefusal {
  const target = targetAt(index, uri, offset);
  switch (target?.kind) {
    case 'citation': {
      const r = target.resolution;
      if (r.kind === 'ok') return { clause: r, span: target.ref.citation.idSpan };
      return { error: r.kind === 'ambiguous' ? `“${target.ref.citation.id}” names clauses of several constitutions; write name#id first.` : `No clause has the id “${target.ref.citation.id}”.` };
    }
    case 'heading':
      return { clause: target.clause, span: target.clause.clause.idSpan ?? target.clause.clause.titleSpan };
    case 'crossReference':
      return target.clause ? { clause: target.clause, span: target.reference.idSpan } : { error: `No clause has the id “${target.reference.targetId}”.` };
    default:
      return { error: notAnIdMessage };
  }
}
