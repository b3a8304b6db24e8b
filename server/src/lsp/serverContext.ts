/**
 * What every feature registration is handed: the workspace index, the open documents, settings, and
 * the one place where handlers are run safely.
 */
import type { CancellationToken, ResponseError } from 'vscode-languageserver';
import type { WorkspaceIndex } from '../core/workspace/index.ts';
import type { OpenDocuments } from './documents.ts';
import type { ReviewerAgreement } from './reviewerAgreement.ts';
import type { Settings } from './settings.ts';

export interface ServerContext {
  readonly index: WorkspaceIndex;
  /** Settles once the workspace folders have been read into the index for the first time. */
  readonly indexed: Promise<void>;
  /** The rules the reviewers seldom agree with, shown one severity lower. */
  readonly reviewers: ReviewerAgreement;
  readonly documents: OpenDocuments;
  log(message: string): void;
  /** Runs a handler with cancellation and errors handled: a throw is logged and answers `fallback`. */
  runSafe<T>(name: string, token: CancellationToken | undefined, fn: () => T | Promise<T>, fallback: T): Promise<T | ResponseError<void>>;
  /** Asks the client to pull diagnostics again (after a constitution or a setting changed). */
  refreshDiagnostics(): void;
  /**
   * How many milliseconds the first pull of a large open document may take before it answers with
   * the lines checked so far; undefined when the client cannot be asked to pull again, and every
   * pull is answered in full.
   */
  readonly diagnosticsBudgetMs: number | undefined;
  settings(uri: string | undefined): Promise<Settings>;
}
