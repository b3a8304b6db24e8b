/**
 * Code actions (mark a flag as reviewed, cite its clause, fix a citation) and the custom request
 * `constitutionLens/reviewEdit` that returns the edit writing a review note once the client has the reason.
 */
import type { CancellationToken, CodeAction, Connection, WorkspaceEdit } from 'vscode-languageserver';
import { codeActions, reviewEdit } from '../core/features/codeActions.ts';
import { reviewEditRequest, type ReviewEditParams } from '../protocol.ts';
import type { ServerContext } from './serverContext.ts';

export function registerCodeActionSupport(connection: Connection, ctx: ServerContext): void {
  connection.onCodeAction((params, token) =>
    ctx.runSafe('codeAction', token, (): CodeAction[] => codeActions(ctx.index, params.textDocument.uri, params.context.diagnostics), []),
  );

  connection.onRequest<WorkspaceEdit | null, void>(reviewEditRequest, (params: ReviewEditParams, token: CancellationToken) =>
    ctx.runSafe(
      'reviewEdit',
      token,
      (): WorkspaceEdit | null =>
        reviewEdit(ctx.index, params.uri, params.conversation, params.turn, params.rule, params.reason) ?? null,
      null,
    ),
  );
}
