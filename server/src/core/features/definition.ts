/**
 * Go to definition: from a citation (anywhere in its `[[...]]`), from a flagged range (the
 * principle named in the flag), or from a cross-reference in a constitution, to the clause heading.
 */
import type { LocationLink } from 'vscode-languageserver-types';
import type { WorkspaceIndex } from '../workspace/index.ts';
import { targetAt, targetClauses } from './target.ts';

/** Links to every clause the position names (several for an ambiguous citation), none elsewhere. */
export function definition(index: WorkspaceIndex, uri: string, offset: number): LocationLink[] {
  const target = targetAt(index, uri, offset);
  if (!target || target.kind === 'heading') return [];
  const origin = index.get(uri)!;
  const out: LocationLink[] = [];
  for (const ref of targetClauses(target)) {
    const file = index.get(ref.uri);
    if (!file) continue;
    out.push({
      originSelectionRange: origin.lines.rangeOf(target.span),
      targetUri: ref.uri,
      targetRange: file.lines.rangeOf(ref.clause.headingSpan),
      targetSelectionRange: file.lines.rangeOf(ref.clause.titleSpan),
    });
  }
  return out;
}
