/**
 * Diagnostics of citations in a transcript (an unknown id, an id that several constitutions share)
 * and of a constitution itself (what its parser, its checks and its compiled detectors report).
 * Each carries in `data` what its quick fixes need.
 */
import { exampleProblems, runExamples, type Ruleset, type RulesetProblem } from '../detectors/index.ts';
import type { Diagnostic, Range } from 'vscode-languageserver-types';
import { checkConstitution } from '../constitution/checkConstitution.ts';
import type { Constitution } from '../constitution/model.ts';
import { detectorCount } from '../packs/apply.ts';
import { problem, type Problem } from '../problem.ts';
import type { LineIndex, Span } from '../text.ts';
import type { Citation } from '../transcript/model.ts';
import type { TurnCitation } from '../workspace/lineReport.ts';
import { resolveCitationIn, type CitationResolution, type ClauseTables } from '../workspace/clauseTables.ts';
import type { WorkspaceIndex } from '../workspace/index.ts';

export const CitationCode = {
  unknown: 'transcript.unknown-citation',
  ambiguous: 'transcript.ambiguous-citation',
} as const;

/** What a citation diagnostic carries for its quick fixes: the range inside `[[...]]` and the replacements to offer. */
export interface CitationFixData {
  readonly kind: 'citation';
  readonly replace: Range;
  readonly replacements: readonly string[];
}

const source = 'constitution-lens';
const lspSeverity = { error: 1, warning: 2, info: 3, hint: 4 } as const;

/** The diagnostics of a transcript's citations that name no clause, or several. */
export function citationDiagnostics(index: WorkspaceIndex, uri: string): Diagnostic[] {
  const file = index.get(uri);
  if (!file || file.kind !== 'transcript') return [];
  const out: Diagnostic[] = [];
  for (const ref of index.citations(uri)) {
    const d = citationDiagnostic(index, (span) => file.lines.rangeOf(span), ref.citation);
    if (d) out.push(d);
  }
  return out;
}

/** The diagnostic of one citation, placed by `rangeOf`, or undefined when it resolves. */
export function citationDiagnostic(index: WorkspaceIndex, rangeOf: (span: Span) => Range, citation: Citation): Diagnostic | undefined {
  const found = citationProblem(index.resolveCitation(citation), citation);
  if (!found) return undefined;
  const replace = rangeOf({ start: citation.span.start + 2, end: citation.span.end - 2 });
  const data: CitationFixData = { kind: 'citation', replace, replacements: found.replacements };
  const p = found.problem;
  return { range: rangeOf(p.span), severity: lspSeverity[p.severity], code: p.code, source, message: p.message, data };
}

/**
 * The problem of a citation that names no clause, or several, with the ids to offer in its place;
 * undefined when it resolves. The editor's diagnostics and `check` both report it.
 */
export function citationProblem(resolution: CitationResolution, citation: Citation): { readonly problem: Problem; readonly replacements: readonly string[] } | undefined {
  if (resolution.kind === 'ok') return undefined;
  const written = citation.constitution !== undefined ? `${citation.constitution}#${citation.id}` : citation.id;
  if (resolution.kind === 'unknown') {
    const hint = resolution.suggestions.length > 0 ? ` Did you mean ${resolution.suggestions.map((s) => `“${s}”`).join(', ')}?` : '';
    const span = citation.idSpan.end > citation.idSpan.start ? citation.idSpan : citation.span;
    return { problem: problem(CitationCode.unknown, `No clause has the id “${written}”.${hint}`, span), replacements: resolution.suggestions };
  }
  const replacements = resolution.candidates.map((c) => `${c.constitution.name}#${c.clause.id}`);
  const message = `“${citation.id}” is a clause of several constitutions; write ${replacements.map((r) => `“${r}”`).join(' or ')}.`;
  return { problem: problem(CitationCode.ambiguous, message, citation.idSpan, 'warning'), replacements };
}

/** The problems of the citations that name no clause of `tables`, or several, in their order. */
export function citationProblems(citations: readonly TurnCitation[], tables: ClauseTables): Problem[] {
  const out: Problem[] = [];
  for (const { citation } of citations) {
    const found = citationProblem(resolveCitationIn(tables, citation), citation);
    if (found) out.push(found.problem);
  }
  return out;
}

/** A constitution's parse problems, its own checks, and the problems of its compiled detectors. */
export function constitutionDiagnostics(index: WorkspaceIndex, uri: string): Diagnostic[] {
  const file = index.get(uri);
  const constitution = file?.constitution;
  if (!file || !constitution) return [];
  const problems: Problem[] = [...constitution.problems];
  try {
    problems.push(...checkConstitution(constitution));
  } catch (error) {
    problems.push({ code: 'internal.check', message: `The constitution could not be checked: ${(error as Error).message}`, span: { start: 0, end: 0 }, severity: 'error' });
  }
  const loaded = index.constitutions().find((c) => c.uri === uri);
  if (loaded) {
    const notice = noDetectorsProblem(loaded.constitution);
    if (notice) problems.push(notice);
    const ruleset = index.ruleset();
    for (const p of ruleset.problems) if (p.uri === uri) problems.push(p.problem);
    for (const p of index.exampleFailures()) if (p.uri === uri) problems.push(p.problem);
  }
  return distinctDiagnostics(problems, file.lines);
}

/** The problems as diagnostics, each once: a problem found again (by the parser and the ruleset, say) is shown once. */
function distinctDiagnostics(problems: readonly Problem[], lines: LineIndex): Diagnostic[] {
  const seen = new Set<string>();
  const out: Diagnostic[] = [];
  for (const p of problems) {
    const key = `${p.code}\u0000${p.span.start}\u0000${p.span.end}\u0000${p.message}`;
    if (seen.has(key)) continue;
    seen.add(key);
    out.push({ range: lines.rangeOf(p.span), severity: lspSeverity[p.severity], code: p.code, source, message: p.message });
  }
  return out;
}

/** The stable code of the notice on a constitution that carries no detectors, neither its own nor a pack's. */
export const noDetectorsCode = 'constitution.no-detectors';

/** One notice, at the constitution's first heading, when no detector at all is attached to it. */
export function noDetectorsProblem(constitution: Constitution): Problem | undefined {
  if (constitution.clauses.length === 0 || detectorCount(constitution) > 0) return undefined;
  return {
    code: noDetectorsCode,
    message: `No detectors are attached to "${constitution.title}", so transcripts are not checked against it. A rule pack (*.rules.yaml) can attach detectors to its clauses; the quick fix creates one from the starter's.`,
    span: constitution.clauses[0].titleSpan,
    severity: 'info',
  };
}

/** A rule pack's problems: its own, its detectors', and its failing examples. */
export function packDiagnostics(index: WorkspaceIndex, uri: string): Diagnostic[] {
  const file = index.get(uri);
  if (!file || file.kind !== 'pack') return [];
  const ruleset = index.ruleset();
  const problems: Problem[] = index.packProblems(uri).map((p) => p.problem);
  for (const p of ruleset.problems) if (p.uri === uri) problems.push(p.problem);
  for (const p of index.exampleFailures()) if (p.uri === uri) problems.push(p.problem);
  return distinctDiagnostics(problems, file.lines);
}

/** The detectors' examples run as tests; failures are problems at the example. The index keeps them per ruleset. */
export function exampleFailures(ruleset: Ruleset): readonly RulesetProblem[] {
  return exampleProblems(runExamples(ruleset));
}
