/**
 * The custom requests between the extension client and the language server, typed once and imported
 * by both sides.
 */
import { RequestType, type WorkspaceEdit } from 'vscode-languageserver-protocol';
import type { Constitution } from './core/constitution/model.ts';

export interface ConstitutionInfo {
  readonly uri: string;
  readonly name: string;
  readonly title: string;
  /** True for the bundled starter constitution, used when the workspace has none. */
  readonly starter: boolean;
  readonly constitution: Constitution;
}

/** Every constitution in force, with its parsed model. */
export const constitutionsRequest = new RequestType<void, ConstitutionInfo[], void>('constitutionLens/constitutions');

export interface ReviewEditParams {
  readonly uri: string;
  readonly conversation: number;
  readonly turn: number;
  readonly rule: string;
  readonly reason: string;
}

/** The edit that records a flag as reviewed, with its reason, in the transcript itself. */
export const reviewEditRequest = new RequestType<ReviewEditParams, WorkspaceEdit | null, void>('constitutionLens/reviewEdit');

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
