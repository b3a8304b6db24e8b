/**
 * Document links for the cross-references of a Markdown constitution (`[text](#id)`, the Model Spec's
 * `[?](#id)`): each opens the same file at the clause it names.
 */
import type { DocumentLink } from 'vscode-languageserver-types';
import type { WorkspaceIndex } from '../workspace/index.ts';
import { clauseLink } from './clauseText.ts';

export function documentLinks(index: WorkspaceIndex, uri: string): DocumentLink[] {
  const file = index.get(uri);
  const constitution = file?.constitution;
  if (!file || !constitution || constitution.format !== 'markdown') return [];
  const clauses = index.clausesOf(uri);
  const seen = new Set<number>();
  const out: DocumentLink[] = [];
  for (const clause of constitution.clauses) {
    for (const reference of clause.references) {
      if (seen.has(reference.idSpan.start)) continue;
      seen.add(reference.idSpan.start);
      const target = clauses.get(reference.targetId);
      if (!target) continue;
      out.push({
        range: file.lines.rangeOf({ start: reference.idSpan.start - 1, end: reference.idSpan.end }),
        target: clauseLink(file, target.clause),
        tooltip: `Go to “${target.clause.title}”`,
      });
    }
  }
  return out;
}
