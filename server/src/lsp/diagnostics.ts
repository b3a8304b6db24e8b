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
  type CancellationToken,
  type Connection,
  type Diagnostic,
  type ResultProgressReporter,
  type WorkspaceDiagnosticParams,
  type WorkspaceDiagnosticReport,
  type WorkspaceDiagnosticReportPartialResult,
  type WorkspaceDocumentDiagnosticReport,
} from 'vscode-languageserver';
import { limitDiagnostics, limitedFileDiagnostics } from '../core/features/diagnosticLimit.ts';
import { DiagnosticsWork } from './diagnosticsWork.ts';
import { sliceMs } from './inSlices.ts';
import type { ServerContext } from './serverContext.ts';
import { recordStats } from './stats.ts';

/** Documents shorter than this (in UTF-16 units) are always answered in full: they check in a few milliseconds. */
const progressiveFrom = 1 << 20;
/** How many files' reports one partial result of a workspace pull carries at most. */
const partFiles = 100;
/** A partial result of a workspace pull ends once its reports hold this many diagnostics. */
const partDiagnostics = 100;

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
   * What the last workspace pull sent of each file that is not open: not the report, which the
   * client keeps, but what it was worked out from and the result id it was sent under. A client that
   * pulls again names the result ids it holds (VS Code does), and a file whose id is still good is
   * answered "unchanged", neither worked out again nor sent; so the server keeps no file's
   * diagnostics between pulls, however many files the workspace has.
   */
  const sent = new Map<string, { key: readonly unknown[]; resultId: string }>();
  /** Result ids are unique to this run of the server, so that an id from another run never matches. */
  const run = Date.now().toString(36);
  let nextResult = 0;

  // The reviewers' agreement, which reads every file as well, waits while a workspace pull is answered.
  connection.languages.diagnostics.onWorkspace((params, token, _workDone, resultProgress) =>
    ctx.reviewers.holdingBack(() => workspaceReports(params, token, resultProgress)),
  );

  async function workspaceReports(
    params: WorkspaceDiagnosticParams,
    token: CancellationToken,
    resultProgress: ResultProgressReporter<WorkspaceDiagnosticReportPartialResult> | undefined,
  ): Promise<WorkspaceDiagnosticReport> {
    // Asked for at once by the client: answered once the workspace has been read, so no file is left out.
    await ctx.indexed;
    const held = new Map<string, string>();
    for (const previous of params.previousResultIds ?? []) held.set(previous.uri, previous.value);
    const items: WorkspaceDocumentDiagnosticReport[] = [];
    let diagnosticsInPart = 0;
    const seen = new Set<string>();
    for (const file of ctx.index.files()) {
      if (token.isCancellationRequested) break;
      if (ctx.documents.get(file.uri)) continue;
      seen.add(file.uri);
      const settings = await ctx.settings(file.uri);
      const overrides = ctx.reviewers.overrides(settings.severityOverrides);
      const key = [file.version, ctx.index.ruleset(), ctx.index.constitutions(), overrides, settings.maxDiagnosticsPerFile];
      const last = sent.get(file.uri);
      const same = last !== undefined && last.key.every((k, i) => k === key[i]);
      if (same && held.get(file.uri) === last.resultId) {
        items.push({ kind: DocumentDiagnosticReportKind.Unchanged, uri: file.uri, version: null, resultId: last.resultId });
      } else {
        let report: Diagnostic[];
        try {
          report = limitedFileDiagnostics(ctx.index, file.uri, settings.maxDiagnosticsPerFile, { severityOverrides: overrides });
        } catch (error) {
          ctx.log(`diagnostics of ${file.uri} failed: ${(error as Error).message}`);
          continue;
        }
        const resultId = same ? last.resultId : `${run}.${nextResult++}`;
        if (!same) sent.set(file.uri, { key, resultId });
        items.push({ kind: DocumentDiagnosticReportKind.Full, uri: file.uri, version: null, resultId, items: report });
        diagnosticsInPart += report.length;
      }
      // A client that takes partial results (VS Code does) is sent the reports a part at a time, so
      // the whole workspace's reply is never one message held in memory at once; a part ends at a
      // number of files or of diagnostics, so that a part of files with many diagnostics stays small.
      if (resultProgress && (items.length >= partFiles || diagnosticsInPart >= partDiagnostics)) {
        resultProgress.report({ items: items.splice(0) });
        diagnosticsInPart = 0;
        await new Promise((resolve) => setImmediate(resolve));
      }
    }
    if (!token.isCancellationRequested) for (const uri of sent.keys()) if (!seen.has(uri)) sent.delete(uri);
    if (resultProgress && items.length > 0) resultProgress.report({ items: items.splice(0) });
    return { items };
  }
}
