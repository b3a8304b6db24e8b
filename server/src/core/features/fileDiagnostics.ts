/**
 * All diagnostics of one file, as LSP data: for a transcript, its parse problems, its citation
 * problems and the detectors' findings (reviewed ones hidden, severities overridden by settings);
 * for a constitution, its own checks.
 */
import type { Diagnostic, DiagnosticRelatedInformation } from 'vscode-languageserver-types';
import type { Finding } from '../detectors/types.ts';
import type { Problem, Severity } from '../problem.ts';
import type { LineIndex } from '../text.ts';
import type { WorkspaceIndex } from '../workspace/index.ts';
import { citationDiagnostics, constitutionDiagnostics } from './citations.ts';

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

export function fileDiagnostics(index: WorkspaceIndex, uri: string, options: DiagnosticOptions = {}): Diagnostic[] {
  const file = index.get(uri);
  if (!file) return [];
  if (file.kind === 'constitution') return constitutionDiagnostics(index, uri).map(asFileProblem);
  // A workspace holds JSON files of every kind (package.json, settings); one that holds no
  // conversation is not a transcript and gets no complaint, unless its name says it is one.
  if (file.transcript?.format === 'unknown' && !/\.(transcript|prompt)\.[^/]*$|\.prompty$/i.test(uri)) return [];
  const out = problemDiagnostics(file.transcript?.problems ?? [], file.lines);
  out.push(...citationDiagnostics(index, uri).map(asFileProblem));
  out.push(...findingDiagnostics(index, index.findings(uri), file.lines, options));
  return out;
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
