/**
 * The public shape of a model critique: what a caller (the VS Code panel, the CLI, the batch runner)
 * sends, the events it receives while the answer streams, the result, and the faults. This file is the
 * contract between the critique engine and its front ends; fields are only ever added to it.
 */
import type { Constitution } from '../core/constitution/model.ts';
import type { RawFindingShape } from '../core/critique/answer.ts';
import type { Severity } from '../core/problem.ts';
import type { Span } from '../core/text.ts';
import type { Conversation } from '../core/transcript/model.ts';
import type { Wording } from './errors.ts';

/** What to critique: one turn of a conversation, against the clauses of a constitution. */
export interface CritiqueRequest {
  /** Model id, e.g. `claude-sonnet-5-5` (a setting in the editor, `--model` on the command line). */
  readonly model: string;
  readonly maxTokens: number;
  readonly constitution: Constitution;
  /** The clauses to send; all of the constitution's clauses when absent. */
  readonly clauseIds?: readonly string[];
  readonly conversation: Conversation;
  /** Index of the turn under critique in `conversation.turns`. Earlier turns are sent as context. */
  readonly turnIndex: number;
  /** The whole source document the conversation came from; spans in the model index into it. */
  readonly documentText: string;
  /**
   * A precomputed cache key ({@link critiqueCacheKey} in `cacheKey.ts`). When absent and a cache is
   * given, the engine computes it from the request.
   */
  readonly cacheKey?: string;
}

/** The severities a model may give a finding. */
export type FindingSeverity = Extract<Severity, 'error' | 'warning' | 'info'>;

/** One finding of the model, its quote located in the turn. */
export interface CritiqueFinding {
  /** The clause id the finding cites. */
  readonly principle: string;
  /** The words quoted from the turn, as the model gave them. */
  readonly quote: string;
  readonly critique: string;
  readonly severity: FindingSeverity;
  /** Where the quote stands in the source document (escapes included); absent only before location. */
  readonly span?: Span;
  /** Offset of the quote in the turn's readable text (`turnText(turn)`). */
  readonly turnOffset?: number;
}

/** A finding that could not be placed in the turn, with the reason, shown apart and never underlined. */
export interface DroppedFinding {
  readonly finding: RawFinding;
  readonly reason: string;
}

/** A finding as the model wrote it, before its quote is located. */
export type RawFinding = RawFindingShape;

/** Token usage of one critique (zeros for a result served from cache are not reported: `cached` says so). */
export interface CritiqueUsage {
  readonly input_tokens: number;
  readonly output_tokens: number;
  readonly cache_creation_input_tokens: number;
  readonly cache_read_input_tokens: number;
}

export interface CritiqueResult {
  readonly findings: readonly CritiqueFinding[];
  readonly dropped: readonly DroppedFinding[];
  readonly revision: string;
  readonly usage: CritiqueUsage;
  readonly model: string;
  /** True when the result came from the critique cache and no request was sent. */
  readonly cached: boolean;
}

export const CritiqueErrorKind = {
  noKey: 'no-key',
  auth: 'auth',
  rateLimit: 'rate-limit',
  overloaded: 'overloaded',
  timeout: 'timeout',
  network: 'network',
  cancelled: 'cancelled',
  badResponse: 'bad-response',
  /** The request could not be built or the endpoint refused it as malformed (400, 404, ...). */
  badRequest: 'bad-request',
  untrusted: 'untrusted',
} as const;
export type CritiqueErrorKind = (typeof CritiqueErrorKind)[keyof typeof CritiqueErrorKind];

/** A fault of a critique, in plain words that name the next step. */
export interface CritiqueError {
  readonly kind: CritiqueErrorKind;
  readonly message: string;
  /** For rate limits: how long the endpoint asked to wait. */
  readonly retryAfterSeconds?: number;
  /** The HTTP status, when the endpoint answered. */
  readonly status?: number;
}

/** Events of a streaming critique, in the order they occur: started, text and findings interleaved, revision, usage, then done or error. */
export type CritiqueEvent =
  | { readonly type: 'started'; readonly model: string }
  /** Raw JSON text as it arrives, for a progress view. */
  | { readonly type: 'text'; readonly delta: string }
  /** A finding whose JSON object has completed, already located (or dropped: see `dropped`). */
  | { readonly type: 'finding'; readonly finding: CritiqueFinding }
  | { readonly type: 'dropped'; readonly dropped: DroppedFinding }
  | { readonly type: 'revision'; readonly text: string }
  | { readonly type: 'usage'; readonly usage: CritiqueUsage }
  | { readonly type: 'done'; readonly result: CritiqueResult }
  | { readonly type: 'error'; readonly error: CritiqueError };

/** Where finished critiques are kept, keyed by {@link CritiqueRequest.cacheKey}. */
export interface CritiqueCache {
  get(key: string): Promise<CritiqueResult | undefined>;
  set(key: string, result: CritiqueResult): Promise<void>;
}

export interface CritiqueOptions {
  /** The key; without one the critique ends at once with a `no-key` error. */
  readonly apiKey?: string;
  /** An Anthropic-compatible endpoint; the SDK's default otherwise. Callers in an untrusted workspace pass none. */
  readonly baseURL?: string;
  readonly signal?: AbortSignal;
  readonly onEvent?: (event: CritiqueEvent) => void;
  readonly cache?: CritiqueCache;
  /** Retries of 429, 529 and connection faults, honouring `retry-after` (default 2). */
  readonly maxRetries?: number;
  /** Per-request timeout in milliseconds (default 120 000). */
  readonly timeoutMs?: number;
  /** How this front end names the key, the model and the endpoint in its messages (the editor's words by default). */
  readonly wording?: Wording;
}

/**
 * The outcome of {@link critiqueTurn}: the promise never rejects for an API fault, it resolves to
 * `{ok: false, error}` instead (and an `error` event is emitted), so a caller handles faults with a
 * plain branch and nothing is half-returned.
 */
export type CritiqueOutcome =
  | { readonly ok: true; readonly result: CritiqueResult }
  | { readonly ok: false; readonly error: CritiqueError };
