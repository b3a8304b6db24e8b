/**
 * All diagnostics of one file, as LSP data: for a transcript, its parse problems, its citation
 * problems and the detectors' findings (reviewed ones hidden, severities overridden by settings);
 * for a constitution, its own checks.
 */
import type { Diagnostic, DiagnosticRelatedInformation, Range } from 'vscode-languageserver-types';
import type { Finding } from '../detectors/types.ts';
import type { Problem, Severity } from '../problem.ts';
import type { LineIndex, Span } from '../text.ts';
import type { LineReport } from '../workspace/lineReport.ts';
import type { WorkspaceIndex } from '../workspace/index.ts';
import type { JsonlLines } from '../workspace/jsonlLines.ts';
import type { JsonlLineView } from '../transcript/jsonl.ts';
import { citationDiagnostic, constitutionDiagnostics, packDiagnostics } from './citations.ts';

/** The source of findings, the flags that the status bar counts. */
export const diagnosticSource = 'constitution-lens';
/** The source of problems with the files themselves: syntax, citations, constitution checks. */
export const fileProblemSource = 'constitution-lens/file';

export interface DiagnosticOptions {
  readonly severityOverrides?: Readonly<Record<string, Severity | 'off'>>;
}

const lspSeverity = { error: 1, warning: 2, info: 3, hint: 4 } as const;

/** Data carried on a finding's diagnostic, for code actions and the client. */
export interface FindingData {
  readonly kind: 'finding';
  readonly principle: string;
  readonly constitutionUri: string;
  readonly rule: string;
  readonly conversation: number;
  readonly turn: number;
}

/**
 * Every diagnostic of a file. A JSONL transcript's come line by line, from each line's report
 * (see {@link jsonlLineDiagnostics}): every line's problems, then every line's citation problems,
 * then every line's findings. The server's glue keeps what it assembled from them and works out
 * only what an edit changed; this function keeps nothing.
 */
export function fileDiagnostics(index: WorkspaceIndex, uri: string, options: DiagnosticOptions = {}): Diagnostic[] {
  const file = index.get(uri);
  if (!file) return [];
  if (file.kind === 'constitution') return constitutionDiagnostics(index, uri).map(asFileProblem);
  if (file.kind === 'pack') return packDiagnostics(index, uri).map(asFileProblem);
  if (!showsTranscriptDiagnostics(index, uri)) return [];
  const jsonl = index.jsonlLines(uri);
  if (jsonl) {
    const parts: [Diagnostic[], Diagnostic[], Diagnostic[]] = [[], [], []];
    for (const view of jsonl.views()) {
      const line = jsonlLineDiagnostics(index, uri, jsonl, view, options);
      for (const d of line.problems) parts[0].push(d);
      for (const d of line.citations) parts[1].push(d);
      for (const d of line.findings) parts[2].push(d);
    }
    return parts[0].concat(parts[1], parts[2]);
  }
  const rangeOf = (span: Span) => file.lines.rangeOf(span);
  const out = problemDiagnostics(index.transcriptProblems(uri), rangeOf);
  for (const ref of index.citations(uri)) {
    const d = citationDiagnostic(index, rangeOf, ref.citation);
    if (d) out.push(asFileProblem(d));
  }
  out.push(...findingDiagnostics(index, index.findings(uri), rangeOf, options));
  return out;
}

/**
 * Whether a transcript file gets diagnostics. A workspace holds JSON files of every kind
 * (package.json, settings); one that holds no conversation is not a transcript and gets no
 * complaint, unless its name says it is one (a binary `.transcript` must not pass for a clean file).
 * The index answers from a JSONL file's lines, without building the whole transcript.
 */
export function showsTranscriptDiagnostics(index: WorkspaceIndex, uri: string): boolean {
  return index.holdsTranscript(uri) || /\.transcript(\.[^/]*)?$|\.prompt\.[^/]*$|\.prompty$/i.test(uri);
}

/** One JSONL line's diagnostics, in the three parts a file's diagnostics are made of. */
export interface LineDiagnostics {
  readonly problems: readonly Diagnostic[];
  readonly citations: readonly Diagnostic[];
  readonly findings: readonly Diagnostic[];
}

const noDiagnostics: LineDiagnostics = { problems: [], citations: [], findings: [] };

/**
 * One JSONL line's diagnostics, placed where the line is now: its report (see `lineReport`) is
 * line-relative, and this is the editor's one place that puts it where the line starts and gives
 * its findings the line's rank as their conversation.
 */
export function jsonlLineDiagnostics(index: WorkspaceIndex, uri: string, jsonl: JsonlLines, view: JsonlLineView, options: DiagnosticOptions = {}): LineDiagnostics {
  return reportDiagnostics(index, jsonl.report(view, index.ruleset()), jsonl.lines, view.start, view.index, options);
}

/**
 * The diagnostics of a JSONL line's report (see `lineReport`), placed at a line that starts at
 * offset `start` of a text with these `lines`, and is record `record` of its file. A lone `\r`
 * inside a JSONL line ends an editor's line, so a span's place is found in the line index rather
 * than counted from the row the JSONL line starts on.
 */
export function reportDiagnostics(index: WorkspaceIndex, report: LineReport, lines: LineIndex, start: number, record: number, options: DiagnosticOptions = {}): LineDiagnostics {
  if (report.problems.length === 0 && report.citations.length === 0 && report.findings.length === 0) return noDiagnostics;
  const rangeOf = (span: Span): Range => lines.rangeOf({ start: span.start + start, end: span.end + start });
  const citations: Diagnostic[] = [];
  for (const c of report.citations) {
    const d = citationDiagnostic(index, rangeOf, c.citation);
    if (d) citations.push(asFileProblem(d));
  }
  return {
    problems: problemDiagnostics(report.problems, rangeOf),
    citations,
    findings: findingDiagnostics(index, report.findings, rangeOf, options, record),
  };
}

/** Where a span is in the editor's lines. */
export type RangeOf = (span: Span) => Range;

export function problemDiagnostics(problems: readonly Problem[], rangeOf: RangeOf): Diagnostic[] {
  return problems.map((p) => ({
    range: rangeOf(p.span),
    severity: lspSeverity[p.severity],
    code: p.code,
    source: fileProblemSource,
    message: p.message,
  }));
}

function asFileProblem(d: Diagnostic): Diagnostic {
  return { ...d, source: fileProblemSource };
}

/**
 * The diagnostics of findings that are not marked as reviewed, their severities as the settings say.
 * `conversation`, when given, is the conversation of every finding (a JSONL line's rank, for a
 * line's findings counted from the line).
 */
export function findingDiagnostics(
  index: WorkspaceIndex,
  findings: readonly Finding[],
  rangeOf: RangeOf,
  options: DiagnosticOptions = {},
  conversation?: number,
): Diagnostic[] {
  const out: Diagnostic[] = [];
  for (const f of findings) {
    if (f.reviewed) continue;
    const override = options.severityOverrides?.[f.rule];
    if (override === 'off') continue;
    const data: FindingData = {
      kind: 'finding',
      principle: f.principle,
      constitutionUri: f.constitutionUri,
      rule: f.rule,
      conversation: conversation ?? f.conversation,
      turn: f.turn,
    };
    out.push({
      range: rangeOf(f.span),
      severity: lspSeverity[override ?? f.severity],
      code: f.code,
      source: diagnosticSource,
      message: f.message,
      relatedInformation: clauseLocation(index, f),
      data,
    });
  }
  return out;
}

function clauseLocation(index: WorkspaceIndex, f: Finding): DiagnosticRelatedInformation[] | undefined {
  const file = index.get(f.constitutionUri);
  const clause = file?.constitution?.clauses.find((c) => c.id === f.principle);
  if (!file || !clause) return undefined;
  return [
    {
      location: { uri: f.constitutionUri, range: file.lines.rangeOf(clause.headingSpan) },
      message: `Principle “${clause.title}” (${f.constitution}#${clause.id})`,
    },
  ];
}
