/**
 * The cap on how many diagnostics one file's report holds. VS Code shows at most 1,000 diagnostics
 * of a file: past that it keeps errors first, then warnings, information and hints, each in the
 * order given, and drops the rest. A 20 MB dataset can hold thousands of flags, and sending the ones
 * the editor drops costs the server most of its time after a keystroke, so the server makes the
 * same choice itself and says what it left out.
 */
import type { Diagnostic } from 'vscode-languageserver-types';
import { diagnosticSource, fileProblemSource } from './fileDiagnostics.ts';

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
  out.push({
    range: { start: { line: 0, character: 0 }, end: { line: 0, character: 0 } },
    severity: 3,
    code: limitCode,
    source: fileProblemSource,
    data: { kind: 'limit', findings } satisfies LimitData,
    message: `${omitted.toLocaleString('en')} more ${omitted === 1 ? 'diagnostic is' : 'diagnostics are'} not shown: at most ${max.toLocaleString('en')} are shown per file, the most severe first. \`constitution-lens check\` lists them all.`,
  });
  return out;
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
