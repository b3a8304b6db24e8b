/**
 * The cap on how many diagnostics one file's report holds. VS Code shows at most 1,000 diagnostics
 * of a file: past that it keeps errors first, then warnings, information and hints, each in the
 * order given, and drops the rest. A 20 MB dataset can hold thousands of flags, and sending the ones
 * the editor drops costs the server most of its time after a keystroke, so the server makes the
 * same choice itself and says what it left out.
 */
import type { Diagnostic } from 'vscode-languageserver-types';
import { diagnosticSource, fileDiagnostics, fileProblemSource, reportDiagnostics, showsTranscriptDiagnostics, type DiagnosticOptions } from './fileDiagnostics.ts';
import { streamedReport, type WorkspaceIndex } from '../workspace/index.ts';

/** What VS Code shows of one file; the default of the `maxDiagnosticsPerFile` setting. */
export const editorDiagnosticsLimit = 1000;

/** The code of the diagnostic that stands for those left out. */
export const limitCode = 'diagnostics.limit';

/** The data of the diagnostic that stands for those left out: how many of them are findings, which the status bar counts. */
export interface LimitData {
  readonly kind: 'limit';
  readonly findings: number;
}

/**
 * At most `max` of `items`: the most severe, each level in the given order, the last of them saying
 * how many were left out. `items` itself when it holds no more than `max`.
 */
export function limitDiagnostics(items: Diagnostic[], max: number): Diagnostic[] {
  if (items.length <= max) return items;
  const room = Math.max(0, Math.floor(max) - 1);
  const counts = [0, 0, 0, 0, 0];
  for (const d of items) counts[d.severity ?? 1]++;
  // The least severe level that is kept, and how many of its diagnostics fit.
  let level = 1;
  let left = room;
  while (level < 4 && counts[level] < left) left -= counts[level++];
  const out: Diagnostic[] = [];
  for (const d of items) {
    const severity = d.severity ?? 1;
    if (severity < level) out.push(d);
    else if (severity === level && left > 0) {
      out.push(d);
      left--;
    }
  }
  const omitted = items.length - out.length;
  let findings = 0;
  for (const d of items) if (d.source === diagnosticSource) findings++;
  for (const d of out) if (d.source === diagnosticSource) findings--;
  out.push(limitNotice(omitted, findings, max));
  return out;
}

/** The diagnostic that stands for `omitted` left out, `findings` of them findings. */
function limitNotice(omitted: number, findings: number, max: number): Diagnostic {
  return {
    range: { start: { line: 0, character: 0 }, end: { line: 0, character: 0 } },
    severity: 3,
    code: limitCode,
    source: fileProblemSource,
    data: { kind: 'limit', findings } satisfies LimitData,
    message: `${omitted.toLocaleString('en')} more ${omitted === 1 ? 'diagnostic is' : 'diagnostics are'} not shown: at most ${max.toLocaleString('en')} are shown per file, the most severe first. \`constitution-lens check\` lists them all.`,
  };
}

/**
 * A file's report as the editor shows it: its diagnostics, at most `max` of them (see
 * {@link limitDiagnostics}). A JSONL file that the index reads again from disk is read line by
 * line, each line's report made and its diagnostics added to the limit, so the file is never whole
 * in memory; the report is the one {@link fileDiagnostics} and the limit give.
 */
export function limitedFileDiagnostics(index: WorkspaceIndex, uri: string, max: number, options: DiagnosticOptions = {}): Diagnostic[] {
  const streamed = index.streamedLines(uri);
  const file = index.get(uri);
  if (!streamed || !file) return limitDiagnostics(fileDiagnostics(index, uri, options), max);
  if (!showsTranscriptDiagnostics(index, uri)) return [];
  const limit = new DiagnosticLimit(max, 3);
  const ruleset = index.ruleset();
  for (const line of streamed) {
    const diagnostics = reportDiagnostics(index, streamedReport(line, ruleset), file.lines, line.start, line.index, options);
    for (const d of diagnostics.problems) limit.add(0, d);
    for (const d of diagnostics.citations) limit.add(1, d);
    for (const d of diagnostics.findings) limit.add(2, d);
  }
  return limit.result();
}

/**
 * {@link limitDiagnostics} for diagnostics that come one at a time, in parts that follow one another
 * (a file's problems, then its citation problems, then its findings, each part added to line by
 * line): it keeps only what the limit may keep, so a file's report is made in the memory of the
 * report, not of all its diagnostics. {@link result} gives what `limitDiagnostics` gives for the
 * parts' diagnostics one after the other.
 */
export class DiagnosticLimit {
  readonly #max: number;
  readonly #room: number;
  /** Per part, per severity, the first diagnostics (with their rank in the part), as many as the limit could keep. */
  readonly #kept: Array<Array<Array<{ readonly rank: number; readonly d: Diagnostic }>>>;
  /** Per part, how many diagnostics it has; per severity, how many there are in all. */
  readonly #sizes: number[];
  readonly #counts = [0, 0, 0, 0, 0];
  /** Per part, the diagnostics in order, while there are no more than the limit. */
  readonly #all: Diagnostic[][];
  #total = 0;
  #findings = 0;

  constructor(max: number, parts: number) {
    this.#max = max;
    this.#room = Math.max(0, Math.floor(max) - 1);
    this.#kept = Array.from({ length: parts }, () => [[], [], [], [], []]);
    this.#sizes = new Array<number>(parts).fill(0);
    this.#all = Array.from({ length: parts }, () => []);
  }

  /** Adds a diagnostic at the end of part `part`. */
  add(part: number, d: Diagnostic): void {
    const severity = d.severity ?? 1;
    this.#total++;
    this.#counts[severity]++;
    if (d.source === diagnosticSource) this.#findings++;
    const kept = this.#kept[part][severity];
    if (kept.length < this.#room) kept.push({ rank: this.#sizes[part], d });
    this.#sizes[part]++;
    if (this.#total <= this.#max) this.#all[part].push(d);
  }

  /** The report: every diagnostic when they are no more than the limit, else the most severe and the notice. */
  result(): Diagnostic[] {
    if (this.#total <= this.#max) return this.#all.flat();
    const counts = this.#counts;
    // The least severe level that is kept, and how many of its diagnostics fit, as limitDiagnostics decides.
    let level = 1;
    let left = this.#room;
    while (level < 4 && counts[level] < left) left -= counts[level++];
    const out: Diagnostic[] = [];
    let findings = this.#findings;
    for (const part of this.#kept) {
      const chosen: Array<{ readonly rank: number; readonly d: Diagnostic }> = [];
      for (let s = 1; s < level; s++) chosen.push(...part[s]);
      const atLevel = part[level].slice(0, left);
      left -= atLevel.length;
      chosen.push(...atLevel);
      chosen.sort((a, b) => a.rank - b.rank);
      for (const { d } of chosen) {
        out.push(d);
        if (d.source === diagnosticSource) findings--;
      }
    }
    out.push(limitNotice(this.#total - out.length, findings, this.#max));
    return out;
  }
}

/**
 * How many findings a file's report stands for, as the status bar counts them: those it holds,
 * and those it left out, which the notice standing for them counts. The editor's diagnostics will
 * do: the language client keeps each one's LSP `data` on it.
 */
export function countFindings(diagnostics: Iterable<{ readonly source?: string; readonly code?: unknown }>): number {
  let count = 0;
  for (const d of diagnostics) {
    if (d.source === diagnosticSource) count++;
    else if (d.code === limitCode) {
      const data = (d as { data?: Partial<LimitData> }).data;
      if (data?.kind === 'limit' && typeof data.findings === 'number') count += data.findings;
    }
  }
  return count;
}
