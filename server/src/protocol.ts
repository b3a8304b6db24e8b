/**
 * The custom requests between the extension client and the language server, typed once and imported
 * by both sides (the client as `@lens/protocol`). Requests are named by method and typed by the interfaces beside them: the client and
 * the server libraries ship different versions of vscode-jsonrpc, whose `RequestType` classes do not
 * mix, while method names do.
 */
import type { WorkspaceEdit } from 'vscode-languageserver-types';
import type { Constitution } from './core/constitution/model.ts';
import type { ConversationPage, EntryView } from './core/features/conversationView.ts';

// What the client needs to read what the server sends: the scheme of an `.eval` sample's view, and the
// flags that a diagnostics report's last notice counts.
export { evalSampleScheme } from './core/transcript/evalUri.ts';
export { countFindings } from './core/features/diagnosticLimit.ts';

/**
 * The Node options the server runs under, wherever it is started: by the client, and by the tests and
 * benches that drive it, so that they measure what users run. The server is long-lived and its live
 * data is small (a workspace's files are read again, not kept), while walking a workspace makes much
 * short-lived garbage: a young generation of 8 MB semi-spaces, where V8 would otherwise grow it to
 * 16 MB on a machine with this much memory, keeps that garbage from sitting in memory between
 * collections, and each collection stays short. `--max-semi-space-size` is one of Node's documented
 * options for tuning its collector.
 */
export const serverNodeOptions: readonly string[] = ['--max-semi-space-size=8'];

export interface ConstitutionInfo {
  readonly uri: string;
  readonly name: string;
  readonly title: string;
  /** True for the bundled starter constitution, used when the workspace has none. */
  readonly starter: boolean;
  readonly constitution: Constitution;
}

/** Every constitution in force, with its parsed model. */
export const constitutionsRequest = 'constitutionLens/constitutions';
export type ConstitutionsResult = ConstitutionInfo[];

export interface ReviewEditParams {
  readonly uri: string;
  readonly conversation: number;
  readonly turn: number;
  readonly rule: string;
  readonly reason: string;
}

/** The edit that records a flag as reviewed, with its reason, in the transcript itself. */
export const reviewEditRequest = 'constitutionLens/reviewEdit';
export type ReviewEditResult = WorkspaceEdit | null;

/** The "Label turn…" action's command argument, and the request that returns the label note's edit. */
export { labelEditRequest, type LabelEditParams, type LabelTurnArgs } from './core/features/codeActions.ts';
export type LabelEditResult = WorkspaceEdit | null;

/** The detectors measured against the reviewers' labels of every transcript in the workspace. */
export const agreementRequest = 'constitutionLens/agreement';
export type { WorkspaceAgreement as AgreementResult } from './core/features/agreement.ts';

/** Arguments of the `constitutionLens.showReferences` command that code lenses carry (LSP shapes). */
export interface ShowReferencesArgs {
  readonly uri: string;
  readonly position: { line: number; character: number };
  readonly locations: { uri: string; range: { start: { line: number; character: number }; end: { line: number; character: number } } }[];
}

/** Arguments of the `constitutionLens.markReviewed` command that the "Mark as reviewed…" action carries. */
export interface MarkReviewedArgs {
  readonly uri: string;
  readonly conversation: number;
  readonly turn: number;
  readonly rule: string;
}

/**
 * Server-side timings of the last edit and the last diagnostics pull per document, for benches and
 * tests: answered only by a server started with `stats: true` in its initialization options.
 */
export const statsRequest = 'constitutionLens/stats';
export interface StatsParams {
  readonly uri: string;
}
export interface DocumentStats {
  /** Milliseconds the server spent on the last `didChange` (the document update and the index's). */
  readonly changeMs?: number;
  /** Of which applying the changes to the document's text. */
  readonly documentUpdateMs?: number;
  /** Milliseconds the last pull of the document's diagnostics took to compute, before sending. */
  readonly diagnosticsMs?: number;
  /** Whether the last pull answered with every diagnostic, or with those of the lines checked within its time budget. */
  readonly diagnosticsComplete?: boolean;
  /** How many diagnostics the last pull found, before the report's limit. */
  readonly diagnosticsFound?: number;
  /** Milliseconds of work the server spent finishing a large document's diagnostics after its first pull. */
  readonly finishMs?: number;
  /** Milliseconds from the first pull's answer until the rest of the document was checked, pauses for other requests included. */
  readonly finishedAfterMs?: number;
  /** Milliseconds the server spent on the document's `didOpen`. */
  readonly openMs?: number;
}
export type StatsResult = DocumentStats;

/** A sample of an Inspect `.eval` log, as the editor lists it. */
export interface EvalSampleInfo {
  /** The URI of the sample's read-only view. */
  readonly uri: string;
  /** The archive entry, `samples/<id>_epoch_<n>.json`. */
  readonly entry: string;
  readonly id: string;
  readonly epoch: number;
  /** How many flags the sample's view has, or why the sample could not be read. */
  readonly flags?: number;
  readonly error?: string;
}

/** The samples of an `.eval` file (`{uri}` of the file), in the archive's order. */
export const evalSamplesRequest = 'constitutionLens/evalSamples';
export interface EvalSamplesParams {
  readonly uri: string;
}
export type EvalSamplesResult = { readonly samples: EvalSampleInfo[] } | { readonly error: string };

/** The text of a sample's view (`{uri}` of the view), or null when there is no such sample. */
export const evalSampleTextRequest = 'constitutionLens/evalSampleText';
export type EvalSampleTextResult = string | null;

/**
 * The reading view of one entry of a transcript (`entry`: a dataset's line or conversation, from 0;
 * without it, the first that holds a turn).
 */
export const conversationViewRequest = 'constitutionLens/conversationView';
export interface ConversationViewParams {
  readonly uri: string;
  readonly entry?: number;
}
export type ConversationViewResult = EntryView | null;

/** A page of a dataset's rows for the reading view's list, from `start`, optionally those holding `text`. */
export const conversationListRequest = 'constitutionLens/conversationList';
export interface ConversationListParams {
  readonly uri: string;
  readonly start: number;
  readonly count: number;
  readonly text?: string;
}
export type ConversationListResult = ConversationPage | null;
export type { BlockView, ConversationPage, ConversationRow, ConversationView, EntryView, FlagView, LabelView, NoteView, TurnView } from './core/features/conversationView.ts';
