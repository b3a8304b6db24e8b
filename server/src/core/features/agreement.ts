/**
 * "Show Agreement": the detectors measured against the labels of every transcript in the workspace,
 * per clause and per rule, with each disagreement and each unmatched label placed in its file, so the
 * panel can link to the turn.
 */
import type { Range } from 'vscode-languageserver-types';
import { AgreementTally, pairAgreement, type AgreementRow, type JudgeVerdict, type PairAgreement } from '../labels/measureAgreement.ts';
import { detectorVerdicts, fileLabels, knownClauses } from '../labels/gather.ts';
import { LabelSource, type Label } from '../labels/labels.ts';
import { isJsonlFileName } from '../transcript/parse.ts';
import { parseJsonlLine } from '../transcript/jsonl.ts';
import { baseName, type IndexedFile, type WorkspaceIndex } from '../workspace/index.ts';
import { reportOfLine, type StreamedLine } from '../workspace/lineReport.ts';
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

export interface WorkspaceAgreementOptions {
  /**
   * Whether the disagreements and the unmatched labels are listed (the panel shows them); without
   * them, as for the rows alone, no label is kept beyond its file's line.
   */
  readonly keepLabels?: boolean;
}

/**
 * The agreement over every transcript of the workspace. Files are measured one at a time, and a
 * dataset one line at a time, each read as the diagnostics read it; what is kept between them is the
 * rows' counts (and, when asked, the labels of the disagreements), never a file's findings or
 * conversations.
 */
export function workspaceAgreement(index: WorkspaceIndex, options: WorkspaceAgreementOptions = {}): WorkspaceAgreement {
  const steps = workspaceAgreementSteps(index, options);
  for (;;) {
    const step = steps.next();
    if (step.done) return step.value;
  }
}

/**
 * {@link workspaceAgreement} taken a part at a time: the generator stops after each file and each
 * line of a dataset, and returns the agreement when the workspace is measured. The server's glue
 * runs it in slices, so that measuring a workspace of large datasets never holds up a request.
 */
export function* workspaceAgreementSteps(index: WorkspaceIndex, options: WorkspaceAgreementOptions = {}): Generator<void, WorkspaceAgreement> {
  const keepLabels = options.keepLabels ?? true;
  const ruleset = index.ruleset();
  const loaded = index.constitutions();
  const tally = new AgreementTally(knownClauses(loaded, ruleset), undefined, { keepLabels });
  const pairs: Mutable<PairAgreement> = { pairs: 0, rejectedMore: 0, chosenMore: 0, equal: 0 };
  const lines = new Map<string, IndexedFile['lines']>();
  let labels = 0;
  let files = 0;
  for (const file of index.files()) {
    // A file that cannot hold a label (no label or review note, no label field, no preference pair)
    // adds nothing to the measure, so it is neither parsed whole nor checked here.
    if (file.kind !== 'transcript') continue;
    yield;
    const streamed = index.streamedLines(file.uri);
    if (!(streamed ? someLine(streamed, (l) => mayHoldLabels.test(l.text)) : mayHoldLabels.test(file.text)) || !index.holdsTranscript(file.uri)) continue;
    const jsonl = streamed ? undefined : index.jsonlLines(file.uri);
    const parts = streamed ? jsonlParts(file.uri, streamedLines(index.streamedLines(file.uri) ?? [], ruleset)) : jsonl ? jsonlParts(file.uri, modelLines(jsonl, ruleset)) : wholeFileParts(index, file);
    let own = 0;
    for (const part of parts) {
      own += part.labels.length;
      const verdicts = part.verdicts();
      tally.add(part.labels, onLabelledTurns(verdicts, part.labels), part.line);
      if (part.pairs.length > 0) addPairs(pairs, pairAgreement(part.pairs, verdicts));
      yield;
    }
    tally.endFile();
    labels += own;
    if (own > 0) {
      files++;
      if (keepLabels) lines.set(file.uri, file.lines);
    }
  }
  const measured = tally.result();
  const place = (label: Label): PlacedLabel => ({
    uri: label.file ?? '',
    range: lines.get(label.file ?? '')!.rangeOf(label.span ?? { start: 0, end: 0 }),
    conversation: label.conversation,
    ...(label.side ? { side: label.side } : {}),
    turn: label.turn,
    verdict: label.verdict,
    ...(label.clause ? { clause: label.clause } : {}),
    ...(label.rule ? { rule: label.rule } : {}),
    reason: label.reason,
  });
  return {
    constitutions: loaded.map((l) => ({ uri: l.uri, name: l.constitution.name })),
    labels,
    files,
    clauses: measured.clauses,
    rules: measured.rules,
    disagreements: measured.disagreements.map((d) => ({ constitution: d.constitution, clause: d.clause, flagged: d.flagged, label: place(d.label) })),
    unmatched: measured.unmatched.map((u) => ({ reason: u.reason, label: place(u.label) })),
    ...(pairs.pairs > 0 ? { pairs } : {}),
  };
}

type Mutable<T> = { -readonly [K in keyof T]: T[K] };

function addPairs(into: Mutable<PairAgreement>, more: PairAgreement): void {
  into.pairs += more.pairs;
  into.rejectedMore += more.rejectedMore;
  into.chosenMore += more.chosenMore;
  into.equal += more.equal;
}

const turnOf = (t: { conversation: number; side?: string; turn: number }) => `${t.conversation}/${t.side ?? ''}/${t.turn}`;

/** The verdicts a part's labels are judged by: those on a labelled turn (a part is one file's). */
function onLabelledTurns(verdicts: readonly JudgeVerdict[], labels: readonly Label[]): JudgeVerdict[] {
  if (labels.length === 0) return [];
  const labelled = new Set(labels.map(turnOf));
  return verdicts.filter((v) => labelled.has(turnOf(v)));
}

/**
 * A part of one file that the measure takes at once: every label of its turns, each with the span it
 * is shown at (absolute in the file), the detectors' verdicts on its turns, and its preference pairs.
 * The verdicts are worked out only when asked, which is only where the part has a label or a pair.
 */
interface AgreementPart {
  readonly labels: readonly Label[];
  readonly pairs: ReadonlyArray<{ file: string; conversation: number }>;
  /** Whether the part is a line of a file taken a line at a time. */
  readonly line: boolean;
  verdicts(): readonly JudgeVerdict[];
}

/** A transcript read whole: one part. */
function* wholeFileParts(index: WorkspaceIndex, file: IndexedFile): Generator<AgreementPart> {
  const conversations = file.transcript?.conversations ?? [];
  const pairs: Array<{ file: string; conversation: number }> = [];
  for (const c of conversations) if (c.side === 'rejected') pairs.push({ file: file.uri, conversation: c.index });
  const labels = fileLabels(file.uri, file.text, isJsonlFileName(baseName(file.uri)), conversations).map((label) => ({
    ...label,
    span: labelSpan(label, conversations.find((c) => c.index === label.conversation && c.side === label.side)),
  }));
  yield { labels, pairs, line: false, verdicts: () => (labels.length > 0 || pairs.length > 0 ? detectorVerdicts(file.uri, conversations, index.findings(file.uri)) : []) };
}

/**
 * A JSONL transcript, one line at a time: each line's labels, verdicts and pairs come from the line
 * alone (its report, counted from its start) and are placed at the line; the measure orders them as
 * the file read whole gives them.
 */
function* jsonlParts(uri: string, lines: Iterable<AgreementLine>): Generator<AgreementPart> {
  for (const line of lines) {
    const { conversations, start, index, text } = line;
    if (conversations.length === 0) continue;
    const notes: Label[] = [];
    const records: Label[] = [];
    for (const l of fileLabels(uri, text, true, conversations)) {
      // A record's label carries the place it is shown at (its turn), which the line alone knows.
      const span = labelSpan(l, conversations.find((c) => c.side === l.side));
      (l.source === LabelSource.record ? records : notes).push({ ...l, conversation: index, span: { start: span.start + start, end: span.end + start } });
    }
    const pairs: Array<{ file: string; conversation: number }> = [];
    for (const c of conversations) if (c.side === 'rejected') pairs.push({ file: uri, conversation: index });
    const labels = notes.concat(records);
    const verdicts = (): JudgeVerdict[] =>
      labels.length > 0 || pairs.length > 0 ? detectorVerdicts(uri, conversations, line.findings()).map((v) => ({ ...v, conversation: index })) : [];
    yield { labels, pairs, line: true, verdicts };
  }
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

/** The lines of a JSONL file read again from disk, each parsed as it is read and checked only when asked. */
function* streamedLines(lines: Iterable<StreamedLine>, ruleset: Ruleset): Generator<AgreementLine> {
  for (const line of lines) {
    const parsed = parseJsonlLine(line.text, 0, 0);
    yield { text: line.text, start: line.start, index: line.index, conversations: parsed.conversations, findings: () => lineFindings(parsed, ruleset) };
  }
}

/** A line's findings, none where the detectors fail on it, as the diagnostics take them. */
function lineFindings(parsed: ReturnType<typeof parseJsonlLine>, ruleset: Ruleset): readonly Finding[] {
  try {
    return reportOfLine(parsed, ruleset).findings;
  } catch {
    return [];
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
