/**
 * All diagnostics of one file, as LSP data: for a transcript, its parse problems, its citation
 * problems and the detectors' findings (reviewed ones hidden, severities overridden by settings);
 * for a constitution, its own checks.
 */
import type { Diagnostic, DiagnosticRelatedInformation } from 'vscode-languageserver-types';
import type { Finding, LoadedConstitution, Ruleset } from '../detectors/types.ts';
import type { Problem, Severity } from '../problem.ts';
import type { LineIndex } from '../text.ts';
import type { WorkspaceIndex } from '../workspace/index.ts';
import type { JsonlLines } from '../workspace/jsonlLines.ts';
import { citationDiagnostic, citationDiagnostics, constitutionDiagnostics } from './citations.ts';

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

/** A file's diagnostics as far as they were worked out. */
export interface DiagnosticsSoFar {
  readonly diagnostics: Diagnostic[];
  /** False when a time limit stopped the work before the end of the file. */
  readonly complete: boolean;
}

export function fileDiagnostics(index: WorkspaceIndex, uri: string, options: DiagnosticOptions = {}): Diagnostic[] {
  return fileDiagnosticsUntil(index, uri, Infinity, options).diagnostics;
}

/**
 * A file's diagnostics, worked out until `deadline` (a `performance.now()` time). Only a JSONL
 * transcript stops early: its lines are read in file order, so what comes back is every diagnostic
 * of the lines before the place where time ran out. Each call works out at least one more line, and
 * what it worked out is kept with the lines, so calls made one after the other get to the end.
 */
export function fileDiagnosticsUntil(index: WorkspaceIndex, uri: string, deadline: number, options: DiagnosticOptions = {}): DiagnosticsSoFar {
  const file = index.get(uri);
  if (!file) return { diagnostics: [], complete: true };
  if (file.kind === 'constitution') return { diagnostics: constitutionDiagnostics(index, uri).map(asFileProblem), complete: true };
  // A workspace holds JSON files of every kind (package.json, settings); one that holds no
  // conversation is not a transcript and gets no complaint, unless its name says it is one. The
  // index answers both from a JSONL file's lines, without building the whole transcript.
  if (!index.holdsTranscript(uri) && !/\.(transcript|prompt)\.[^/]*$|\.prompty$/i.test(uri)) return { diagnostics: [], complete: true };
  const jsonl = index.jsonlLines(uri);
  if (jsonl) return jsonlDiagnostics(index, uri, jsonl, file.lines, options, deadline);
  const out = problemDiagnostics(index.transcriptProblems(uri), file.lines);
  out.push(...citationDiagnostics(index, uri).map(asFileProblem));
  out.push(...findingDiagnostics(index, index.findings(uri), file.lines, options));
  return { diagnostics: out, complete: true };
}

/** One JSONL line's diagnostics, worked out for one ruleset, set of constitutions and settings. */
interface LineDiagnostics {
  readonly ruleset: Ruleset;
  readonly constitutions: readonly LoadedConstitution[];
  readonly overrides: DiagnosticOptions['severityOverrides'];
  /** The line (as LSP counts lines) the line started on when its diagnostics were made. */
  readonly line: number;
  /** The line's rank among non-blank lines then, which findings carry as their conversation. */
  readonly index: number;
  readonly problems: readonly Diagnostic[];
  readonly citations: readonly Diagnostic[];
  readonly findings: readonly Diagnostic[];
}

const lineDiagnosticsKey = { name: 'line diagnostics' };

/**
 * A JSONL transcript's diagnostics, kept per line in the line's memo. A line's text does not change
 * while its memo lives, so when only the lines before it grew or shrank its diagnostics are the same
 * but for their line numbers: a keystroke makes the edited line's diagnostics and moves the others.
 * Lines are parsed and checked as they are reached; once `deadline` has passed, the walk goes on
 * through lines already worked out and stops at the first that is not.
 */
function jsonlDiagnostics(index: WorkspaceIndex, uri: string, jsonl: JsonlLines, lines: LineIndex, options: DiagnosticOptions, deadline: number): DiagnosticsSoFar {
  const ruleset = index.ruleset();
  const constitutions = index.constitutions();
  const overrides = options.severityOverrides;
  const problems: Diagnostic[] = [];
  const citations: Diagnostic[] = [];
  const findings: Diagnostic[] = [];
  let complete = true;
  let late = false;
  const made = jsonl.viewsMade;
  for (let k = 0; ; k++) {
    const view = k < made.length ? made[k] : jsonl.viewAt(k);
    if (!view) break;
    const memo = view.memo.get(lineDiagnosticsKey) as LineDiagnostics | undefined;
    // What the memo holds is current when it was made for this ruleset, these constitutions and settings.
    let kept = memo && memo.ruleset === ruleset && memo.constitutions === constitutions && memo.overrides === overrides ? memo : undefined;
    if (kept && kept.problems.length + kept.citations.length + kept.findings.length === 0) continue;
    if (!kept && late) {
      complete = false;
      break;
    }
    const line = lines.positionAt(view.start).line;
    if (!kept) {
      const cited: Diagnostic[] = [];
      for (const ref of jsonl.lineCitations(view, uri)) {
        const d = citationDiagnostic(index, lines, ref.citation);
        if (d) cited.push({ ...d, source: fileProblemSource });
      }
      kept = {
        ruleset,
        constitutions,
        overrides,
        line,
        index: view.index,
        problems: problemDiagnostics(jsonl.lineProblems(view), lines),
        citations: cited,
        findings: findingDiagnostics(index, jsonl.lineFindings(view, ruleset), lines, options),
      };
      view.memo.set(lineDiagnosticsKey, kept);
      late = performance.now() > deadline;
    } else if (kept.line !== line || kept.index !== view.index) {
      const by = line - kept.line;
      const at = view.index;
      kept = {
        ...kept,
        line,
        index: at,
        problems: kept.problems.map((d) => moveDown(d, by, at)),
        citations: kept.citations.map((d) => moveDown(d, by, at)),
        findings: kept.findings.map((d) => moveDown(d, by, at)),
      };
      view.memo.set(lineDiagnosticsKey, kept);
    }
    for (const d of kept.problems) problems.push(d);
    for (const d of kept.citations) citations.push(d);
    for (const d of kept.findings) findings.push(d);
  }
  for (const d of citations) problems.push(d);
  for (const d of findings) problems.push(d);
  return { diagnostics: problems, complete };
}

/**
 * A diagnostic `by` lines further down, with what its data holds of the line's place: the range of a
 * citation's fix, the conversation of a finding.
 */
function moveDown(d: Diagnostic, by: number, conversation: number): Diagnostic {
  const range = by === 0 ? d.range : { start: { line: d.range.start.line + by, character: d.range.start.character }, end: { line: d.range.end.line + by, character: d.range.end.character } };
  const data = d.data as { kind?: string; replace?: Diagnostic['range'] } | undefined;
  if (data?.kind === 'finding') return { ...d, range, data: { ...(data as FindingData), conversation } };
  if (data?.kind === 'citation' && data.replace) {
    const r = data.replace;
    return { ...d, range, data: { ...data, replace: { start: { line: r.start.line + by, character: r.start.character }, end: { line: r.end.line + by, character: r.end.character } } } };
  }
  return { ...d, range };
}

export function problemDiagnostics(problems: readonly Problem[], lines: LineIndex): Diagnostic[] {
  return problems.map((p) => ({
    range: lines.rangeOf(p.span),
    severity: lspSeverity[p.severity],
    code: p.code,
    source: fileProblemSource,
    message: p.message,
  }));
}

function asFileProblem(d: Diagnostic): Diagnostic {
  return { ...d, source: fileProblemSource };
}

export function findingDiagnostics(
  index: WorkspaceIndex,
  findings: readonly Finding[],
  lines: LineIndex,
  options: DiagnosticOptions = {},
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
      conversation: f.conversation,
      turn: f.turn,
    };
    out.push({
      range: lines.rangeOf(f.span),
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
