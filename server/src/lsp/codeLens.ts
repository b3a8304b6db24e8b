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
  // One measure per generation of the index, shared by the lenses asked for while it runs.
  let kept: { generation: number; clauses: Promise<readonly AgreementRow[]> } | undefined;
  const agreement = (): Promise<readonly AgreementRow[]> => {
    const generation = ctx.index.generation;
    if (kept?.generation !== generation) {
      const measure = inSlices(workspaceAgreementSteps(ctx.index, { keepLabels: false })).then((a) => a.clauses);
      const entry = { generation, clauses: measure };
      // A measure that failed is not kept: the next request measures again.
      measure.catch(() => {
        if (kept === entry) kept = undefined;
      });
      kept = entry;
    }
    return kept.clauses;
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
