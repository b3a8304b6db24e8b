/**
 * Pull diagnostics for constitutions and transcripts: the detectors' findings, citation problems,
 * parse problems and constitution checks, for open documents and (workspace pull) every indexed file.
 * Results are cached by the index per document version and ruleset; a new constitution or setting
 * asks the client to pull again.
 */
import {
  DocumentDiagnosticReportKind,
  type Connection,
  type Diagnostic,
  type WorkspaceDocumentDiagnosticReport,
} from 'vscode-languageserver';
import { fileDiagnostics } from '../core/features/fileDiagnostics.ts';
import type { ServerContext } from './serverContext.ts';
import { recordStats } from './stats.ts';

export function registerDiagnosticsSupport(connection: Connection, ctx: ServerContext): void {
  connection.languages.diagnostics.on(async (params, token) => {
    const items = await ctx.runSafe(
      'diagnostics',
      token,
      async () => {
        const settings = await ctx.settings(params.textDocument.uri);
        const started = performance.now();
        const diagnostics = fileDiagnostics(ctx.index, params.textDocument.uri, { severityOverrides: settings.severityOverrides });
        if (ctx.documents.get(params.textDocument.uri)) recordStats(params.textDocument.uri, { diagnosticsMs: performance.now() - started });
        return diagnostics;
      },
      [] as Diagnostic[],
    );
    // A cancelled pull is not shown by the client, so an empty report answers it as well as an error.
    return { kind: DocumentDiagnosticReportKind.Full, items: Array.isArray(items) ? items : [] };
  });

  connection.languages.diagnostics.onWorkspace(async (_params, token) => {
    const items: WorkspaceDocumentDiagnosticReport[] = [];
    for (const file of ctx.index.files()) {
      if (token.isCancellationRequested) break;
      if (ctx.documents.get(file.uri)) continue;
      const settings = await ctx.settings(file.uri);
      let diagnostics: Diagnostic[];
      try {
        diagnostics = fileDiagnostics(ctx.index, file.uri, { severityOverrides: settings.severityOverrides });
      } catch (error) {
        ctx.log(`diagnostics of ${file.uri} failed: ${(error as Error).message}`);
        continue;
      }
      items.push({ kind: DocumentDiagnosticReportKind.Full, uri: file.uri, version: null, items: diagnostics });
    }
    return { items };
  });
}
