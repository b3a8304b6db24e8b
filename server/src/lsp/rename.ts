/** Prepare-rename and rename of clause ids, over the workspace index. */
import { ResponseError, type Connection, type Range, type WorkspaceEdit } from 'vscode-languageserver';
import { prepareRename, rename } from '../core/features/rename.ts';
import type { ServerContext } from './serverContext.ts';

/** LSP's `RequestFailed`: the client shows the message to the user. */
const requestFailed = -32803;

export function registerRenameSupport(connection: Connection, ctx: ServerContext): void {
  connection.onPrepareRename((params, token) =>
    ctx.runSafe(
      'prepareRename',
      token,
      (): { range: Range; placeholder: string } | null => {
        const file = ctx.index.get(params.textDocument.uri);
        if (!file) return null;
        const result = prepareRename(ctx.index, file.uri, file.lines.offsetAt(params.position));
        if ('error' in result) throw new ResponseError(requestFailed, result.error);
        return result;
      },
      null,
    ),
  );

  connection.onRenameRequest((params, token) =>
    ctx.runSafe(
      'rename',
      token,
      // A rename changes every citation in the workspace: not before it has been read, so none is missed.
      async (): Promise<WorkspaceEdit | null> => {
        await ctx.indexed;
        const file = ctx.index.get(params.textDocument.uri);
        if (!file) return null;
        const result = rename(ctx.index, file.uri, file.lines.offsetAt(params.position), params.newName);
        if ('error' in result) throw new ResponseError(requestFailed, result.error);
        return result;
      },
      null,
    ),
  );
}
