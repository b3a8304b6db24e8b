/**
 * A CodeLens above each clause of a constitution: "cited in N turns · flagged in M", which opens the
 * list of those places, and, where reviewers have labelled turns for the clause, how far its flags
 * agree with them ("agrees with reviewers 0.91 F1, n = 45").
 */
import type { CodeLens } from 'vscode-languageserver-types';
import type { AgreementRow } from '../labels/measureAgreement.ts';
import type { WorkspaceIndex } from '../workspace/index.ts';
import { clauseReferences } from './references.ts';

/**
 * The client command a lens runs. Its one argument is plain LSP data, `{uri, position, locations}`
 * (`ShowReferencesArgs` in the protocol); the client converts it and calls `editor.action.showReferences`.
 */
export const showReferencesCommand = 'constitutionLens.showReferences';

/**
 * The lenses of a constitution. `agreement`, when given, holds the clause rows of the workspace's
 * agreement (see `workspaceAgreement`), which the lens of a labelled clause reads.
 */
export function codeLenses(index: WorkspaceIndex, uri: string, agreement?: readonly AgreementRow[]): CodeLens[] {
  const file = index.get(uri);
  const constitution = file?.constitution;
  if (!file || !constitution) return [];
  const own = index.clausesOf(uri);
  const out: CodeLens[] = [];
  for (const clause of constitution.clauses) {
    const ref = own.get(clause.id);
    if (!ref || ref.clause !== clause) continue;
    const cited = new Set(index.citationsOfClause(uri, clause.id).map((c) => `${c.uri}\u0000${c.conversation}\u0000${c.turn}`));
    const flagged = new Set(
      index.findingsOfClause(uri, clause.id).map((f) => `${f.uri}\u0000${f.conversation}\u0000${f.turn}`),
    );
    const range = file.lines.rangeOf(clause.headingSpan);
    const row = agreement?.find((r) => r.clause === clause.id && r.constitution === constitution.name && r.n > 0);
    const agrees = row ? ` · agrees with reviewers ${row.f1 === null ? '–' : row.f1.toFixed(2)} F1, n = ${row.n}` : '';
    out.push({
      range,
      command: {
        title: `cited in ${count(cited.size, 'turn')} · flagged in ${flagged.size}${agrees}`,
        command: showReferencesCommand,
        arguments: [{ uri, position: range.start, locations: clauseReferences(index, ref, false) }],
      },
    });
  }
  return out;
}

function count(n: number, noun: string): string {
  return `${n} ${noun}${n === 1 ? '' : 's'}`;
}
