/**
 * "Show Agreement": the detectors measured against the labels of every transcript in the workspace,
 * per clause and per rule, with each disagreement and each unmatched label placed in its file, so the
 * panel can link to the turn.
 */
import type { Range } from 'vscode-languageserver-types';
import { measureAgreement, type AgreementRow, type JudgeVerdict } from '../labels/measureAgreement.ts';
import { detectorVerdicts, fileLabels, knownClauses } from '../labels/gather.ts';
import { LabelSource, type Label } from '../labels/labels.ts';
import { isJsonlFileName } from '../transcript/parse.ts';
import { baseName, streamedReport, type IndexedFile, type WorkspaceIndex } from '../workspace/index.ts';
import type { StreamedLine } from '../workspace/lineReport.ts';
import type { Finding } from '../detectors/types.ts';
import type { JsonlLines } from '../workspace/jsonlLines.ts';
import type { Ruleset } from '../detectors/index.ts';
import type { Span } from '../text.ts';
import type { Conversation } from '../transcript/model.ts';

/** A labelled turn, placed: the file and the range of the label's note, or of the turn for a record's label. */
export interface PlacedLabel {
  readonly uri: string;
  readonly range: Range;
  readonly conversation: number;
  readonly side?: 'chosen' | 'rejected';
  readonly turn: number;
  readonly verdict: Label['verdict'];
  readonly clause?: string;
  readonly rule?: string;
  readonly reason: string;
}

export interface WorkspaceAgreement {
  readonly constitutions: ReadonlyArray<{ readonly uri: string; readonly name: string }>;
  readonly labels: number;
  readonly files: number;
  readonly clauses: readonly AgreementRow[];
  readonly rules: readonly AgreementRow[];
  readonly disagreements: ReadonlyArray<{ readonly constitution: string | null; readonly clause: string | null; readonly flagged: boolean; readonly label: PlacedLabel }>;
  readonly unmatched: ReadonlyArray<{ readonly reason: string; readonly label: PlacedLabel }>;
  readonly pairs?: { readonly pairs: number; readonly rejectedMore: number; readonly chosenMore: number; readonly equal: number };
}

const mayHoldLabels = /violates|complies|reviewed|"label"|"chosen"/i;

export function workspaceAgreement(index: WorkspaceIndex): WorkspaceAgreement {
  const ruleset = index.ruleset();
  const loaded = index.constitutions();
  const labels: Label[] = [];
  const verdicts: JudgeVerdict[] = [];
  const pairs: Array<{ file: string; conversation: number }> = [];
  const places = new Map<string, (label: Label) => PlacedLabel>();
  let files = 0;
  for (const file of index.files()) {
    // A file that cannot hold a label (no label or review note, no label field, no preference pair)
    // adds nothing to the measure, so it is neither parsed whole nor checked here.
    if (file.kind !== 'transcript') continue;
    const streamed = index.streamedLines(file.uri);
    if (!(streamed ? someLine(streamed, (l) => mayHoldLabels.test(l.text)) : mayHoldLabels.test(file.text)) || !index.holdsTranscript(file.uri)) continue;
    const jsonl = streamed ? undefined : index.jsonlLines(file.uri);
    const gathered = streamed
      ? jsonlAgreement(file.uri, streamedLines(index.streamedLines(file.uri) ?? [], ruleset))
      : jsonl
        ? jsonlAgreement(file.uri, modelLines(jsonl, ruleset))
        : wholeFileAgreement(index, file);
    if (gathered.labels.length > 0) files++;
    labels.push(...gathered.labels);
    verdicts.push(...gathered.verdicts);
    pairs.push(...gathered.pairs);
    places.set(file.uri, (label) => ({
      uri: file.uri,
      range: file.lines.rangeOf(gathered.spanOf(label)),
      conversation: label.conversation,
      ...(label.side ? { side: label.side } : {}),
      turn: label.turn,
      verdict: label.verdict,
      ...(label.clause ? { clause: label.clause } : {}),
      ...(label.rule ? { rule: label.rule } : {}),
      reason: label.reason,
    }));
  }
  const clauses = knownClauses(loaded, ruleset);
  const measured = measureAgreement({ labels, verdicts, clauses, ...(pairs.length > 0 ? { pairs } : {}) });
  const place = (label: Label) => places.get(label.file ?? '')!(label);
  return {
    constitutions: loaded.map((l) => ({ uri: l.uri, name: l.constitution.name })),
    labels: labels.length,
    files,
    clauses: measured.clauses,
    rules: measured.rules,
    disagreements: measured.disagreements.map((d) => ({ constitution: d.constitution, clause: d.clause, flagged: d.flagged, label: place(d.label) })),
    unmatched: measured.unmatched.map((u) => ({ reason: u.reason, label: place(u.label) })),
    ...(measured.pairs ? { pairs: measured.pairs } : {}),
  };
}

/** What one file adds to the measure: its labels, the detectors' verdicts, its preference pairs, and where a label is. */
interface FileAgreement {
  readonly labels: Label[];
  readonly verdicts: JudgeVerdict[];
  readonly pairs: Array<{ file: string; conversation: number }>;
  /** The span a label is shown at: its note, or its turn (its conversation) for a record's label. */
  readonly spanOf: (label: Label) => Span;
}

/** A transcript read whole. */
function wholeFileAgreement(index: WorkspaceIndex, file: IndexedFile): FileAgreement {
  const conversations = file.transcript?.conversations ?? [];
  const pairs: FileAgreement['pairs'] = [];
  for (const c of conversations) if (c.side === 'rejected') pairs.push({ file: file.uri, conversation: c.index });
  return {
    labels: fileLabels(file.uri, file.text, isJsonlFileName(baseName(file.uri)), conversations),
    verdicts: detectorVerdicts(file.uri, conversations, index.findings(file.uri)),
    pairs,
    spanOf: (label) => labelSpan(label, conversations.find((c) => c.index === label.conversation && c.side === label.side)),
  };
}

/**
 * A JSONL transcript, one line at a time: each line's labels, verdicts and pairs come from the
 * line alone (its report, counted from its start) and are placed at the line; the labels of notes
 * come first and those of records after, as a whole file's reading gives them.
 */
function jsonlAgreement(uri: string, lines: Iterable<AgreementLine>): FileAgreement {
  const notes: Label[] = [];
  const records: Label[] = [];
  const verdicts: JudgeVerdict[] = [];
  const pairs: FileAgreement['pairs'] = [];
  for (const line of lines) {
    const { conversations, start, index, text } = line;
    if (conversations.length === 0) continue;
    const own = fileLabels(uri, text, true, conversations);
    for (const l of own) {
      // A record's label carries the place it is shown at (its turn), which the line alone knows.
      const span = labelSpan(l, conversations.find((c) => c.side === l.side));
      (l.source === LabelSource.record ? records : notes).push({ ...l, conversation: index, span: { start: span.start + start, end: span.end + start } });
    }
    for (const v of detectorVerdicts(uri, conversations, line.findings())) verdicts.push({ ...v, conversation: index });
    for (const c of conversations) if (c.side === 'rejected') pairs.push({ file: uri, conversation: index });
  }
  return { labels: notes.concat(records), verdicts, pairs, spanOf: (label) => label.span ?? { start: 0, end: 0 } };
}

/** A JSONL line as the agreement reads it: its text, place and conversations (line-relative), and its findings. */
interface AgreementLine {
  readonly text: string;
  readonly start: number;
  readonly index: number;
  readonly conversations: readonly Conversation[];
  findings(): readonly Finding[];
}

/** The lines of a JSONL model the index keeps, with the reports it keeps. */
function* modelLines(jsonl: JsonlLines, ruleset: Ruleset): Generator<AgreementLine> {
  for (const view of jsonl.views()) {
    let text = jsonl.content.line(view.row);
    if (text.endsWith('\r')) text = text.slice(0, -1);
    yield { text, start: view.start, index: view.index, conversations: view.line.conversations, findings: () => jsonl.report(view, ruleset).findings };
  }
}

/** The lines of a JSONL file read again from disk, each reported as it is read. */
function* streamedLines(lines: Iterable<StreamedLine>, ruleset: Ruleset): Generator<AgreementLine> {
  for (const line of lines) {
    const report = streamedReport(line, ruleset);
    yield { text: line.text, start: line.start, index: line.index, conversations: report.conversations, findings: () => report.findings };
  }
}

function someLine(lines: Iterable<StreamedLine>, test: (line: StreamedLine) => boolean): boolean {
  for (const line of lines) if (test(line)) return true;
  return false;
}

/** Where a label is shown: its own span, else its turn's, else its conversation's. */
function labelSpan(label: Label, conversation: Conversation | undefined): Span {
  return label.span ?? conversation?.turns[label.turn]?.span ?? conversation?.span ?? { start: 0, end: 0 };
}
