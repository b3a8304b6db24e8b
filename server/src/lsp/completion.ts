/** Completion of clause ids after `[[`, over the workspace index. */
import type { CompletionList, Connection } from 'vscode-languageserver';
import { completion } from '../core/features/completion.ts';
import type { ServerContext } from './serverContext.ts';

export function registerCompletionSupport(connection: Connection, ctx: ServerContext): void {
  connection.onCompletion((params, token) =>
    ctx.runSafe(
      'completion',
      token,
      (): CompletionList | null => {
        const file = ctx.index.get(params.textDocument.uri);
        if (!file) return null;
        return completion(ctx.index, file.uri, file.lines.offsetAt(params.position)) ?? null;
      },
      null,
    ),
  );
}
