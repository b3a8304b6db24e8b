/**
 * What a position in a file points at, for the navigation features: a citation in a transcript, a
 * clause heading or a cross-reference in a constitution, or a flagged range (whose principle is the
 * clause). Each resolves to the clauses it names and the span of the words that name them.
 */
import type { CrossReference } from '../constitution/model.ts';
import type { Span } from '../text.ts';
import type { CitationRef, CitationResolution, ClauseRef, WorkspaceIndex } from '../workspace/index.ts';

export type Target =
  | { readonly kind: 'citation'; readonly ref: CitationRef; readonly resolution: CitationResolution; readonly span: Span }
  | { readonly kind: 'heading'; readonly clause: ClauseRef; readonly span: Span }
  | { readonly kind: 'crossReference'; readonly reference: CrossReference; readonly clause?: ClauseRef; readonly span: Span }
  | { readonly kind: 'finding'; readonly clause?: ClauseRef; readonly span: Span };

export function targetAt(index: WorkspaceIndex, uri: string, offset: number): Target | undefined {
  const file = index.get(uri);
  if (!file) return undefined;
  if (file.kind === 'transcript') {
    const ref = index.citationAt(uri, offset);
    if (ref) return { kind: 'citation', ref, resolution: index.resolveCitation(ref.citation), span: ref.citation.span };
    const finding = index.findings(uri).find((f) => !f.reviewed && f.span.start <= offset && offset <= f.span.end);
    if (finding) {
      return { kind: 'finding', clause: index.clausesOf(finding.constitutionUri).get(finding.principle), span: finding.span };
    }
    return undefined;
  }
  const constitution = file.constitution;
  if (!constitution) return undefined;
  for (const clause of constitution.clauses) {
    if (clause.span.start > offset || clause.span.end < offset) continue;
    for (const reference of clause.references) {
      if (reference.span.start <= offset && offset <= reference.span.end) {
        return { kind: 'crossReference', reference, clause: index.clausesOf(uri).get(reference.targetId), span: reference.span };
      }
    }
  }
  const clause = index.clauseAt(uri, offset);
  if (clause) return { kind: 'heading', clause: { uri, constitution, clause }, span: clause.idSpan ?? clause.titleSpan };
  return undefined;
}

/** The clauses a target names: one, several when a citation is ambiguous, none when unknown. */
export function targetClauses(target: Target | undefined): readonly ClauseRef[] {
  if (!target) return [];
  switch (target.kind) {
    case 'citation':
      if (target.resolution.kind === 'ok') return [target.resolution];
      return target.resolution.kind === 'ambiguous' ? target.resolution.candidates : [];
    case 'heading':
      return [target.clause];
    case 'crossReference':
    case 'finding':
      return target.clause ? [target.clause] : [];
  }
}
