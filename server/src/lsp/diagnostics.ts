/**
 * Pull diagnostics for constitutions and transcripts: the detectors' findings, citation problems,
 * parse problems and constitution checks, for open documents and (workspace pull) every indexed file.
 * Results are cached by the index per document version and ruleset; a new constitution or setting
 * asks the client to pull again.
 *
 * A large open document is answered progressively. Its first pull returns within a time budget,
 * with the diagnostics of the lines checked by then (the top of the file, which is what the editor
 * shows first); the rest of the file is checked in short slices between other requests, and the
 * client is then asked to pull again. Every report holds at most the most severe diagnostics the
 * editor shows; see {@link limitDiagnostics}.
 */
import {
  DocumentDiagnosticReportKind,
  type Connection,
  type Diagnostic,
  type WorkspaceDocumentDiagnosticReport,
} from 'vscode-languageserver';
import { limitDiagnostics, limitedFileDiagnostics } from '../core/features/diagnosticLimit.ts';
import { DiagnosticsWork } from './diagnosticsWork.ts';
import { sliceMs } from './inSlices.ts';
import type { ServerContext } from './serverContext.ts';
import { recordStats } from './stats.ts';

/** Documents shorter than this (in UTF-16 units) are always answered in full: they check in a few milliseconds. */
const progressiveFrom = 1 << 20;
/** How many files' reports one partial result of a workspace pull carries. */
const partFiles = 100;

export function registerDiagnosticsSupport(connection: Connection, ctx: ServerContext): void {
  /** Open documents whose diagnostics are being finished in the background. */
  const finishing = new Set<string>();
  const work = new DiagnosticsWork();

  function finishInBackground(uri: string): void {
    if (finishing.has(uri)) return;
    finishing.add(uri);
    const began = performance.now();
    let workMs = 0;
    const step = async () => {
      if (!ctx.documents.get(uri)) {
        finishing.delete(uri);
        return;
      }
      const settings = await ctx.settings(uri);
      const started = performance.now();
      let complete = true;
      try {
        complete = work.until(ctx.index, uri, started + sliceMs, { severityOverrides: ctx.reviewers.overrides(settings.severityOverrides) }).complete;
      } catch (error) {
        ctx.log(`diagnostics of ${uri} failed: ${(error as Error).message}`);
      }
      workMs += performance.now() - started;
      if (!complete) {
        setImmediate(step);
        return;
      }
      finishing.delete(uri);
      recordStats(uri, { finishMs: workMs, finishedAfterMs: performance.now() - began });
      ctx.refreshDiagnostics();
    };
    setImmediate(step);
  }

  connection.languages.diagnostics.on(async (params, token) => {
    const uri = params.textDocument.uri;
    const items = await ctx.runSafe(
      'diagnostics',
      token,
      async () => {
        const settings = await ctx.settings(uri);
        const started = performance.now();
        const open = ctx.documents.get(uri);
        const budget = ctx.diagnosticsBudgetMs;
        const deadline = open && budget !== undefined && open.content.length >= progressiveFrom ? started + budget : Infinity;
        const { diagnostics, complete } = work.until(ctx.index, uri, deadline, { severityOverrides: ctx.reviewers.overrides(settings.severityOverrides) });
        if (!complete) finishInBackground(uri);
        const limited = limitDiagnostics(diagnostics, settings.maxDiagnosticsPerFile);
        if (open) recordStats(uri, { diagnosticsMs: performance.now() - started, diagnosticsComplete: complete, diagnosticsFound: diagnostics.length });
        return limited;
      },
      [] as Diagnostic[],
    );
    // A cancelled pull is not shown by the client, so an empty report answers it as well as an error.
    return { kind: DocumentDiagnosticReportKind.Full, items: Array.isArray(items) ? items : [] };
  });

  /**
   * The report of each file that is not open, as the last workspace pull sent it: worked out again
   * only when the file, the constitutions, the ruleset or the settings changed. A report holds at
   * most the diagnostics the editor shows, so what is kept stays small however large the file.
   */
  const reports = new Map<string, { key: readonly unknown[]; items: Diagnostic[] }>();

  connection.languages.diagnostics.onWorkspace(async (_params, token, _workDone, resultProgress) => {
    // Asked for at once by the client: answered once the workspace has been read, so no file is left out.
    await ctx.indexed;
    const items: WorkspaceDocumentDiagnosticReport[] = [];
    const seen = new Set<string>();
    for (const file of ctx.index.files()) {
      if (token.isCancellationRequested) break;
      if (ctx.documents.get(file.uri)) continue;
      seen.add(file.uri);
      const settings = await ctx.settings(file.uri);
      const overrides = ctx.reviewers.overrides(settings.severityOverrides);
      const key = [file.version, ctx.index.ruleset(), ctx.index.constitutions(), overrides, settings.maxDiagnosticsPerFile];
      let report = reports.get(file.uri);
      if (!report || report.key.some((k, i) => k !== key[i])) {
        try {
          report = { key, items: limitedFileDiagnostics(ctx.index, file.uri, settings.maxDiagnosticsPerFile, { severityOverrides: overrides }) };
        } catch (error) {
          ctx.log(`diagnostics of ${file.uri} failed: ${(error as Error).message}`);
          continue;
        }
        reports.set(file.uri, report);
      }
      items.push({ kind: DocumentDiagnosticReportKind.Full, uri: file.uri, version: null, items: report.items });
      // A client that takes partial results (VS Code does) is sent the reports a part at a time, so
      // the whole workspace's reply is never one message held in memory at once.
      if (resultProgress && items.length >= partFiles) {
        resultProgress.report({ items: items.splice(0) });
        await new Promise((resolve) => setImmediate(resolve));
      }
    }
    if (!token.isCancellationRequested) for (const uri of reports.keys()) if (!seen.has(uri)) reports.delete(uri);
    if (resultProgress && items.length > 0) resultProgress.report({ items: items.splice(0) });
    return { items };
  });
}
