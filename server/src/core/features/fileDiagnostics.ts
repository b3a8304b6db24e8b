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
import type { JsonlLineView } from '../transcript/jsonl.ts';
import { citationDiagnostic, citationDiagnostics, constitutionDiagnostics, packDiagnostics } from './citations.ts';

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
  if (file.kind === 'pack') return { diagnostics: packDiagnostics(index, uri).map(asFileProblem), complete: true };
  // A workspace holds JSON files of every kind (package.json, settings); one that holds no
  // conversation is not a transcript and gets no complaint, unless its name says it is one (a binary
  // `.transcript` must not pass for a clean file). The index answers both from a JSONL file's
  // lines, without building the whole transcript.
  if (!index.holdsTranscript(uri) && !/\.transcript(\.[^/]*)?$|\.prompt\.[^/]*$|\.prompty$/i.test(uri)) return { diagnostics: [], complete: true };
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
 * A JSONL transcript's diagnostics as a walk last assembled them, for one ruleset, set of
 * constitutions and settings: the three lists (problems, citation problems, findings) in line order,
 * and where each line's part of each list starts, so that a keystroke replaces one line's part.
 */
interface Assembled {
  readonly ruleset: Ruleset;
  readonly constitutions: readonly LoadedConstitution[];
  readonly overrides: DiagnosticOptions['severityOverrides'];
  /** The revision of the text the lists are for. */
  revision: number;
  readonly lists: readonly [Diagnostic[], Diagnostic[], Diagnostic[]];
  /** Per list, where the part of the `k`-th line starts; once complete, one more entry ends the last part. */
  readonly starts: readonly [number[], number[], number[]];
  /**
   * The first line the walk has not assembled, where a deadline stopped it; undefined once it got
   * to the end of the file. The next walk of the same revision goes on from there.
   */
  next: number | undefined;
}

const assembledByFile = new WeakMap<JsonlLines, Assembled>();

/**
 * A JSONL transcript's diagnostics, kept per line in the line's memo. A line's text does not change
 * while its memo lives, so when only the lines before it grew or shrank its diagnostics are the same
 * but for their line numbers: a keystroke makes the edited line's diagnostics and moves the others.
 * When the edit moved no line, the lists assembled last time are kept and only the edited lines'
 * parts are replaced. Otherwise lines are parsed and checked as the walk reaches them; once
 * `deadline` has passed, the walk goes on through lines already worked out and stops at the first
 * that is not, and the next walk of the same text goes on from there rather than from the top.
 */
function jsonlDiagnostics(index: WorkspaceIndex, uri: string, jsonl: JsonlLines, lines: LineIndex, options: DiagnosticOptions, deadline: number): DiagnosticsSoFar {
  const ruleset = index.ruleset();
  const constitutions = index.constitutions();
  const overrides = options.severityOverrides;
  const last = assembledByFile.get(jsonl);
  const current = last && last.ruleset === ruleset && last.constitutions === constitutions && last.overrides === overrides ? last : undefined;
  if (current && current.next === undefined) {
    const replaced = jsonl.viewsReplacedSince(current.revision);
    if (replaced) {
      for (const k of new Set(replaced)) {
        const view = jsonl.viewAt(k)!;
        const kept = lineDiagnostics(index, uri, jsonl, lines, view, ruleset, constitutions, options);
        view.memo.set(lineDiagnosticsKey, kept);
        replacePart(current, 0, k, kept.problems);
        replacePart(current, 1, k, kept.citations);
        replacePart(current, 2, k, kept.findings);
      }
      current.revision = jsonl.revision;
      return { diagnostics: current.lists[0].concat(current.lists[1], current.lists[2]), complete: true };
    }
  }
  const revision = jsonl.revision;
  // A walk of this text that a deadline stopped is taken up where it stopped.
  const resumed = current && current.next !== undefined && current.revision === revision ? current : undefined;
  const assembled: Assembled = resumed ?? { ruleset, constitutions, overrides, revision, lists: [[], [], []], starts: [[], [], []], next: 0 };
  const { lists, starts } = assembled;
  const [problems, citations, findings] = lists;
  let complete = true;
  let late = false;
  let k = assembled.next ?? 0;
  for (; ; k++) {
    const view = jsonl.viewAt(k);
    if (!view) break;
    const memo = view.memo.get(lineDiagnosticsKey) as LineDiagnostics | undefined;
    // What the memo holds is current when it was made for this ruleset, these constitutions and settings.
    let kept = memo && memo.ruleset === ruleset && memo.constitutions === constitutions && memo.overrides === overrides ? memo : undefined;
    if (!kept && late) {
      complete = false;
      break;
    }
    starts[0].push(problems.length);
    starts[1].push(citations.length);
    starts[2].push(findings.length);
    if (kept && kept.problems.length + kept.citations.length + kept.findings.length === 0) continue;
    if (!kept) {
      kept = lineDiagnostics(index, uri, jsonl, lines, view, ruleset, constitutions, options);
      view.memo.set(lineDiagnosticsKey, kept);
      late = performance.now() > deadline;
    } else {
      const line = lines.positionAt(view.start).line;
      if (kept.line !== line || kept.index !== view.index) {
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
    }
    for (const d of kept.problems) problems.push(d);
    for (const d of kept.citations) citations.push(d);
    for (const d of kept.findings) findings.push(d);
  }
  if (complete) {
    starts[0].push(problems.length);
    starts[1].push(citations.length);
    starts[2].push(findings.length);
  }
  assembled.next = complete ? undefined : k;
  assembledByFile.set(jsonl, assembled);
  return { diagnostics: problems.concat(citations, findings), complete };
}

/** One JSONL line's diagnostics, worked out afresh. */
function lineDiagnostics(
  index: WorkspaceIndex,
  uri: string,
  jsonl: JsonlLines,
  lines: LineIndex,
  view: JsonlLineView,
  ruleset: Ruleset,
  constitutions: readonly LoadedConstitution[],
  options: DiagnosticOptions,
): LineDiagnostics {
  const cited: Diagnostic[] = [];
  for (const ref of jsonl.lineCitations(view, uri)) {
    const d = citationDiagnostic(index, lines, ref.citation);
    if (d) cited.push({ ...d, source: fileProblemSource });
  }
  return {
    ruleset,
    constitutions,
    overrides: options.severityOverrides,
    line: lines.positionAt(view.start).line,
    index: view.index,
    problems: problemDiagnostics(jsonl.lineProblems(view), lines),
    citations: cited,
    findings: findingDiagnostics(index, jsonl.lineFindings(view, ruleset), lines, options),
  };
}

/** Replaces the `k`-th line's part of list `which` by `items`, moving the parts after it. */
function replacePart(assembled: Assembled, which: 0 | 1 | 2, k: number, items: readonly Diagnostic[]): void {
  const list = assembled.lists[which];
  const starts = assembled.starts[which];
  const from = starts[k];
  const count = starts[k + 1] - from;
  if (count === 0 && items.length === 0) return;
  list.splice(from, count, ...items);
  const by = items.length - count;
  if (by !== 0) for (let j = k + 1; j < starts.length; j++) starts[j] += by;
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
