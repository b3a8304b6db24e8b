/**
 * The lenses above each clause of a constitution: "cited in N turns · flagged in M", and the
 * reviewers' agreement with its flags where there are labels. The agreement is measured over the
 * whole workspace, so it is kept until a file changes.
 */
import type { CodeLens, Connection } from 'vscode-languageserver';
import { workspaceAgreementSteps } from '../core/features/agreement.ts';
import { codeLenses } from '../core/features/codeLens.ts';
import type { AgreementRow } from '../core/labels/measureAgreement.ts';
import { inSlices } from './inSlices.ts';
import type { ServerContext } from './serverContext.ts';

export function registerCodeLensSupport(connection: Connection, ctx: ServerContext): void {
  let kept: { generation: number; clauses: readonly AgreementRow[] } | undefined;
  const agreement = async (): Promise<readonly AgreementRow[]> => {
    const generation = ctx.index.generation;
    if (kept?.generation === generation) return kept.clauses;
    const clauses = (await inSlices(workspaceAgreementSteps(ctx.index, { keepLabels: false }))).clauses;
    // A measure that a change overtook answers this request but is not kept for the next.
    if (ctx.index.generation === generation) kept = { generation, clauses };
    return clauses;
  };
  connection.onCodeLens((params, token) =>
    // The counts are of the whole workspace: not before it has been read.
    ctx.runSafe('codeLens', token, async (): Promise<CodeLens[]> => {
      await ctx.indexed;
      const uri = params.textDocument.uri;
      return ctx.index.get(uri)?.constitution ? codeLenses(ctx.index, uri, await agreement()) : [];
    }, []),
  );
}
