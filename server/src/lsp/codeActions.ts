/**
 * Code actions (mark a flag as reviewed, agree or disagree with it, label a turn, cite its clause, fix
 * a citation) and the custom requests `constitutionLens/reviewEdit` and `constitutionLens/labelEdit`
 * that return the edit writing a review or a label note once the client has asked for the rest.
 */
import type { CancellationToken, CodeAction, Connection, WorkspaceEdit } from 'vscode-languageserver';
import { codeActions, labelEdit, reviewEdit } from '../core/features/codeActions.ts';
import { labelEditRequest, reviewEditRequest, type LabelEditParams, type ReviewEditParams } from '../protocol.ts';
import type { ServerContext } from './serverContext.ts';

export function registerCodeActionSupport(connection: Connection, ctx: ServerContext): void {
  connection.onCodeAction((params, token) =>
    ctx.runSafe('codeAction', token, (): CodeAction[] => codeActions(ctx.index, params.textDocument.uri, params.context.diagnostics, params.range), []),
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

  connection.onRequest<WorkspaceEdit | null, void>(labelEditRequest, (params: LabelEditParams, token: CancellationToken) =>
    ctx.runSafe('labelEdit', token, (): WorkspaceEdit | null => labelEdit(ctx.index, params) ?? null, null),
  );
}
