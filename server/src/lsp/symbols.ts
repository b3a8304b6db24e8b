/** The outline (document symbols) and folding ranges of constitutions and transcripts. */
import type { Connection, DocumentSymbol, FoldingRange } from 'vscode-languageserver';
import { documentSymbols, foldingRanges } from '../core/features/symbols.ts';
import type { ServerContext } from './serverContext.ts';

export function registerSymbolSupport(connection: Connection, ctx: ServerContext): void {
  connection.onDocumentSymbol((params, token) =>
    ctx.runSafe('documentSymbol', token, (): DocumentSymbol[] => documentSymbols(ctx.index, params.textDocument.uri), []),
  );
  connection.onFoldingRanges((params, token) =>
    ctx.runSafe('foldingRange', token, (): FoldingRange[] => foldingRanges(ctx.index, params.textDocument.uri), []),
  );
}
