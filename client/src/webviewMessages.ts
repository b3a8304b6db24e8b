/**
 * The messages between the critique panel's webview and the extension, in both directions, as
 * discriminated unions on `type`. Both sides import this file (the webview through its bundle), so
 * a message one side sends is a message the other side knows how to read.
 */

/** A half-open range of UTF-16 offsets into the critiqued document. */
export interface PanelSpan {
  readonly start: number;
  readonly end: number;
}

export const PanelPhase = {
  streaming: 'streaming',
  done: 'done',
  error: 'error',
} as const;
export type PanelPhase = (typeof PanelPhase)[keyof typeof PanelPhase];

export interface PanelFinding {
  readonly principle: string;
  /** The clause's title, when the principle names a clause of the constitution. */
  readonly clauseTitle?: string;
  readonly quote: string;
  /** Model text: rendered as sanitised Markdown. */
  readonly critique: string;
  readonly severity: 'error' | 'warning' | 'info';
  /** Where the quote stands in the document; findings without one are not shown (they are dropped). */
  readonly span: PanelSpan;
}

export interface PanelDropped {
  readonly principle: string;
  readonly quote: string;
  readonly reason: string;
}

/** One piece of a word diff between the original turn and the revision. */
export interface DiffSegment {
  readonly kind: 'same' | 'added' | 'removed';
  readonly text: string;
}

export interface PanelUsage {
  readonly inputTokens: number;
  readonly outputTokens: number;
  readonly cacheReadTokens: number;
  readonly cacheCreationTokens: number;
}

/** A fault shown under whatever had already streamed, with the one action that comes next. */
export interface PanelError {
  readonly kind: string;
  readonly message: string;
  readonly action?: PanelAction;
}

export const PanelAction = {
  setApiKey: 'setApiKey',
  rerun: 'rerun',
} as const;
export type PanelAction = (typeof PanelAction)[keyof typeof PanelAction];

/**
 * Everything the panel shows. It is also what the webview keeps with `setState`, so it carries what
 * the extension needs to act on the panel after a window reload (the document, the turn, the spans
 * a revision replaces and the text they held).
 */
export interface PanelState {
  readonly phase: PanelPhase;
  /** A stable id of this critique run; messages about an older run are ignored. */
  readonly runId: number;
  readonly documentUri: string;
  readonly documentVersion: number;
  /** What is critiqued, for the heading ("Turn 4 (assistant) of chat.transcript"). */
  readonly subject: string;
  readonly conversationIndex: number;
  readonly turnIndex: number;
  /** For "Critique Selection": the selected source range, which a re-run cuts the turn to again. */
  readonly selection?: PanelSpan;
  readonly constitutionName: string;
  readonly model: string;
  /** The answer as it streams, shown until the findings and revision replace it. */
  readonly progressText: string;
  readonly findings: readonly PanelFinding[];
  readonly dropped: readonly PanelDropped[];
  /** The turn's readable text. */
  readonly original: string;
  readonly revision?: string;
  readonly diff?: readonly DiffSegment[];
  readonly usage?: PanelUsage;
  readonly cached?: boolean;
  readonly error?: PanelError;
  /** A one-line notice, such as why a revision was not applied. */
  readonly notice?: string;
  /** The source spans a revision replaces, with the source text each held when the critique started. */
  readonly replace: readonly { readonly span: PanelSpan; readonly source: string }[];
  /** Whether the revision must be written as the contents of a JSON string literal. */
  readonly jsonEncoded: boolean;
}

/** Messages from the extension to the webview. */
export type ToWebview =
  | { readonly type: 'state'; readonly state: PanelState }
  | { readonly type: 'progress'; readonly runId: number; readonly delta: string };

/** Messages from the webview to the extension. */
export type FromWebview =
  | { readonly type: 'ready' }
  | { readonly type: 'openClause'; readonly principle: string }
  | { readonly type: 'revealQuote'; readonly index: number }
  | { readonly type: 'applyRevision' }
  | { readonly type: 'copyRevision' }
  | { readonly type: 'rerun' }
  | { readonly type: 'cancel' }
  | { readonly type: 'action'; readonly action: PanelAction };

const fromWebviewTypes: ReadonlySet<string> = new Set(['ready', 'openClause', 'revealQuote', 'applyRevision', 'copyRevision', 'rerun', 'cancel', 'action']);

/**
 * Checks a value posted by the webview. A webview's messages cross a process boundary untyped, so
 * the extension reads nothing it has not checked.
 */
export function parseFromWebview(value: unknown): FromWebview | undefined {
  if (typeof value !== 'object' || value === null) return undefined;
  const m = value as Record<string, unknown>;
  if (typeof m.type !== 'string' || !fromWebviewTypes.has(m.type)) return undefined;
  switch (m.type) {
    case 'openClause':
      return typeof m.principle === 'string' ? { type: 'openClause', principle: m.principle } : undefined;
    case 'revealQuote':
      return Number.isInteger(m.index) && (m.index as number) >= 0 ? { type: 'revealQuote', index: m.index as number } : undefined;
    case 'action':
      return m.action === PanelAction.setApiKey || m.action === PanelAction.rerun ? { type: 'action', action: m.action } : undefined;
    default:
      return { type: m.type as 'ready' | 'applyRevision' | 'copyRevision' | 'rerun' | 'cancel' };
  }
}

/** Whether a value restored by the webview's `getState` (or a serializer) is a panel state. */
export function isPanelState(value: unknown): value is PanelState {
  if (typeof value !== 'object' || value === null) return false;
  const s = value as Record<string, unknown>;
  return (
    typeof s.phase === 'string' &&
    typeof s.documentUri === 'string' &&
    typeof s.runId === 'number' &&
    Array.isArray(s.findings) &&
    Array.isArray(s.replace) &&
    typeof s.original === 'string'
  );
}
