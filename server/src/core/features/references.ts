/**
 * Find references on a clause (its heading, a citation of it, a cross-reference or a flag under it):
 * every citation of the clause and every finding under it across the workspace, and the heading
 * itself when the declaration is asked for.
 */
import type { Location } from 'vscode-languageserver-types';
import type { ClauseRef, WorkspaceIndex } from '../workspace/index.ts';
import { targetAt, targetClauses } from './target.ts';

export function references(index: WorkspaceIndex, uri: string, offset: number, includeDeclaration = true): Location[] {
  const out: Location[] = [];
  for (const ref of targetClauses(targetAt(index, uri, offset))) out.push(...clauseReferences(index, ref, includeDeclaration));
  return out;
}

/** The citations and findings of one clause, in file order within each file, headings first. */
export function clauseReferences(index: WorkspaceIndex, ref: ClauseRef, includeDeclaration = true): Location[] {
  const out: Location[] = [];
  const home = index.get(ref.uri);
  if (includeDeclaration && home) out.push({ uri: ref.uri, range: home.lines.rangeOf(ref.clause.headingSpan) });
  const places = [
    ...index.citationsOfClause(ref.uri, ref.clause.id).map((c) => ({ uri: c.uri, span: c.citation.span })),
    ...index.findingsOfClause(ref.uri, ref.clause.id).map((f) => ({ uri: f.uri, span: f.span })),
  ];
  places.sort((a, b) => (a.uri < b.uri ? -1 : a.uri > b.uri ? 1 : a.span.start - b.span.start));
  for (const place of places) {
    const file = index.get(place.uri);
    if (file) out.push({ uri: place.uri, range: file.lines.rangeOf(place.span) });
  }
  return out;
}
