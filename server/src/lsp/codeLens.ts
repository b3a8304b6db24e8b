/** The "cited in N turns · flagged in M" lenses above each clause of a constitution. */
import type { CodeLens, Connection } from 'vscode-languageserver';
import { codeLenses } from '../core/features/codeLens.ts';
import type { ServerContext } from './serverContext.ts';

export function registerCodeLensSupport(connection: Connection, ctx: ServerContext): void {
  connection.onCodeLens((params, token) =>
    ctx.runSafe('codeLens', token, (): CodeLens[] => codeLenses(ctx.index, params.textDocument.uri), []),
  );
}
