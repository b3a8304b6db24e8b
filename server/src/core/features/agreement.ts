/**
 * "Show Agreement": the detectors measured against the labels of every transcript in the workspace,
 * per clause and per rule, with each disagreement and each unmatched label placed in its file, so the
 * panel can link to the turn.
 */
import type { Range } from 'vscode-languageserver-types';
import { measureAgreement, type AgreementRow, type JudgeVerdict } from '../labels/measureAgreement.ts';
import { detectorVerdicts, fileLabels, knownClauses } from '../labels/gather.ts';
import type { Label } from '../labels/labels.ts';
import { isJsonlFileName } from '../transcript/parse.ts';
import { baseName, type WorkspaceIndex } from '../workspace/index.ts';

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
    if (file.kind !== 'transcript' || !mayHoldLabels.test(file.text) || !index.holdsTranscript(file.uri)) continue;
    const conversations = file.transcript?.conversations ?? [];
    const own = fileLabels(file.uri, file.text, isJsonlFileName(baseName(file.uri)), conversations);
    if (own.length > 0) files++;
    labels.push(...own);
    verdicts.push(...detectorVerdicts(file.uri, conversations, index.findings(file.uri)));
    for (const c of conversations) if (c.side === 'rejected') pairs.push({ file: file.uri, conversation: c.index });
    places.set(file.uri, (label) => {
      const conversation = conversations.find((c) => c.index === label.conversation && c.side === label.side);
      const span = label.span ?? conversation?.turns[label.turn]?.span ?? conversation?.span ?? { start: 0, end: 0 };
      return {
        uri: file.uri,
        range: file.lines.rangeOf(span),
        conversation: label.conversation,
        ...(label.side ? { side: label.side } : {}),
        turn: label.turn,
        verdict: label.verdict,
        ...(label.clause ? { clause: label.clause } : {}),
        ...(label.rule ? { rule: label.rule } : {}),
        reason: label.reason,
      };
    });
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
